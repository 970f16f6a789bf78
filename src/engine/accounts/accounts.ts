import { sql } from 'kysely';
import { LetheError } from '../../errors/index.js';
import { isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Db, Engine } from '../engine.js';
import { type Account, accountOfRow, findAccount, grantListColumns } from './account.js';
import {
  type CreateAccountInput,
  createAccountSchema,
  parseAccountInput,
  passwordSchema,
  type UpdateAccountInput,
  updateAccountSchema,
} from './account-input.js';
import { keepingAnAccountManager } from './config-guard.js';
import { hashPassword, unmatchableHash, verifyPassword } from './password-hash.js';
import { roleIds } from './roles.js';

export interface AccountQuery {
  /** Matches the username, display name or email (case-insensitive substring). */
  search?: string;
  /** `staff` for accounts without a subject, `subject` for self-service accounts. */
  kind?: 'staff' | 'subject';
  limit?: number;
  offset?: number;
}

/** An account by id; LETHE_E_ACCOUNT_UNKNOWN if there is none. */
export async function getAccount(engine: Engine, id: number): Promise<Account> {
  const account = await findAccount(engine, id);
  if (!account)
    throw new LetheError('LETHE_E_ACCOUNT_UNKNOWN', `There is no account ${id}.`, { account: id });
  return account;
}

/** The self-service account of a subject, if it has one. */
export async function findSubjectAccount(engine: Engine, subjectId: string): Promise<Account | undefined> {
  const row = await engine.db
    .selectFrom('accounts')
    .select('id')
    .where('subject_id', '=', subjectId)
    .executeTakeFirst();
  return row ? findAccount(engine, Number(row.id)) : undefined;
}

