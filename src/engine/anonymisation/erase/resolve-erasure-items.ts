import { LetheError } from '../../../errors/index.js';
import {
  type EraseMode,
  type Item,
  type ItemRegistry,
  itemKey,
  type SubjectStatus,
} from '../../../items/index.js';
import type { PlanStep } from '../../requests/index.js';

/** An item of a chosen component that the erasure leaves out, and why. */
export interface SkippedItem {
  key: string;
  reason: string;
}

export interface ResolvedErasure {
  /** The steps to run, in catalogue order, without repeats. */
  plan: PlanStep[];
  /** Items of the chosen components that cannot be erased in this mode, or not for this status. */
  skipped: SkippedItem[];
}

function whyNot(
  item: Item,
  mode: EraseMode,
  status: SubjectStatus,
): { code: 'mode' | 'status'; reason: string } | undefined {
  const capability = item.modes[mode];
  if (!capability) {
    const supported = Object.keys(item.modes);
    return {
      code: 'mode',
      reason: `it can't be erased in mode "${mode}" (${
        supported.length > 0 ? `it supports ${supported.join(' and ')}` : 'it has no erase modes'
      })`,
    };
  }
  if (!capability.statuses.includes(status)) {
    return {
      code: 'status',
      reason: `mode "${mode}" is allowed only for ${
        capability.statuses.length > 0 ? capability.statuses.join(' and ') : 'no'
      } subjects, not ${status}`,
    };
  }
  return undefined;
}

/**
 * Turns the admin's choice (components, such as `forum`, and single items, such as `blog/posts`) into a plan for
 * one mode. A single item must support the mode for the subject's status, or it is refused
 * (LETHE_E_MODE_UNSUPPORTED, LETHE_E_STATUS_NOT_ALLOWED, naming it). A component contributes the items that can;
 * the others are listed as skipped, and a component where none can is refused the same way. An unknown component
 * or item is LETHE_E_ITEM_UNKNOWN, naming every unknown one.
 */
export function resolveErasureItems(
  registry: ItemRegistry,
  selectors: readonly string[],
  mode: EraseMode,
  status: SubjectStatus,
): ResolvedErasure {
  const chosen = selectors.map((s) => s.trim()).filter((s) => s !== '');
  if (chosen.length === 0) {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'Choose at least one component or item to erase.', {
      field: 'items',
    });
  }
  const all = registry.list();
  const unknown = chosen.filter((s) =>
    s.includes('/') ? !registry.has(s) : !all.some((item) => item.component === s),
  );
  if (unknown.length > 0) {
    throw new LetheError(
      'LETHE_E_ITEM_UNKNOWN',
      unknown.length === 1
        ? `There is no component or item "${unknown[0]}".`
        : `There are no components or items ${unknown.map((u) => `"${u}"`).join(', ')}.`,
      { item: unknown[0], items: unknown },
    );
  }
  const keys = new Set<string>();
  const skipped = new Map<string, string>();
  for (const selector of chosen) {
    if (selector.includes('/')) {
      const item = registry.get(selector);
      const problem = whyNot(item, mode, status);
      if (problem) {
        throw new LetheError(
          problem.code === 'mode' ? 'LETHE_E_MODE_UNSUPPORTED' : 'LETHE_E_STATUS_NOT_ALLOWED',
          `Item "${selector}": ${problem.reason}.`,
          { item: selector, mode, status },
        );
      }
      keys.add(selector);
      continue;
    }
    const members = all.filter((item) => item.component === selector);
    const problems = members.map((item) => ({ item, problem: whyNot(item, mode, status) }));
    const usable = problems.filter((p) => !p.problem);
    if (usable.length === 0) {
      const statusBlocked = problems.some((p) => p.problem?.code === 'status');
      throw new LetheError(
        statusBlocked ? 'LETHE_E_STATUS_NOT_ALLOWED' : 'LETHE_E_MODE_UNSUPPORTED',
        statusBlocked
          ? `No item of component "${selector}" allows mode "${mode}" for ${status} subjects.`
          : `No item of component "${selector}" can be erased in mode "${mode}".`,
        { item: selector, mode, status },
      );
    }
    for (const { item, problem } of problems) {
      const key = itemKey(item);
      if (problem) skipped.set(key, problem.reason);
      else keys.add(key);
    }
  }
  const order = new Map<string, number>(registry.keys().map((key, index) => [key, index]));
  const plan = [...keys]
    .sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
    .map((key) => ({ key, mode }));
  return {
    plan,
    skipped: [...skipped]
      .filter(([key]) => !keys.has(key))
      .sort(([a], [b]) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
      .map(([key, reason]) => ({ key, reason })),
  };
}
