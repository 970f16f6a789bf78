import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type ContractContext, openContract, writeFixtureFiles } from './contract-context.js';
import { clearFixture, seedFixture } from './fixture.js';
import { standardData } from './fixture-data.js';
import type { DialectTarget } from './test-databases.js';

/**
 * The contract database of a describe block: opened once before its tests and closed after them, with the standard
 * fixture data (and, with `files`, the fixture's files) put back before each test. The object it returns is filled
 * in when the block starts.
 */
export function useContract(target: DialectTarget, options: { files?: boolean } = {}): ContractContext {
  const c = {} as ContractContext;
  beforeAll(async () => {
    Object.assign(c, await openContract(target));
  });
  afterAll(async () => {
    await c.close?.();
  });
  beforeEach(async () => {
    await clearFixture(c.connection);
    await seedFixture(c.connection, standardData());
    if (options.files) writeFixtureFiles(c.filesRoot);
  });
  return c;
}
