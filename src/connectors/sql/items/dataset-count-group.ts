import {
  type BatchContext,
  type BatchResult,
  type CountGroup,
  type Item,
  type ItemKey,
  itemKey,
  type SubjectRef,
} from '../../../items/index.js';
import type { Row, SqlConnection } from '../connection/index.js';
import { joinStatements, maxParams, type Statement, stmt } from './statement.js';
import { subjectLookup, tally } from './subject-lookup.js';

/** How many items' counts one statement of a count group holds at most. */
const maxGroupedCounts = 50;

interface GroupedCountRow extends Row {
  lethe_i: unknown;
  lethe_sid: unknown;
  lethe_n: unknown;
}

/**
 * The count group of the items built from one dataset over one connection. For a batch of one subject (the
 * personal data summary), it counts every item in one statement: a UNION ALL of each item's own count rows
 * (`countPerSubject` with `stillPersonal`), tagged with the item's place, split into a few statements only by the
 * parameter budget and `maxGroupedCounts`. The rows are added up per subject exactly as the item's own `count`
 * does, so each result equals it. A statement that fails leaves its items out (they are then counted on their own);
 * larger batches run each item's own `count`.
 */
export class DatasetCountGroup implements CountGroup {
  readonly #connection: SqlConnection;
  readonly #members = new Map<Item, (subject: SubjectRef) => Statement>();

  constructor(connection: SqlConnection) {
    this.#connection = connection;
  }

  /** Makes `item` a member: `statement` is its count of one subject as rows `lethe_sid`, `lethe_n`. */
  add(item: Item, statement: (subject: SubjectRef) => Statement): void {
    this.#members.set(item, statement);
  }

  async countAll(items: readonly Item[], ctx: BatchContext): Promise<ReadonlyMap<ItemKey, BatchResult>> {
    const out = new Map<ItemKey, BatchResult>();
    const members = [...new Set(items)].filter((i) => this.#members.has(i));
    const [subject, ...others] = ctx.subjects;
    if (!subject || others.length > 0) {
      for (const item of members) {
        if (!item.count) continue;
        try {
          out.set(itemKey(item), await item.count(ctx));
        } catch {
          // Left out: counted on its own, where its error shows.
        }
      }
      return out;
    }
    const find = subjectLookup([subject]);
    const counted: Array<{ item: Item; st: Statement }> = [];
    for (const item of members) {
      try {
        counted.push({ item, st: this.#statementOf(item, subject) });
      } catch {
        // Left out: counted on its own, where its error shows.
      }
    }
    for (const chunk of this.#chunks(counted)) {
      // Cancelled (or out of time): the rest are left out, as each item's own count would refuse to start.
      if (ctx.signal.aborted) break;
      const union = joinStatements(
        chunk.map(({ st }, i) =>
          stmt(
            `SELECT ${i} AS lethe_i, lethe_g${i}.lethe_sid AS lethe_sid, lethe_g${i}.lethe_n AS lethe_n FROM (${st.sql}) lethe_g${i}`,
            st.params,
          ),
        ),
        ' UNION ALL ',
      );
      let rows: GroupedCountRow[];
      try {
        rows = await this.#connection.query<GroupedCountRow>(union.sql, union.params);
      } catch {
        // Left out: each is counted on its own, where its error (if it is its own) shows.
        continue;
      }
      const results = chunk.map(() => new Map<string, number>());
      for (const row of rows) {
        const result = results[Number(row.lethe_i)];
        if (result) tally(find, [[row.lethe_sid, row.lethe_n]], result);
      }
      for (const [i, { item }] of chunk.entries())
        out.set(itemKey(item), results[i] ?? new Map<string, number>());
    }
    return out;
  }

  #statementOf(item: Item, subject: SubjectRef): Statement {
    const statement = this.#members.get(item);
    if (!statement) throw new Error(`${itemKey(item)} is not in this count group`);
    return statement(subject);
  }

  /** Consecutive runs of counts that fit one statement: at most `maxParams` values and `maxGroupedCounts` counts. */
  #chunks<T extends { st: Statement }>(counted: readonly T[]): T[][] {
    const out: T[][] = [];
    let current: T[] = [];
    let params = 0;
    for (const c of counted) {
      const n = c.st.params.length;
      if (current.length > 0 && (current.length >= maxGroupedCounts || params + n > maxParams)) {
        out.push(current);
        current = [];
        params = 0;
      }
      current.push(c);
      params += n;
    }
    if (current.length > 0) out.push(current);
    return out;
  }
}
