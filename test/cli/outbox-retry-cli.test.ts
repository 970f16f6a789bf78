import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoWithCli, configWithSmtp, runCli } from '../support/cli.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';

interface Outbox {
  counts: { queued: number; sent: number; failed: number };
  messages: { id: number; recipient: string; status: string; attempts: number; error: string | null }[];
}

interface Requeue {
  requeued: number[];
  alreadyQueued: number[];
  smtp: boolean;
}

interface Summary {
  jobs: { job: string; result?: Record<string, unknown> }[];
}

describe('lethe outbox retry, through the CLI', () => {
  let refusing: TestSmtp;
  let working: TestSmtp;
  let plain: string;
  let refusingConfig: string;
  let workingConfig: string;
  let subjects: { id: string; email: string }[] = [];
  const run = (config: string, ...args: string[]) => runCli(['--config', config, ...args]);

  /** The same site with an SMTP server: one try a message, so a failed send is failed for good. */
  const withSmtp = (port: number, name: string) =>
    configWithSmtp(plain, name, { host: '127.0.0.1', port, from: 'lethe@campus.example', maxAttempts: 1 });

  beforeAll(async () => {
    refusing = await startSmtp();
    working = await startSmtp();
    plain = await buildDemoWithCli('lethe-cli-outbox-retry-', { users: 40, seed: 5 });
    refusingConfig = withSmtp(refusing.port, 'lethe.refusing.json');
    workingConfig = withSmtp(working.port, 'lethe.working.json');
    const list = await run(plain, 'subjects', 'list', '--status', 'active', '--kind', 'learner', '--json');
    subjects = list.json<{ subjects: { id: string; email: string }[] }>().subjects;
    expect(subjects.length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  afterAll(async () => {
    await refusing.close();
    await working.close();
  });

  it('requeues messages that failed against a refusing server, and the worker sends them through a working one', async () => {
    const ann = subjects[0] as { id: string; email: string };
    const ben = subjects[1] as { id: string; email: string };
    // Refused for good (550), and put off (451) with no tries left: both failed.
    refusing.failWith = { code: 550, message: 'Relaying denied' };
    expect((await run(refusingConfig, 'export', ann.id, '--type', 'all-data', '--wait')).code).toBe(0);
    refusing.failWith = { code: 451, message: 'Mailbox busy' };
    expect((await run(refusingConfig, 'export', ben.id, '--type', 'all-data', '--wait')).code).toBe(0);
    refusing.failWith = undefined;
    const failed = (await run(refusingConfig, 'outbox', '--status', 'failed', '--json')).json<Outbox>();
    const annMail = failed.messages.find((m) => m.recipient === ann.email);
    const benMail = failed.messages.find((m) => m.recipient === ben.email);
    expect(annMail).toMatchObject({ status: 'failed', attempts: 1 });
    expect(benMail).toMatchObject({ status: 'failed', attempts: 1 });
    expect(annMail?.error).toContain('Relaying denied');
    expect(refusing.offered).toBe(2);
    const annId = String(annMail?.id);
    const benId = String(benMail?.id);

    // By id: requeued, due now, its tries counted from 0.
    const retried = await run(workingConfig, 'outbox', 'retry', annId, '--json');
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.json<Requeue>()).toEqual({ requeued: [Number(annId)], alreadyQueued: [], smtp: true });
    const queued = (await run(workingConfig, 'outbox', '--status', 'queued', '--json')).json<Outbox>();
    expect(queued.messages).toEqual([expect.objectContaining({ id: Number(annId), attempts: 0 })]);

    // Named again, it is still queued: left as it is, and said so.
    const again = await run(workingConfig, 'outbox', 'retry', annId);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Already queued, left as they were: ${annId}.`);

    const worked = await run(workingConfig, 'worker', '--once', '--json');
    expect(worked.code, worked.stderr).toBe(0);
    expect(worked.json<Summary>().jobs.find((j) => j.job === 'outbox-retry')?.result).toMatchObject({
      tried: 1,
      sent: 1,
      queued: 0,
    });
    expect(working.received.map((m) => m.to)).toEqual([[ann.email]]);

    // Every failed one: ben's.
    const all = await run(workingConfig, 'outbox', 'retry', '--all-failed');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain(`Requeued 1 message(s), with a fresh set of tries: ${benId}.`);
    expect(all.stdout).toContain('outbox-retry job sends them');
    expect((await run(workingConfig, 'worker', '--once')).code).toBe(0);
    expect(working.received.map((m) => m.to[0])).toEqual([ann.email, ben.email]);
    const after = (await run(workingConfig, 'outbox', '--json')).json<Outbox>();
    expect(after.counts).toEqual({ queued: 0, sent: 2, failed: 0 });
    const none = await run(workingConfig, 'outbox', 'retry', '--all-failed', '--json');
    expect(none.json<Requeue>()).toEqual({ requeued: [], alreadyQueued: [], smtp: true });

    // Audited with the CLI's actor.
    const audit = (await run(plain, 'audit', 'list', '--action', 'outbox.requeue', '--json')).json<{
      events: { actor: string; targetId: string; details: Record<string, unknown> }[];
    }>();
    expect(audit.events.map((e) => [e.targetId, e.details['scope']])).toEqual([
      [benId, 'all-failed'],
      [annId, 'ids'],
    ]);
    expect(audit.events.every((e) => e.actor.startsWith('cli:'))).toBe(true);

    // Sent now: refused with a coded error, in text and in JSON; nothing is sent again.
    const sent = await run(workingConfig, 'outbox', 'retry', annId);
    expect(sent.code).toBe(2);
    expect(sent.stderr).toContain('LETHE_E_OUTBOX_SENT');
    expect(sent.stderr).toContain(`${annId} has already been sent`);
    const sentJson = await run(workingConfig, 'outbox', 'retry', annId, benId, '--json');
    expect(sentJson.code).toBe(2);
    expect(sentJson.json<{ error: { code: string; details: { ids: number[] } } }>().error).toMatchObject({
      code: 'LETHE_E_OUTBOX_SENT',
      details: { ids: [Number(annId), Number(benId)] },
    });
    expect((await run(workingConfig, 'worker', '--once')).code).toBe(0);
    expect(working.received).toHaveLength(2);
  });

  it('refuses an unknown id, a bad id, and ids with --all-failed, with coded errors', async () => {
    const unknown = await run(plain, 'outbox', 'retry', '987654', '--json');
    expect(unknown.code).toBe(2);
    expect(unknown.json<{ error: { code: string } }>().error.code).toBe('LETHE_E_NOT_FOUND');
    const unknownText = await run(plain, 'outbox', 'retry', '987654');
    expect(unknownText.stderr).toContain('error LETHE_E_NOT_FOUND: No outbox message has the id 987654.');

    for (const args of [['abc'], ['0'], ['1', '--all-failed'], []]) {
      const bad = await run(plain, 'outbox', 'retry', ...args);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr).toContain('LETHE_E_INVALID_INPUT');
    }
    expect((await run(plain, 'outbox', 'retry', 'abc')).stderr).toContain('ID must be a whole number');
  });
});
