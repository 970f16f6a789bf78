import { z } from 'zod';
import { LetheError } from '../../errors/index.js';
import { isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Db, Engine } from '../engine.js';
import { findPurgeTypeByRef, findSubject } from '../subjects/index.js';
import { readSettings, viewSettings } from './read-settings.js';
import {
  maxRetentionDays,
  minRetentionDays,
  type SettingKey,
  type Settings,
  type SettingsView,
} from './settings.js';

type PurgeTypeRef = string | number | null;

/** A change to the settings. Default purge types are given by idnumber or id (null clears them). */
export interface SettingsPatch {
  defaultSuspendedPurgeType?: PurgeTypeRef;
  defaultDeletedPurgeType?: PurgeTypeRef;
  /** The same as defaultSuspendedPurgeType, under its stored name. */
  defaultSuspendedPurgeTypeId?: PurgeTypeRef;
  /** The same as defaultDeletedPurgeType, under its stored name. */
  defaultDeletedPurgeTypeId?: PurgeTypeRef;
  allowSelfExport?: boolean;
  exportRetentionDays?: number;
  /** An existing subject, which becomes the anonymous user; null goes back to the one created on first use. */
  anonymousUserId?: string | null;
}

export type SettingName = keyof SettingsPatch;

/** The names a patch (and `lethe settings set`) accepts, the stored setting each one sets, and what it takes. */
export const settingNames: { [K in SettingName]: { stored: SettingKey; takes: string; schema: z.ZodType } } =
  {
    defaultSuspendedPurgeType: {
      stored: 'defaultSuspendedPurgeTypeId',
      takes: 'the idnumber or id of a suspended purge type, or none',
      schema: z.union([z.string().min(1).max(100), z.number().int().positive()]).nullable(),
    },
    defaultDeletedPurgeType: {
      stored: 'defaultDeletedPurgeTypeId',
      takes: 'the idnumber or id of a deleted purge type, or none',
      schema: z.union([z.string().min(1).max(100), z.number().int().positive()]).nullable(),
    },
    defaultSuspendedPurgeTypeId: {
      stored: 'defaultSuspendedPurgeTypeId',
      takes: 'the idnumber or id of a suspended purge type, or none',
      schema: z.union([z.string().min(1).max(100), z.number().int().positive()]).nullable(),
    },
    defaultDeletedPurgeTypeId: {
      stored: 'defaultDeletedPurgeTypeId',
      takes: 'the idnumber or id of a deleted purge type, or none',
      schema: z.union([z.string().min(1).max(100), z.number().int().positive()]).nullable(),
    },
    allowSelfExport: { stored: 'allowSelfExport', takes: 'true or false', schema: z.boolean() },
    exportRetentionDays: {
      stored: 'exportRetentionDays',
      takes: `a whole number of days from ${minRetentionDays} to ${maxRetentionDays}`,
      schema: z.number().int().min(minRetentionDays).max(maxRetentionDays),
    },
    anonymousUserId: {
      stored: 'anonymousUserId',
      takes: 'the id of an existing subject, or none',
      schema: z.string().min(1).max(255).nullable(),
    },
  };

export function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(settingNames, name);
}

export function unknownSetting(names: string[]): LetheError {
  const known = Object.keys(settingNames).join(', ');
  return new LetheError(
    'LETHE_E_SETTING_UNKNOWN',
    `There is no setting ${names.map((n) => `'${n}'`).join(', ')}. The settings are: ${known}.`,
    { keys: names },
  );
}

export function invalidSetting(
  name: string,
  message: string,
  details: Record<string, unknown> = {},
): LetheError {
  return new LetheError('LETHE_E_SETTING_INVALID', message, { key: name, ...details });
}

const purgeTypeStatus: Partial<Record<SettingKey, 'suspended' | 'deleted'>> = {
  defaultSuspendedPurgeTypeId: 'suspended',
  defaultDeletedPurgeTypeId: 'deleted',
};

