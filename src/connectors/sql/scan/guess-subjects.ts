import { nameWords } from '../check/index.js';
import type { ColumnInfo, DbSchema, TableInfo } from '../connection/index.js';
import { foreignKeysTo } from '../connection/index.js';

const userTableNames = [
  'user',
  'users',
  'account',
  'accounts',
  'member',
  'members',
  'person',
  'people',
  'persons',
  'customer',
  'customers',
  'profile',
  'profiles',
];

export interface SubjectsGuess {
  table: TableInfo;
  id: ColumnInfo;
  reasons: string[];
  username?: string;
  email?: string;
  fullName?: string[];
  status?: string;
  kind?: string;
}

function find(table: TableInfo, test: (words: string[], name: string) => boolean): string | undefined {
  return table.columns.find((c) => test(nameWords(c.name), c.name.toLowerCase()))?.name;
}

/** Guesses the table of users: named like one, holding an email, and pointed at by many foreign keys. */
export function guessSubjects(schema: DbSchema): SubjectsGuess | undefined {
  let best: { table: TableInfo; score: number; reasons: string[] } | undefined;
  for (const table of schema.tables.values()) {
    if (table.primaryKey.length !== 1) continue;
    const reasons: string[] = [];
    let score = 0;
    const words = nameWords(table.name);
    if (words.some((w) => userTableNames.includes(w))) {
      score += 10;
      reasons.push('its name');
    }
    if (find(table, (w) => w.includes('email') || w.includes('mail'))) {
      score += 5;
      reasons.push('an email column');
    }
    const fks = foreignKeysTo(schema, table.name).filter((fk) => fk.table !== table.name).length;
    if (fks > 0) {
      score += Math.min(fks, 20);
      reasons.push(`${fks} foreign keys point at it`);
    }
    if (score > 0 && (!best || score > best.score)) best = { table, score, reasons };
  }
  if (!best) return undefined;
  const table = best.table;
  const id = table.columns.find((c) => c.name === table.primaryKey[0]);
  if (!id) return undefined;
  const first = find(table, (w, n) => n === 'firstname' || n === 'first_name' || w.includes('givenname'));
  const last = find(
    table,
    (w, n) => n === 'lastname' || n === 'last_name' || w.includes('surname') || w.includes('familyname'),
  );
  const full = find(table, (_, n) =>
    ['fullname', 'full_name', 'displayname', 'display_name', 'name'].includes(n),
  );
  const fullName = first && last ? [first, last] : full ? [full] : undefined;
  const username = find(table, (_, n) => ['username', 'user_name', 'login', 'handle'].includes(n));
  const email = find(table, (_, n) => ['email', 'email_address', 'emailaddress', 'mail'].includes(n));
  const status = find(table, (_, n) => ['status', 'state'].includes(n));
  const kind = find(table, (_, n) => ['kind', 'type', 'user_type', 'usertype', 'role', 'auth'].includes(n));
  return {
    table,
    id,
    reasons: best.reasons,
    ...(username ? { username } : {}),
    ...(email ? { email } : {}),
    ...(fullName ? { fullName } : {}),
    ...(status ? { status } : {}),
    ...(kind ? { kind } : {}),
  };
}
