import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoWithCli, configWithSmtp, runCli } from '../support/cli.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';

interface Outbox {
  total: number;
  counts: { queued: number; sent: number; failed: number };
  smtp: boolean;
  messages: {
    id: number;
    recipient: string;
    status: string;
    attempts: number;
    error: string | null;
    sentAt: string | null;
  }[];
}

interface Summary {
  jobs: { job: string; result?: Record<string, unknown>; error?: string }[];
}

describe('lethe outbox and the outbox retry job, through the CLI', () => {
  let smtp: TestSmtp;
  let plain: string;
  let withSmtp: string;
  let subjects: { id: string; email: string }[] = [];
  const run = (config: string, ...args: string[]) => runCli(['--config', config, ...args]);

  beforeAll(async () => {
    smtp = await startSmtp();
    plain = await buildDemoWithCli('lethe-cli-outbox-', { users: 40, seed: 3 });
    // The same site, with an SMTP server: at most two tries a message, the second right after the first.
    withSmtp = configWithSmtp(plain, 'lethe.smtp.json', {
      host: '127.0.0.1',
      port: smtp.port,
      from: 'lethe@campus.example',
      maxAttempts: 2,
      retrySeconds: 0.001,
    });
    const list = await run(plain, 'subjects', 'list', '--status', 'active', '--kind', 'learner', '--json');
    subjects = list.json<{ subjects: { id: string; email: string }[] }>().subjects;
    expect(subjects.length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  afterAll(async () => {
    await smtp.close();
  });

  it('keeps the export-ready mail queued without SMTP, and worker --once sends it once SMTP is configured', async () => {
    const ann = subjects[0] as { id: string; email: string };
    expect((await run(plain, 'export', ann.id, '--type', 'all-data', '--wait')).code).toBe(0);
    const before = (await run(plain, 'outbox', '--json')).json<Outbox>();
    expect(before.smtp).toBe(false);
    expect(before.messages.find((m) => m.recipient === ann.email)).toMatchObject({
      status: 'queued',
      attempts: 0,
      error: null,
    });
    const text = await run(plain, 'outbox');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('SMTP is not configured');
    expect(text.stdout).toMatch(/1 queued, 0 sent, 0 failed/);

    // Without SMTP the worker leaves it queued.
    expect((await run(plain, 'worker', '--once', '--json')).code).toBe(0);
    expect((await run(plain, 'outbox', '--json')).json<Outbox>().counts).toEqual({
      queued: 1,
      sent: 0,
      failed: 0,
    });
    expect(smtp.offered).toBe(0);

    const worked = await run(withSmtp, 'worker', '--once', '--json');
    expect(worked.code, worked.stderr).toBe(0);
    expect(worked.json<Summary>().jobs.find((j) => j.job === 'outbox-retry')?.result).toMatchObject({
      smtp: true,
      tried: 1,
      sent: 1,
      queued: 0,
    });
    expect(smtp.received.map((m) => m.to)).toEqual([[ann.email]]);
    expect(smtp.received[0]?.raw).toMatch(/^Subject: Your personal data export is ready$/m);
    const after = (await run(withSmtp, 'outbox', 'list', '--status', 'sent', '--json')).json<Outbox>();
    expect(after.messages).toEqual([
      expect.objectContaining({ recipient: ann.email, status: 'sent', attempts: 1, error: null }),
    ]);
    expect(after.smtp).toBe(true);
  });

  it('retries a send the server put off, then shows it failed with the error', async () => {
    const ben = subjects[1] as { id: string; email: string };
    smtp.failWith = { code: 451, message: 'Mailbox busy, try again later' };
    try {
      // The export's own notification is the first try.
      expect((await run(withSmtp, 'export', ben.id, '--type', 'all-data', '--wait')).code).toBe(0);
      const first = (await run(withSmtp, 'outbox', '--status', 'queued', '--json')).json<Outbox>();
      expect(first.messages).toEqual([
        expect.objectContaining({ recipient: ben.email, status: 'queued', attempts: 1 }),
      ]);
      expect(first.messages[0]?.error).toContain('Mailbox busy');

      // worker --once runs the job although it ran a moment ago, as a message is due: the second and last try.
      const worked = await run(withSmtp, 'worker', '--once', '--json');
      expect(worked.json<Summary>().jobs.find((j) => j.job === 'outbox-retry')?.result).toMatchObject({
        tried: 1,
        failed: 1,
        queued: 0,
      });
      const failed = (await run(withSmtp, 'outbox', '--status', 'failed', '--json')).json<Outbox>();
      expect(failed.messages).toEqual([
        expect.objectContaining({ recipient: ben.email, status: 'failed', attempts: 2, sentAt: null }),
      ]);
      expect(failed.messages[0]?.error).toContain('Mailbox busy');
      const text = await run(withSmtp, 'outbox');
      expect(text.stdout).toMatch(/failed\s+2\s+.*Mailbox busy/);
      expect(text.stdout).toMatch(/0 queued, 1 sent, 1 failed/);
      expect(smtp.offered).toBe(3);
    } finally {
      smtp.failWith = undefined;
    }
  });

  it('refuses a bad --status with a coded error', async () => {
    const bad = await run(plain, 'outbox', '--status', 'lost');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('LETHE_E_INVALID_INPUT');
    expect(bad.stderr).toContain('--status');
  });
});
