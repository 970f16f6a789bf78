import type { EraseMode } from '../../../items/index.js';
import type { Db } from '../../engine.js';

/** What was last done to one item of a subject: an erase that succeeded, by which request and when. */
export interface DoneMark {
  mode: EraseMode;
  at: string;
  requestId: number;
}

/**
 * For each item key, the latest erase of the subject's data that succeeded (a `success` result of a purge request
 * that was not a dry run). One query for every item.
 */
export async function latestErasures(db: Db, subjectId: string): Promise<Map<string, DoneMark>> {
  const rows = await db
    .selectFrom('request_items as ri')
    .innerJoin('requests as r', 'r.id', 'ri.request_id')
    .select(['ri.item_key', 'ri.mode', 'ri.finished_at', 'ri.request_id'])
    .where('r.subject_id', '=', subjectId)
    .where('r.kind', '=', 'purge')
    .where('r.dry_run', '=', 0)
    .where('ri.status', '=', 'success')
    .where('ri.mode', 'in', ['delete', 'anonymise'])
    .execute();
  const out = new Map<string, DoneMark>();
  for (const row of rows) {
    const at = row.finished_at ?? '';
    const seen = out.get(row.item_key);
    const requestId = Number(row.request_id);
    if (!seen || at > seen.at || (at === seen.at && requestId > seen.requestId)) {
      out.set(row.item_key, { mode: row.mode as EraseMode, at, requestId });
    }
  }
  return out;
}
