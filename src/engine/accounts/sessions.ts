import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { LetheError } from '../../errors/index.js';
import { isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Engine } from '../engine.js';
import { type Account, accountOfRow, findAccount, grantListColumns } from './account.js';
import { usernameSchema } from './account-input.js';
import { resumeActing, sessionActor } from './act-as.js';
import { defaultLoginPolicy, type LoginPolicy } from './login-policy.js';
import { unmatchableHash, verifyPassword } from './password-hash.js';

export interface LoginInput {
  username: string;
  password: string;
  /** The client's address, for rate limiting and the audit trail. */
  ip: string;
  userAgent?: string;
}

export interface Session {
  /** The sha256 of the secret: what the store keeps, and what audit events name. */
  id: string;
  account: Account;
  /** Required in the x-csrf-token header of every unsafe request made with this session. */
  csrfToken: string;
  expiresAt: string;
  /**
   * Set while the session acts as another account ("act as"): that account, and since when. `account` stays the
   * one that logged in; what the session may do is what the acted-as account may do.
   */
  acting: Acting | null;
}

export interface Acting {
  account: Account;
  since: string;
}

export interface NewSession extends Session {
  /** The cookie value. It is never stored. */
  secret: string;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Whether two strings are equal, in time that does not depend on where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}

function minutesBefore(now: Date, minutes: number): string {
  return new Date(now.getTime() - minutes * 60_000).toISOString();
}

/** When the lockout of a username ends, or undefined if it is not locked out. */
async function lockedUntil(
  engine: Engine,
  username: string,
  policy: LoginPolicy,
  now: Date,
): Promise<Date | undefined> {
  const lastSuccess = await engine.db
    .selectFrom('login_attempts')
    .select((eb) => eb.fn.max('at').as('at'))
    .where('username', '=', username)
    .where('outcome', '=', 'success')
    .executeTakeFirst();
  const since = minutesBefore(now, policy.lockMinutes);
  const from = lastSuccess?.at && lastSuccess.at > since ? lastSuccess.at : since;
  const failures = await engine.db
    .selectFrom('login_attempts')
    .select('at')
    .where('username', '=', username)
    .where('outcome', '=', 'failure')
    .where('at', '>', from)
    .orderBy('at', 'desc')
    .limit(policy.maxFailures)
    .execute();
  const nth = failures[policy.maxFailures - 1];
  if (!nth) return undefined;
  const until = new Date(Date.parse(nth.at) + policy.lockMinutes * 60_000);
  return until > now ? until : undefined;
}

async function ipBlocked(engine: Engine, ip: string, policy: LoginPolicy, now: Date): Promise<boolean> {
  const row = await engine.db
    .selectFrom('login_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ip', '=', ip)
    .where('outcome', '=', 'failure')
    .where('at', '>', minutesBefore(now, policy.lockMinutes))
    .executeTakeFirst();
  return Number(row?.n ?? 0) >= policy.maxFailuresPerIp;
}

async function refuse(
  engine: Engine,
  input: { username: string; ip: string },
  outcome: 'failure' | 'locked',
  action: string,
  error: LetheError,
): Promise<never> {
  await engine.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('login_attempts')
      .values({ username: input.username, ip: input.ip, at: isoNow(), outcome })
      .execute();
    await recordAudit(trx, engine.store.dialect, {
      actor: `login:${input.username}`,
      action,
      targetType: 'account',
      targetId: input.username,
      details: { ip: input.ip, code: error.code },
    });
  });
  throw error;
}

/**
 * Checks a username and password and opens a session. Every failure is audited (`account.login-failed`) and
 * counted: after `maxFailures` within `lockMinutes` the username is locked out (LETHE_E_LOCKED_OUT, audited as
 * `account.login-locked`), and an address with too many failures is refused (LETHE_E_RATE_LIMITED).
 * A wrong password, an unknown or disabled account all get LETHE_E_LOGIN_FAILED.
 */
