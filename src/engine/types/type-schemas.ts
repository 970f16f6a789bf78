import { z } from 'zod';
import { subjectStatuses } from '../../items/index.js';

export const idnumberPattern = /^[a-z0-9][a-z0-9_.-]{0,99}$/i;

const idnumber = z
  .string()
  .regex(
    idnumberPattern,
    'must be 1 to 100 letters, digits, "_", "." or "-", starting with a letter or digit',
  );
const name = z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');
const description = z.string().max(10_000, 'must be at most 10,000 characters');
const itemKeys = z.array(z.string());
const purgeItems = z.array(z.object({ key: z.string(), mode: z.string() }).strict());
const status = z.enum(subjectStatuses);

export const exportTypeCreateSchema = z
  .object({
    idnumber,
    name,
    description: description.default(''),
    allowSelf: z.boolean().default(false),
    includeFiles: z.boolean().default(false),
    items: itemKeys.default([]),
  })
  .strict();

export const exportTypePatchSchema = z
  .object({
    idnumber: idnumber.optional(),
    name: name.optional(),
    description: description.optional(),
    allowSelf: z.boolean().optional(),
    includeFiles: z.boolean().optional(),
    items: itemKeys.optional(),
  })
  .strict();

export const purgeTypeCreateSchema = z
  .object({
    idnumber,
    name,
    description: description.default(''),
    status,
    allowManual: z.boolean().default(true),
    allowAutomatic: z.boolean().default(false),
    items: purgeItems.default([]),
  })
  .strict();

export const purgeTypePatchSchema = z
  .object({
    idnumber: idnumber.optional(),
    name: name.optional(),
    description: description.optional(),
    /** Accepted only when it equals the type's status, which is fixed. */
    status: status.optional(),
    allowManual: z.boolean().optional(),
    allowAutomatic: z.boolean().optional(),
    items: purgeItems.optional(),
  })
  .strict();

export const duplicateOptionsSchema = z
  .object({
    idnumber: idnumber.optional(),
    name: name.optional(),
  })
  .strict();

/**
 * What `createExportType` accepts. `description` defaults to '', `allowSelf` and `includeFiles` to false, `items` to [].
 * Everything is validated at run time (LETHE_E_INVALID_INPUT, LETHE_E_ITEM_UNKNOWN).
 */
export interface ExportTypeInput {
  idnumber: string;
  name: string;
  description?: string;
  allowSelf?: boolean;
  includeFiles?: boolean;
  items?: readonly string[];
}

/** What `updateExportType` accepts: any subset of the create fields. `{}` just saves (clearing new items). */
export type ExportTypePatch = Partial<ExportTypeInput>;

/**
 * What `createPurgeType` accepts. `status` is active, suspended or deleted (else LETHE_E_STATUS_INVALID); `mode` is
 * delete or anonymise. `allowManual` defaults to true, `allowAutomatic` to false, `items` to [].
 */
export interface PurgeTypeInput {
  idnumber: string;
  name: string;
  description?: string;
  status: string;
  allowManual?: boolean;
  allowAutomatic?: boolean;
  items?: readonly { key: string; mode: string }[];
}

/** What `updatePurgeType` accepts: any subset of the create fields; `status` only if it is the type's own. */
export type PurgeTypePatch = Partial<PurgeTypeInput>;

/** The copy's idnumber (default `<idnumber>-copy`, `-copy-2`, ...) and name (default "Copy of <name>"). */
export interface DuplicateOptions {
  idnumber?: string;
  name?: string;
}