/**
 * Changes settings, in one transaction with one `settings.update` audit event. Refusals: an unknown name
 * (LETHE_E_SETTING_UNKNOWN); a bad value or a default purge type of the wrong status (LETHE_E_SETTING_INVALID);
 * an unknown purge type (LETHE_E_TYPE_UNKNOWN) or subject (LETHE_E_SUBJECT_UNKNOWN). A subject configured as the
 * anonymous user is marked anonymous (and a previous one stays marked, since content is attributed to it).
 */
export async function updateSettings(
  engine: Engine,
  actor: Actor,
  patch: SettingsPatch,
): Promise<SettingsView> {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'The settings patch must be an object.');
  }
  const names = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
  const unknown = names.filter((n) => !isSettingName(n));
  if (unknown.length > 0) throw unknownSetting(unknown);
  const wanted = new Map<SettingKey, { name: SettingName; value: unknown }>();
  for (const name of names as SettingName[]) {
    const spec = settingNames[name];
    const value = patch[name];
    if (!spec.schema.safeParse(value).success) {
      throw invalidSetting(name, `The setting '${name}' takes ${spec.takes}, not ${JSON.stringify(value)}.`, {
        value,
      });
    }
    const other = wanted.get(spec.stored);
    if (other) {
      throw invalidSetting(name, `Give '${other.name}' or '${name}', not both: they are the same setting.`);
    }
    wanted.set(spec.stored, { name, value });
  }
  return engine.db.transaction().execute(async (trx) => {
    const current = await readSettings(trx);
    const next: Settings = { ...current };
    for (const [key, { name, value }] of wanted) {
      Object.assign(next, { [key]: await resolveValue(trx, key, name, value) });
    }
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const now = isoNow();
    for (const key of wanted.keys()) {
      if (next[key] === current[key]) continue;
      changes[key] = { from: current[key], to: next[key] };
      await trx
        .insertInto('settings')
        .values({ key, value: JSON.stringify(next[key]), updated_at: now })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            value: eb.ref('excluded.value'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    if (next.anonymousUserId !== null && changes['anonymousUserId']) {
      await markAnonymous(trx, engine, actor, next.anonymousUserId);
    }
    if (Object.keys(changes).length > 0) {
      await recordAudit(trx, engine.store.dialect, {
        actor,
        action: 'settings.update',
        targetType: 'settings',
        targetId: Object.keys(changes).join(','),
        details: { changes },
      });
    }
    return viewSettings(trx, next);
  });
}

async function resolveValue(trx: Db, key: SettingKey, name: SettingName, value: unknown): Promise<unknown> {
  if (value === null) return null;
  const status = purgeTypeStatus[key];
  if (status) {
    const type = await findPurgeTypeByRef(trx, value as string | number);
    if (type.status !== status) {
      throw invalidSetting(
        name,
        `Purge type '${type.idnumber}' has the status ${type.status}, so it cannot be the default for ${status} subjects: choose a ${status} purge type.`,
        { type: type.idnumber, typeStatus: type.status, status },
      );
    }
    return type.id;
  }
  if (key === 'anonymousUserId') {
    const subject = await findSubject(trx, value as string);
    if (!subject) {
      throw new LetheError(
        'LETHE_E_SUBJECT_UNKNOWN',
        `The anonymous user must be an existing subject: no subject has the id '${String(value)}'.`,
        { key: name, ids: [value] },
      );
    }
    return subject.id;
  }
  return value;
}

/** Marks a subject as the anonymous user (never exported, purged or changed), with an audit event. */
export async function markAnonymous(trx: Db, engine: Engine, actor: Actor, id: string): Promise<void> {
  const result = await trx
    .updateTable('subjects')
    .set({ anonymous: 1, updated_at: isoNow() })
    .where('id', '=', id)
    .where('anonymous', '=', 0)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) {
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'subject.mark-anonymous',
      targetType: 'subject',
      targetId: id,
    });
  }
}
