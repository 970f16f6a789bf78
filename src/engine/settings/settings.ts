import { z } from 'zod';

/** The engine's settings, as stored: one row per key in the `settings` table, its value as JSON. */
export interface Settings {
  /** The purge type for suspended subjects that have none of their own. */
  defaultSuspendedPurgeTypeId: number | null;
  /** The purge type for deleted subjects that have none of their own. */
  defaultDeletedPurgeTypeId: number | null;
  /** Whether subjects may export their own data. */
  allowSelfExport: boolean;
  /** How many days an export package is kept. */
  exportRetentionDays: number;
  /** The subject that anonymised content is attributed to; created on first use when null. */
  anonymousUserId: string | null;
}

/** The settings, plus the idnumbers of the default purge types. */
export interface SettingsView extends Settings {
  defaultSuspendedPurgeType: string | null;
  defaultDeletedPurgeType: string | null;
}

export type SettingKey = keyof Settings;

export const defaultSettings: Readonly<Settings> = Object.freeze({
  defaultSuspendedPurgeTypeId: null,
  defaultDeletedPurgeTypeId: null,
  allowSelfExport: true,
  exportRetentionDays: 5,
  anonymousUserId: null,
});

export const minRetentionDays = 1;
export const maxRetentionDays = 3650;

/** The schema of each stored value. */
export const storedSettingSchemas: { [K in SettingKey]: z.ZodType<Settings[K]> } = {
  defaultSuspendedPurgeTypeId: z.number().int().positive().nullable(),
  defaultDeletedPurgeTypeId: z.number().int().positive().nullable(),
  allowSelfExport: z.boolean(),
  exportRetentionDays: z.number().int().min(minRetentionDays).max(maxRetentionDays),
  anonymousUserId: z.string().min(1).max(255).nullable(),
};

export const settingKeys = Object.keys(defaultSettings) as SettingKey[];
