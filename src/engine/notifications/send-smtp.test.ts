import { afterEach, describe, expect, it } from 'vitest';
import { startSmtp, type TestSmtp } from '../../../test/support/smtp.js';
import { configSchema } from '../../config/index.js';
import { isPermanentFailure, isServerDown, type SmtpConfig, sendSmtp } from './send-smtp.js';

const message = { to: 'sarah@example.org', subject: 'Your export is ready', body: 'Download it.' };

function smtpConfig(port: number, pass: string): SmtpConfig {
  const config = configSchema.parse({
    smtp: { host: '127.0.0.1', port, user: 'lethe', pass, from: 'lethe@example.org' },
  });
  if (!config.smtp) throw new Error('no smtp');
  return config.smtp;
}

async function failure(work: Promise<void>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('it was sent');
}

describe('sending through SMTP', () => {
  let smtp: TestSmtp | undefined;
  afterEach(async () => {
    await smtp?.close();
    smtp = undefined;
  });

  it("treats a refused login as the server's problem, to be tried again, not as the message's", async () => {
    smtp = await startSmtp({ auth: { user: 'lethe', pass: 'right' } });
    const error = await failure(sendSmtp(smtpConfig(smtp.port, 'wrong'), message));
    expect(error).toMatchObject({ code: 'EAUTH', responseCode: 535 });
    expect(isPermanentFailure(error)).toBe(false);
    expect(isServerDown(error)).toBe(true);
    expect(smtp.logins.refused).toBe(1);

    await sendSmtp(smtpConfig(smtp.port, 'right'), message);
    expect(smtp.received).toHaveLength(1);
  });

  it('treats a refused recipient as final', async () => {
    smtp = await startSmtp({ auth: { user: 'lethe', pass: 'right' } });
    const error = await failure(
      sendSmtp(smtpConfig(smtp.port, 'right'), { ...message, to: 'nobody@example.org' }),
    );
    expect(isPermanentFailure(error)).toBe(true);
    expect(isServerDown(error)).toBe(false);
  });
});
