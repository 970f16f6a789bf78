import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { scanAutomaticPurges } from '../../src/engine/purges/index.js';
import { readZipEntries } from '../support/read-zip-entries.js';
import { seriousViolations } from './support/axe.js';
import {
  adminPassword,
  artifacts,
  type ConsoleHarness,
  createSubjectAccount,
  e2eReady,
  logIn,
  startConsoleHarness,
  subjectPassword,
} from './support/console-harness.js';

const ready = e2eReady();

/** Marks the page, so that a test can tell it was never reloaded (a reload drops the mark). */
async function markPage(page: Page): Promise<void> {
  await page.evaluate('window.letheNoReload = true');
}

async function notReloaded(page: Page): Promise<boolean> {
  return (await page.evaluate('window.letheNoReload === true')) as boolean;
}

/** A promise and its resolve, for items the test holds until it lets them go. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Screenshot for the artefacts, and no serious accessibility violation on the page. */
async function check(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

describe.skipIf(!ready)('the console in Chromium', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await startConsoleHarness();
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  /** A campus user that matches, and is not Sarah (3) nor the admin (1). */
  function campusUser(where: string): { id: number; name: string } {
    const row = h.campus
      .prepare(
        `SELECT u.id, u.firstname || ' ' || u.lastname AS name FROM users u
         WHERE u.id NOT IN (1, 3) AND u.legacy = 0 AND ${where} ORDER BY u.id LIMIT 1`,
      )
      .get() as { id: number; name: string } | undefined;
    if (!row) throw new Error(`no campus user where ${where}`);
    return row;
  }

  it("exports Sarah Stanley's data: add an export, follow it, download the ZIP from its Options menu", async () => {
    const { context, page } = await h.newPage();
    await logIn(page, 'admin', adminPassword);
    await check(page, 'dashboard');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Search').fill('Sarah Stanley');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: 'Options for Sarah Stanley' }).click();
    await check(page, 'users-options-menu');
    await page.getByRole('menuitem', { name: 'Export personal data' }).click();
    await page.getByRole('heading', { name: 'Export personal data' }).waitFor();
    await page.getByRole('button', { name: 'Add export' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Export type', { exact: true }).selectOption({ index: 0 });
    await markPage(page);
    await dialog.getByRole('button', { name: 'Start export' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The page follows the export by itself: its status, then its Download action, without a reload.
    const exportRow = page.getByRole('row', { name: /^#\d+/ }).first();
    await exportRow.getByRole('link', { name: /^Download export \d+$/ }).waitFor({ timeout: 60_000 });
    await exportRow.getByText('Succeeded').waitFor();
    expect(await notReloaded(page)).toBe(true);
    await check(page, 'export-personal-data');
    const options = page.getByRole('button', { name: /^Options for export/ }).first();
    await options.click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('menuitem', { name: 'Download' }).click(),
    ]);
    const file = join(artifacts, 'sarah-stanley-export.zip');
    await download.saveAs(file);
    const zip = await readZipEntries(file);
    for (const part of ['manifest.json', 'data.json', 'index.html']) expect(zip.has(part), part).toBe(true);
    const manifest = JSON.parse(zip.get('manifest.json') ?? '{}') as { subject?: { id?: string } };
    expect(manifest.subject?.id).toBe('3');
    const data = zip.get('data.json') ?? '';
    expect(data).toContain('sarah.stanley@mail.example');
    expect([...zip.keys()].some((name) => name.startsWith('csv/'))).toBe(true);
    await context.close();
  }, 120_000);

  it("follows an export's progress live: the items done rise, Pause and a hidden tab hold the page, and Download appears, all without a reload", async () => {
    // Three items the export runs in turn; the test holds the second and the third until it lets them go.
    const gates = [deferred(), deferred()];
    const reached = [deferred(), deferred()];
    const titles = ['Live step one', 'Live step two', 'Live step three'];
    titles.forEach((title, i) => {
      h.engine.items.register({
        component: 'zz_live',
        name: `step${i + 1}`,
        group: 'E2E: Live',
        title,
        help: 'An item the browser test holds until it lets it go.',
        sortOrder: 9000 + i,
        modes: {},
        export: {
          async *records() {
            if (i > 0) {
              reached[i - 1]?.resolve();
              await gates[i - 1]?.promise;
            }
            yield { step: i + 1, title };
          },
        },
      });
    });
    const user = campusUser("u.status = 'active' AND u.kind = 'staff'");
    const { context, page } = await h.newPage();
    await logIn(page, 'admin', adminPassword);
    await page.goto(`/users/${user.id}/exports`);
    await page.getByRole('heading', { name: 'Export personal data' }).waitFor();
    await markPage(page);
    await page.getByRole('button', { name: 'Add export' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: /Applications or items/ }).check();
    for (const title of titles) await dialog.getByRole('checkbox', { name: title }).check();
    await dialog.getByRole('button', { name: 'Start export' }).click();
    await dialog.waitFor({ state: 'detached' });

    const row = page.getByRole('row', { name: /^#\d+/ }).first();
    await reached[0]?.promise;
    await row.getByText('1 of 3 items').waitFor();
    expect(await row.locator('progress').getAttribute('value')).toBe('1');
    const indicator = page.locator('.live-indicator');
    expect(await indicator.getAttribute('class')).toContain('live-live');
    expect(await indicator.locator('.live-text').textContent()).toMatch(/^Live · updated/);
    await check(page, 'export-progress-live');

    // Paused, the page stays as it is while the export moves on; resumed, it catches up at once.
    await page.getByRole('button', { name: 'Pause live updates' }).click();
    await indicator.getByText(/^Paused/).waitFor();
    gates[0]?.resolve();
    await reached[1]?.promise;
    await new Promise((done) => setTimeout(done, 2500));
    expect(await row.getByText('1 of 3 items').count()).toBe(1);
    await page.getByRole('button', { name: 'Resume live updates' }).click();
    await row.getByText('2 of 3 items').waitFor();
    expect(await row.locator('progress').getAttribute('value')).toBe('2');

    // In a hidden tab the page doesn't poll; back in sight, it catches up at once.
    await page.evaluate(`Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));`);
    gates[1]?.resolve();
    await vi.waitFor(
      async () => {
        const done = await h.engine.db
          .selectFrom('requests')
          .select('status')
          .where('subject_id', '=', String(user.id))
          .where('kind', '=', 'export')
          .executeTakeFirstOrThrow();
        expect(done.status).toBe('succeeded');
      },
      { timeout: 30_000, interval: 100 },
    );
    await new Promise((done) => setTimeout(done, 2500));
    const link = row.getByRole('link', { name: /^Download export \d+$/ });
    expect(await link.count()).toBe(0);
    await page.evaluate(`Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));`);
    await link.waitFor({ timeout: 5_000 });
    await row.getByText('Succeeded').waitFor();
    await page.getByText(/^Export #\d+ is ready to download\.$/).waitFor();
    expect(await notReloaded(page)).toBe(true);

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = join(artifacts, 'live-export.zip');
    await download.saveAs(file);
    const zip = await readZipEntries(file);
    const manifest = JSON.parse(zip.get('manifest.json') ?? '{}') as { subject?: { id?: string } };
    expect(manifest.subject?.id).toBe(String(user.id));
    for (const title of titles) expect(zip.get('data.json') ?? '').toContain(title);
    const request = await h.engine.db
      .selectFrom('requests')
      .select(['id', 'status'])
      .where('subject_id', '=', String(user.id))
      .where('kind', '=', 'export')
      .executeTakeFirstOrThrow();
    expect(request.status).toBe('succeeded');
    const items = await h.engine.db
      .selectFrom('request_items')
      .select(['item_key', 'status'])
      .where('request_id', '=', Number(request.id))
      .orderBy('item_key')
      .execute();
    expect(items).toEqual([
      { item_key: 'zz_live/step1', status: 'success' },
      { item_key: 'zz_live/step2', status: 'success' },
      { item_key: 'zz_live/step3', status: 'success' },
    ]);
    await context.close();
  }, 120_000);

  it("anonymizes a user's blogs with Delete personal data: deactivate first, then the blog shows Anonymous", async () => {
    const user = campusUser(
      "u.status = 'active' AND u.kind = 'learner' AND EXISTS (SELECT 1 FROM blog_posts b WHERE b.author_id = u.id)",
    );
    const { context, page } = await h.newPage();
    await logIn(page, 'admin', adminPassword);
    await page.goto(`/users/${user.id}/delete-data`);
    const deactivate = page.getByRole('dialog', { name: 'Deactivate the user first' });
    await deactivate.waitFor();
    await check(page, 'delete-personal-data-deactivate');
    await deactivate.getByRole('button', { name: 'Deactivate user' }).click();
    await deactivate.waitFor({ state: 'detached' });
    await page.getByText(`${user.name} is active.`).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Actions for Blog posts' }).click();
    await page.getByRole('menuitem', { name: 'Anonymize' }).click();
    const confirm = page.getByRole('dialog');
    await confirm.getByText("This can't be undone.", { exact: true }).waitFor();
    await confirm.getByRole('button', { name: 'Anonymize' }).click();
    await confirm.waitFor({ state: 'detached' });
    const row = page.getByRole('row', { name: /Blog posts/ });
    await row.getByText('Done').waitFor({ timeout: 60_000 });
    await check(page, 'delete-personal-data');
    const posts = h.campus
      .prepare('SELECT author_id, author_name FROM blog_posts WHERE author_id = ?')
      .all(user.id) as unknown[];
    expect(posts).toEqual([]);
    const anonymous = h.campus
      .prepare("SELECT count(*) AS n FROM blog_posts WHERE author_name = 'Anonymous'")
      .get() as { n: number };
    expect(anonymous.n).toBeGreaterThan(0);
    await context.close();
  }, 120_000);

  it('creates an export type, and a purge type with its status first and disabled items', async () => {
    const { context, page } = await h.newPage();
    await logIn(page, 'admin', adminPassword);
    await page.goto('/export-types');
    await check(page, 'export-types');
    await page.getByRole('link', { name: 'New export type' }).click();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Forum only');
    await page.getByLabel('Idnumber').fill('forum-only');
    await page
      .getByRole('button', { name: /^Select all in .*Forum/ })
      .first()
      .click();
    await check(page, 'export-type-form');
    await page.getByRole('button', { name: 'Create export type' }).click();
    await page.getByRole('heading', { name: 'Export types' }).waitFor();
    await page.getByRole('link', { name: 'Forum only' }).waitFor();
    const exportType = (await h.engine.db
      .selectFrom('export_types')
      .select('id')
      .where('idnumber', '=', 'forum-only')
      .executeTakeFirst()) as { id: number } | undefined;
    expect(exportType).toBeDefined();
    const keys = await h.engine.db
      .selectFrom('export_type_items')
      .select('item_key')
      .where('type_id', '=', Number(exportType?.id))
      .execute();
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.item_key.startsWith('forum'))).toBe(true);

    await page.goto('/purge-types/new');
    await page.getByRole('radio', { name: /Active/ }).check();
    await check(page, 'purge-type-status-step');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Active: tidy forum');
    await page.getByLabel('Idnumber').fill('active-tidy');
    expect(await page.getByLabel('Allow automatic purges').isDisabled()).toBe(true);
    const disabled = page.locator('.item-row-disabled');
    expect(await disabled.count()).toBeGreaterThan(0);
    expect((await disabled.first().locator('.item-reason').textContent())?.length).toBeGreaterThan(10);
    const enabled = page.locator('.item-row:not(.item-row-disabled) input[type="checkbox"]').first();
    await enabled.check();
    await check(page, 'purge-type-form');
    await page.getByRole('button', { name: 'Create purge type' }).click();
    await page.getByRole('heading', { name: 'Purge types' }).waitFor();
    // An item added to the catalogue after the types were saved carries the New label until the type is saved.
    h.engine.items.register({
      component: 'zz_e2e',
      name: 'extra',
      group: 'E2E: Extra',
      title: 'An extra item',
      help: 'Registered while the console runs.',
      sortOrder: 9999,
      modes: {},
      export: {
        async *records() {
          // nothing to export
        },
      },
    });
    await page.goto(`/export-types/${exportType?.id}`);
    const extra = page.locator('.item-row', { hasText: 'An extra item' });
    await extra.getByText('New', { exact: true }).waitFor();
    await check(page, 'export-type-new-item');
    await page.goto('/export-types');
    await page
      .getByRole('row', { name: /Forum only/ })
      .getByText('New', { exact: true })
      .waitFor();

    const purgeType = await h.engine.db
      .selectFrom('purge_types')
      .selectAll()
      .where('idnumber', '=', 'active-tidy')
      .executeTakeFirst();
    expect(purgeType?.status).toBe('active');
    expect(Number(purgeType?.allow_automatic)).toBe(0);
    await context.close();
  }, 120_000);

  it('lets a subject request their own export, download it, and not request a second while it is available', async () => {
    const user = campusUser("u.status = 'active' AND u.kind = 'learner'");
    await createSubjectAccount(h.engine, 'e2e-self', String(user.id));
    const { context, page } = await h.newPage();
    await logIn(page, 'e2e-self', subjectPassword);
    await page.getByRole('heading', { name: 'My data' }).waitFor();
    await check(page, 'self-service');
    await page.getByRole('button', { name: 'Request data export' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio').first().check();
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await dialog.getByText('may take a while').waitFor();
    await dialog.getByRole('button', { name: 'Request export' }).click();
    await dialog.waitFor({ state: 'detached' });
    const link = page.getByRole('link', { name: 'Download data export file' });
    await link.waitFor({ timeout: 60_000 });
    await page
      .getByText(/^Available until/)
      .first()
      .waitFor();
    await check(page, 'self-service-available');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = join(artifacts, 'self-export.zip');
    await download.saveAs(file);
    const zip = await readZipEntries(file);
    const manifest = JSON.parse(zip.get('manifest.json') ?? '{}') as { subject?: { id?: string } };
    expect(manifest.subject?.id).toBe(String(user.id));
    expect(await page.getByRole('button', { name: 'Request data export' }).isDisabled()).toBe(true);
    const mail = await h.engine.db.selectFrom('outbox').selectAll().execute();
    expect(
      mail.some((m) => m.body.includes('/api/v1/downloads/') || m.subject.toLowerCase().includes('export')),
    ).toBe(true);
    await context.close();
  }, 120_000);

  it("deletes a user: after the scan, their automatic purge is in the purges report with each item's result", async () => {
    const user = campusUser("u.status = 'active' AND u.kind = 'learner'");
    const { context, page } = await h.newPage();
    await logIn(page, 'admin', adminPassword);
    await page.goto(`/users?search=${encodeURIComponent(user.name)}`);
    await page.getByRole('checkbox', { name: `Select ${user.name}` }).check();
    await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog');
    await confirm.getByRole('button', { name: 'Delete users' }).click();
    await confirm.waitFor({ state: 'detached' });
    const subject = await h.engine.db
      .selectFrom('subjects')
      .select('status')
      .where('id', '=', String(user.id))
      .executeTakeFirst();
    expect(subject?.status).toBe('deleted');
    // The report is open before the scan queues the purge: it shows the purge, then its end, by itself.
    await page.goto(`/reports/purges?subject=${user.id}`);
    await page.getByText('No purge matches these filters.').waitFor();
    await markPage(page);
    await scanAutomaticPurges(h.engine);
    const row = page.getByRole('row', { name: /Automatic \(deleted\)/ });
    await row.waitFor({ timeout: 30_000 });
    await row.getByText('Succeeded').waitFor({ timeout: 60_000 });
    expect(await notReloaded(page)).toBe(true);
    expect(await page.getByLabel('User id').inputValue()).toBe(String(user.id));
    await check(page, 'reports-purges');
    await row.getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Result of each item' }).waitFor();
    await check(page, 'purge-result');
    const results = await h.engine.db
      .selectFrom('request_items')
      .innerJoin('requests', 'requests.id', 'request_items.request_id')
      .select(['request_items.item_key', 'request_items.status'])
      .where('requests.subject_id', '=', String(user.id))
      .where('requests.origin', '=', 'automatic:deleted')
      .execute();
    expect(results.length).toBeGreaterThan(0);
    expect(await page.locator('tbody tr').count()).toBe(results.length);
    await context.close();
  }, 120_000);

  it('anonymizes a support user once the capability is granted: their emails are blank', async () => {
    const user = campusUser(
      "u.status = 'active' AND u.kind = 'support' AND EXISTS (SELECT 1 FROM helpdesk_emails e WHERE e.from_user_id = u.id)",
    );
    const sent = (
      h.campus.prepare('SELECT id FROM helpdesk_emails WHERE from_user_id = ?').all(user.id) as {
        id: number;
      }[]
    ).map((e) => e.id);
    expect(sent.length).toBeGreaterThan(0);
    const { context, page } = await h.newPage();
    await logIn(page, 'admin', adminPassword);
    await page.goto('/roles');
    await check(page, 'roles');
    await page.getByRole('checkbox', { name: 'Administrator: Anonymize support users' }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('saved').first().waitFor();
    await page.goto(`/users?search=${encodeURIComponent(user.name)}`);
    await page.getByRole('button', { name: `Options for ${user.name}` }).click();
    await page.getByRole('menuitem', { name: 'Anonymize user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText("This can't be undone.", { exact: true }).waitFor();
    await check(page, 'anonymize-user');
    await dialog.getByLabel("I understand that this can't be undone.").check();
    await dialog.getByRole('button', { name: 'Anonymize user' }).click();
    await page.getByRole('heading', { name: /#\d+/ }).waitFor();
    await page.getByText('Succeeded').first().waitFor({ timeout: 60_000 });
    const emails = h.campus
      .prepare(`SELECT body, blanked FROM helpdesk_emails WHERE id IN (${sent.map(() => '?').join(',')})`)
      .all(...sent) as { body: string; blanked: number }[];
    expect(emails).toHaveLength(sent.length);
    const fresh = h.campus.prepare('SELECT firstname, company FROM users WHERE id = ?').get(user.id) as {
      firstname: string;
    };
    expect(fresh.firstname).toBe('Anonymized');
    expect(emails.every((e) => e.blanked === 1 && e.body === '')).toBe(true);
    await context.close();
  }, 120_000);
});
