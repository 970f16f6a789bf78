import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import { listAudit } from './list-audit.js';
import { recordAudit } from './record-audit.js';
import { verifyAudit } from './verify-audit.js';

describeEachStore('audit chain', ({ store }) => {
  async function seed(n: number) {
    const engine = testEngine(store());
    for (let i = 0; i < n; i++) {
      await engine.db.transaction().execute((trx) =>
        recordAudit(trx, engine.store.dialect, {
          actor: 'cli',
          action: 'test.event',
          targetType: 'subject',
          targetId: `s${i}`,
          details: { i },
        }),
      );
    }
    return engine;
  }

  it('verifies an untouched chain and lists newest first', async () => {
    const engine = await seed(5);
    expect(await verifyAudit(engine)).toEqual({ ok: true, checked: 5, problems: [] });
    const list = await listAudit(engine, { limit: 2 });
    expect(list.total).toBe(5);
    expect(list.events.map((e) => e.targetId)).toEqual(['s4', 's3']);
  });

  it('catches an event edited directly in the database', async () => {
    const engine = await seed(5);
    await sql`update audit_events set actor = 'mallory' where seq = 3`.execute(engine.db);
    const result = await verifyAudit(engine);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ seq: 3, problem: 'changed' })]);
  });

  it('catches a deleted event, and a deleted tail', async () => {
    const engine = await seed(6);
    await sql`delete from audit_events where seq = 2`.execute(engine.db);
    await sql`delete from audit_events where seq = 6`.execute(engine.db);
    const result = await verifyAudit(engine);
    expect(result.problems.map((p) => [p.seq, p.problem])).toEqual([
      [2, 'missing'],
      [6, 'head-mismatch'],
    ]);
  });

  it('chains concurrent writers without gaps', async () => {
    const engine = testEngine(store());
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        engine.db.transaction().execute((trx) =>
          recordAudit(trx, engine.store.dialect, {
            actor: 'cli',
            action: 'x',
            targetType: 't',
            targetId: String(i),
          }),
        ),
      ),
    );
    expect(await verifyAudit(engine)).toMatchObject({ ok: true, checked: 20 });
  });
});
