import type { Engine } from '../engine.js';
import { genesisHash, hashEvent } from './audit-event.js';

export interface AuditProblem {
  seq: number;
  problem: 'changed' | 'missing' | 'broken-link' | 'head-mismatch';
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  problems: AuditProblem[];
}

const pageSize = 5000;

/** Walks the whole chain and reports every event that was changed or deleted, and a truncated tail. */
export async function verifyAudit(engine: Engine): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  let expectedSeq = 1;
  let prevHash = genesisHash;
  let checked = 0;
  let after = 0;
  for (;;) {
    const rows = await engine.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) {
        problems.push({
          seq: expectedSeq,
          problem: 'missing',
          message:
            seq - expectedSeq === 1
              ? `Event ${expectedSeq} was deleted.`
              : `Events ${expectedSeq} to ${seq - 1} were deleted.`,
        });
      }
      if (row.prev_hash !== prevHash && seq === expectedSeq) {
        problems.push({
          seq,
          problem: 'broken-link',
          message: `Event ${seq} does not link to the event before it.`,
        });
      }
      const recomputed = hashEvent({ ...row, seq });
      if (recomputed !== row.hash) {
        problems.push({
          seq,
          problem: 'changed',
          message: `Event ${seq} was changed after it was recorded.`,
        });
      }
      prevHash = row.hash;
      expectedSeq = seq + 1;
      checked++;
    }
    if (rows.length < pageSize) break;
    after = Number(rows[rows.length - 1]?.seq);
  }
  const head = await engine.db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  if (head && (Number(head.seq) !== expectedSeq - 1 || head.hash !== prevHash)) {
    problems.push({
      seq: Number(head.seq),
      problem: 'head-mismatch',
      message: `The chain ends at event ${expectedSeq - 1}, but ${Number(head.seq)} events were recorded: the latest were deleted or changed.`,
    });
  }
  return { ok: problems.length === 0, checked, problems };
}
