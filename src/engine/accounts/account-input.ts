import { z } from 'zod';
import { LetheError } from '../../errors/index.js';
import { apiScopes, capabilities } from './capabilities.js';

const looseEmail = /^[^\s@]+@[^\s@]+$/;

/** Usernames are case-insensitive: they are stored in lower case. */
export const usernameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@+-]*$/,
    'must be letters, digits and . _ @ + -, starting with a letter or digit',
  )
  .transform((v) => v.toLowerCase());

export const passwordSchema = z.string().min(8, 'must be at least 8 characters').max(256);

export const roleShortnameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and -, starting with a letter');

const emailSchema = z
  .string()
  .max(320)
  .refine((v) => v === '' || looseEmail.test(v), 'must be an email address or empty');

const isoDateSchema = z
  .string()
  .max(40)
  .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), 'must be an ISO-8601 date')
  .transform((v) => new Date(v).toISOString());

export const createAccountSchema = z.strictObject({
  username: usernameSchema,
  displayName: z.string().max(255).optional(),
  email: emailSchema.optional(),
  /** Without one, the account cannot log in until a password is set. */
  password: passwordSchema.optional(),
  /** Makes a self-service account for this subject; it gets the `authenticated` role unless roles are given. */
  subjectId: z.string().min(1).max(255).optional(),
  roles: z.array(roleShortnameSchema).max(50).optional(),
});
export type CreateAccountInput = z.input<typeof createAccountSchema>;

export const updateAccountSchema = z.strictObject({
  displayName: z.string().max(255).optional(),
  email: emailSchema.optional(),
  disabled: z.boolean().optional(),
  password: passwordSchema.optional(),
  roles: z.array(roleShortnameSchema).max(50).optional(),
});
export type UpdateAccountInput = z.input<typeof updateAccountSchema>;

export const createRoleSchema = z.strictObject({
  shortname: roleShortnameSchema,
  name: z.string().min(1).max(255),
  description: z.string().max(2000).default(''),
  capabilities: z.array(z.enum(capabilities)).max(capabilities.length).default([]),
});
export type CreateRoleInput = z.input<typeof createRoleSchema>;

export const updateRoleSchema = z.strictObject({
  name: z.string().min(1).max(255).optional(),
  description: z.string().max(2000).optional(),
  capabilities: z.array(z.enum(capabilities)).max(capabilities.length).optional(),
});
export type UpdateRoleInput = z.input<typeof updateRoleSchema>;

export const createApiTokenSchema = z.strictObject({
  name: z.string().min(1).max(255),
  scopes: z.array(z.enum(apiScopes)).min(1).max(apiScopes.length),
  /** When the token stops working; it never expires without one. */
  expiresAt: isoDateSchema.optional(),
});
export type CreateApiTokenInput = z.input<typeof createApiTokenSchema>;

/** Validates input with a schema, or throws LETHE_E_INVALID_INPUT naming every bad field. */
export function parseAccountInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: i.path.length > 0 ? i.path.map(String).join('.') : '(input)',
    message: i.message,
  }));
  throw new LetheError(
    'LETHE_E_INVALID_INPUT',
    `${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { field: issues[0]?.path, issues },
  );
}
