import type { ItemRegistry } from '../../items/index.js';

/** The JSON stored in `known_items` when a type is saved: every item key registered now. */
export function knownItemsJson(registry: ItemRegistry): string {
  return JSON.stringify(registry.keys());
}

function parseKnown(json: string): Set<string> {
  try {
    const parsed: unknown = JSON.parse(json);
    return new Set(Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : []);
  } catch {
    return new Set();
  }
}

/** The registered item keys that a type did not know of when it was last saved, in catalogue order. */
export function newItemsOf(registry: ItemRegistry, knownJson: string): string[] {
  const known = parseKnown(knownJson);
  return registry.keys().filter((key) => !known.has(key));
}

/** Item keys in catalogue order; keys no longer registered go last, alphabetically. */
export function inCatalogueOrder(registry: ItemRegistry, keys: Iterable<string>): string[] {
  const order = new Map<string, number>(registry.keys().map((key, index) => [key, index]));
  return [...keys].sort((a, b) => {
    const ia = order.get(a) ?? Number.MAX_SAFE_INTEGER;
    const ib = order.get(b) ?? Number.MAX_SAFE_INTEGER;
    return ia - ib || a.localeCompare(b);
  });
}
