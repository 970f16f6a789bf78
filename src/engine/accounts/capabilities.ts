/** What an account may do. Capabilities are granted to roles, and roles to accounts. */
export const capabilities = [
  'userdata:config',
  'userdata:viewreports',
  'userdata:purgemanual',
  'userdata:exportother',
  'userdata:exportself',
  'userdata:anonymise',
  'userdata:audit',
  'userdata:loginas',
] as const;

export type Capability = (typeof capabilities)[number];

export const capabilityDescriptions: Record<Capability, string> = {
  'userdata:config':
    'Configure export types, purge types, settings, subjects, accounts, roles and API tokens.',
  'userdata:viewreports': 'Read the reports on exports, purges and deleted subjects.',
  'userdata:purgemanual': "Purge or erase a person's data by hand, and run dry runs.",
  'userdata:exportother': "Export another person's data, and download their packages.",
  'userdata:exportself': 'Export and download your own data (self-service).',
  'userdata:anonymise': 'Anonymise support users (irreversible). No role has it until it is granted.',
  'userdata:audit': 'Read and verify the audit trail.',
  'userdata:loginas':
    'Act as another account, to see what it sees. Never as an administrator; no downloads while acting.',
};

/** What an API token may do. Tokens are for host applications; they carry scopes, not roles. */
export const apiScopes = [
  'subjects:read',
  'subjects:write',
  'exports:request',
  'exports:read',
  'purges:request',
  'reports:read',
  'config:read',
  'config:write',
  'audit:read',
] as const;

export type ApiScope = (typeof apiScopes)[number];

export function isCapability(value: string): value is Capability {
  return (capabilities as readonly string[]).includes(value);
}

export function isApiScope(value: string): value is ApiScope {
  return (apiScopes as readonly string[]).includes(value);
}
