import { LetheError } from '../../errors/index.js';
import { isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import { type Actor, actingActor, type Engine } from '../engine.js';
import { type Account, findAccount } from './account.js';
import type { Session } from './sessions.js';

/**
 * Acting as another account, as Moodle's "Log in as": an account with `userdata:loginas` makes its session act
 * as another account, to see what that account sees. While it acts, the session may do what the acted-as account
 * may do, and the audit trail names both (`account:1 as account:7`). Some things are never done while acting:
 * downloading export packages, creating or revoking API tokens, changing passwords, accounts or roles, and acting
 * again (see LETHE_E_ACTING_AS). API tokens never act as anyone.
 */

/** The audit actor of what a session does: its account, or both accounts while it acts as another. */
export function sessionActor(session: Pick<Session, 'account' | 'acting'>): Actor {
  const real = `account:${session.account.id}`;
  return session.acting ? actingActor(real, `account:${session.acting.account.id}`) : real;
}

function name(account: Account): string {
  return account.displayName || account.username;
}

/**
 * Why `real` may not act as `target`, or undefined if it may. The rule against privilege escalation: nobody acts
 * as an administrator, as an account that may itself act as others, or as an account holding a capability that
 * the acting account lacks.
 */
export function actAsRefusal(
  real: Account,
  target: Account | undefined,
  targetId: number,
): LetheError | undefined {
  if (!real.capabilities.includes('userdata:loginas')) {
    return new LetheError(
      'LETHE_E_FORBIDDEN',
      'Acting as another account needs the capability userdata:loginas.',
      {
        capabilities: ['userdata:loginas'],
      },
    );
  }
  if (targetId === real.id) {
    return new LetheError('LETHE_E_ACT_AS_SELF', 'You cannot act as yourself.', { accountId: targetId });
  }
  if (!target) {
    return new LetheError('LETHE_E_ACCOUNT_UNKNOWN', `There is no account ${targetId}.`, {
      accountId: targetId,
    });
  }
  if (target.disabled) {
    return new LetheError('LETHE_E_ACCOUNT_DISABLED', `The account "${target.username}" is disabled.`, {
      accountId: targetId,
    });
  }
  const beyond = target.capabilities.filter((c) => !real.capabilities.includes(c));
  if (
    target.roles.includes('administrator') ||
    target.capabilities.includes('userdata:loginas') ||
    beyond.length > 0
  ) {
    const why = target.roles.includes('administrator')
      ? 'it is an administrator'
      : target.capabilities.includes('userdata:loginas')
        ? 'it may act as others itself (userdata:loginas)'
        : `it holds capabilities you lack (${beyond.join(', ')})`;
    return new LetheError(
      'LETHE_E_ACT_AS_PRIVILEGED',
      `You cannot act as "${target.username}": ${why}. Acting never gains privileges.`,
      { accountId: targetId, ...(beyond.length > 0 ? { capabilities: beyond } : {}) },
    );
  }
  return undefined;
}

/** LETHE_E_ACTING_AS: what a session that acts as another account may not do (`what`: "download export packages"). */
export function actingRefusal(session: Pick<Session, 'account' | 'acting'>, what: string): LetheError {
  const target = session.acting?.account;
  return new LetheError(
    'LETHE_E_ACTING_AS',
    `You are acting as ${target ? name(target) : 'another account'}: you cannot ${what} while acting as someone else. Stop acting first.`,
    { accountId: session.account.id, actingAs: target?.id ?? null },
  );
}

/**
 * Makes a session act as another account. Refusals: LETHE_E_ACTING_AS when it already acts as someone
 * (nested acting), LETHE_E_FORBIDDEN without userdata:loginas, LETHE_E_ACT_AS_SELF, LETHE_E_ACCOUNT_UNKNOWN,
 * LETHE_E_ACCOUNT_DISABLED, LETHE_E_ACT_AS_PRIVILEGED. The start (`account.act-as-start`) and every refusal
 * (`account.act-as-refused`) are audited.
 */
export async function startActingAs(engine: Engine, session: Session, targetId: number): Promise<Session> {
  const real = session.account;
  const target = await findAccount(engine, targetId);
  const refusal = session.acting
    ? actingRefusal(session, 'act as another account')
    : actAsRefusal(real, target, targetId);
  if (refusal || !target) {
    await engine.db.transaction().execute((trx) =>
      recordAudit(trx, engine.store.dialect, {
        actor: sessionActor(session),
        action: 'account.act-as-refused',
        targetType: 'account',
        targetId: String(targetId),
        details: { code: refusal?.code ?? 'LETHE_E_ACCOUNT_UNKNOWN' },
      }),
    );
    throw refusal ?? new LetheError('LETHE_E_ACCOUNT_UNKNOWN', `There is no account ${targetId}.`);
  }
  const since = isoNow();
  await engine.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('sessions')
      .set({ acting_as_account_id: target.id, acting_since: since })
      .where('id', '=', session.id)
      .execute();
    await recordAudit(trx, engine.store.dialect, {
      actor: `account:${real.id}`,
      action: 'account.act-as-start',
      targetType: 'account',
      targetId: String(target.id),
      details: { username: target.username, subjectId: target.subjectId },
    });
  });
  return { ...session, acting: { account: target, since } };
}

async function clearActing(
  engine: Engine,
  session: Session,
  actingAsId: number,
  reason: 'stopped' | 'no-longer-allowed',
  details: Record<string, unknown> = {},
): Promise<void> {
  await engine.db.transaction().execute(async (trx) => {
    const cleared = await trx
      .updateTable('sessions')
      .set({ acting_as_account_id: null, acting_since: null })
      .where('id', '=', session.id)
      .where('acting_as_account_id', '=', actingAsId)
      .executeTakeFirst();
    // two requests may find the same ended acting at once: only the one that cleared it records the stop
    if (Number(cleared.numUpdatedRows) === 0) return;
    await recordAudit(trx, engine.store.dialect, {
      actor: actingActor(`account:${session.account.id}`, `account:${actingAsId}`),
      action: 'account.act-as-stop',
      targetType: 'account',
      targetId: String(actingAsId),
      details: { reason, ...details },
    });
  });
}

/** Stops acting: the session is its own account's again (`account.act-as-stop`). Not acting is not an error. */
export async function stopActingAs(engine: Engine, session: Session): Promise<Session> {
  if (!session.acting) return session;
  await clearActing(engine, session, session.acting.account.id, 'stopped', { since: session.acting.since });
  return { ...session, acting: null };
}

/**
 * The acting of a session read from the store, checked again: when the acted-as account is gone, disabled or
 * has become privileged, or the real account has lost userdata:loginas, the acting ends there and then.
 */
export async function resumeActing(
  engine: Engine,
  session: Session,
  actingAsId: number,
  since: string,
): Promise<Session> {
  const target = await findAccount(engine, actingAsId);
  const refusal = actAsRefusal(session.account, target, actingAsId);
  if (refusal || !target) {
    await clearActing(engine, session, actingAsId, 'no-longer-allowed', {
      code: refusal?.code ?? 'LETHE_E_ACCOUNT_UNKNOWN',
    });
    return { ...session, acting: null };
  }
  return { ...session, acting: { account: target, since } };
}