export async function listAccounts(
  engine: Engine,
  query: AccountQuery = {},
): Promise<{ total: number; accounts: Account[] }> {
  let base = engine.db.selectFrom('accounts');
  if (query.search) {
    const like = `%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const match = (column: 'username' | 'display_name' | 'email') =>
      sql<boolean>`lower(${sql.ref(column)}) like ${like} escape '\\'`;
    base = base.where((eb) => eb.or([match('username'), match('display_name'), match('email')]));
  }
  if (query.kind === 'staff') base = base.where('subject_id', 'is', null);
  if (query.kind === 'subject') base = base.where('subject_id', 'is not', null);
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const rows = await base
    .selectAll()
    .select(grantListColumns(engine.store.dialect, sql.ref('accounts.id')))
    .orderBy('id')
    .limit(Math.min(query.limit ?? 50, 500))
    .offset(query.offset ?? 0)
    .execute();
  return {
    total: Number(total?.n ?? 0),
    accounts: rows.map((row) => accountOfRow({ ...row, id: Number(row.id) })),
  };
}

async function setRoles(trx: Db, accountId: number, shortnames: readonly string[]): Promise<void> {
  const ids = await roleIds(trx, shortnames);
  await trx.deleteFrom('account_roles').where('account_id', '=', accountId).execute();
  if (ids.length > 0) {
    await trx
      .insertInto('account_roles')
      .values(ids.map((role_id) => ({ account_id: accountId, role_id })))
      .execute();
  }
}

/**
 * Creates a staff account, or a self-service account for a subject (`subjectId`), which gets the `authenticated`
 * role unless roles are given. LETHE_E_ACCOUNT_EXISTS for a taken username or a subject that has an account,
 * LETHE_E_SUBJECT_UNKNOWN, LETHE_E_SUBJECT_PROTECTED for the anonymous user, LETHE_E_ROLE_UNKNOWN.
 */
export async function createAccount(
  engine: Engine,
  actor: Actor,
  input: CreateAccountInput,
): Promise<Account> {
  const values = parseAccountInput(createAccountSchema, input, 'The account');
  const passwordHash = values.password === undefined ? null : await hashPassword(values.password);
  const now = isoNow();
  const id = await engine.db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('accounts')
      .select('id')
      .where('username', '=', values.username)
      .executeTakeFirst();
    if (taken) {
      throw new LetheError('LETHE_E_ACCOUNT_EXISTS', `An account "${values.username}" already exists.`, {
        username: values.username,
      });
    }
    let subject: { full_name: string; email: string } | undefined;
    if (values.subjectId !== undefined) {
      const row = await trx
        .selectFrom('subjects')
        .select(['full_name', 'email', 'anonymous'])
        .where('id', '=', values.subjectId)
        .executeTakeFirst();
      if (!row) {
        throw new LetheError('LETHE_E_SUBJECT_UNKNOWN', `There is no subject "${values.subjectId}".`, {
          subject: values.subjectId,
        });
      }
      if (Number(row.anonymous) === 1) {
        throw new LetheError('LETHE_E_SUBJECT_PROTECTED', 'The anonymous user can never log in.', {
          subject: values.subjectId,
        });
      }
      const has = await trx
        .selectFrom('accounts')
        .select('username')
        .where('subject_id', '=', values.subjectId)
        .executeTakeFirst();
      if (has) {
        throw new LetheError(
          'LETHE_E_ACCOUNT_EXISTS',
          `The subject "${values.subjectId}" already has the account "${has.username}".`,
          { subject: values.subjectId },
        );
      }
      subject = row;
    }
    const inserted = await trx
      .insertInto('accounts')
      .values({
        username: values.username,
        display_name: values.displayName ?? subject?.full_name ?? values.username,
        email: values.email ?? subject?.email ?? '',
        subject_id: values.subjectId ?? null,
        password_hash: passwordHash,
        disabled: 0,
        last_login_at: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const accountId = Number(inserted.id);
    const roles = values.roles ?? (values.subjectId !== undefined ? ['authenticated'] : []);
    await setRoles(trx, accountId, roles);
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'account.create',
      targetType: 'account',
      targetId: String(accountId),
      details: { username: values.username, subjectId: values.subjectId ?? null, roles },
    });
    return accountId;
  });
  return getAccount(engine, id);
}

/**
 * Changes an account's name, email, password, roles, or whether it is disabled. Disabling it or changing its
 * password ends its sessions. LETHE_E_ACCOUNT_LAST_ADMIN if nobody could manage accounts afterwards.
 */
export async function updateAccount(
  engine: Engine,
  actor: Actor,
  id: number,
  input: UpdateAccountInput,
): Promise<Account> {
  const values = parseAccountInput(updateAccountSchema, input, 'The account update');
  const passwordHash = values.password === undefined ? undefined : await hashPassword(values.password);
  await engine.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('accounts').select('id').where('id', '=', id).executeTakeFirst();
    if (!row) throw new LetheError('LETHE_E_ACCOUNT_UNKNOWN', `There is no account ${id}.`, { account: id });
    await keepingAnAccountManager(trx, async () => {
      await trx
        .updateTable('accounts')
        .set({
          ...(values.displayName !== undefined ? { display_name: values.displayName } : {}),
          ...(values.email !== undefined ? { email: values.email } : {}),
          ...(values.disabled !== undefined ? { disabled: values.disabled ? 1 : 0 } : {}),
          ...(passwordHash !== undefined ? { password_hash: passwordHash } : {}),
          updated_at: isoNow(),
        })
        .where('id', '=', id)
        .execute();
      if (values.roles) await setRoles(trx, id, values.roles);
    });
    if (values.disabled === true || passwordHash !== undefined) {
      await trx.deleteFrom('sessions').where('account_id', '=', id).execute();
    }
    const { password: _password, ...details } = values;
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'account.update',
      targetType: 'account',
      targetId: String(id),
      details: { ...details, ...(passwordHash !== undefined ? { passwordChanged: true } : {}) },
    });
  });
  return getAccount(engine, id);
}

/** Deletes an account and its sessions. LETHE_E_ACCOUNT_LAST_ADMIN if nobody could manage accounts afterwards. */
export async function deleteAccount(engine: Engine, actor: Actor, id: number): Promise<void> {
  await engine.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('accounts')
      .select(['id', 'username'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new LetheError('LETHE_E_ACCOUNT_UNKNOWN', `There is no account ${id}.`, { account: id });
    await keepingAnAccountManager(trx, async () => {
      await trx.deleteFrom('sessions').where('account_id', '=', id).execute();
      await trx.deleteFrom('account_roles').where('account_id', '=', id).execute();
      await trx.deleteFrom('accounts').where('id', '=', id).execute();
    });
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'account.delete',
      targetType: 'account',
      targetId: String(id),
      details: { username: row.username },
    });
  });
}

/** Forgets an account's failed logins, which ends a lockout. */
export async function unlockAccount(engine: Engine, actor: Actor, id: number): Promise<Account> {
  await engine.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('accounts').select('username').where('id', '=', id).executeTakeFirst();
    if (!row) throw new LetheError('LETHE_E_ACCOUNT_UNKNOWN', `There is no account ${id}.`, { account: id });
    await trx
      .deleteFrom('login_attempts')
      .where('username', '=', row.username)
      .where('outcome', '!=', 'success')
      .execute();
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'account.unlock',
      targetType: 'account',
      targetId: String(id),
      details: { username: row.username },
    });
  });
  return getAccount(engine, id);
}

/**
 * An account changes its own password, proving the current one (LETHE_E_LOGIN_FAILED if wrong). Its other
 * sessions end; the one it is using is kept.
 */
export async function changeOwnPassword(
  engine: Engine,
  id: number,
  input: { currentPassword: string; newPassword: string; keepSessionId?: string },
): Promise<void> {
  const next = parseAccountInput(passwordSchema, input.newPassword, 'The new password');
  const row = await engine.db
    .selectFrom('accounts')
    .select('password_hash')
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new LetheError('LETHE_E_ACCOUNT_UNKNOWN', `There is no account ${id}.`, { account: id });
  if (!(await verifyPassword(input.currentPassword, row.password_hash ?? unmatchableHash))) {
    throw new LetheError('LETHE_E_LOGIN_FAILED', 'The current password is wrong.', {
      field: 'currentPassword',
    });
  }
  const hash = await hashPassword(next);
  await engine.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('accounts')
      .set({ password_hash: hash, updated_at: isoNow() })
      .where('id', '=', id)
      .execute();
    let others = trx.deleteFrom('sessions').where('account_id', '=', id);
    if (input.keepSessionId) others = others.where('id', '!=', input.keepSessionId);
    await others.execute();
    await recordAudit(trx, engine.store.dialect, {
      actor: `account:${id}`,
      action: 'account.password',
      targetType: 'account',
      targetId: String(id),
    });
  });
}
