import { sql } from 'kysely';
import type { Db, Engine } from '../engine.js';
import { type RequestRow, type RequestStep, requestSteps, stepsKey } from '../requests/index.js';

const chunk = 1000;

/**
 * Writes an `error` result with this message for every step of these requests that has no result yet (a request
 * that failed before those items finished); the results already written are kept. Set-based: the steps are read
 * once per type (or plan), and each step is ONE insert for up to 1,000 requests, whatever the batch's size.
 * Call it inside the transaction that ends the requests.
 */
export async function failRemainingItems(
  engine: Engine,
  db: Db,
  rows: readonly RequestRow[],
  message: string,
  finishedAt: string,
): Promise<void> {
  const stepsOf = new Map<string, RequestStep[]>();
  const byStep = new Map<string, { step: RequestStep; ids: number[] }>();
  for (const row of rows) {
    const key = stepsKey(row);
    let steps = stepsOf.get(key);
    if (!steps) {
      steps = await requestSteps(engine, db, row);
      stepsOf.set(key, steps);
    }
    for (const step of steps) {
      const id = `${step.key}\n${step.mode}`;
      const entry = byStep.get(id) ?? { step, ids: [] };
      entry.ids.push(Number(row.id));
      byStep.set(id, entry);
    }
  }
  for (const { step, ids } of byStep.values()) {
    for (let i = 0; i < ids.length; i += chunk) {
      const part = ids.slice(i, i + chunk);
      await sql`insert into request_items
          (request_id, item_key, mode, status, count, message, started_at, finished_at, duration_ms)
        select r.id, cast(${step.key} as varchar(255)), cast(${step.mode} as varchar(16)),
          cast(${'error'} as varchar(16)), 0, cast(${message} as text), cast(null as varchar(32)),
          cast(${finishedAt} as varchar(32)), cast(null as integer)
        from requests r
        where r.id in (${sql.join(part)})
        on conflict (request_id, item_key) do nothing`.execute(db);
    }
  }
}
