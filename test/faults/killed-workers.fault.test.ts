/**
 * Fault test: killed workers (issue 8). On PostgreSQL, over 30 trials, a `lethe worker --once` process is killed with
 * SIGKILL at a random moment while it runs a batch of automatic purges on the campus demo; a replacement worker
 * then finishes the work. Afterwards every request has succeeded, each (request, item) has exactly one result, and
 * the host data is the same as after a run without a kill.
 *
 * Runs when LETHE_TEST_PG is set (and fails if PostgreSQL can't be reached). LETHE_FAULT_SEED replays a run's
 * random choices (its seed is printed); `-t "trial 7 of"` runs one trial again.
 */
import { randomInt } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../engine/child-process.js';
import { runCli } from '../support/cli.js';
import { buildCampusOnPostgres, type CampusOnPostgres } from './support/campus-on-postgres.js';
import { startCli } from './support/cli-process.js';
import { hostSnapshot, snapshotDifference } from './support/host-snapshot.js';
import {
  type KillMoment,
  killMoment,
  type PurgeOutcome,
  purgeOutcomes,
  queueState,
  repeatedResults,
  scanLeaseExists,
  subjectStates,
  waitForLeasesToLapse,
} from './support/purge-queue.js';
import { seededRandom, trialSeed } from './support/seeded-random.js';

const pgUrl = process.env['LETHE_TEST_PG'] ?? '';
const trials = Number(process.env['LETHE_FAULT_TRIALS'] ?? 30);
const runSeed = Number(process.env['LETHE_FAULT_SEED'] ?? randomInt(1, 2 ** 31));
/** A small campus: 40 users, of whom the demo suspends 2 and deletes 2, and the host deletes 12 more: 15 purges. */
const campus = { users: 40, seed: 7, deleteMore: 12 };
/** Batches of 3 (six of them), and a 1-second lease so that the replacement takes over quickly. */
const worker = { batchSize: 3, leaseSeconds: 1, purgeScanInterval: 3600, maintenanceInterval: 3600 };
const hashKey = 'killed-workers-fault-test-hash-key-0123456789ab';

/** What a run without a kill did: its outcome, the host data before and after, and when things happened. */
interface Reference {
  before: Map<string, string>;
  after: Map<string, string>;
  outcomes: PurgeOutcome[];
  counts: Map<string, number>;
  /** Lethe's subjects afterwards (support users renamed "Anonymized"). */
  subjects: string[];
  /** Milliseconds from the worker's start: its first claim, its last request finished, its exit. */
  firstClaimMs: number;
  lastFinishMs: number;
  exitMs: number;
  /** Its batches: how many requests had finished when each was claimed (0 for the first). */
  batchStarts: number[];
}

type Phase = 'start-up' | 'scan' | 'during' | 'after';

/**
 * Where a trial aims its kill: before the first batch (`start-up`, or the purge `scan`), `during` the batches
 * (before, inside or after an item's run), or `after`: in the last batch, as it finishes, or as the worker ends.
 */
function choosePhase(random: () => number): Phase {
  const r = random();
  return r < 0.1 ? 'start-up' : r < 0.2 ? 'scan' : r < 0.85 ? 'during' : 'after';
}

function buildCampus(): Promise<CampusOnPostgres> {
  return buildCampusOnPostgres({ pgUrl, ...campus, worker, hashKey });
}

const workerArgs = (c: CampusOnPostgres) => ['--config', c.configFile, '--json', 'worker', '--once'];

