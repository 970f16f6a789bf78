import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

/** A promise and its resolve, for items the test holds until it lets them go. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** What has keyboard focus: its tag, role, name and where it sits. */
interface Focused {
  tag: string;
  role: string | null;
  text: string;
  label: string | null;
  inMenu: boolean;
  inPager: boolean;
  inHeader: boolean;
  expanded: string | null;
}

async function focused(page: Page): Promise<Focused> {
  // A string, evaluated in the page: the test code has no DOM types.
  return (await page.evaluate(`(() => {
    const el = document.activeElement ?? document.body;
    return {
      tag: el.tagName,
      role: el.getAttribute('role'),
      text: (el.textContent ?? '').replace(/\\s+/g, ' ').trim(),
      label: el.getAttribute('aria-label') ?? el.id ?? null,
      inMenu: el.closest('[role="menu"]') !== null,
      inPager: el.closest('nav.pager') !== null,
      inHeader: el.closest('.page-header') !== null,
      expanded: el.getAttribute('aria-expanded'),
    };
  })()`)) as Focused;
}

/** The open menu's box and its button's, to tell that the menu stays beside its button. */
async function menuBeside(page: Page): Promise<boolean> {
  return (await page.evaluate(`(() => {
    const menu = document.querySelector('[role="menu"]');
    const button = menu && document.querySelector('[aria-controls="' + CSS.escape(menu.id) + '"]');
    if (!menu || !button) return false;
    const m = menu.getBoundingClientRect();
    const b = button.getBoundingClientRect();
    const below = Math.abs(m.top - (b.bottom + 4)) < 2;
    const above = Math.abs(m.bottom - (b.top - 4)) < 2;
    return (below || above) && m.right <= b.right + 1 && m.right >= b.right - 1 - Math.max(0, m.width - b.width);
  })()`)) as boolean;
}

