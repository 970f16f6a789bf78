import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { datasetJsonSchema } from './dataset-schema.js';

const published = new URL('../../../../docs/dataset.schema.json', import.meta.url);

describe('docs/dataset.schema.json', () => {
  it('is the JSON Schema generated from the zod schema (LETHE_WRITE_SCHEMA=1 rewrites it)', () => {
    const generated = datasetJsonSchema();
    if (process.env['LETHE_WRITE_SCHEMA'] === '1') {
      writeFileSync(published, `${JSON.stringify(generated, null, 2)}\n`);
    }
    const committed: unknown = JSON.parse(readFileSync(published, 'utf8'));
    expect(committed).toEqual(generated);
  });
});
