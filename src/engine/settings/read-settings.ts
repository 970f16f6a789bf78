import { LetheError } from '../../errors/index.js';
import type { Db, Engine } from '../engine.js';
import {
  defaultSettings,
  type SettingKey,
  type Settings,
  type SettingsView,
  storedSettingSchemas,
} from './settings.js';

function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(storedSettingSchemas, key);
}

/** The stored settings, with defaults for missing rows. Works on the store or inside a transaction. */
export async function readSettings(db: Db): Promise<Settings> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).execute();
  const settings: Settings = { ...defaultSettings };
  for (const row of rows) {
    if (!isSettingKey(row.key)) continue;
    let value: unknown;
    try {
      value = JSON.parse(row.value);
    } catch {
      value = undefined;
    }
    const parsed = storedSettingSchemas[row.key].safeParse(value);
    if (!parsed.success) {
      throw new LetheError(
        'LETHE_E_SETTING_INVALID',
        `The stored value of the setting '${row.key}' is not valid (${row.value}): set it again.`,
        { key: row.key },
      );
    }
    Object.assign(settings, { [row.key]: parsed.data });
  }
  return settings;
}

/** Adds the idnumbers of the default purge types. */
export async function viewSettings(db: Db, settings: Settings): Promise<SettingsView> {
  const ids = [settings.defaultSuspendedPurgeTypeId, settings.defaultDeletedPurgeTypeId].filter(
    (id): id is number => id !== null,
  );
  const types =
    ids.length === 0
      ? []
      : await db.selectFrom('purge_types').select(['id', 'idnumber']).where('id', 'in', ids).execute();
  const idnumberOf = (id: number | null) =>
    id === null ? null : (types.find((t) => Number(t.id) === id)?.idnumber ?? null);
  return {
    ...settings,
    defaultSuspendedPurgeType: idnumberOf(settings.defaultSuspendedPurgeTypeId),
    defaultDeletedPurgeType: idnumberOf(settings.defaultDeletedPurgeTypeId),
  };
}

/** The settings, with defaults for any not yet set, and the idnumbers of the default purge types. */
export async function getSettings(engine: Engine): Promise<SettingsView> {
  return viewSettings(engine.db, await readSettings(engine.db));
}
