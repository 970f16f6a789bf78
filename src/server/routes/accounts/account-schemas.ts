import { z } from 'zod';
import { apiScopes, capabilities } from '../../../engine/accounts/index.js';

export const accountSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  subjectId: z.string().nullable(),
  disabled: z.boolean(),
  hasPassword: z.boolean(),
  roles: z.array(z.string()),
  capabilities: z.array(z.enum(capabilities)),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const roleSchema = z.object({
  id: z.number().int(),
  shortname: z.string(),
  name: z.string(),
  description: z.string(),
  builtin: z.boolean(),
  capabilities: z.array(z.enum(capabilities)),
  accounts: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const apiTokenSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(apiScopes)),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  active: z.boolean(),
});