describe.runIf(pgUrl)('killed workers: SIGKILL during a batch of automatic purges [postgres]', () => {
  let reference: Reference;
  let current: CampusOnPostgres | undefined;
  const moments = new Map<KillMoment, number>();
  let midItem = 0;
  let rerunAfterCommit = 0;
  const startedAt = Date.now();

  beforeAll(async () => {
    console.log(`killed workers: seed ${runSeed} (LETHE_FAULT_SEED=${runSeed} replays these choices)`);
    const c = await buildCampus();
    let ok = false;
    try {
      const before = hostSnapshot(c.campusDatabase, c.campusFiles, c.since);
      const run = startCli(workerArgs(c));
      const exit = await run.exited;
      if (exit.code !== 0) throw new Error(`the reference worker failed (${exit.code}):\n${exit.stderr}`);
      const { outcomes, counts } = await purgeOutcomes(c.store);
      // Each subject the host deleted has its automatic purge (besides the demo's own suspended and deleted).
      expect(outcomes.filter((o) => o.origin === 'automatic:deleted').map((o) => o.subject)).toEqual(
        expect.arrayContaining(c.deleted),
      );
      // The defined final state of every request: succeeded. Nothing here fails or is cancelled on its own.
      expect(outcomes.filter((o) => o.status !== 'succeeded')).toEqual([]);
      const times = await c.store.db
        .selectFrom('requests')
        .select((eb) => [eb.fn.min('started_at').as('first'), eb.fn.max('finished_at').as('last')])
        .executeTakeFirstOrThrow();
      // A batch's requests share their claim time: the sizes of the batches before each give where it starts.
      const batches = await c.store.db
        .selectFrom('requests')
        .select(['started_at', (eb) => eb.fn.countAll<string>().as('n')])
        .groupBy('started_at')
        .orderBy('started_at')
        .execute();
      const batchStarts = batches.map((_, i) => batches.slice(0, i).reduce((n, b) => n + Number(b.n), 0));
      reference = {
        before,
        after: hostSnapshot(c.campusDatabase, c.campusFiles, c.since),
        outcomes,
        counts,
        subjects: await subjectStates(c.store),
        firstClaimMs: Date.parse(String(times.first)) - run.startedAt,
        lastFinishMs: Date.parse(String(times.last)) - run.startedAt,
        exitMs: exit.endedAt - run.startedAt,
        batchStarts,
      };
      expect(snapshotDifference(reference.before, reference.after)).toBeDefined();
      console.log(
        `reference run: ${outcomes.length} purges in ${batchStarts.length} batches; first claim at ` +
          `${reference.firstClaimMs} ms, last finished at ${reference.lastFinishMs} ms, exit at ${reference.exitMs} ms`,
      );
      ok = true;
    } finally {
      await c.dispose(!ok);
    }
  }, 120_000);

  afterEach(async (context) => {
    // Vitest runs onTestFailed handlers after afterEach hooks: the test's own state is what tells here.
    await current?.dispose(context.task.result?.state === 'fail');
    current = undefined;
  });

  afterAll(() => {
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const killedAt = [...moments].map(([m, n]) => `${m}: ${n}`).join(', ');
    console.log(
      `killed workers: ${trials} trials in ${seconds} s; killed ${killedAt}; ${midItem} of the mid-batch kills ` +
        `came after some of the batch's items had their results; in ${rerunAfterCommit}, an item's host changes ` +
        'were made but its results not yet written',
    );
  });

  for (let trial = 1; trial <= trials; trial++) {
    it(`trial ${trial} of ${trials}: every request completes, one result per item, the same host data`, async () => {
      const seed = trialSeed(runSeed, trial);
      const random = seededRandom(seed);
      const phase = choosePhase(random);
      const fraction = random();
      const t0 = performance.now();
      const c = await buildCampus();
      current = c;
      const pristine = hostSnapshot(c.campusDatabase, c.campusFiles, c.since);
      expect(snapshotDifference(reference.before, pristine)).toBeUndefined();
      const t1 = performance.now();

      const doomed = startCli(workerArgs(c));
      let delay: number;
      let aim: string;
      if (phase === 'start-up') {
        delay = Math.round(fraction * reference.firstClaimMs);
        aim = `+${delay} ms from its start`;
      } else if (phase === 'scan') {
        // The scan is short: look often for its lease row, which the worker writes just before it takes the lease.
        const until = Date.now() + 30_000;
        while (!doomed.ended() && !(await scanLeaseExists(c.store)) && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 5));
        }
        delay = Math.round(fraction * 40);
        aim = `+${delay} ms from the purge scan's lease`;
      } else {
        // A batch (any, or the last), then a moment in it: timed from its claim, so that a slower machine than
        // the reference run's still aims inside the batch, not at the end of the work.
        const starts = reference.batchStarts;
        const index = phase === 'during' ? Math.floor(random() * starts.length) : starts.length - 1;
        const finishedBefore = starts[index] ?? 0;
        await waitFor(`batch ${index + 1} to be claimed`, async () => {
          if (doomed.ended()) return true;
          const s = await queueState(c.store);
          return s.running > 0 && s.finished >= finishedBefore;
        });
        const batchMs = (reference.lastFinishMs - reference.firstClaimMs) / starts.length;
        const endMs = reference.exitMs - reference.lastFinishMs;
        delay = Math.round(fraction * (phase === 'during' ? batchMs : batchMs + 2 * endMs));
        aim = `+${delay} ms from the claim of batch ${index + 1} of ${starts.length}`;
      }
      await new Promise((r) => setTimeout(r, delay));
      if (!doomed.ended()) doomed.child.kill('SIGKILL');
      const exit = await doomed.exited;
      // It may have ended on its own first (even as the signal was sent): then it must have succeeded.
      const killed = exit.signal === 'SIGKILL';
      if (!killed) expect(exit.code, exit.stderr).toBe(0);
      const atKill = await queueState(c.store);
      const moment = killMoment(atKill, !killed);
      moments.set(moment, (moments.get(moment) ?? 0) + 1);
      if (moment === 'mid-batch' && atKill.resultsOfRunning > 0) midItem++;
      const t2 = performance.now();

      // The replacement: once the dead worker's leases ran out, `lethe worker --once` until nothing is left.
      let rounds = 0;
      for (;;) {
        await waitForLeasesToLapse(c.store);
        rounds++;
        const replacement = await runCli(workerArgs(c), { timeoutMs: 45_000 });
        expect(replacement.code, replacement.stderr).toBe(0);
        const left = await queueState(c.store);
        if (left.pending + left.running === 0) break;
        if (rounds === 3) throw new Error(`work is left after 3 replacement runs: ${JSON.stringify(left)}`);
      }
      const t3 = performance.now();
      const ms = (a: number, b: number) => Math.round(b - a);
      console.log(
        `trial ${trial}: seed ${seed}, aimed ${phase}, ${aim}; ${killed ? 'killed' : 'ended'} ` +
          `${exit.endedAt - doomed.startedAt} ms after start: ${moment} (${atKill.finished}/${atKill.requests} ` +
          `requests finished, ${atKill.running} running with ${atKill.resultsOfRunning} results, ` +
          `${atKill.results} results in all); build ${ms(t0, t1)} ms, doomed worker ${ms(t1, t2)} ms, ` +
          `lease + replacement ${ms(t2, t3)} ms (${rounds} run${rounds === 1 ? '' : 's'})`,
      );

      // Every request ended as in the run without a kill (succeeded), with the same items.
      const { outcomes, counts, attempts } = await purgeOutcomes(c.store);
      expect(outcomes).toEqual(reference.outcomes);
      expect(await repeatedResults(c.store)).toEqual([]);
      expect(Math.max(...attempts.values())).toBeLessThanOrEqual(2);
      // An item that ran again after its host changes were made counts nothing the second time: its result is
      // `success` with the records it found left, not those it erased. That is the only allowed difference.
      const recounted = [...counts].filter(([key, n]) => n !== reference.counts.get(key));
      for (const [key, n] of recounted) expect(n, key).toBeLessThan(reference.counts.get(key) ?? 0);
      if (recounted.length > 0) {
        rerunAfterCommit++;
        console.log(
          `trial ${trial}: ${recounted.length} item result(s) counted after a re-run: ${recounted
            .map(([key, n]) => `${key} ${n} (not ${reference.counts.get(key)})`)
            .join('; ')}`,
        );
      }
      // Lethe's side of "Anonymize user" (support subjects renamed in the store) happened as without a kill.
      expect(await subjectStates(c.store)).toEqual(reference.subjects);
      // And the host data is what the run without a kill left.
      const difference = snapshotDifference(
        reference.after,
        hostSnapshot(c.campusDatabase, c.campusFiles, c.since),
      );
      expect(difference, difference).toBeUndefined();
    }, 60_000);
  }

  it('killed a worker mid-batch in at least a third of the trials', () => {
    expect(moments.get('mid-batch') ?? 0).toBeGreaterThanOrEqual(trials / 3);
  });
});
