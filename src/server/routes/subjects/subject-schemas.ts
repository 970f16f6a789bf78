import { z } from 'zod';
import { subjectStatuses } from '../../../items/index.js';

const looseEmail = /^[^\s@]+@[^\s@]+$/;

export const subjectSchema = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string(),
  fullName: z.string(),
  kind: z.string(),
  status: z.enum(subjectStatuses),
  statusChangedAt: z.string(),
  suspendedPurgeTypeId: z.number().int().nullable(),
  deletedPurgeTypeId: z.number().int().nullable(),
  legacy: z.boolean(),
  anonymous: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const subjectIdSchema = z.string().min(1).max(255);

const fields = {
  username: z.string().min(1).max(255),
  email: z
    .string()
    .max(320)
    .refine((v) => v === '' || looseEmail.test(v), 'must be an email address or empty'),
  fullName: z.string().max(255),
  kind: z
    .string()
    .min(1)
    .max(64)
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/,
      'must be letters, digits, and . _ : - (such as staff, learner, support)',
    ),
  status: z.enum(subjectStatuses),
  legacy: z.boolean(),
  at: z
    .string()
    .max(40)
    .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), 'must be an ISO-8601 date'),
};

export const registerSubjectBody = z.strictObject({
  id: subjectIdSchema,
  username: fields.username,
  email: fields.email,
  fullName: fields.fullName,
  kind: fields.kind.optional(),
  status: fields.status.optional(),
  legacy: fields.legacy.optional(),
  /** When the status last changed, for subjects deleted before Lethe managed them. */
  statusChangedAt: fields.at.optional(),
});

export const updateSubjectBody = z.strictObject({
  username: fields.username.optional(),
  email: fields.email.optional(),
  fullName: fields.fullName.optional(),
  kind: fields.kind.optional(),
  legacy: fields.legacy.optional(),
});

export const importLineBody = z.strictObject({
  id: subjectIdSchema,
  username: fields.username.optional(),
  email: fields.email.optional(),
  fullName: fields.fullName.optional(),
  kind: fields.kind.optional(),
  status: fields.status.optional(),
  legacy: fields.legacy.optional(),
  statusChangedAt: fields.at.optional(),
});

export const statusChangeFields = {
  status: fields.status,
  /** When the change happened; now by default. */
  at: fields.at.optional(),
  /** Recorded in the audit event. */
  reason: z.string().max(1000).optional(),
};

export const bulkResultSchema = z.object({ changed: z.number().int(), unchanged: z.number().int() });

/** The most subject ids one bulk request may name. */
export const maxBulkIds = 10_000;
