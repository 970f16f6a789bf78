import { describe, expect, it } from 'vitest';
import type { Item } from './item.js';
import { ItemRegistry } from './item-registry.js';

function item(component: string, name: string, extra: Partial<Item> = {}): Item {
  return { component, name, group: 'Test', title: name, help: '', sortOrder: 0, modes: {}, ...extra };
}

describe('ItemRegistry', () => {
  it('refuses two items with the same key, naming the key', () => {
    const registry = new ItemRegistry().register(item('forum', 'posts'));
    expect(() => registry.register(item('forum', 'posts'))).toThrow(
      expect.objectContaining({
        code: 'LETHE_E_ITEM_DUPLICATE',
        message: expect.stringContaining('forum/posts'),
      }),
    );
  });

  it('names an unknown key', () => {
    expect(() => new ItemRegistry().get('nope/never')).toThrow(
      expect.objectContaining({
        code: 'LETHE_E_ITEM_UNKNOWN',
        message: expect.stringContaining('nope/never'),
      }),
    );
  });

  it('refuses modes without an erase function and malformed keys', () => {
    const registry = new ItemRegistry();
    expect(() =>
      registry.register(item('forum', 'posts', { modes: { delete: { statuses: ['deleted'] } } })),
    ).toThrow(expect.objectContaining({ code: 'LETHE_E_ITEM_INVALID' }));
    expect(() => registry.register(item('Forum; drop', 'posts'))).toThrow(
      expect.objectContaining({ code: 'LETHE_E_ITEM_INVALID' }),
    );
  });

  it('lists by group and sort order, and selects by component', () => {
    const registry = new ItemRegistry().registerAll([
      item('user', 'email', { group: 'User', sortOrder: 2 }),
      item('user', 'names', { group: 'User', sortOrder: 1 }),
      item('forum', 'posts', { group: 'Activity: Forum' }),
    ]);
    expect(registry.keys()).toEqual(['forum/posts', 'user/names', 'user/email']);
    expect(registry.select('user').map((i) => i.name)).toEqual(['names', 'email']);
    expect(registry.select('forum/posts')).toHaveLength(1);
    expect(() => registry.select('blog')).toThrow(expect.objectContaining({ code: 'LETHE_E_ITEM_UNKNOWN' }));
  });
});
