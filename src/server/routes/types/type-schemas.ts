import { z } from 'zod';
import { eraseModes, subjectStatuses } from '../../../items/index.js';

const idnumber = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_.-]{0,99}$/i,
    'must be 1 to 100 letters, digits, "_", "." or "-", starting with a letter or digit',
  );
const name = z.string().trim().min(1, 'must not be empty').max(255);
const description = z.string().max(10_000);
const itemKey = z.string().min(1).max(255);
const itemKeys = z.array(itemKey).max(5000);
const purgeItems = z.array(z.strictObject({ key: itemKey, mode: z.enum(eraseModes) })).max(5000);

/** A type in a path: its id or its idnumber. */
export const typeRefParams = z.strictObject({ ref: z.string().min(1).max(100) });

export const exportTypeCreateBody = z.strictObject({
  idnumber,
  name,
  description: description.optional(),
  allowSelf: z.boolean().optional(),
  includeFiles: z.boolean().optional(),
  items: itemKeys.optional(),
});

export const exportTypePatchBody = z.strictObject({
  idnumber: idnumber.optional(),
  name: name.optional(),
  description: description.optional(),
  allowSelf: z.boolean().optional(),
  includeFiles: z.boolean().optional(),
  items: itemKeys.optional(),
});

export const purgeTypeCreateBody = z.strictObject({
  idnumber,
  name,
  description: description.optional(),
  status: z.enum(subjectStatuses),
  allowManual: z.boolean().optional(),
  allowAutomatic: z.boolean().optional(),
  items: purgeItems.optional(),
});

export const purgeTypePatchBody = z.strictObject({
  idnumber: idnumber.optional(),
  name: name.optional(),
  description: description.optional(),
  /** Accepted only when it equals the type's status, which is fixed. */
  status: z.enum(subjectStatuses).optional(),
  allowManual: z.boolean().optional(),
  allowAutomatic: z.boolean().optional(),
  items: purgeItems.optional(),
});

export const duplicateBody = z.strictObject({ idnumber: idnumber.optional(), name: name.optional() });

export const exportTypeSchema = z.object({
  id: z.number().int(),
  idnumber: z.string(),
  name: z.string(),
  description: z.string(),
  allowSelf: z.boolean(),
  includeFiles: z.boolean(),
  initial: z.boolean(),
  items: z.array(z.string()),
  newItems: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const purgeTypeSchema = z.object({
  id: z.number().int(),
  idnumber: z.string(),
  name: z.string(),
  description: z.string(),
  status: z.enum(subjectStatuses),
  allowManual: z.boolean(),
  allowAutomatic: z.boolean(),
  items: z.array(z.object({ key: z.string(), mode: z.enum(eraseModes) })),
  newItems: z.array(z.string()),
  reappliedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  inUse: z.object({
    subjects: z.number().int(),
    default: z.enum(['suspended', 'deleted']).nullable(),
    openRequests: z.number().int(),
  }),
});

const typeNewItems = z.object({
  id: z.number().int(),
  idnumber: z.string(),
  name: z.string(),
  newItems: z.array(z.string()),
});
export const newItemsSchema = z.object({
  exportTypes: z.array(typeNewItems),
  purgeTypes: z.array(typeNewItems),
});

export const itemAvailabilitySchema = z.object({
  key: z.string(),
  group: z.string(),
  title: z.string(),
  modes: z.partialRecord(
    z.enum(eraseModes),
    z.union([
      z.object({ allowed: z.literal(true) }),
      z.object({ allowed: z.literal(false), reason: z.string() }),
    ]),
  ),
});
