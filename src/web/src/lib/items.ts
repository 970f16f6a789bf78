import type { EraseMode, Item, SubjectStatus } from '../api/types';

export interface ItemGroup {
  /** The component ("application"), such as `forum`. */
  component: string;
  /** Its label, such as "Activity: Forum". */
  label: string;
  items: Item[];
}

/** Items grouped by component, in catalogue order (sortOrder, then key). */
export function groupItems(items: readonly Item[]): ItemGroup[] {
  const sorted = [...items].sort((a, b) => a.sortOrder - b.sortOrder || a.key.localeCompare(b.key));
  const groups = new Map<string, ItemGroup>();
  for (const item of sorted) {
    let group = groups.get(item.component);
    if (!group) {
      group = { component: item.component, label: item.group || item.component, items: [] };
      groups.set(item.component, group);
    }
    group.items.push(item);
  }
  // Components that share a group label ("User" for user, files and notes) are told apart by their name.
  const all = [...groups.values()];
  const shared = new Set(all.map((g) => g.label).filter((label, i, labels) => labels.indexOf(label) !== i));
  for (const group of all) {
    if (shared.has(group.label) && group.label.toLowerCase() !== group.component) {
      group.label = `${group.label}: ${group.component}`;
    }
  }
  return all;
}

export const modeLabels: Record<EraseMode, string> = { delete: 'Delete', anonymise: 'Anonymize' };

export type Availability = { allowed: true } | { allowed: false; reason: string };

/** Whether an item may be erased in a mode while its subject has a status, and the reason if not. */
export function modeAvailability(item: Item, mode: EraseMode, status: SubjectStatus): Availability {
  const capability = item.modes[mode];
  if (!capability) {
    return {
      allowed: false,
      reason: `${item.title} can't be ${mode === 'delete' ? 'deleted' : 'anonymized'}.`,
    };
  }
  if (!capability.statuses.includes(status)) {
    return {
      allowed: false,
      reason:
        capability.statuses.length > 0
          ? `${modeLabels[mode]} is allowed only for ${capability.statuses.join(' and ')} users, not ${status}.`
          : `${modeLabels[mode]} is not allowed for any user status.`,
    };
  }
  return { allowed: true };
}

/** The modes an item allows for a status. */
export function allowedModes(item: Item, status: SubjectStatus): EraseMode[] {
  return (['anonymise', 'delete'] as const).filter((m) => modeAvailability(item, m, status).allowed);
}

/** Why an item can't be used at all by a purge type for this status, or null if some mode allows it. */
export function unavailableReason(item: Item, status: SubjectStatus): string | null {
  if (allowedModes(item, status).length > 0) return null;
  const modes = Object.keys(item.modes) as EraseMode[];
  if (modes.length === 0) return 'This item can only be exported: it cannot be erased.';
  const reasons = modes.map((m) => modeAvailability(item, m, status)).filter((a) => !a.allowed);
  return reasons.map((a) => (a.allowed ? '' : a.reason)).join(' ');
}
