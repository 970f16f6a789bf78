export type { Account } from './account.js';
export {
  type CreateAccountInput,
  type CreateApiTokenInput,
  type CreateRoleInput,
  createAccountSchema,
  createApiTokenSchema,
  createRoleSchema,
  passwordSchema,
  type UpdateAccountInput,
  type UpdateRoleInput,
  updateAccountSchema,
  updateRoleSchema,
  usernameSchema,
} from './account-input.js';
export {
  type AccountQuery,
  changeOwnPassword,
  createAccount,
  deleteAccount,
  findSubjectAccount,
  getAccount,
  listAccounts,
  unlockAccount,
  updateAccount,
} from './accounts.js';
export {
  actAsRefusal,
  actingRefusal,
  resumeActing,
  sessionActor,
  startActingAs,
  stopActingAs,
} from './act-as.js';
export {
  type ApiToken,
  createApiToken,
  getApiToken,
  listApiTokens,
  resolveApiToken,
  revokeApiToken,
} from './api-tokens.js';
export {
  type ApiScope,
  apiScopes,
  type Capability,
  capabilities,
  capabilityDescriptions,
  isApiScope,
  isCapability,
} from './capabilities.js';
export {
  adminUsername,
  type EnsureAdminOptions,
  type EnsureAdminResult,
  ensureAdmin,
} from './ensure-admin.js';
export { defaultLoginPolicy, type LoginPolicy } from './login-policy.js';
export { hashPassword, verifyPassword } from './password-hash.js';
export { createRole, deleteRole, getRole, listRoles, type Role, updateRole } from './roles.js';
export {
  type Acting,
  endSession,
  type LoginInput,
  login,
  type NewSession,
  resolveSession,
  type Session,
  safeEqual,
  sha256,
} from './sessions.js';
