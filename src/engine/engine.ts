import type { Kysely } from 'kysely';
import type { Config } from '../config/index.js';
import type { ItemRegistry } from '../items/index.js';
import type { Database, Store } from '../store/index.js';

/** What every use case runs with: the store, the item catalogue and the validated configuration. */
export interface Engine {
  readonly store: Store;
  readonly db: Kysely<Database>;
  readonly items: ItemRegistry;
  readonly config: Config;
}

/** Who did something: `system`, `cli`, `account:<id>`, `token:<id>`, `subject:<id>`. */
export type Actor = string;

/** A Kysely handle that may be the store itself or a transaction on it. */
export type Db = Kysely<Database>;
