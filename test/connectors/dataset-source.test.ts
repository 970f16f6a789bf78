import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetSourceLoader } from '../../src/connectors/sql/index.js';
import { loadItemSources } from '../../src/engine/load-item-sources.js';
import { ItemRegistry } from '../../src/items/index.js';
import { type ContractContext, openContract, testHashKey } from './support/contract-context.js';
import { fixtureDataset } from './support/fixture.js';

describe('dataset item sources in the configuration', () => {
  let c: ContractContext;
  beforeAll(async () => {
    c = await openContract({ dialect: 'sqlite' });
    writeFileSync(join(c.filesRoot, 'fixture.yaml'), fixtureDataset);
    writeFileSync(join(c.filesRoot, 'broken.yaml'), fixtureDataset.replace('table: messages', 'table: nope'));
  });
  afterAll(async () => {
    await c?.close();
  });

  it('loads a dataset file, relative to the config folder, into registrable items', async () => {
    const loaded = await loadItemSources(
      [{ dataset: 'fixture.yaml', database: c.db.url }],
      c.filesRoot,
      datasetSourceLoader({ hashKey: testHashKey }),
    );
    try {
      const registry = new ItemRegistry().registerAll(loaded.items);
      expect(registry.has('helpdesk/emails')).toBe(true);
      expect(registry.size).toBe(c.items.length);
    } finally {
      await loaded.close();
    }
  });

  it('refuses a dataset that does not match its database', async () => {
    await expect(
      loadItemSources(
        [{ dataset: 'broken.yaml', database: c.db.url }],
        c.filesRoot,
        datasetSourceLoader({ hashKey: testHashKey }),
      ),
    ).rejects.toMatchObject({ code: 'LETHE_E_DATASET_SCHEMA' });
  });

  it('refuses a hash strategy without a key', async () => {
    await expect(
      loadItemSources([{ dataset: 'fixture.yaml', database: c.db.url }], c.filesRoot, datasetSourceLoader()),
    ).rejects.toMatchObject({ code: 'LETHE_E_CONFIG_INVALID' });
  });
});
