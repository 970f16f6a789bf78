import { z } from 'zod';
import { LetheError } from '../../errors/index.js';
import { subjectStatuses } from '../../items/index.js';

const looseEmail = /^[^\s@]+@[^\s@]+$/;
const kindPattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

const fields = {
  id: z.string().min(1).max(255),
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
    .regex(kindPattern, 'must be letters, digits, and . _ : - (such as staff, learner, support)'),
  status: z.enum(subjectStatuses),
  legacy: z.boolean(),
  /** When the status last changed (for subjects deleted before Lethe managed them); now by default. */
  statusChangedAt: z
    .string()
    .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), 'must be an ISO-8601 date')
    .transform((v) => new Date(v).toISOString()),
};

export const registerSubjectSchema = z
  .object({
    id: fields.id,
    username: fields.username,
    email: fields.email,
    fullName: fields.fullName,
    kind: fields.kind.default('learner'),
    status: fields.status.default('active'),
    legacy: fields.legacy.default(false),
    statusChangedAt: fields.statusChangedAt.optional(),
  })
  .strict();

export type RegisterSubjectInput = z.input<typeof registerSubjectSchema>;
export type RegisterSubjectValues = z.output<typeof registerSubjectSchema>;

export const updateSubjectSchema = z
  .object({
    username: fields.username.optional(),
    email: fields.email.optional(),
    fullName: fields.fullName.optional(),
    kind: fields.kind.optional(),
    legacy: fields.legacy.optional(),
  })
  .strict();

export type SubjectPatch = z.input<typeof updateSubjectSchema>;

/** One line of a JSONL import: only the id is required; a new subject also needs username, email and fullName. */
export const importLineSchema = z
  .object({
    id: fields.id,
    username: fields.username.optional(),
    email: fields.email.optional(),
    fullName: fields.fullName.optional(),
    kind: fields.kind.optional(),
    status: fields.status.optional(),
    legacy: fields.legacy.optional(),
    statusChangedAt: fields.statusChangedAt.optional(),
  })
  .strict();

export type ImportLine = z.output<typeof importLineSchema>;

export const statusSchema = fields.status;

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The error for the first problem zod found, naming the field (or the bad status value). */
export function inputError(issues: readonly Issue[], input: unknown, what: string): LetheError {
  const issue = issues[0];
  if (!issue) return new LetheError('LETHE_E_INVALID_INPUT', `${what} is not valid.`);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys ?? [];
    const hint =
      keys.includes('status') && what.startsWith('The subject update') ? ' (use changeStatus)' : '';
    return new LetheError(
      'LETHE_E_INVALID_INPUT',
      `${what} has unknown field${keys.length === 1 ? '' : 's'} ${keys.map((k) => `'${k}'`).join(', ')}${hint}.`,
      { fields: keys },
    );
  }
  const field = issue.path.map(String).join('.');
  if (field === 'status' && issue.code !== 'invalid_type') {
    return statusError(valueAt(input, issue.path));
  }
  if (field === '') return new LetheError('LETHE_E_INVALID_INPUT', `${what}: ${issue.message}.`);
  const value = valueAt(input, issue.path);
  const problem = value === undefined ? ' is required' : `: ${issue.message}`;
  return new LetheError('LETHE_E_INVALID_INPUT', `${what}: field '${field}'${problem}.`, { field });
}

export function statusError(value: unknown): LetheError {
  return new LetheError(
    'LETHE_E_STATUS_INVALID',
    `'${String(value)}' is not a subject status: use active, suspended or deleted.`,
    { status: value },
  );
}

/** Parses input with a schema, or throws a LetheError naming the problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw inputError(result.error.issues, input, what);
  return result.data;
}
