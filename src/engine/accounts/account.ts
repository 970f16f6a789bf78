import { type RawBuilder, sql } from 'kysely';
import type { AccountsTable, StoreDialect } from '../../store/index.js';
import type { Engine } from '../engine.js';
import { type Capability, isCapability } from './capabilities.js';

/** Someone who may log in: a staff member, or a subject using the self-service page (`subjectId` set). */
export interface Account {
  id: number;
  username: string;
  displayName: string;
  email: string;
  /** The subject a self-service account belongs to; null for staff. */
  subjectId: string | null;
  disabled: boolean;
  hasPassword: boolean;
  /** The short names of the account's roles. */
  roles: string[];
  /** Every capability its roles grant, sorted. */
  capabilities: Capability[];
  lastLoginAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type AccountRow = Pick<
  AccountsTable,
  'username' | 'display_name' | 'email' | 'subject_id' | 'password_hash' | 'disabled' | 'last_login_at'
> & { id: number; created_at: string; updated_at: string };

/** The roles and capabilities of one account. */
export interface Grants {
  roles: string[];
  capabilities: Capability[];
}

/** An account from its row and its grants. */
function toAccount(row: AccountRow, grants: Grants): Account {
  return {
    id: Number(row.id),
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    subjectId: row.subject_id,
    disabled: Number(row.disabled) === 1,
    hasPassword: row.password_hash !== null,
    roles: grants.roles,
    capabilities: grants.capabilities,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Two columns for a select that has the account's id as `accountId`: `lethe_roles` and `lethe_capabilities`, its
 * role short names and the capabilities they grant, each as one comma-separated list (neither holds a comma), so
 * that an account (or a session and its account) comes back with its grants in one row (`grantsFromLists` reads
 * them).
 */
export function grantListColumns(dialect: StoreDialect, accountId: RawBuilder<unknown>) {
  const list = (column: RawBuilder<unknown>) =>
    dialect === 'postgres' ? sql`string_agg(distinct ${column}, ',')` : sql`group_concat(distinct ${column})`;
  return [
    sql<string | null>`(select ${list(sql.ref('lr.shortname'))} from account_roles lar
      join roles lr on lr.id = lar.role_id where lar.account_id = ${accountId})`.as('lethe_roles'),
    sql<string | null>`(select ${list(sql.ref('lrc.capability'))} from account_roles lar
      join role_capabilities lrc on lrc.role_id = lar.role_id where lar.account_id = ${accountId})`.as(
      'lethe_capabilities',
    ),
  ] as const;
}

/** The grants that `grantListColumns` selected: sorted, with capabilities that no longer exist left out. */
function grantsFromLists(roles: string | null, capabilities: string | null): Grants {
  const split = (text: string | null) => (text ? [...new Set(text.split(','))].sort() : []);
  return { roles: split(roles), capabilities: split(capabilities).filter(isCapability) };
}

/** An account row with its grants, as a select with `grantListColumns` returns it. */
export function accountOfRow(
  row: AccountRow & { lethe_roles: string | null; lethe_capabilities: string | null },
): Account {
  return toAccount(row, grantsFromLists(row.lethe_roles, row.lethe_capabilities));
}

/** An account by id, with its grants, in one query; undefined if there is none. */
export async function findAccount(
  engine: Pick<Engine, 'db' | 'store'>,
  id: number,
): Promise<Account | undefined> {
  const row = await engine.db
    .selectFrom('accounts')
    .selectAll()
    .select(grantListColumns(engine.store.dialect, sql.ref('accounts.id')))
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? accountOfRow({ ...row, id: Number(row.id) }) : undefined;
}
