import { randomBytes } from 'node:crypto';
import type { Engine } from '../engine.js';
import { createAccount } from './accounts.js';

export interface EnsureAdminOptions {
  /** The password to give a new admin; else LETHE_ADMIN_PASSWORD; else a random one-time password. */
  password?: string;
  env?: NodeJS.ProcessEnv;
}

export interface EnsureAdminResult {
  /** Whether the admin account was created now (false: an account already existed). */
  created: boolean;
  username: string;
  /** Set when a password was generated: print it once, it is not stored anywhere readable. */
  oneTimePassword?: string;
}

export const adminUsername = 'admin';

/**
 * First run: when the store has no account at all, creates `admin` with the administrator role. Its password
 * comes from the options, or LETHE_ADMIN_PASSWORD, or is generated and returned so that the CLI can print it.
 */
export async function ensureAdmin(
  engine: Engine,
  options: EnsureAdminOptions = {},
): Promise<EnsureAdminResult> {
  const any = await engine.db.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
  if (any) return { created: false, username: adminUsername };
  const fromEnv = (options.env ?? process.env)['LETHE_ADMIN_PASSWORD'];
  const given = options.password ?? (fromEnv ? fromEnv : undefined);
  const password = given ?? randomBytes(12).toString('base64url');
  try {
    await createAccount(engine, 'system', {
      username: adminUsername,
      displayName: 'Administrator',
      password,
      roles: ['administrator'],
    });
  } catch (error) {
    // Another process (a second `lethe serve` started at the same time) created the first account meanwhile.
    const now = await engine.db.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
    if (now) return { created: false, username: adminUsername };
    throw error;
  }
  return {
    created: true,
    username: adminUsername,
    ...(given === undefined ? { oneTimePassword: password } : {}),
  };
}
