import { createAccount, ensureAdmin } from '../../../src/engine/accounts/index.js';
import type { Actor, Engine } from '../../../src/engine/engine.js';
import { campusSpecialUsers } from '../generate.js';

/** The demo's fixed logins, printed by `lethe demo` and shown in the README. Never use them outside the demo. */
export const demoLogins = {
  admin: { username: 'admin', password: 'lethe-demo-admin' },
  subject: {
    username: campusSpecialUsers.sarah.username,
    password: 'lethe-demo-subject',
    subjectId: campusSpecialUsers.sarah.id,
  },
} as const;

/** The administrator and one self-service account, for Sarah Stanley. */
export async function createDemoAccounts(engine: Engine, actor: Actor): Promise<void> {
  await ensureAdmin(engine, { password: demoLogins.admin.password });
  await createAccount(engine, actor, {
    username: demoLogins.subject.username,
    displayName: campusSpecialUsers.sarah.fullName,
    email: campusSpecialUsers.sarah.email,
    password: demoLogins.subject.password,
    subjectId: demoLogins.subject.subjectId,
  });
}