/** Screenshot for the artefacts, and no serious accessibility violation on the page. */
async function check(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

describe.skipIf(!ready)('live refreshes keep keyboard focus', () => {
  let h: ConsoleHarness;
  const taken = new Set<number>();

  beforeAll(async () => {
    h = await startConsoleHarness();
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  /** Every held item goes free after its test, passed or failed, so that the worker moves on to the next export. */
  const releases: (() => void)[] = [];
  afterEach(() => {
    for (const release of releases.splice(0)) release();
  });

  /** An active staff member no other test here used (each gets its own export). */
  function freshUser(): { id: number; name: string } {
    const rows = h.campus
      .prepare(
        `SELECT u.id, u.firstname || ' ' || u.lastname AS name FROM users u
         WHERE u.id NOT IN (1, 3) AND u.legacy = 0 AND u.status = 'active' AND u.kind = 'staff' ORDER BY u.id`,
      )
      .all() as { id: number; name: string }[];
    const row = rows.find((r) => !taken.has(r.id));
    if (!row) throw new Error('no campus user left');
    taken.add(row.id);
    return row;
  }

  /**
   * Two items of its own for an export: the first runs at once, the second waits for `release`. `reached` settles
   * once the export is held at the second.
   */
  function heldItems(component: string): { titles: string[]; reached: Promise<void>; release: () => void } {
    const gate = deferred();
    const reached = deferred();
    const titles = [`${component} first`, `${component} second`];
    titles.forEach((title, i) => {
      h.engine.items.register({
        component,
        name: `step${i + 1}`,
        group: `E2E: ${component}`,
        title,
        help: 'An item the browser test holds until it lets it go.',
        sortOrder: 9100 + i,
        modes: {},
        export: {
          async *records() {
            if (i > 0) {
              reached.resolve();
              await gate.promise;
            }
            yield { step: i + 1, title };
          },
        },
      });
    });
    releases.push(gate.resolve);
    return { titles, reached: reached.promise, release: gate.resolve };
  }

  /** Starts an export of `titles` for the user from their exports page; it stays open until the test lets it go. */
  async function startHeldExport(page: Page, userId: number, titles: string[]): Promise<void> {
    await page.goto(`/users/${userId}/exports`);
    await page.getByRole('heading', { name: 'Export personal data' }).waitFor();
    await page.getByRole('button', { name: 'Add export' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: /Applications or items/ }).check();
    for (const title of titles) await dialog.getByRole('checkbox', { name: title }).check();
    await dialog.getByRole('button', { name: 'Start export' }).click();
    await dialog.waitFor({ state: 'detached' }).catch(async (error: unknown) => {
      throw new Error(`the export did not start: ${await dialog.textContent()}`, { cause: error });
    });
  }

  /** Logs the admin in on a new page and starts an export of a fresh user whose first item holds it running. */
  async function heldExportPage(name: string) {
    const held = heldItems(name);
    const user = freshUser();
    const { context, page } = await h.newPage();
    await logIn(page, 'admin', adminPassword);
    await startHeldExport(page, user.id, held.titles);
    await held.reached;
    return { held, user, context, page };
  }

  async function requestIdOf(userId: number): Promise<number> {
    const row = await h.engine.db
      .selectFrom('requests')
      .select('id')
      .where('subject_id', '=', String(userId))
      .where('kind', '=', 'export')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  it('keeps the Options menu open, and focus on its Download item, while the export finishes under it', async () => {
    const { held, context, page } = await heldExportPage('zz_focus_download');
    const row = page.getByRole('row', { name: /^#\d+/ }).first();
    await row.getByText('1 of 2 items').waitFor();

    // Opened with the keyboard, the menu puts focus on its first item: Download, not ready yet.
    const button = page.getByRole('button', { name: /^Options for export/ }).first();
    await button.focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu');
    await menu.waitFor();
    expect(await focused(page)).toMatchObject({
      role: 'menuitem',
      tag: 'BUTTON',
      text: expect.stringMatching(/^Download/),
    });
    expect(await menu.getByRole('menuitem', { name: 'Download' }).getAttribute('aria-disabled')).toBe('true');

    // The export ends while the menu is open: Download becomes a link, Cancel goes, Delete package comes.
    held.release();
    await menu.locator('a[role="menuitem"]', { hasText: 'Download' }).waitFor({ timeout: 30_000 });
    await row.getByRole('link', { name: /^Download export \d+$/ }).waitFor();
    await menu.getByRole('menuitem', { name: 'Delete package' }).waitFor();
    // The toasts and the row's own Download link came with the same refresh: let any last render settle.
    await new Promise((done) => setTimeout(done, 500));
    expect(await menu.isVisible()).toBe(true);
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    expect(await focused(page)).toMatchObject({ tag: 'A', role: 'menuitem', text: 'Download', inMenu: true });
    expect(await menuBeside(page)).toBe(true);
    await check(page, 'live-focus-menu-download');

    // The keyboard still works from there, and Escape takes focus back to the button.
    await page.keyboard.press('ArrowDown');
    expect(await focused(page)).toMatchObject({ role: 'menuitem', text: 'View details' });
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    expect(await focused(page)).toMatchObject({ tag: 'BUTTON', expanded: 'false' });
    await context.close();
  }, 120_000);

  it('moves focus to a neighbouring item, never to the page, when the focused item (Cancel) goes away', async () => {
    const { held, context, page } = await heldExportPage('zz_focus_cancel');
    const row = page.getByRole('row', { name: /^#\d+/ }).first();
    await row.getByText('1 of 2 items').waitFor();

    const button = page.getByRole('button', { name: /^Options for export/ }).first();
    await button.focus();
    await page.keyboard.press('ArrowDown');
    const menu = page.getByRole('menu');
    await menu.waitFor();
    await page.keyboard.press('End');
    expect(await focused(page)).toMatchObject({ role: 'menuitem', text: 'Cancel' });

    held.release();
    await menu.getByRole('menuitem', { name: 'Cancel' }).waitFor({ state: 'detached', timeout: 30_000 });
    await menu.getByRole('menuitem', { name: 'Delete package' }).waitFor();
    const now = await focused(page);
    expect(now.tag).not.toBe('BODY');
    expect(now).toMatchObject({ role: 'menuitem', inMenu: true });
    expect(['View details', 'Delete package']).toContain(now.text);
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    expect(await menuBeside(page)).toBe(true);
    await check(page, 'live-focus-menu-neighbour');
    await page.keyboard.press('Escape');
    expect(await focused(page)).toMatchObject({ tag: 'BUTTON', expanded: 'false' });
    await context.close();
  }, 120_000);

  it('keeps focus on Pause, the filters and the pager of a live report across refreshes', async () => {
    const { held, user, context, page } = await heldExportPage('zz_focus_report');
    await page.goto(`/reports/exports?subject=${user.id}`);
    const row = page.getByRole('row', { name: /^#\d+/ }).first();
    await row.getByText('Running').waitFor();
    let refreshes = 0;
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/v1/reports/exports') refreshes += 1;
    });
    const refreshed = async (count = 1) => {
      const target = refreshes + count;
      while (refreshes < target) await new Promise((done) => setTimeout(done, 50));
      // The answer is in: give React its turn to render it.
      await new Promise((done) => setTimeout(done, 200));
    };

    // The live indicator's button: paused and resumed with the keyboard, it keeps focus through refreshes.
    await page.getByRole('button', { name: 'Pause live updates' }).focus();
    await refreshed();
    expect(await focused(page)).toMatchObject({ tag: 'BUTTON', text: 'Pause live updates' });
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatchObject({ tag: 'BUTTON', text: 'Resume live updates' });
    await page.keyboard.press('Enter');
    await refreshed();
    expect(await focused(page)).toMatchObject({ tag: 'BUTTON', text: 'Pause live updates' });

    // A filter and the pager's page size keep focus while the rows change.
    await page.getByLabel('Status').focus();
    await refreshed();
    expect(await focused(page)).toMatchObject({ tag: 'SELECT', label: 'f-status' });
    await page.getByLabel('Per page').focus();
    held.release();
    await row.getByText('Succeeded').waitFor({ timeout: 30_000 });
    expect(await focused(page)).toMatchObject({ tag: 'SELECT', inPager: true });
    await check(page, 'live-focus-report');
    await context.close();
  }, 120_000);

  it('moves focus within the header when a request ends and its Pause and Cancel buttons go away', async () => {
    const { held, user, context, page } = await heldExportPage('zz_focus_request');
    await page.goto(`/requests/${await requestIdOf(user.id)}`);
    const pause = page.getByRole('button', { name: 'Pause live updates' });
    await pause.focus();
    held.release();
    await page.getByRole('link', { name: 'Download export' }).waitFor({ timeout: 30_000 });
    await pause.waitFor({ state: 'detached' });
    const now = await focused(page);
    expect(now.tag).not.toBe('BODY');
    expect(now).toMatchObject({ inHeader: true, tag: 'A', text: 'Download export' });
    await check(page, 'live-focus-request');
    await context.close();
  }, 120_000);

  it('keeps focus in the pager when Next takes the keyboard to the last page', async () => {
    const { context, page } = await h.newPage();
    await logIn(page, 'admin', adminPassword);
    await page.goto('/users');
    const pager = page.getByRole('navigation', { name: 'Pages of users' });
    await pager.getByText(/^Page 1 of [3-9]$/).waitFor();
    const pages = Number((await pager.locator('.pager-page').textContent())?.match(/of (\d+)/)?.[1]);
    await pager.getByRole('button', { name: 'Next' }).focus();
    for (let p = 2; p <= pages; p += 1) {
      await page.keyboard.press('Enter');
      await pager.getByText(`Page ${p} of ${pages}`).waitFor();
    }
    expect(await pager.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    expect(await focused(page)).toMatchObject({ tag: 'BUTTON', text: 'Previous', inPager: true });
    for (let p = pages - 1; p >= 1; p -= 1) {
      await page.keyboard.press('Enter');
      await pager.getByText(`Page ${p} of ${pages}`).waitFor();
    }
    expect(await focused(page)).toMatchObject({ tag: 'BUTTON', text: 'Next', inPager: true });
    await context.close();
  }, 120_000);
});
