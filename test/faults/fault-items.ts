import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import type { ExportRecord, Item, SubjectContext } from '../../src/items/index.js';
import type { Database } from '../../src/store/index.js';

/**
 * How a fault item behaves, in erase and in export alike: `ok` succeeds, `gate` waits for the file
 * `<gateDir>/<subject id>` (without touching the store, so a test can cut the worker's connections meanwhile),
 * `hang` never returns (and ignores its signal, as a stuck call would), `throw` throws every time.
 */
export type FaultKind = 'ok' | 'gate' | 'hang' | 'throw';

export interface FaultItemSpec {
  key: string;
  kind: FaultKind;
}

export interface FaultItemOptions {
  /** Where `gate` items look for their subject's gate file. */
  gateDir?: string;
}

/** The message a `throw` item fails with. */
export function brokenMessage(key: string): string {
  return `${key} is broken: it throws every time.`;
}

async function behave(key: string, kind: FaultKind, subjectId: string, options: FaultItemOptions) {
  if (kind === 'throw') throw new Error(brokenMessage(key));
  if (kind === 'hang') await new Promise<never>(() => undefined);
  if (kind === 'gate') {
    const gate = join(options.gateDir ?? '', subjectId);
    while (!existsSync(gate)) await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Items that record each call in `test_invocations` (see test/engine/recording-items.ts: create the table first),
 * then behave as their kind says. Each exports two records per subject.
 */
export function faultItems(
  db: Kysely<Database>,
  specs: readonly FaultItemSpec[],
  options: FaultItemOptions = {},
): Item[] {
  const record = async (key: string, subjectId: string) => {
    await sql`insert into test_invocations (item_key, subject_id, pid)
      values (${key}, ${subjectId}, ${process.pid})`.execute(db);
  };
  return specs.map(({ key, kind }, index) => {
    const [component, name] = key.split('/') as [string, string];
    return {
      component,
      name,
      group: 'Faults',
      title: key,
      help: '',
      sortOrder: index,
      modes: { delete: { statuses: ['active', 'suspended', 'deleted'] } },
      async erase(ctx) {
        for (const subject of ctx.subjects) await record(key, subject.id);
        for (const subject of ctx.subjects) await behave(key, kind, subject.id, options);
        return new Map(ctx.subjects.map((s) => [s.id, 1]));
      },
      export: {
        async *records(ctx: SubjectContext): AsyncIterable<ExportRecord> {
          await record(key, ctx.subject.id);
          await behave(key, kind, ctx.subject.id, options);
          yield { item: key, subject: ctx.subject.id, n: 1 };
          yield { item: key, subject: ctx.subject.id, n: 2 };
        },
      },
    } satisfies Item;
  });
}
