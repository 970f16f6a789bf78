import { LetheError } from '../errors/index.js';
import { type EraseMode, eraseModes, type Item, type ItemKey, itemKey, subjectStatuses } from './item.js';

const namePattern = /^[a-z][a-z0-9_-]*$/;

function validate(item: Item): void {
  const key = itemKey(item);
  for (const [field, value] of [
    ['component', item.component],
    ['name', item.name],
  ] as const) {
    if (typeof value !== 'string' || !namePattern.test(value)) {
      throw new LetheError(
        'LETHE_E_ITEM_INVALID',
        `Item "${key}": ${field} must be lower-case letters, digits, "_" or "-", starting with a letter.`,
        { item: key, field },
      );
    }
  }
  for (const [mode, capability] of Object.entries(item.modes)) {
    if (!eraseModes.includes(mode as EraseMode)) {
      throw new LetheError('LETHE_E_ITEM_INVALID', `Item "${key}" declares an unknown mode "${mode}".`, {
        item: key,
        mode,
      });
    }
    for (const status of capability?.statuses ?? []) {
      if (!subjectStatuses.includes(status)) {
        throw new LetheError('LETHE_E_ITEM_INVALID', `Item "${key}" allows an unknown status "${status}".`, {
          item: key,
          status,
        });
      }
    }
  }
  if (Object.keys(item.modes).length > 0 && !item.erase) {
    throw new LetheError(
      'LETHE_E_ITEM_INVALID',
      `Item "${key}" declares erase modes but no erase function.`,
      {
        item: key,
      },
    );
  }
}

/** Every item Lethe knows of, keyed `component/name`. */
export class ItemRegistry {
  readonly #items = new Map<ItemKey, Item>();

  register(item: Item): this {
    validate(item);
    const key = itemKey(item);
    if (this.#items.has(key)) {
      throw new LetheError('LETHE_E_ITEM_DUPLICATE', `Two items are registered with the key "${key}".`, {
        item: key,
      });
    }
    this.#items.set(key, item);
    return this;
  }

  registerAll(items: Iterable<Item>): this {
    for (const item of items) this.register(item);
    return this;
  }

  has(key: string): boolean {
    return this.#items.has(key as ItemKey);
  }

  get(key: string): Item {
    const item = this.#items.get(key as ItemKey);
    if (!item) throw new LetheError('LETHE_E_ITEM_UNKNOWN', `There is no item "${key}".`, { item: key });
    return item;
  }

  /** Every item, ordered by group, then sort order, then key. */
  list(): Item[] {
    return [...this.#items.values()].sort(
      (a, b) =>
        a.group.localeCompare(b.group) || a.sortOrder - b.sortOrder || itemKey(a).localeCompare(itemKey(b)),
    );
  }

  keys(): ItemKey[] {
    return this.list().map(itemKey);
  }

  /** The items of one component, or the one item, named by `component` or `component/name`. */
  select(selector: string): Item[] {
    if (selector.includes('/')) return [this.get(selector)];
    const found = this.list().filter((item) => item.component === selector);
    if (found.length === 0) {
      throw new LetheError('LETHE_E_ITEM_UNKNOWN', `There is no component or item "${selector}".`, {
        item: selector,
      });
    }
    return found;
  }

  get size(): number {
    return this.#items.size;
  }
}
