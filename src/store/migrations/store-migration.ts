import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect-name.js';

/** One reversible, versioned step of the store's schema. Names sort in the order they run. */
export interface StoreMigration {
  name: string;
  up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void>;
  down(db: Kysely<unknown>, dialect: StoreDialect): Promise<void>;
}
