import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildDemo, type DemoSummary } from '../../../examples/campus/demo/build-demo.js';
import { demoLogins } from '../../../examples/campus/demo/demo-accounts.js';
import { loadConfig } from '../../../src/config/index.js';
import { createAccount, ensureAdmin } from '../../../src/engine/accounts/index.js';
import type { Engine } from '../../../src/engine/engine.js';
import { openEngine } from '../../../src/engine/open-engine.js';
import { type RunningServer, startServer } from '../../../src/server/app/start-server.js';

export const chromiumPath = process.env['LETHE_CHROMIUM'] ?? '/usr/bin/chromium';
export const webRoot = resolve(import.meta.dirname, '../../../dist/web');
export const artifacts = resolve(import.meta.dirname, '../../../test-artifacts/e2e');

/** The demo creates the administrator with its fixed demo login (ensureAdmin then leaves it as it is). */
export const adminPassword: string = demoLogins.admin.password;
export const subjectPassword = 'e2e-subject-password';

/** Whether the browser tests can run here: Chromium and the built console. In CI, a missing one is a failure. */
export function e2eReady(): boolean {
  const ready = existsSync(chromiumPath) && existsSync(join(webRoot, 'index.html'));
  if (!ready && process.env['CI']) {
    throw new Error(
      `The browser tests need ${chromiumPath} and the built console (npm run build:web) in ${webRoot}.`,
    );
  }
  return ready;
}

export interface ConsoleHarness {
  demo: DemoSummary;
  engine: Engine;
  server: RunningServer;
  browser: Browser;
  campus: Database.Database;
  /** A fresh browser context (its own cookies) with downloads allowed; 1280 × 900 unless told. */
  newPage(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/**
 * The campus demo in a temporary folder, a real server over it (with its worker) serving the built console, and
 * headless Chromium. The automatic scan runs at start and then hourly: tests that need another call it themselves.
 */
export async function startConsoleHarness(users = 60): Promise<ConsoleHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'lethe-e2e-'));
  const demo = await buildDemo({
    dir,
    users,
    seed: 7,
    config: { worker: { purgeScanInterval: 3600, maintenanceInterval: 3600, pollMs: 100 } },
  });
  const opened = await openEngine(loadConfig({ file: demo.configFile, env: {} }));
  const engine = opened.engine;
  await ensureAdmin(engine, { password: adminPassword, env: {} });
  const server = await startServer(engine, {
    host: '127.0.0.1',
    port: 0,
    worker: true,
    logLevel: false,
    webRoot,
  });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const campus = new Database(demo.campusDatabase, { readonly: true });
  mkdirSync(artifacts, { recursive: true });
  return {
    demo,
    engine,
    server,
    browser,
    campus,
    async newPage(viewport = { width: 1280, height: 900 }) {
      const context = await browser.newContext({ baseURL: server.url, acceptDownloads: true, viewport });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return { context, page };
    },
    async close() {
      campus.close();
      await browser.close();
      await server.close();
      await opened.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A self-service account for a subject. */
export async function createSubjectAccount(
  engine: Engine,
  username: string,
  subjectId: string,
): Promise<void> {
  await createAccount(engine, 'system', { username, password: subjectPassword, subjectId });
}

export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}
