import type { ConfigInput } from '../../src/config/index.js';
import type { Engine } from '../../src/engine/engine.js';
import { changeStatus, registerSubject } from '../../src/engine/subjects/index.js';
import { createPurgeType } from '../../src/engine/types/index.js';
import type { Store } from '../../src/store/index.js';
import { testEngine } from '../support/engine.js';
import { FakeData, type FakeItemOptions, fakeItem } from './fake-items.js';

/**
 * An engine on `store` whose catalogue is one fake item per key ("component/name"), in this order, with the data
 * they hold, and the worker settings the worker tests use (a 5 s item limit, 30 s leases) unless `config` says
 * otherwise. `itemOptions` adds to each item's options (a hook before it runs, say).
 */
export function fakeEngine(
  store: Store,
  keys: readonly string[],
  config: ConfigInput = {},
  itemOptions: (key: string) => FakeItemOptions = () => ({}),
): { engine: Engine; data: FakeData } {
  const data = new FakeData();
  const engine = testEngine(
    store,
    keys.map((key, i) => {
      const [component, name] = key.split('/') as [string, string];
      return fakeItem(data, component, name, { sortOrder: i, ...itemOptions(key) });
    }),
    { ...config, worker: { itemTimeLimitMs: 5000, leaseSeconds: 30, ...config.worker } },
  );
  return { engine, data };
}

/** The purge type `del`: deleted subjects, manual (and automatic unless told), deleting every one of `keys`. */
export async function createDeleteType(
  engine: Engine,
  keys: readonly string[],
  options: { allowAutomatic?: boolean } = {},
): Promise<void> {
  await createPurgeType(engine, 'cli', {
    idnumber: 'del',
    name: 'Deleted',
    status: 'deleted',
    allowManual: true,
    allowAutomatic: options.allowAutomatic ?? true,
    items: keys.map((key) => ({ key, mode: 'delete' })),
  });
}

/** Registers these subjects, gives each a record in every one of `keys`, and deletes them. */
export async function deletedSubjects(
  engine: Engine,
  data: FakeData,
  keys: readonly string[],
  ids: readonly string[],
): Promise<void> {
  for (const id of ids) {
    await registerSubject(engine, 'cli', { id, username: id, email: `${id}@example.org`, fullName: id });
    for (const key of keys) data.put(key, id, [`${key}:${id}`]);
  }
  await changeStatus(engine, 'cli', [...ids], 'deleted');
}
