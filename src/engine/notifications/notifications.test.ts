import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { closedPort, startSmtp, type TestSmtp } from '../../../test/support/smtp.js';
import { describeEachStore } from '../../../test/support/stores.js';
import { exportReadyMessage, listOutbox, newItemsMessage, notify } from './index.js';

const alice = { email: 'alice@example.test', fullName: 'Alice Smith', username: 'alice' };

describeEachStore('notifications', ({ store }) => {
  describe('with SMTP', () => {
    let smtp: TestSmtp;
    beforeEach(async () => {
      smtp = await startSmtp();
    });
    afterEach(async () => {
      await smtp.close();
    });

    it('sends the mail and records it as sent', async () => {
      const engine = testEngine(store(), [], {
        smtp: { host: '127.0.0.1', port: smtp.port, from: 'lethe@example.test' },
      });
      const message = exportReadyMessage(
        alice,
        {
          id: 17,
          typeName: 'Full export',
          createdAt: '2025-03-01T10:00:00.000Z',
          expiresAt: '2025-03-06T10:00:00.000Z',
        },
        'Download it at https://lethe.example.test/my/exports/17',
      );
      const sent = await notify(engine, message);
      expect(sent.status).toBe('sent');
      expect(sent.sentAt).not.toBeNull();
      expect(sent.error).toBeNull();

      expect(smtp.received).toHaveLength(1);
      const mail = smtp.received[0];
      expect(mail?.to).toEqual(['alice@example.test']);
      expect(mail?.from).toBe('lethe@example.test');
      expect(mail?.raw).toMatch(/^Subject: Your personal data export is ready$/m);
      expect(mail?.raw).toMatch(/^To: alice@example\.test$/m);
      expect(mail?.raw).toContain('Download it at https://lethe.example.test/my/exports/17');

      const { total, messages } = await listOutbox(engine);
      expect(total).toBe(1);
      expect(messages[0]).toMatchObject({
        id: sent.id,
        recipient: 'alice@example.test',
        subject: 'Your personal data export is ready',
        status: 'sent',
        sentAt: sent.sentAt,
        error: null,
      });
      expect(messages[0]?.body).toContain('Request: #17');
    });

    it('records the error when the server refuses the mail, without throwing', async () => {
      const engine = testEngine(store(), [], {
        smtp: { host: '127.0.0.1', port: smtp.port, from: 'lethe@example.test' },
      });
      const result = await notify(engine, { to: 'nobody@example.test', subject: 'Hello', body: 'Hi' });
      expect(result.status).toBe('failed');
      expect(result.sentAt).toBeNull();
      expect(result.error).toMatch(/Mailbox unavailable|refused/);
      const { messages } = await listOutbox(engine);
      expect(messages[0]).toMatchObject({ status: 'failed', error: result.error });
      expect(smtp.received).toHaveLength(0);
    });
  });

  it('records the error when the SMTP server cannot be reached, and keeps the message queued for a retry', async () => {
    const engine = testEngine(store(), [], {
      smtp: { host: '127.0.0.1', port: await closedPort(), from: 'lethe@example.test' },
    });
    const result = await notify(engine, { to: 'bob@example.test', subject: 'Hello', body: 'Hi' });
    expect(result.status).toBe('queued');
    expect(result.attempts).toBe(1);
    expect(result.nextAttemptAt).not.toBeNull();
    expect(result.error).toMatch(/ECONNREFUSED|connect/i);
  });

  it('puts messages in the outbox when no SMTP is configured, and lists them newest first', async () => {
    const engine = testEngine(store());
    const admins = ['root@example.test', 'dpo@example.test'];
    const content = newItemsMessage([
      { key: 'forum/posts', title: 'Forum posts', group: 'Activity: Forum', types: ['Full export'] },
      { key: 'blog/entries' },
    ]);
    for (const to of admins) await notify(engine, { to, ...content });
    const queued = await notify(engine, {
      to: 'carol@example.test',
      subject: 'Line\r\nBcc: evil@x',
      body: 'x',
    });
    expect(queued).toMatchObject({
      status: 'queued',
      sentAt: null,
      error: null,
      subject: 'Line Bcc: evil@x',
    });

    const all = await listOutbox(engine);
    expect(all.total).toBe(3);
    expect(all.messages.map((m) => m.recipient)).toEqual([
      'carol@example.test',
      'dpo@example.test',
      'root@example.test',
    ]);
    expect(all.messages.every((m) => m.status === 'queued')).toBe(true);
    expect(all.messages[1]?.subject).toBe('2 new items need review');
    expect(all.messages[1]?.body).toContain('- Activity: Forum: Forum posts (forum/posts)');
    expect(all.messages[1]?.body).toContain('not yet in: Full export');
    expect(all.messages[1]?.body).toContain('- blog/entries');

    const page = await listOutbox(engine, { limit: 1, offset: 1 });
    expect(page.total).toBe(3);
    expect(page.messages.map((m) => m.recipient)).toEqual(['dpo@example.test']);
  });

  it('keeps a long subject to what the outbox holds', async () => {
    const engine = testEngine(store());
    const result = await notify(engine, { to: 'a@example.test', subject: 'x'.repeat(400), body: '' });
    expect(result.subject).toHaveLength(255);
    expect((await listOutbox(engine)).messages[0]?.subject).toHaveLength(255);
  });

  it('refuses bad input with a coded error', async () => {
    const engine = testEngine(store());
    for (const bad of [
      { to: 'not an address', subject: 's', body: 'b' },
      { to: 'a@b.test\r\nBcc: x@y', subject: 's', body: 'b' },
      { to: 'a@b.test, c@d.test', subject: 's', body: 'b' },
      { to: 'a@b.test', subject: '  ', body: 'b' },
      { to: 'a@b.test', subject: 's', body: undefined as unknown as string },
    ]) {
      await expect(notify(engine, bad)).rejects.toMatchObject({ code: 'LETHE_E_INVALID_INPUT' });
    }
    for (const query of [{ limit: 0 }, { limit: 1001 }, { limit: 1.5 }, { offset: -1 }]) {
      await expect(listOutbox(engine, query)).rejects.toMatchObject({ code: 'LETHE_E_INVALID_INPUT' });
    }
    expect((await listOutbox(engine)).total).toBe(0);
  });
});

describe('message builders', () => {
  it('says when the export was asked for and until when it is kept', () => {
    const m = exportReadyMessage(
      alice,
      { id: 3, createdAt: '2025-03-01T10:00:00.000Z', expiresAt: '2025-03-06T10:00:00.000Z' },
      'lethe download 3',
    );
    expect(m.to).toBe('alice@example.test');
    expect(m.body).toContain('Hello Alice Smith,');
    expect(m.body).toContain('requested on 2025-03-01 is ready');
    expect(m.body).toContain('Available until: 2025-03-06 10:00:00 UTC');
    expect(m.body).toContain('lethe download 3');
  });

  it('handles a single new item', () => {
    expect(newItemsMessage([{ key: 'a/b' }]).subject).toBe('A new item needs review');
  });
});
