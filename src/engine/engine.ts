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

/**
 * Who did something: `system`, `cli`, `account:<id>`, `token:<id>`, `subject:<id>`; and while an account acts as
 * another, both: `account:<id> as account:<id>` (or `account:<id> as subject:<id>` on self-service routes).
 */
export type Actor = string;

const acting = /^account:\d+ as (.+)$/;

/** The actor for what the account `real` does while acting as `as`: `account:1 as account:7`. */
export function actingActor(real: Actor, as: Actor): Actor {
  return `${real} as ${as}`;
}

/** Whom an action counts as: the acted-as part of `account:1 as subject:ann`, or the actor itself. */
export function effectiveActor(actor: Actor): Actor {
  return acting.exec(actor)?.[1] ?? actor;
}

/** A Kysely handle that may be the store itself or a transaction on it. */
export type Db = Kysely<Database>;
