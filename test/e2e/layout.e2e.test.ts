import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoLogins } from '../../examples/campus/demo/demo-accounts.js';
import { scanAutomaticPurges } from '../../src/engine/purges/index.js';
import { getRequest, requestExport } from '../../src/engine/requests/index.js';
import { seriousViolations } from './support/axe.js';
import {
  adminPassword,
  artifacts,
  type ConsoleHarness,
  e2eReady,
  logIn,
  startConsoleHarness,
} from './support/console-harness.js';
import { layoutProblems, settled } from './support/layout.js';

const ready = e2eReady();
const viewport = { width: 1024, height: 768 };

/** The console's route patterns, read from its source, so that a new page can't be left out of this test. */
function consolePatterns(): string[] {
  const source = readFileSync(resolve(import.meta.dirname, '../../src/web/src/routes.tsx'), 'utf8');
  return [...source.matchAll(/pattern: '([^']+)'/g)].map((m) => m[1] as string);
}

interface Visit {
  /** The route pattern it covers, or a name for pages outside the staff routes. */
  pattern: string;
  path: string;
  name: string;
}

describe.skipIf(!ready)('every console page at 1024 × 768', () => {
  let h: ConsoleHarness;
  let visits: Visit[];

  beforeAll(async () => {
    h = await startConsoleHarness();
    const db = h.engine.db;
    const exportType = await db
      .selectFrom('export_types')
      .select('id')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const purgeType = await db.selectFrom('purge_types').select('id').orderBy('id').executeTakeFirstOrThrow();
    const suspended = await db
      .selectFrom('subjects')
      .select('id')
      .where('status', '=', 'suspended')
      .where('legacy', '=', 0)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    // Sarah Stanley (3): a finished export, for her exports page and a request page.
    const exported = await requestExport(h.engine, 'cli', {
      subjectId: '3',
      type: Number(exportType.id),
      origin: 'admin',
    });
    await vi.waitFor(
      async () => {
        if ((await getRequest(h.engine, exported.id)).status !== 'succeeded') throw new Error('not done yet');
      },
      { timeout: 60_000, interval: 200 },
    );
    await scanAutomaticPurges(h.engine);
    const purge = await db
      .selectFrom('requests')
      .select('id')
      .where('kind', '=', 'purge')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    visits = [
      { pattern: '/', path: '/', name: 'dashboard' },
      { pattern: '/account', path: '/account', name: 'account' },
      { pattern: '/users', path: '/users', name: 'users' },
      { pattern: '/users/:id', path: '/users/3', name: 'user-data' },
      { pattern: '/users/:id/exports', path: '/users/3/exports', name: 'user-exports' },
      {
        pattern: '/users/:id/delete-data',
        path: `/users/${encodeURIComponent(suspended.id)}/delete-data`,
        name: 'delete-data',
      },
      { pattern: '/requests/:id', path: `/requests/${exported.id}`, name: 'request-export' },
      { pattern: '/requests/:id', path: `/requests/${purge.id}`, name: 'request-purge' },
      { pattern: '/export-types', path: '/export-types', name: 'export-types' },
      { pattern: '/export-types/new', path: '/export-types/new', name: 'export-type-new' },
      { pattern: '/export-types/:id', path: `/export-types/${exportType.id}`, name: 'export-type-edit' },
      { pattern: '/purge-types', path: '/purge-types', name: 'purge-types' },
      { pattern: '/purge-types/new', path: '/purge-types/new', name: 'purge-type-new' },
      { pattern: '/purge-types/:id', path: `/purge-types/${purgeType.id}`, name: 'purge-type-edit' },
      { pattern: '/settings', path: '/settings', name: 'settings' },
      { pattern: '/reports', path: '/reports', name: 'reports' },
      { pattern: '/reports/exports', path: '/reports/exports', name: 'reports-exports' },
      { pattern: '/reports/purges', path: '/reports/purges', name: 'reports-purges' },
      { pattern: '/reports/deleted', path: '/reports/deleted', name: 'reports-deleted' },
      { pattern: '/audit', path: '/audit', name: 'audit' },
      { pattern: '/accounts', path: '/accounts', name: 'accounts' },
      { pattern: '/roles', path: '/roles', name: 'roles' },
      { pattern: '/tokens', path: '/tokens', name: 'tokens' },
      { pattern: '/me', path: '/me', name: 'me-as-staff' },
      { pattern: 'not found', path: '/no-such-page', name: 'not-found' },
    ];
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  /** The layout and axe problems of the page now, after saving its screenshot. */
  async function problemsOf(page: Page, name: string): Promise<string[]> {
    await settled(page);
    await page.screenshot({ path: join(artifacts, `layout-1024-${name}.png`), fullPage: true });
    const axe = (await seriousViolations(page)).map(
      (v) => `axe ${v.impact} ${v.id}: ${v.help} (${v.targets.join(', ')})`,
    );
    return [...(await layoutProblems(page)), ...axe].map((p) => `${name}: ${p}`);
  }

  it('visits every route of the console', () => {
    const covered = new Set(visits.map((v) => v.pattern));
    expect(consolePatterns().filter((p) => !covered.has(p))).toEqual([]);
  });

  it('lays out every staff page without sideways scrolling, cut actions or serious axe violations', async () => {
    const { context, page } = await h.newPage(viewport);
    const problems: string[] = [];
    await page.goto('/');
    await page.getByLabel('Username').waitFor();
    problems.push(...(await problemsOf(page, 'login')));
    await logIn(page, 'admin', adminPassword);
    for (const visit of visits) {
      await page.goto(visit.path);
      problems.push(...(await problemsOf(page, visit.name)));
    }
    await context.close();
    expect(problems).toEqual([]);
  }, 240_000);

  it('lays out the self-service page', async () => {
    const { context, page } = await h.newPage(viewport);
    // Sarah Stanley's own demo login: the page shows her export, available.
    await logIn(page, demoLogins.subject.username, demoLogins.subject.password);
    await page.getByRole('heading', { name: 'My data' }).waitFor();
    const problems = await problemsOf(page, 'self-service');
    await context.close();
    expect(problems).toEqual([]);
  }, 60_000);
});
