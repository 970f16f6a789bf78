import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { scanAutomaticPurges } from '../../src/engine/purges/index.js';
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
import { readZip } from './support/zip.js';

const ready = e2eReady();

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
    await dialog.getByRole('button', { name: 'Start export' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Succeeded').first().waitFor({ timeout: 60_000 });
    await check(page, 'export-personal-data');
    const options = page.getByRole('button', { name: /^Options for export/ }).first();
    await options.click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('menuitem', { name: 'Download' }).click(),
    ]);
    const file = join(artifacts, 'sarah-stanley-export.zip');
    await download.saveAs(file);
    const zip = await readZip(file);
    for (const part of ['manifest.json', 'data.json', 'index.html']) expect(zip.has(part), part).toBe(true);
    const manifest = JSON.parse(zip.get('manifest.json') ?? '{}') as { subject?: { id?: string } };
    expect(manifest.subject?.id).toBe('3');
    const data = zip.get('data.json') ?? '';
    expect(data).toContain('sarah.stanley@mail.example');
    expect([...zip.keys()].some((name) => name.startsWith('csv/'))).toBe(true);
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
    // The Options menu closes on any scroll, and the scroll that brings a button far down the page into view can
    // land just after the click has opened it: open it again until it stays open.
    const actions = page.getByRole('button', { name: 'Actions for Blog posts' });
    await actions.scrollIntoViewIfNeeded();
    await vi.waitFor(
      async () => {
        if ((await actions.getAttribute('aria-expanded')) !== 'true') await actions.click();
        await page.getByRole('menuitem', { name: 'Anonymize' }).waitFor({ timeout: 1000 });
      },
      { timeout: 15_000, interval: 100 },
    );
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
    const zip = await readZip(file);
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
    await scanAutomaticPurges(h.engine);
    await page.goto(`/reports/purges?subject=${user.id}`);
    const row = page.getByRole('row', { name: /Automatic \(deleted\)/ });
    await row.waitFor();
    // The report is a snapshot: reload it until the worker has finished the purge.
    await expect
      .poll(
        async () => {
          if ((await row.getByText('Succeeded').count()) === 1) return 1;
          await page.reload();
          await row.waitFor();
          return row.getByText('Succeeded').count();
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe(1);
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
