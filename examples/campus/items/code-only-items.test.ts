import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/connectors/sql/index.js';
import {
  type Item,
  itemKey,
  type MentionHit,
  mentionTerms,
  type SubjectRef,
} from '../../../src/items/index.js';
import { subjectRefs } from '../campus-test-support.js';
import { generateCampus } from '../generate.js';
import { closeItems, codeOnlyReasons, createItems } from './index.js';

const datasetFile = new URL('../dataset.yaml', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'lethe-campus-code-only-'));
const database = `sqlite:${join(dir, 'campus.db')}`;

beforeAll(async () => {
  await generateCampus(join(dir, 'campus.db'), { users: 40, seed: 5 });
});

afterAll(() => {
  closeItems();
  rmSync(dir, { recursive: true, force: true });
});

async function hitsOf(item: Item, subject: SubjectRef): Promise<MentionHit[]> {
  const terms = mentionTerms([subject.fullName, subject.username, subject.email]);
  const hits: MentionHit[] = [];
  for await (const hit of item.mentions!.find({ subject, terms, signal: new AbortController().signal })) {
    hits.push(hit);
  }
  return hits;
}

describe("createItems({ set: 'code-only' })", () => {
  it('returns exactly the items that must stay in code, each with its reason', () => {
    const keys = createItems({ database, set: 'code-only' }).map(itemKey);
    expect([...keys].sort()).toEqual(Object.keys(codeOnlyReasons).sort());
    for (const reason of Object.values(codeOnlyReasons)) expect(reason.length).toBeGreaterThan(40);
  });

  it('shares no key with the dataset file, and together they cover every campus code item', () => {
    const datasetKeys = new Set(loadDataset(datasetFile).items.map((i) => `${i.component}/${i.name}`));
    const codeOnly = createItems({ database, set: 'code-only' }).map(itemKey);
    expect(codeOnly.filter((key) => datasetKeys.has(key))).toEqual([]);
    const together = new Set([...datasetKeys, ...codeOnly]);
    const all = createItems({ database }).map(itemKey);
    expect(all.filter((key) => !together.has(key))).toEqual([]);
  });

  it('finds the same mentions as the full set does on the items the dataset now holds', async () => {
    const sarah = subjectRefs(join(dir, 'campus.db')).find((s) => s.id === '3')!;
    const code = new Map(createItems({ database, set: 'code-only' }).map((i) => [itemKey(i), i]));
    const all = new Map(createItems({ database }).map((i) => [itemKey(i), i]));
    const pairs = [
      ['forum/mentions', 'forum/posts'],
      ['messages/mentions', 'messages/sent'],
      ['blog/mentions', 'blog/posts'],
    ] as const;
    let total = 0;
    for (const [mentions, owner] of pairs) {
      const item = code.get(mentions)!;
      expect(item.modes).toEqual({});
      expect(item.count).toBeUndefined();
      const found = await hitsOf(item, sarah);
      expect(found).toEqual(await hitsOf(all.get(owner)!, sarah));
      total += found.length;
    }
    expect(total).toBeGreaterThan(0);
  });

  it('refuses an unknown set', () => {
    expect(() => createItems({ database, set: 'most' })).toThrow(
      expect.objectContaining({ code: 'LETHE_E_ITEM_SOURCE' }),
    );
  });
});
