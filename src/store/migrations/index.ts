import { initialMigration } from './001-initial.js';
import { requestQueueMigration } from './003-request-queue.js';
import { accountsMigration } from './004-accounts.js';
import { reportIndexesMigration } from './005-report-indexes.js';
import { actAsMigration } from './006-act-as.js';
import { outboxRetryMigration } from './007-outbox-retry.js';
import { actorColumnsMigration } from './008-actor-columns.js';
import { failedItemsIndexMigration } from './009-failed-items-index.js';
import { requestItemsForeignKeyMigration } from './010-request-items-foreign-key.js';
import { retryAfterMigration } from './011-retry-after.js';
import type { StoreMigration } from './store-migration.js';

/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
export const migrations: readonly StoreMigration[] = [
  initialMigration,
  requestQueueMigration,
  accountsMigration,
  reportIndexesMigration,
  actAsMigration,
  outboxRetryMigration,
  actorColumnsMigration,
  failedItemsIndexMigration,
  requestItemsForeignKeyMigration,
  retryAfterMigration,
];
