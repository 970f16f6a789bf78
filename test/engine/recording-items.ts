import { type Kysely, sql } from 'kysely';
import type { Item } from '../../src/items/index.js';
import type { Database, StoreDialect } from '../../src/store/index.js';

/** Every erase call of a recording item leaves one row per subject here: the proof of what ran, where. */
export async function createInvocationTable(db: Kysely<Database>, dialect: StoreDialect): Promise<void> {
  const id = dialect === 'postgres' ? sql`serial primary key` : sql`integer primary key autoincrement`;
  await sql`create table test_invocations (id ${id}, item_key varchar(255) not null,
    subject_id varchar(255) not null, pid integer not null)`.execute(db);
}

export interface Invocation {
  item_key: string;
  subject_id: string;
  pid: number;
}

export async function readInvocations(db: Kysely<Database>): Promise<Invocation[]> {
  const result =
    await sql<Invocation>`select item_key, subject_id, pid from test_invocations order by id`.execute(db);
  return result.rows.map((r) => ({ ...r, pid: Number(r.pid) }));
}

/**
 * Items that record each invocation in `test_invocations` (in the store's own database), so that a test can count
 * how often each item ran for each subject, across processes. `hangOn` makes that item hang after recording (a
 * worker to kill in the middle of a request).
 */
export function recordingItems(
  db: Kysely<Database>,
  keys: readonly string[],
  options: { hangOn?: string } = {},
): Item[] {
  return keys.map((key, index) => {
    const [component, name] = key.split('/') as [string, string];
    return {
      component,
      name,
      group: 'Recording',
      title: key,
      help: '',
      sortOrder: index,
      modes: { delete: { statuses: ['active', 'suspended', 'deleted'] } },
      async erase(ctx) {
        for (const subject of ctx.subjects) {
          await sql`insert into test_invocations (item_key, subject_id, pid) values (${key}, ${subject.id}, ${process.pid})`.execute(
            db,
          );
        }
        if (options.hangOn === key) {
          await new Promise<void>(() => {
            setInterval(() => undefined, 60_000);
          });
        }
        return new Map(ctx.subjects.map((s) => [s.id, 1]));
      },
    } satisfies Item;
  });
}
