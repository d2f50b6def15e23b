/**
 * The Live page and the captions window in real Chromium, with real CSS and the real CSP, at the scale
 * the renderer budget is about (10,000 committed segments). The built renderer is served as is and a
 * stand-in window.verbatim delivers transcript events (test/bench/renderer.bench.ts, which measures the
 * same page: the figures live there, nothing here is timed).
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KEEP_NAMES_SHIM,
  RENDERER_DIR,
  stubApi,
  withServer,
  type PageElement,
  type PageGlobal,
} from '../bench/renderer.bench';

import { CHROMIUM, SCREENSHOTS, canRunSuite } from './chromium';
const SEGMENTS = 10_000;
const hasChromium = canRunSuite('live captions');

describe.skipIf(!hasChromium)('live captions in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let url = '';
  let stopServer: () => void = () => {};
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(RENDERER_DIR, 'index.html')))
      throw new Error(`${RENDERER_DIR}/index.html is missing: run npx electron-vite build first.`);
    await mkdir(SCREENSHOTS, { recursive: true });
    // Keep the server up for the whole suite: withServer resolves when the returned promise does.
    await new Promise<void>((started) => {
      void withServer(
        (serverUrl) =>
          new Promise<void>((stop) => {
            url = serverUrl;
            stopServer = stop;
            started();
          }),
      );
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.addInitScript(`
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) =>
        window.__cspViolations.push(event.violatedDirective + ' blocked ' + event.blockedURI + ' at ' + event.sourceFile + ':' + event.lineNumber + ' ' + event.sample));
    `);
    await page.addInitScript(KEEP_NAMES_SHIM);
    await page.addInitScript(stubApi, SEGMENTS);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    stopServer();
  });

  const deliver = (fn: string, ...args: number[]) =>
    page.evaluate(
      ({ fn, args }) => {
        const bench = (globalThis as unknown as PageGlobal).__bench as unknown as Record<
          string,
          (...a: number[]) => void
        >;
        bench[fn]!(...args);
      },
      { fn, args },
    );

  it('keeps 10,000 committed lines virtualized and follows the newest', async () => {
    await page.goto(`${url}#/live`);
    await page.waitForSelector('.captions');
    await page.evaluate(async (count) => {
      const g = globalThis as unknown as PageGlobal;
      for (let i = 0; i < count; i += 500) {
        for (let j = i; j < Math.min(count, i + 500); j++) g.__bench.final(j);
        await new Promise((ok) => g.requestAnimationFrame(ok));
      }
    }, SEGMENTS);
    const rows = page.getByTestId('caption');
    await expect.poll(() => rows.last().textContent()).toContain(`segment ${SEGMENTS - 1} `);
    expect(await rows.count()).toBeLessThan(60);
    const box = page.getByRole('log', { name: 'Live captions' });
    expect(await box.getAttribute('aria-live')).toBe('polite');
  });

  it('shows the partial lighter and italic, then commits it in place', async () => {
    await deliver('partial', SEGMENTS, 5);
    const tail = page.locator('[data-testid=caption][data-provisional=true]');
    await expect.poll(() => tail.count()).toBe(1);
    const style = (selector: string) =>
      page
        .locator(selector)
        .last()
        .evaluate((el) => {
          const s = (globalThis as unknown as PageGlobal).getComputedStyle(el);
          return { fontStyle: s.fontStyle, color: s.color };
        });
    const provisional = await style('.caption-provisional .caption-text');
    const committed = await style('.caption-final .caption-text');
    expect(provisional.fontStyle).toBe('italic');
    expect(committed.fontStyle).toBe('normal');
    expect(provisional.color).not.toBe(committed.color);
    expect(await tail.getAttribute('aria-hidden')).toBe('true');
    const file = join(SCREENSHOTS, 'live-captions.png');
    await page.locator('.live-captions').scrollIntoViewIfNeeded();
    await page.screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(15_000);

    await deliver('final', SEGMENTS);
    await expect.poll(() => tail.count()).toBe(0);
    await expect
      .poll(() => page.getByTestId('caption').last().textContent())
      .toContain(`segment ${SEGMENTS} `);
  });

  it('stops following when scrolled up and jumps back to live', async () => {
    const box = page.getByRole('log', { name: 'Live captions' });
    await box.hover();
    await page.mouse.wheel(0, -3000);
    const jump = page.getByRole('button', { name: /Jump to live/ });
    await expect.poll(() => jump.count()).toBe(1);
    expect(await box.getAttribute('aria-live')).toBe('off');
    await deliver('final', SEGMENTS + 1);
    // Still reading back: the newest line is not in view.
    expect(await page.getByText(`segment ${SEGMENTS + 1} `).count()).toBe(0);

    await jump.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => jump.count()).toBe(0);
    await expect.poll(() => page.getByText(`segment ${SEGMENTS + 1} `).count()).toBe(1);
    const atBottom = await box.evaluate((el) => {
      const e = el as unknown as PageElement;
      return e.scrollHeight - e.scrollTop - e.clientHeight < 40;
    });
    expect(atBottom).toBe(true);
  });

  it('shows the last two lines in the captions window, without navigation', async () => {
    const win = await browser.newPage({ viewport: { width: 720, height: 170 } });
    await win.addInitScript(KEEP_NAMES_SHIM);
    await win.addInitScript(stubApi, 10);
    await win.goto(`${url}#/captions`);
    await win.waitForSelector('.captions-window');
    await win.evaluate(() => {
      const g = globalThis as unknown as PageGlobal;
      for (let i = 0; i < 5; i++) g.__bench.final(i);
      g.__bench.partial(5, 4);
    });
    const lines = win.locator('.captions-window-line');
    await expect.poll(() => lines.count()).toBe(2);
    expect(await lines.nth(0).textContent()).toContain('segment 4 ');
    expect(await lines.nth(1).getAttribute('data-provisional')).toBe('true');
    expect(await win.getByRole('navigation').count()).toBe(0);
    const region = await win
      .locator('.captions-window')
      .evaluate((el) =>
        (globalThis as unknown as PageGlobal).getComputedStyle(el).getPropertyValue('-webkit-app-region'),
      );
    expect(region).toBe('drag');
    const file = join(SCREENSHOTS, 'captions-window.png');
    await win.screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(3_000);
    await win.close();
  });

  it('ran without CSP violations or page errors', async () => {
    const violations = await page.evaluate(
      () => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations,
    );
    // Including zod's probe for eval support: renderer/src/main.tsx turns it off (jitless) first.
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
  });
});
