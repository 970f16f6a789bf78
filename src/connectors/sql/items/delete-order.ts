import type { ResolvedItem } from '../resolve/index.js';

/**
 * Orders items so that children come before their parents: an item whose table has a foreign key to another
 * item's table runs first, so that by the time a parent row is deleted, the subject's own child rows are gone.
 * Tables in a foreign-key cycle keep their file order.
 */
export function deleteOrder(items: readonly ResolvedItem[]): ResolvedItem[] {
  const tables = [...new Set(items.map((i) => i.table.name))];
  const tableInfo = new Map(items.map((i) => [i.table.name, i.table]));
  // parent -> the item tables that reference it (its children)
  const children = new Map<string, Set<string>>(tables.map((t) => [t, new Set<string>()]));
  for (const t of tables) {
    for (const fk of tableInfo.get(t)?.foreignKeys ?? []) {
      if (fk.refTable !== t && children.has(fk.refTable)) children.get(fk.refTable)?.add(t);
    }
  }
  const ordered: string[] = [];
  const done = new Set<string>();
  let remaining = [...tables];
  while (remaining.length > 0) {
    const ready = remaining.filter((t) => [...(children.get(t) ?? [])].every((c) => done.has(c)));
    const next = ready.length > 0 ? ready : [remaining[0] as string];
    for (const t of next) {
      ordered.push(t);
      done.add(t);
    }
    remaining = remaining.filter((t) => !done.has(t));
  }
  const rank = new Map(ordered.map((t, i) => [t, i]));
  return [...items].sort((a, b) => (rank.get(a.table.name) ?? 0) - (rank.get(b.table.name) ?? 0));
}
