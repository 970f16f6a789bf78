import fc from 'fast-check';
import { expect, it } from 'vitest';
import { requestPurge } from '../../src/engine/purges/index.js';
import { getRequest, requestExport } from '../../src/engine/requests/index.js';
import { changeStatus, registerSubject } from '../../src/engine/subjects/index.js';
import { createPurgeType } from '../../src/engine/types/index.js';
import { runWorker } from '../../src/engine/worker/index.js';
import type { EraseMode } from '../../src/items/index.js';
import { testEngine } from '../support/engine.js';
import { describeEachStore } from '../support/stores.js';
import { FakeData, fakeItem } from './fake-items.js';
import { readZipEntry } from './read-zip-entry.js';

interface Case {
  subjects: number;
  target: number;
  items: { modes: EraseMode[]; records: number[] }[];
  /** For each item: not in the type (null), or the index of its mode. */
  type: (number | null)[];
}

const caseArbitrary: fc.Arbitrary<Case> = fc
  .integer({ min: 2, max: 5 })
  .chain((subjects) =>
    fc.record({
      subjects: fc.constant(subjects),
      target: fc.integer({ min: 0, max: subjects - 1 }),
      items: fc.array(
        fc.record({
          modes: fc.subarray<EraseMode>(['delete', 'anonymise'], { minLength: 1 }),
          records: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: subjects, maxLength: subjects }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      type: fc.array(fc.option(fc.integer({ min: 0, max: 1 }), { nil: null }), {
        minLength: 4,
        maxLength: 4,
      }),
    }),
  )
  .filter((c) => c.items.some((_, i) => c.type[i] !== null));

describeEachStore('the invariant', ({ store, target }) => {
  it('purging subject A changes nothing of anyone else, and exporting A holds nothing of anyone else', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(caseArbitrary, async (c) => {
        run++;
        const data = new FakeData();
        const ids = Array.from({ length: c.subjects }, (_, i) => `r${run}s${i}`);
        const keys = c.items.map((_, i) => `p${run}/item${i}`);
        const statuses = ['active', 'suspended', 'deleted'] as const;
        const items = c.items.map((spec, i) => {
          const [component, name] = (keys[i] ?? '').split('/') as [string, string];
          return fakeItem(data, component, name, {
            sortOrder: i,
            modes: Object.fromEntries(spec.modes.map((m) => [m, statuses])),
          });
        });
        const engine = testEngine(store(), items, { worker: { itemTimeLimitMs: 10_000 } });
        for (const [s, id] of ids.entries()) {
          await registerSubject(engine, 'cli', {
            id,
            username: id,
            email: `${id}@example.org`,
            fullName: id,
          });
          c.items.forEach((spec, i) => {
            const n = spec.records[s] ?? 0;
            data.put(
              keys[i] ?? '',
              id,
              Array.from({ length: n }, (_, k) => `|${id}|${k}`),
            );
          });
        }
        const plan = c.items.flatMap((spec, i) => {
          const choice = c.type[i];
          if (choice === null || choice === undefined) return [];
          const mode = spec.modes[choice % spec.modes.length] as EraseMode;
          return [{ key: keys[i] ?? '', mode }];
        });
        await createPurgeType(engine, 'cli', {
          idnumber: `t${run}`,
          name: `T${run}`,
          status: 'deleted',
          items: plan,
        });
        const a = ids[c.target] ?? '';
        const others = ids.filter((id) => id !== a);
        const before = new Map(others.flatMap((id) => keys.map((k) => [`${k} ${id}`, data.get(k, id)])));

        // Export A: the package holds A's data and nobody else's.
        const exported = await requestExport(engine, 'cli', {
          subjectId: a,
          type: 'all-data',
          origin: 'admin',
        });
        await runWorker(engine, { once: true, jobs: 'none' });
        const done = await getRequest(engine, exported.id);
        expect(done.status).toBe('succeeded');
        const json = (await readZipEntry(done.package?.path ?? '', 'data.json')) ?? '';
        for (const other of others) expect(json).not.toContain(`|${other}|`);
        const total = c.items.reduce((sum, spec) => sum + (spec.records[c.target] ?? 0), 0);
        expect(json.split(`|${a}|`).length - 1).toBe(total);

        // Purge A.
        await changeStatus(engine, 'cli', [a], 'deleted');
        const purge = await requestPurge(engine, 'cli', { subjectId: a, type: `t${run}` });
        await runWorker(engine, { once: true, jobs: 'none' });
        expect((await getRequest(engine, purge.id)).status).toBe('succeeded');
        for (const [key, values] of before) {
          const [k, id] = key.split(' ') as [string, string];
          expect(data.get(k, id)).toEqual(values);
        }
        for (const [i, key] of keys.entries()) {
          const step = plan.find((p) => p.key === key);
          const n = c.items[i]?.records[c.target] ?? 0;
          const now = data.get(key, a);
          if (!step) expect(now).toHaveLength(n);
          else if (step.mode === 'delete') expect(now).toEqual([]);
          else expect(now.every((v) => !v.includes(`|${a}|`))).toBe(true);
        }
        // Every erase call was for A alone.
        expect(data.calls.every((call) => call.subjects.length === 1 && call.subjects[0] === a)).toBe(true);
      }),
      { numRuns: target.dialect === 'postgres' ? 6 : 20 },
    );
  });
});
