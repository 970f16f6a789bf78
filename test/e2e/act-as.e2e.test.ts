import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoLogins } from '../../examples/campus/demo/demo-accounts.js';
import { listAudit } from '../../src/engine/audit/index.js';
import { requestExport } from '../../src/engine/requests/index.js';
import { listExportTypes } from '../../src/engine/types/index.js';
import { seriousViolations } from './support/axe.js';
import {
  adminPassword,
  artifacts,
  type ConsoleHarness,
  e2eReady,
  logIn,
  startConsoleHarness,
} from './support/console-harness.js';

const ready = e2eReady();

/** Screenshot for the artefacts, and no serious accessibility violation on the page. */
async function check(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

describe.skipIf(!ready)('acting as another account in Chromium', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await startConsoleHarness(30);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('lets the admin act as the demo subject: a banner on every page, downloads refused, then back', async () => {
    const subject = demoLogins.subject;
    // the demo subject has an export to download
    const [type] = await listExportTypes(h.engine);
    const exported = await requestExport(h.engine, 'system', {
      subjectId: subject.subjectId,
      type: type?.idnumber ?? 'all-data',
      origin: 'admin',
    });
    const token = await vi.waitFor(
      async () => {
        const row = await h.engine.db
          .selectFrom('requests')
          .select(['status', 'download_token'])
          .where('id', '=', exported.id)
          .executeTakeFirstOrThrow();
        if (row.status !== 'succeeded' || !row.download_token) throw new Error(`the export is ${row.status}`);
        return row.download_token;
      },
      { timeout: 60_000, interval: 250 },
    );

    const { context, page } = await h.newPage();
    await logIn(page, 'admin', adminPassword);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
    await page.getByLabel('Search').fill(subject.username);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: `Options for ${subject.username}` }).click();
    await page.getByRole('menuitem', { name: 'Act as' }).click();

    // the subject's own page, with the banner
    const banner = page.getByRole('region', { name: 'Acting as another account' });
    await banner.getByText('You are acting as Sarah Stanley').waitFor();
    await page.getByRole('heading', { name: 'My data' }).waitFor();
    const download = page.getByRole('button', { name: 'Download data export file' });
    await download.waitFor({ timeout: 30_000 });
    expect(await download.isDisabled()).toBe(true);
    await page.getByText('Downloads are turned off while you act as Sarah Stanley').waitFor();
    expect(await page.getByRole('link', { name: 'Download data export file' }).count()).toBe(0);
    await check(page, 'acting-as-subject');

    // and the server refuses the link itself, with the browser's own session
    const refused = await page.request.get(`/api/v1/downloads/${token}`);
    expect(refused.status()).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('LETHE_E_ACTING_AS');
    const audit = await listAudit(h.engine, { action: 'export.download-refused' });
    expect(audit.events.map((e) => e.targetId)).toEqual([String(exported.id)]);
    expect(audit.events[0]?.actor).toMatch(/^account:\d+ as account:\d+$/);

    // the banner is on every page: after a reload too
    await page.reload();
    await banner.getByText('You are acting as Sarah Stanley').waitFor();

    await banner.getByRole('button', { name: 'Stop acting' }).click();
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    expect(await banner.count()).toBe(0);
    const session = await page.request.get('/api/v1/session');
    expect(
      ((await session.json()) as { account: { username: string }; actingAs: unknown }).actingAs,
    ).toBeNull();
    const acts = await listAudit(h.engine, { targetType: 'account' });
    expect(acts.events.filter((e) => e.action.startsWith('account.act-as')).map((e) => e.action)).toEqual([
      'account.act-as-stop',
      'account.act-as-start',
    ]);
    await context.close();
  }, 120_000);
});
