import { LetheError } from '../../errors/index.js';
import type { Db } from '../engine.js';

/** How many enabled accounts hold `userdata:config` (and so can manage accounts). */
export async function countAccountManagers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('accounts')
    .innerJoin('account_roles', 'account_roles.account_id', 'accounts.id')
    .innerJoin('role_capabilities', 'role_capabilities.role_id', 'account_roles.role_id')
    .where('accounts.disabled', '=', 0)
    .where('role_capabilities.capability', '=', 'userdata:config')
    .select((eb) => eb.fn.count<number>('accounts.id').distinct().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Runs a change inside a transaction and refuses it (LETHE_E_ACCOUNT_LAST_ADMIN, rolling it back) when it would
 * take away the last enabled account that can manage accounts.
 */
export async function keepingAnAccountManager<T>(trx: Db, change: () => Promise<T>): Promise<T> {
  const before = await countAccountManagers(trx);
  const result = await change();
  if (before > 0 && (await countAccountManagers(trx)) === 0) {
    throw new LetheError(
      'LETHE_E_ACCOUNT_LAST_ADMIN',
      'This change would leave no enabled account with userdata:config, so nobody could manage accounts.',
    );
  }
  return result;
}
