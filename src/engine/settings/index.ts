export { getAnonymousUser } from './get-anonymous-user.js';
export { getSettings, readSettings, viewSettings } from './read-settings.js';
export { resolveSettingName, setSetting } from './set-setting.js';
export {
  defaultSettings,
  maxRetentionDays,
  minRetentionDays,
  type SettingKey,
  type Settings,
  type SettingsView,
  settingKeys,
} from './settings.js';
export { type SettingName, type SettingsPatch, settingNames, updateSettings } from './update-settings.js';
