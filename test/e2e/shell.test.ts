/**
 * The built renderer in real Chromium (Debian's /usr/bin/chromium driven by playwright-core),
 * served by the dev web bridge and talking to the real forked backend: the shell loads under
 * its strict CSP, navigates, shows what the backend reports, saves settings through the
 * backend, and recovers when the backend process crashes.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../main/api';
import { startDevWebServer, type DevWebServer } from '../../main/devweb/server';
import { CHROMIUM, CHROMIUM_ARGS, RENDERER_DIR, SCREENSHOTS, canRunSuite } from './chromium';
import { makeTempDir, removeDir } from './helpers';

const hasChromium = canRunSuite('browser');

/** Whatever the page reports that a healthy shell never should. */
interface Problems {
  console: string[];
  pageErrors: string[];
  failedRequests: string[];
}

describe.skipIf(!hasChromium)('the shell in Chromium', () => {
  let dataDir: string;
  let userDataDir: string;
  let server: DevWebServer;
  let context: BrowserContext;
  let page: Page;
  const problems: Problems = { console: [], pageErrors: [], failedRequests: [] };

  beforeAll(async () => {
    if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
      throw new Error(`${join(RENDERER_DIR, 'index.html')} is missing: run npm run build first.`);
    }
    dataDir = await makeTempDir('e2e-data');
    userDataDir = await makeTempDir('e2e-chromium');
    await mkdir(SCREENSHOTS, { recursive: true });
    server = await startDevWebServer({ rendererDir: RENDERER_DIR, dataDir, log: () => undefined });
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: { width: 1200, height: 860 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    // Runs before the page's scripts and is exempt from its CSP, so it can watch for violations
    // the console might not show (e.g. a blocked connect-src).
    await page.addInitScript(`
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) =>
        window.__cspViolations.push(event.violatedDirective + ' blocked ' + event.blockedURI));
    `);
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') {
        problems.console.push(`${message.type()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => problems.pageErrors.push(error.message));
    page.on('requestfailed', (request) =>
      problems.failedRequests.push(`${request.url()} ${request.failure()?.errorText}`),
    );
    page.on('response', (response) => {
      if (response.status() >= 400)
        problems.failedRequests.push(`${response.url()} HTTP ${response.status()}`);
    });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    await removeDir(userDataDir);
    await removeDir(dataDir);
  });

  // page.evaluate bodies run in the browser; globalThis is cast because tests type-check without the DOM lib.
  const cspViolations = () =>
    page.evaluate(() => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations);
  const nav = () => page.getByRole('navigation', { name: 'Main' });
  const threshold = () => page.getByLabel('Confidence threshold');
  const theme = () => page.getByLabel('Theme');

  it('loads with no console errors, page errors or CSP violations', async () => {
    await page.goto(server.url);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Live');
    // The bridge API is installed, read-only, with exactly the preload's shape.
    const shape = await page.evaluate(() => {
      const api = (globalThis as unknown as { verbatim: Record<string, unknown> }).verbatim;
      const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'verbatim');
      return { keys: Object.keys(api).sort(), writable: descriptor?.writable, frozen: Object.isFrozen(api) };
    });
    expect(shape).toEqual({ keys: ['invoke', 'on', 'request'], writable: false, frozen: true });
    // Let the first backend calls settle before judging.
    await expect.poll(() => page.getByTestId('status-backend').textContent()).toContain('ok');
    expect(await cspViolations()).toEqual([]);
    expect(problems).toEqual({ console: [], pageErrors: [], failedRequests: [] });
  });

  it('navigates between the four pages', async () => {
    for (const name of ['Archive', 'Review', 'Settings', 'Live']) {
      await nav().getByRole('link', { name }).click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
      for (const other of ['Live', 'Archive', 'Review', 'Settings']) {
        const current = await nav().getByRole('link', { name: other }).getAttribute('aria-current');
        expect(current, `aria-current of ${other} while on ${name}`).toBe(other === name ? 'page' : null);
      }
    }
  });

  it('shows the version and data folder the backend reports', async () => {
    await nav().getByRole('link', { name: 'Settings' }).click();
    const info = unwrap(await server.supervisor.client.invoke('app.info', {}));
    await expect.poll(() => page.getByTestId('app-version').textContent()).toBe(info.version);
    expect(await page.getByTestId('data-dir').textContent()).toBe(info.dataDir);
    expect(info.dataDir).toBe(dataDir);
    await expect.poll(() => page.getByTestId('backend-status').textContent()).toBe('ok');
  });

  it('saves settings changed in the UI through the backend', async () => {
    await threshold().fill('0.8');
    await threshold().press('Enter');
    // A second field saved after the first: the first must survive (a patch is not a reset).
    await theme().selectOption('dark');
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');

    await expect
      .poll(async () => unwrap(await server.supervisor.client.invoke('settings.get', {})))
      .toMatchObject({
        confidenceThreshold: 0.8,
        theme: 'dark',
      });
    const onDisk = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(onDisk).toMatchObject({ confidenceThreshold: 0.8, theme: 'dark' });
    expect(await threshold().inputValue()).toBe('0.8');

    // The page scrolls inside its own pane, so fullPage cannot reach the About section: a tall
    // viewport shows the form and the backend facts in one picture.
    const file = join(SCREENSHOTS, 'shell-settings.png');
    await page.setViewportSize({ width: 1200, height: 1700 });
    await page.screenshot({ path: file });
    await page.setViewportSize({ width: 1200, height: 860 });
    // A real render of the page, not a blank or error image.
    expect(statSync(file).size).toBeGreaterThan(20_000);
  });

  it('recovers from a backend crash and reads the saved settings from the new process', async () => {
    const before = unwrap(await server.supervisor.client.invoke('backend.health', {}));
    await server.supervisor.crashForTest();
    const after = unwrap(await server.supervisor.client.invoke('backend.health', {}));
    expect(after.pid).not.toBe(before.pid);

    // The open page hears about it.
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('backend restarted');
    await page.screenshot({ path: join(SCREENSHOTS, 'shell-restarted.png'), fullPage: true });

    // A fresh page load shows the values the new backend process read from disk.
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Settings');
    await expect.poll(() => threshold().inputValue()).toBe('0.8');
    expect(await theme().inputValue()).toBe('dark');
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    await expect.poll(() => page.getByText(`pid ${after.pid}`).count()).toBe(1);
    expect(await cspViolations()).toEqual([]);
    expect(problems).toEqual({ console: [], pageErrors: [], failedRequests: [] });
  });
});
