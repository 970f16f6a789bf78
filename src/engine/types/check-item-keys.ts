import { LetheError } from '../../errors/index.js';
import type { ItemRegistry } from '../../items/index.js';

/** The distinct keys, in catalogue order; any key that is not registered is refused, all of them named. */
export function checkItemKeys(registry: ItemRegistry, keys: readonly string[]): string[] {
  const distinct = [...new Set(keys)];
  const unknown = distinct.filter((key) => !registry.has(key));
  if (unknown.length > 0) {
    throw new LetheError(
      'LETHE_E_ITEM_UNKNOWN',
      unknown.length === 1
        ? `There is no item "${unknown[0]}".`
        : `There are no items ${unknown.map((k) => `"${k}"`).join(', ')}.`,
      { item: unknown[0], items: unknown },
    );
  }
  const order = new Map<string, number>(registry.keys().map((key, index) => [key, index]));
  return distinct.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
}
