import { afterEach, expect, it } from 'vitest';
import { anonymiseSupportUsers } from '../../src/engine/anonymisation/index.js';
import type { Engine } from '../../src/engine/engine.js';
import { getRequest } from '../../src/engine/requests/index.js';
import { getSubject } from '../../src/engine/subjects/index.js';
import { claimWork, runPurgeBatch } from '../../src/engine/worker/index.js';
import { describeEachStore } from '../support/stores.js';
import { CampusFixture } from './campus-fixture.js';

/**
 * Lethe's side of "Anonymize user" (the support subject renamed in the store) is part of ending the request, in
 * the same transaction: a worker killed right after its requests ended cannot leave it undone, as nothing would run
 * it again. The killed-workers fault test (test/faults/) found subjects left with their names that way, when it
 * was a separate step after the batch.
 */
describeEachStore('the end of an "Anonymize user" purge', ({ store }) => {
  let f: CampusFixture | undefined;
  afterEach(() => f?.close());

  it('renames the support subject in the transaction that ends the request', async () => {
    f = new CampusFixture();
    const sam = f.person({
      username: 'sam',
      email: 'sam@acme.example',
      first: 'Sam',
      last: 'Support',
      kind: 'support',
      company: 'Acme',
    });
    const engine: Engine = await f.engine(store());
    const [queued] = await anonymiseSupportUsers(engine, 'account:1', {
      subjectIds: [String(sam)],
      confirm: true,
    });
    if (!queued) throw new Error('no request');

    // The worker's own steps for one batch, without what runWorker does after it.
    const claimed = await claimWork(engine, 'worker-a');
    const finished = await runPurgeBatch(engine, { workerId: 'worker-a', emit() {} }, claimed);

    expect(finished.map((r) => [r.id, r.status])).toEqual([[queued.request.id, 'succeeded']]);
    expect((await getRequest(engine, queued.request.id)).status).toBe('succeeded');
    expect(await getSubject(engine, String(sam))).toMatchObject({
      fullName: 'Anonymized',
      email: '',
      username: `anonymized-${sam}`,
      status: 'suspended',
    });
  });
});
