import { LetheError } from '../../errors/index.js';
import { type EraseMode, eraseModes, type ItemRegistry, type SubjectStatus } from '../../items/index.js';
import { checkItemKeys } from './check-item-keys.js';
import type { PurgeItem } from './purge-type.js';

/**
 * Checks a purge plan for subjects of one status and returns it in catalogue order, without repeats. Refuses an item
 * listed twice with different modes (LETHE_E_INVALID_INPUT), an unknown item (LETHE_E_ITEM_UNKNOWN), a mode the item
 * can't erase in (LETHE_E_MODE_UNSUPPORTED) and a mode that does not allow the status (LETHE_E_STATUS_NOT_ALLOWED).
 * Each error names the item.
 */
export function checkPurgeItems(
  registry: ItemRegistry,
  status: SubjectStatus,
  items: readonly { key: string; mode: string }[],
): PurgeItem[] {
  const modes = new Map<string, string>();
  for (const { key, mode } of items) {
    const earlier = modes.get(key);
    if (earlier !== undefined && earlier !== mode) {
      throw new LetheError(
        'LETHE_E_INVALID_INPUT',
        `Item "${key}" is listed twice, with modes "${earlier}" and "${mode}": choose one.`,
        { item: key, modes: [earlier, mode] },
      );
    }
    modes.set(key, mode);
  }
  const keys = checkItemKeys(registry, [...modes.keys()]);
  return keys.map((key) => {
    const mode = modes.get(key) ?? '';
    const item = registry.get(key);
    const capability = eraseModes.includes(mode as EraseMode) ? item.modes[mode as EraseMode] : undefined;
    if (!capability) {
      const supported = Object.keys(item.modes);
      throw new LetheError(
        'LETHE_E_MODE_UNSUPPORTED',
        `Item "${key}" can't be erased in mode "${mode}": ${
          supported.length > 0 ? `it supports ${supported.join(' and ')}` : 'it has no erase modes'
        }.`,
        { item: key, mode, supported },
      );
    }
    if (!capability.statuses.includes(status)) {
      throw new LetheError(
        'LETHE_E_STATUS_NOT_ALLOWED',
        `Item "${key}" does not allow mode "${mode}" for ${status} subjects: ${
          capability.statuses.length > 0
            ? `only for ${capability.statuses.join(' and ')} subjects`
            : 'not for any status'
        }.`,
        { item: key, mode, status, allowed: [...capability.statuses] },
      );
    }
    return { key, mode: mode as EraseMode };
  });
}
