import type { Actor, Engine } from '../engine.js';
import type { SettingsView } from './settings.js';
import {
  invalidSetting,
  isSettingName,
  type SettingName,
  settingNames,
  unknownSetting,
  updateSettings,
} from './update-settings.js';

const clearWords = new Set(['', 'none', 'null']);
const trueWords = new Set(['true', 'yes', 'on', '1']);
const falseWords = new Set(['false', 'no', 'off', '0']);

/** Finds a setting by name, ignoring case, dashes and underscores (`export-retention-days`). */
export function resolveSettingName(key: string): SettingName {
  if (isSettingName(key)) return key;
  const norm = (s: string) => s.replace(/[-_]/g, '').toLowerCase();
  const found = Object.keys(settingNames).find((n) => norm(n) === norm(key));
  if (!found) throw unknownSetting([key]);
  return found as SettingName;
}

/**
 * Sets one setting from a string, as `lethe settings set KEY VALUE` gives it. The value is parsed by the setting's
 * type: `true`/`false` (also yes/no, on/off, 1/0), a whole number, an idnumber or id, a subject id; `none` or an
 * empty value clears a purge type or the anonymous user. LETHE_E_SETTING_UNKNOWN or LETHE_E_SETTING_INVALID name
 * the problem.
 */
export async function setSetting(
  engine: Engine,
  actor: Actor,
  key: string,
  rawValue: string,
): Promise<SettingsView> {
  const name = resolveSettingName(key);
  const spec = settingNames[name];
  const raw = String(rawValue).trim();
  let value: unknown;
  switch (spec.stored) {
    case 'allowSelfExport': {
      const word = raw.toLowerCase();
      if (trueWords.has(word)) value = true;
      else if (falseWords.has(word)) value = false;
      else
        throw invalidSetting(name, `The setting '${name}' takes ${spec.takes}, not '${raw}'.`, {
          value: raw,
        });
      break;
    }
    case 'exportRetentionDays': {
      if (!/^-?\d{1,9}$/.test(raw)) {
        throw invalidSetting(name, `The setting '${name}' takes ${spec.takes}, not '${raw}'.`, {
          value: raw,
        });
      }
      value = Number(raw);
      break;
    }
    default:
      value = clearWords.has(raw.toLowerCase()) ? null : raw;
  }
  return updateSettings(engine, actor, { [name]: value });
}
