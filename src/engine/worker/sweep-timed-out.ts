import { isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Engine } from '../engine.js';
import { closeRemainingItems } from '../requests/index.js';
import { removePartialPackage } from './remove-partial-package.js';

/**
 * The timed-out sweep. A request still `running` whose lease ran out with no attempts left (its workers kept dying)
 * becomes `timed-out`, its unfinished items `timed-out`. A request cancelled while its worker died gets its
 * remaining items `cancelled`. Either way the lease is released and whatever an export's attempts wrote removed.
 * Returns how many requests it closed.
 */
export async function sweepTimedOut(engine: Engine): Promise<number> {
  const now = isoNow();
  const rows = await engine.db
    .selectFrom('requests')
    .selectAll()
    .where('lease_expires_at', '<', now)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'running'), eb('attempts', '>=', eb.ref('max_attempts'))]),
        eb.and([eb('status', '=', 'cancelled'), eb('lease_owner', 'is not', null)]),
      ]),
    )
    .execute();
  let closed = 0;
  for (const row of rows) {
    const id = Number(row.id);
    const timedOut = row.status === 'running';
    const message = timedOut
      ? `The request used all ${Number(row.max_attempts)} attempts: its worker stopped answering each time.`
      : (row.error ?? 'Cancelled.');
    const done = await engine.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('requests')
        .set({
          status: timedOut ? 'timed-out' : 'cancelled',
          error: message,
          finished_at: isoNow(),
          lease_owner: null,
          lease_expires_at: null,
        })
        .where('id', '=', id)
        .where('status', '=', row.status)
        .where('lease_expires_at', '<', now)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return false;
      await closeRemainingItems(engine, trx, row, { status: timedOut ? 'timed-out' : 'cancelled', message });
      await recordAudit(trx, engine.store.dialect, {
        actor: 'system',
        action: 'request.finish',
        targetType: 'request',
        targetId: String(id),
        details: {
          kind: row.kind,
          subject: row.subject_id,
          status: timedOut ? 'timed-out' : 'cancelled',
          error: message,
        },
      });
      return true;
    });
    if (!done) continue;
    closed++;
    // The request did not succeed, so a finished ZIP (its worker died between writing it and recording it) is
    // nobody's package: it goes too.
    if (row.kind === 'export') await removePartialPackage(engine, id, { complete: true });
  }
  return closed;
}
