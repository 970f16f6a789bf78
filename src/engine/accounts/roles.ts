import { LetheError } from '../../errors/index.js';
import { isoNow, type RolesTable } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Db, Engine } from '../engine.js';
import {
  type CreateRoleInput,
  createRoleSchema,
  parseAccountInput,
  type UpdateRoleInput,
  updateRoleSchema,
} from './account-input.js';
import { type Capability, isCapability } from './capabilities.js';
import { keepingAnAccountManager } from './config-guard.js';

export interface Role {
  id: number;
  shortname: string;
  name: string;
  description: string;
  /** Built-in roles can be edited but not deleted. */
  builtin: boolean;
  capabilities: Capability[];
  /** How many accounts have the role. */
  accounts: number;
  createdAt: string;
  updatedAt: string;
}

type RoleRow = Omit<RolesTable, 'id'> & { id: number };

async function toRoles(db: Db, rows: RoleRow[]): Promise<Role[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => Number(r.id));
  const caps = await db.selectFrom('role_capabilities').selectAll().where('role_id', 'in', ids).execute();
  const counts = await db
    .selectFrom('account_roles')
    .select(['role_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('role_id', 'in', ids)
    .groupBy('role_id')
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    shortname: row.shortname,
    name: row.name,
    description: row.description,
    builtin: Number(row.builtin) === 1,
    capabilities: caps
      .filter((c) => Number(c.role_id) === Number(row.id))
      .map((c) => c.capability)
      .filter(isCapability)
      .sort(),
    accounts: Number(counts.find((c) => Number(c.role_id) === Number(row.id))?.n ?? 0),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

async function roleRow(db: Db, shortname: string): Promise<RoleRow> {
  const row = await db.selectFrom('roles').selectAll().where('shortname', '=', shortname).executeTakeFirst();
  if (!row)
    throw new LetheError('LETHE_E_ROLE_UNKNOWN', `There is no role "${shortname}".`, { role: shortname });
  return row;
}

export async function listRoles(engine: Engine): Promise<Role[]> {
  const rows = await engine.db.selectFrom('roles').selectAll().orderBy('id').execute();
  return toRoles(engine.db, rows);
}

/** A role by short name; LETHE_E_ROLE_UNKNOWN if there is none. */
export async function getRole(engine: Engine, shortname: string): Promise<Role> {
  const [role] = await toRoles(engine.db, [await roleRow(engine.db, shortname)]);
  if (!role) throw new LetheError('LETHE_E_ROLE_UNKNOWN', `There is no role "${shortname}".`);
  return role;
}

export async function createRole(engine: Engine, actor: Actor, input: CreateRoleInput): Promise<Role> {
  const values = parseAccountInput(createRoleSchema, input, 'The role');
  const now = isoNow();
  await engine.db.transaction().execute(async (trx) => {
    const exists = await trx
      .selectFrom('roles')
      .select('id')
      .where('shortname', '=', values.shortname)
      .executeTakeFirst();
    if (exists) {
      throw new LetheError('LETHE_E_ROLE_EXISTS', `A role "${values.shortname}" already exists.`, {
        role: values.shortname,
      });
    }
    const inserted = await trx
      .insertInto('roles')
      .values({
        shortname: values.shortname,
        name: values.name,
        description: values.description,
        builtin: 0,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const capabilities = [...new Set(values.capabilities)];
    if (capabilities.length > 0) {
      await trx
        .insertInto('role_capabilities')
        .values(capabilities.map((capability) => ({ role_id: Number(inserted.id), capability })))
        .execute();
    }
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'role.create',
      targetType: 'role',
      targetId: values.shortname,
      details: { name: values.name, capabilities },
    });
  });
  return getRole(engine, values.shortname);
}

/** Renames, describes, or sets the capabilities of a role (built-in ones too). */
export async function updateRole(
  engine: Engine,
  actor: Actor,
  shortname: string,
  input: UpdateRoleInput,
): Promise<Role> {
  const values = parseAccountInput(updateRoleSchema, input, 'The role update');
  await engine.db.transaction().execute(async (trx) => {
    const row = await roleRow(trx, shortname);
    await keepingAnAccountManager(trx, async () => {
      await trx
        .updateTable('roles')
        .set({
          ...(values.name !== undefined ? { name: values.name } : {}),
          ...(values.description !== undefined ? { description: values.description } : {}),
          updated_at: isoNow(),
        })
        .where('id', '=', row.id)
        .execute();
      if (values.capabilities) {
        await trx.deleteFrom('role_capabilities').where('role_id', '=', row.id).execute();
        const capabilities = [...new Set(values.capabilities)];
        if (capabilities.length > 0) {
          await trx
            .insertInto('role_capabilities')
            .values(capabilities.map((capability) => ({ role_id: Number(row.id), capability })))
            .execute();
        }
      }
    });
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'role.update',
      targetType: 'role',
      targetId: shortname,
      details: { ...values },
    });
  });
  return getRole(engine, shortname);
}

/** Deletes a role that is not built in; the accounts that had it lose it. */
export async function deleteRole(engine: Engine, actor: Actor, shortname: string): Promise<void> {
  await engine.db.transaction().execute(async (trx) => {
    const row = await roleRow(trx, shortname);
    if (Number(row.builtin) === 1) {
      throw new LetheError(
        'LETHE_E_ROLE_BUILTIN',
        `The role "${shortname}" is built in and cannot be deleted.`,
        {
          role: shortname,
        },
      );
    }
    await keepingAnAccountManager(trx, async () => {
      await trx.deleteFrom('account_roles').where('role_id', '=', row.id).execute();
      await trx.deleteFrom('role_capabilities').where('role_id', '=', row.id).execute();
      await trx.deleteFrom('roles').where('id', '=', row.id).execute();
    });
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'role.delete',
      targetType: 'role',
      targetId: shortname,
    });
  });
}

/** The ids of roles named by short name; LETHE_E_ROLE_UNKNOWN names the first unknown one. */
export async function roleIds(db: Db, shortnames: readonly string[]): Promise<number[]> {
  const unique = [...new Set(shortnames)];
  if (unique.length === 0) return [];
  const rows = await db
    .selectFrom('roles')
    .select(['id', 'shortname'])
    .where('shortname', 'in', unique)
    .execute();
  for (const name of unique) {
    if (!rows.some((r) => r.shortname === name)) {
      throw new LetheError('LETHE_E_ROLE_UNKNOWN', `There is no role "${name}".`, { role: name });
    }
  }
  return rows.map((r) => Number(r.id));
}
