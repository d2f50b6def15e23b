/**
 * The review queue in real Chromium against the real backend (dev web bridge, SQLite store): walk three
 * flagged words by keyboard, accept one, correct another inline, and find the correction through search.
 * The archive is written before the bridge starts, with word confidences and a live draft, as the
 * recorder would have left it.
 */
import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevWebServer, type DevWebServer } from '../../main/devweb/server';
import { openStore } from '../../main/store';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  RENDERER_DIR,
  SCREENSHOTS,
  canRunSuite,
  watchPage,
  requireBuild,
} from './chromium';
import { makeTempDir, removeDir } from './helpers';

const hasChromium = canRunSuite('review');

/** One meeting, three flagged words: "cuba" (0.3), "budged" (0.5), "Fridey" (0.7, and not in the live draft). */
function seedArchive(dataDir: string): void {
  const store = openStore(join(dataDir, 'archive.sqlite'));
  const meeting = store.meetings.create({
    title: 'Launch planning',
    startedAt: Date.UTC(2025, 4, 6, 9, 30),
    status: 'done',
    durationMs: 20_000,
  });
  const ana = store.speakers.add(meeting.id, { label: 'S1', displayName: 'Ana', channel: 'system' });
  const lines: [number, string, number[], string?][] = [
    [1000, 'we deploy to cuba today', [0.99, 0.98, 0.99, 0.3, 0.97]],
    [6000, 'the budged is fine', [0.99, 0.5, 0.99, 0.98]],
    [11000, 'ship it Fridey', [0.99, 0.99, 0.7], 'ship it'],
  ];
  for (const [startMs, text, conf, draftText] of lines) {
    store.segments.insertFinal({
      meetingId: meeting.id,
      speakerId: ana.id,
      channel: 'system',
      startMs,
      endMs: startMs + 3000,
      draftText,
      words: text.split(' ').map((word, i) => ({
        text: word,
        startMs: startMs + i * 400,
        endMs: startMs + i * 400 + 350,
        confidence: conf[i] ?? 0.99,
      })),
    });
  }
  store.close();
}

describe.skipIf(!hasChromium)('the review queue in Chromium', () => {
  let dataDir: string;
  let userDataDir: string;
  let server: DevWebServer;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    requireBuild();
    dataDir = await makeTempDir('e2e-review-data');
    userDataDir = await makeTempDir('e2e-review-chromium');
    await mkdir(SCREENSHOTS, { recursive: true });
    seedArchive(dataDir);
    server = await startDevWebServer({ rendererDir: RENDERER_DIR, dataDir, log: () => undefined });
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: { width: 1200, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    await watchPage(page, problems);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    await removeDir(userDataDir);
    await removeDir(dataDir);
  });

  const list = () => page.getByRole('listbox', { name: /spans to review/i });
  const focusedText = () =>
    list().locator('[role=option][aria-selected=true] .review-option-text').textContent();
  const status = () => page.locator('.review-status').textContent();

  it('walks three flagged words by keyboard and accepts one', async () => {
    await page.goto(`${server.url}#/review`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Review');
    await expect.poll(() => list().getByRole('option').count()).toBe(3);
    // "Fridey" (0.7) ranks above "budged" (0.5): the draft did not have it, which makes an error likelier.
    expect(await list().locator('.review-option-text').allTextContents()).toEqual([
      'cuba',
      'Fridey',
      'budged',
    ]);
    await list().focus();
    expect(await focusedText()).toBe('cuba');
    await page.keyboard.press('j');
    expect(await focusedText()).toBe('Fridey');
    expect(await page.locator('.review-reasons').textContent()).toContain(
      'Differs from the live draft: “ship it”',
    );
    await page.keyboard.press('ArrowDown');
    expect(await focusedText()).toBe('budged');
    await page.keyboard.press('k');
    expect(await focusedText()).toBe('Fridey');
    await page.keyboard.press('j');
    expect(await focusedText()).toBe('budged');
    await page.keyboard.press('Enter');
    await expect.poll(status).toBe('Accepted “budged”.');
    await expect.poll(() => list().getByRole('option').count()).toBe(2);
    expect(await page.locator('.review-progress').textContent()).toContain('1 reviewed · 2 to review');
  });

  it('corrects a word inline and the correction is what search finds', async () => {
    await page.keyboard.press('ArrowUp');
    expect(await focusedText()).toBe('cuba');
    await page.keyboard.press('e');
    const input = page.getByRole('textbox', { name: /correct “cuba”/i });
    await expect.poll(() => input.count()).toBe(1);
    await input.fill('Kuba');
    await page.keyboard.press('Enter');
    await expect.poll(status).toBe('Changed “cuba” to “Kuba”.');
    await expect.poll(() => list().getByRole('option').count()).toBe(1);
    const file = join(SCREENSHOTS, 'review.png');
    await page.screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(15_000);

    await page.goto(`${server.url}#/archive`);
    await page.getByLabel('Search transcripts and notes').fill('kuba');
    await expect.poll(() => page.getByTestId('search-hit').count()).toBe(1);
    expect(await page.getByTestId('search-hit').textContent()).toContain('Kuba');
    await page.getByLabel('Search transcripts and notes').fill('cuba');
    await expect.poll(() => page.getByText('nothing found').count()).toBe(1);
    expect(await page.getByTestId('search-hit').count()).toBe(0);
  });

  it('ran without CSP violations or console errors', async () => {
    expect(
      await page.evaluate(() => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations),
    ).toEqual([]);
    expect(problems).toEqual([]);
  });
});