export async function login(
  engine: Engine,
  input: LoginInput,
  policy: LoginPolicy = defaultLoginPolicy,
): Promise<NewSession> {
  const parsedName = usernameSchema.safeParse(input.username);
  const username = parsedName.success ? parsedName.data : input.username.slice(0, 100).toLowerCase();
  const who = { username, ip: input.ip.slice(0, 64) };
  const now = new Date();
  if (await ipBlocked(engine, who.ip, policy, now)) {
    return refuse(
      engine,
      who,
      'locked',
      'account.login-locked',
      new LetheError('LETHE_E_RATE_LIMITED', 'Too many failed logins from this address: try again later.', {
        retryAfterSeconds: policy.lockMinutes * 60,
      }),
    );
  }
  const until = await lockedUntil(engine, username, policy, now);
  if (until) {
    return refuse(
      engine,
      who,
      'locked',
      'account.login-locked',
      new LetheError(
        'LETHE_E_LOCKED_OUT',
        `Too many failed logins for "${username}": try again after ${until.toISOString()}.`,
        {
          lockedUntil: until.toISOString(),
          retryAfterSeconds: Math.ceil((until.getTime() - now.getTime()) / 1000),
        },
      ),
    );
  }
  const row = parsedName.success
    ? await engine.db
        .selectFrom('accounts')
        .select(['id', 'password_hash', 'disabled'])
        .where('username', '=', username)
        .executeTakeFirst()
    : undefined;
  const matches = await verifyPassword(input.password, row?.password_hash ?? unmatchableHash);
  if (!row || !matches || Number(row.disabled) === 1 || row.password_hash === null) {
    return refuse(
      engine,
      who,
      'failure',
      'account.login-failed',
      new LetheError('LETHE_E_LOGIN_FAILED', 'The username or password is wrong.'),
    );
  }
  const secret = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const id = sha256(secret);
  const at = isoNow();
  const expiresAt = new Date(now.getTime() + policy.sessionMinutes * 60_000).toISOString();
  await engine.db.transaction().execute(async (trx) => {
    await trx.insertInto('login_attempts').values({ username, ip: who.ip, at, outcome: 'success' }).execute();
    await trx
      .insertInto('sessions')
      .values({
        id,
        account_id: Number(row.id),
        csrf_token: csrfToken,
        created_at: at,
        expires_at: expiresAt,
        last_seen_at: at,
        ip: who.ip,
        user_agent: (input.userAgent ?? '').slice(0, 255),
      })
      .execute();
    await trx.updateTable('accounts').set({ last_login_at: at }).where('id', '=', Number(row.id)).execute();
    await trx.deleteFrom('sessions').where('expires_at', '<', at).execute();
    await recordAudit(trx, engine.store.dialect, {
      actor: `account:${Number(row.id)}`,
      action: 'account.login',
      targetType: 'account',
      targetId: String(Number(row.id)),
      details: { ip: who.ip },
    });
  });
  const account = await findAccount(engine, Number(row.id));
  if (!account) throw new LetheError('LETHE_E_LOGIN_FAILED', 'The username or password is wrong.');
  return { id, secret, csrfToken, expiresAt, account, acting: null };
}

/** The live session for a cookie secret, or undefined (unknown, expired, or its account disabled). */
export async function resolveSession(engine: Engine, secret: string): Promise<Session | undefined> {
  if (secret.length === 0 || secret.length > 200) return undefined;
  const id = sha256(secret);
  // The session, its account and the account's grants in one read (every request of the console makes it).
  const row = await engine.db
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select(grantListColumns(engine.store.dialect, sql.ref('s.account_id')))
    .select([
      's.account_id',
      's.csrf_token',
      's.expires_at',
      's.last_seen_at',
      's.acting_as_account_id',
      's.acting_since',
      'a.username',
      'a.display_name',
      'a.email',
      'a.subject_id',
      'a.password_hash',
      'a.disabled',
      'a.last_login_at',
      'a.created_at',
      'a.updated_at',
    ])
    .where('s.id', '=', id)
    .executeTakeFirst();
  const now = isoNow();
  if (!row || row.expires_at <= now) return undefined;
  const account = accountOfRow({ ...row, id: Number(row.account_id) });
  if (account.disabled) return undefined;
  if (Date.parse(now) - Date.parse(row.last_seen_at) > 60_000) {
    await engine.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  }
  const session: Session = {
    id,
    account,
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
    acting: null,
  };
  if (row.acting_as_account_id === null) return session;
  return resumeActing(engine, session, Number(row.acting_as_account_id), row.acting_since ?? now);
}

/** Ends a session (logout), and with it any acting as another account. */
export async function endSession(engine: Engine, session: Session): Promise<void> {
  await engine.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sessions').where('id', '=', session.id).execute();
    await recordAudit(trx, engine.store.dialect, {
      actor: sessionActor(session),
      action: 'account.logout',
      targetType: 'account',
      targetId: String(session.account.id),
      ...(session.acting ? { details: { actingAs: session.acting.account.id } } : {}),
    });
  });
}
