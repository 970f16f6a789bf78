import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface TestSmtp {
  port: number;
  /** The mails it accepted. */
  received: ReceivedMail[];
  /** How many mails were offered to it (DATA), accepted or not. */
  offered: number;
  /** While set, every mail is refused at DATA with this reply (such as 451, a failure that may pass). */
  failWith: { code: number; message: string } | undefined;
  /** With `auth`: the logins it accepted, and those it refused (a wrong password, or while `refuseLogins`). */
  logins: { accepted: number; refused: number };
  /** With `auth`: while true, every login is refused (535), even with the right password. */
  refuseLogins: boolean;
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** Require a login (AUTH PLAIN or LOGIN, allowed without TLS) with this user and password. */
  auth?: { user: string; pass: string };
}

/**
 * A real SMTP server on 127.0.0.1 and a random port, keeping what arrives. It refuses `nobody@...` for good (550),
 * and every mail while `failWith` is set. With `auth`, it takes mail only after a login with that user and password.
 */
export async function startSmtp(options: TestSmtpOptions = {}): Promise<TestSmtp> {
  const state: TestSmtp = {
    port: 0,
    received: [],
    offered: 0,
    failWith: undefined,
    logins: { accepted: 0, refused: 0 },
    refuseLogins: false,
    close: async () => undefined,
  };
  const auth = options.auth;
  const server = new SMTPServer({
    authOptional: !auth,
    ...(auth ? { allowInsecureAuth: true, authMethods: ['PLAIN', 'LOGIN'] } : {}),
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(login, _session, callback) {
      if (auth && !state.refuseLogins && login.username === auth.user && login.password === auth.pass) {
        state.logins.accepted++;
        callback(null, { user: login.username });
        return;
      }
      state.logins.refused++;
      callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('nobody@')) callback(new Error('Mailbox unavailable'));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        state.offered++;
        if (state.failWith) {
          callback(Object.assign(new Error(state.failWith.message), { responseCode: state.failWith.code }));
          return;
        }
        state.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.port = (server.server.address() as AddressInfo).port;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
