import { LetheError } from '../../errors/index.js';
import { type ItemRegistry, itemKey } from '../../items/index.js';
import type { ExportPlanStep } from './request-model.js';

/** At most this many components or items in one choice. */
export const maxExportSelectors = 1000;

/**
 * Turns an admin's choice of applications (components, such as `forum`) and single items (such as `blog/posts`)
 * into the steps of an export, in catalogue order and without repeats. A component contributes those of its items
 * that can export. Refusals: LETHE_E_INVALID_INPUT (no choice, a value that is not a non-empty text, a chosen item
 * that cannot export, or a component none of whose items can, naming it), LETHE_E_ITEM_UNKNOWN (naming every
 * unknown component or item).
 */
export function resolveExportItems(registry: ItemRegistry, selectors: unknown): ExportPlanStep[] {
  if (!Array.isArray(selectors) || selectors.length === 0) {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'Choose at least one component or item to export.', {
      field: 'items',
    });
  }
  if (selectors.length > maxExportSelectors) {
    throw new LetheError(
      'LETHE_E_INVALID_INPUT',
      `Choose at most ${maxExportSelectors} components or items to export.`,
      { field: 'items' },
    );
  }
  const chosen: string[] = [];
  for (const selector of selectors as unknown[]) {
    const text = typeof selector === 'string' ? selector.trim() : '';
    if (text === '') {
      throw new LetheError(
        'LETHE_E_INVALID_INPUT',
        'Each chosen item is a component (such as "forum") or an item key (such as "forum/posts").',
        { field: 'items', item: selector },
      );
    }
    if (!chosen.includes(text)) chosen.push(text);
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
  for (const selector of chosen) {
    if (selector.includes('/')) {
      if (!registry.get(selector).export) {
        throw new LetheError(
          'LETHE_E_INVALID_INPUT',
          `The item "${selector}" has no personal data to export.`,
          {
            field: 'items',
            item: selector,
          },
        );
      }
      keys.add(selector);
      continue;
    }
    const exporting = all.filter((item) => item.component === selector && item.export);
    if (exporting.length === 0) {
      throw new LetheError(
        'LETHE_E_INVALID_INPUT',
        `No item of the component "${selector}" has personal data to export.`,
        { field: 'items', item: selector },
      );
    }
    for (const item of exporting) keys.add(itemKey(item));
  }
  return registry
    .keys()
    .filter((key) => keys.has(key))
    .map((key) => ({ key, mode: 'export' as const }));
}
