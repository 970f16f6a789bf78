import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpCampus, foreignChanges } from '../../examples/campus/campus-test-support.js';
import { buildDemo, type DemoSummary } from '../../examples/campus/demo/build-demo.js';
import { campusSubjects, closeItems } from '../../examples/campus/index.js';
import { loadConfig } from '../../src/config/index.js';
import { personalDataSummary } from '../../src/engine/anonymisation/index.js';
import type { Engine } from '../../src/engine/engine.js';
import { openEngine } from '../../src/engine/open-engine.js';
import { requestPurge } from '../../src/engine/purges/index.js';
import { getRequest, listRequests, requestExport } from '../../src/engine/requests/index.js';
import { changeStatus, findSubject } from '../../src/engine/subjects/index.js';
import { runWorker } from '../../src/engine/worker/index.js';
import { readZipEntry } from './read-zip-entry.js';

/** The "done when", on the campus demo, through the engine (the CLI tests drive the same use cases). */
describe('requests on the campus demo', () => {
  let dir: string;
  let demo: DemoSummary;
  let engine: Engine;
  let close: () => Promise<void>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lethe-campus-requests-'));
    demo = await buildDemo({ dir, users: 120, seed: 1 });
    const opened = await openEngine(loadConfig({ file: demo.configFile, env: {} }));
    engine = opened.engine;
    close = opened.close;
    // Empty the queue of what the demo's own statuses make due, so each test sees only its own requests.
    await runWorker(engine, { once: true });
  });

  afterAll(async () => {
    await close?.();
    closeItems();
    rmSync(dir, { recursive: true, force: true });
  });

  function activeLearners(): string[] {
    return [...campusSubjects(demo.campusDatabase)]
      .filter((p) => p.status === 'active' && p.kind === 'learner')
      .map((p) => p.id);
  }

  it("exports a subject's data into a package with that subject's data", async () => {
    const [id] = activeLearners();
    const subject = await findSubject(engine.db, id ?? '');
    const queued = await requestExport(engine, 'cli', {
      subjectId: id ?? '',
      type: 'all-data',
      origin: 'admin',
    });
    await runWorker(engine, { once: true, jobs: 'none' });
    const done = await getRequest(engine, queued.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    const manifest = JSON.parse((await readZipEntry(done.package?.path ?? '', 'manifest.json')) ?? '{}');
    expect(JSON.stringify(manifest)).toContain(subject?.email ?? '?');
    expect(done.items.length).toBe(engine.items.size);
    expect(done.items.every((i) => i.status === 'success' || i.status === 'skipped')).toBe(true);
  });

  it('purges a subject by hand as the type says and leaves all other data as it was', async () => {
    const id = activeLearners()[1] ?? '';
    await changeStatus(engine, 'cli', [id], 'deleted');
    const before = dumpCampus(demo.campusDatabase);
    const queued = await requestPurge(engine, 'cli', { subjectId: id, type: 'purge-deleted' });
    await runWorker(engine, { once: true, jobs: 'none' });
    const done = await getRequest(engine, queued.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(done.items.reduce((n, i) => n + i.count, 0)).toBeGreaterThan(0);
    const subject = await findSubject(engine.db, id);
    const batch = subject ? [subject] : [];
    expect(foreignChanges(before, dumpCampus(demo.campusDatabase), batch)).toEqual([]);
  });

  it("purges a manager and helpdesk agent: other people's assignments and issues only lose that person", async () => {
    const campus = new Database(demo.campusDatabase, { readonly: true });
    const row = campus
      .prepare(
        `SELECT u.id FROM users u WHERE u.status = 'active' AND u.kind = 'staff'
           AND EXISTS (SELECT 1 FROM job_assignments j WHERE j.manager_id = u.id)
           AND EXISTS (SELECT 1 FROM helpdesk_issues i WHERE i.assignee_id = u.id) LIMIT 1`,
      )
      .get() as { id: number } | undefined;
    campus.close();
    const id = String(row?.id ?? '');
    expect(id).not.toBe('');
    await changeStatus(engine, 'cli', [id], 'deleted');
    const before = dumpCampus(demo.campusDatabase);
    const queued = await requestPurge(engine, 'cli', { subjectId: id, type: 'purge-deleted' });
    await runWorker(engine, { once: true, jobs: 'none' });
    const done = await getRequest(engine, queued.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    const count = (key: string) => done.items.find((i) => i.itemKey === key)?.count ?? 0;
    expect(count('job/managed')).toBeGreaterThan(0);
    expect(count('helpdesk/assigned')).toBeGreaterThan(0);
    const subject = await findSubject(engine.db, id);
    expect(foreignChanges(before, dumpCampus(demo.campusDatabase), subject ? [subject] : [])).toEqual([]);
    // Nothing the type erases is left to count.
    const summary = await personalDataSummary(engine, id);
    expect(summary.total).toBe(0);
  });

  it('purges subjects automatically by the default deleted type after worker --once', async () => {
    const ids = activeLearners().slice(2, 5);
    await changeStatus(engine, 'cli', ids, 'deleted');
    const before = dumpCampus(demo.campusDatabase);
    const summary = await runWorker(engine, { once: true });
    expect(summary.jobs.map((j) => j.job)).toContain('purge-scan');
    const { requests } = await listRequests(engine, { origin: 'automatic:deleted', limit: 1000 });
    const mine = requests.filter((r) => ids.includes(r.subjectId));
    expect(mine.map((r) => [r.status, r.typeIdnumber])).toEqual(
      ids.map(() => ['succeeded', 'purge-deleted']),
    );
    const batch = [];
    for (const id of ids) {
      const s = await findSubject(engine.db, id);
      if (s) batch.push(s);
    }
    expect(foreignChanges(before, dumpCampus(demo.campusDatabase), batch)).toEqual([]);
  });
});
