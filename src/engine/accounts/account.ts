import type { AccountsTable } from '../../store/index.js';
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

type AccountRow = Pick<
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

export async function rowsToAccounts(db: Db, rows: AccountRow[]): Promise<Account[]> {
  const grants = await grantsOf(
    db,
    rows.map((r) => Number(r.id)),
  );
  return rows.map((row) => {
    const g = grants.get(Number(row.id)) ?? { roles: [], capabilities: [] };
    return {
      id: Number(row.id),
      username: row.username,
      displayName: row.display_name,
      email: row.email,
      subjectId: row.subject_id,
      disabled: Number(row.disabled) === 1,
      hasPassword: row.password_hash !== null,
      roles: g.roles,
      capabilities: g.capabilities,
      lastLoginAt: row.last_login_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  });
}

/** An account by id, or undefined. */
export async function findAccount(db: Db, id: number): Promise<Account | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const [account] = await rowsToAccounts(db, [row]);
  return account;
}
