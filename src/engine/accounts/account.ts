import { type RawBuilder, sql } from 'kysely';
import type { AccountsTable, StoreDialect } from '../../store/index.js';
import type { Db } from '../engine.js';
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

/** The roles and capabilities of some accounts, keyed by account id. */
async function grantsOf(
  db: Db,
  accountIds: number[],
): Promise<Map<number, { roles: string[]; capabilities: Capability[] }>> {
  const grants = new Map<number, { roles: Set<string>; capabilities: Set<Capability> }>();
  if (accountIds.length === 0) return new Map();
  for (const id of accountIds) grants.set(id, { roles: new Set(), capabilities: new Set() });
  const rows = await db
    .selectFrom('account_roles')
    .innerJoin('roles', 'roles.id', 'account_roles.role_id')
    .leftJoin('role_capabilities', 'role_capabilities.role_id', 'roles.id')
    .select(['account_roles.account_id', 'roles.shortname', 'role_capabilities.capability'])
    .where('account_roles.account_id', 'in', accountIds)
    .execute();
  for (const row of rows) {
    const entry = grants.get(Number(row.account_id));
    if (!entry) continue;
    entry.roles.add(row.shortname);
    if (row.capability && isCapability(row.capability)) entry.capabilities.add(row.capability);
  }
  return new Map(
    [...grants].map(([id, g]) => [
      id,
      { roles: [...g.roles].sort(), capabilities: [...g.capabilities].sort() },
    ]),
  );
}

/** The roles and capabilities of one account. */
export interface Grants {
  roles: string[];
  capabilities: Capability[];
}

/** An account from its row and its grants. */
export function toAccount(row: AccountRow, grants: Grants): Account {
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

export async function rowsToAccounts(db: Db, rows: AccountRow[]): Promise<Account[]> {
  const grants = await grantsOf(
    db,
    rows.map((r) => Number(r.id)),
  );
  return rows.map((row) => toAccount(row, grants.get(Number(row.id)) ?? { roles: [], capabilities: [] }));
}

/**
 * Two columns for a select that has the account's id as `accountId`: `lethe_roles` and `lethe_capabilities`, its
 * role short names and the capabilities they grant, each as one comma-separated list (neither holds a comma), so
 * that a session and its account's grants come back in one row (`grantsFromLists` reads them).
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
export function grantsFromLists(roles: string | null, capabilities: string | null): Grants {
  const split = (text: string | null) => (text ? [...new Set(text.split(','))].sort() : []);
  return { roles: split(roles), capabilities: split(capabilities).filter(isCapability) };
}

/** An account by id, or undefined. */
export async function findAccount(db: Db, id: number): Promise<Account | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const [account] = await rowsToAccounts(db, [row]);
  return account;
}
