/**
 * The archive in real Chromium against the real backend (dev web bridge, forked backend, SQLite
 * store): import a WebVTT file with <v> voice tags through the file input, search as you type,
 * open a hit at its moment, rename a speaker, export Markdown through a real download.
 */
import { statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevWebServer, type DevWebServer } from '../../main/devweb/server';
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

const FIXTURE = join(__dirname, 'fixtures', 'Quarterly retro.vtt');
const hasChromium = canRunSuite('archive');

describe.skipIf(!hasChromium)('the archive in Chromium', () => {
  let dataDir: string;
  let userDataDir: string;
  let server: DevWebServer;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    requireBuild();
    dataDir = await makeTempDir('e2e-archive-data');
    userDataDir = await makeTempDir('e2e-archive-chromium');
    await mkdir(SCREENSHOTS, { recursive: true });
    server = await startDevWebServer({ rendererDir: RENDERER_DIR, dataDir, log: () => undefined });
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: { width: 1200, height: 900 },
      acceptDownloads: true,
    });
    page = context.pages()[0] ?? (await context.newPage());
    await watchPage(page, problems);
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    await removeDir(userDataDir);
    await removeDir(dataDir);
  });

  const heading = () => page.getByRole('heading', { level: 1 });
  const cspViolations = () =>
    page.evaluate(() => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations);

  it('imports a WebVTT file with voice tags through the file input', async () => {
    await page.goto(`${server.url}#/archive`);
    await expect.poll(() => heading().textContent()).toBe('Archive');
    await expect.poll(() => page.getByText('No meetings yet').count()).toBe(1);

    await page.locator('input[type=file]').setInputFiles(FIXTURE);
    const results = page.getByRole('list', { name: 'Import results' });
    await expect.poll(() => results.textContent()).toContain('Imported Quarterly retro (60 segments)');
    // The list refreshes from the archive.changed event.
    await expect.poll(() => page.locator('.meeting-item').count()).toBe(1);
    expect(await page.locator('.meeting-item').textContent()).toContain('3 speakers');
  });

  it('searches as you type and highlights the word', async () => {
    await page.getByLabel('Search transcripts and notes').pressSequentially('kangaroo', { delay: 30 });
    const mark = page.locator('[data-testid=search-hit] mark');
    await expect.poll(() => mark.count()).toBe(1);
    expect((await mark.textContent())?.toLowerCase()).toBe('kangaroo');
    const hit = page.getByTestId('search-hit');
    expect(await hit.textContent()).toContain('Chidi Okafor');
    expect(await hit.textContent()).toContain('[00:03:08]');
    expect(await page.locator('.result-meeting').textContent()).toContain('Quarterly retro');
    const file = join(SCREENSHOTS, 'archive-search.png');
    await page.screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(15_000);
  });

  it('opens the meeting at the moment of the hit', async () => {
    await page.getByTestId('search-hit').click();
    await expect.poll(() => heading().textContent()).toBe('Quarterly retro');
    expect(new URL(page.url()).hash).toMatch(/^#\/meeting\/\d+\?t=188000$/);
    const target = page.locator('.segment-target');
    await expect.poll(() => target.count()).toBe(1);
    expect(await target.textContent()).toContain('kangaroo dashboard');
    // Scrolled into the transcript's viewport (it is row 48 of 60, far below the first screen).
    const box = await page.locator('.transcript').boundingBox();
    const row = await target.boundingBox();
    expect(box && row).toBeTruthy();
    expect(row!.y).toBeGreaterThanOrEqual(box!.y);
    expect(row!.y + row!.height).toBeLessThanOrEqual(box!.y + box!.height);
    // ...and on screen: the page scrolled the transcript into view too.
    const viewport = page.viewportSize()!;
    expect(row!.y).toBeGreaterThanOrEqual(0);
    expect(row!.y + row!.height).toBeLessThanOrEqual(viewport.height);
    // Virtualized: far fewer rows in the DOM than segments.
    expect(await page.getByTestId('segment').count()).toBeLessThan(60);
    // An imported transcript kept no audio: the player says so instead of offering to play.
    expect(await page.getByText('No audio was kept for this meeting').count()).toBe(1);
    expect(await page.locator('audio').count()).toBe(0);
  });

  it('renames a speaker everywhere in the transcript', async () => {
    await page.getByRole('button', { name: 'Rename Chidi Okafor' }).click();
    const input = page.getByLabel('New name for Chidi Okafor');
    await input.fill('Dr Chidi');
    await input.press('Enter');
    await expect
      .poll(() => page.locator('.segment-target').locator('xpath=ancestor::div[@data-index]').count())
      .toBe(1);
    await expect.poll(() => page.getByTestId('turn-speaker').allTextContents()).toContain('Dr Chidi');
    expect(await page.getByTestId('turn-speaker').allTextContents()).not.toContain('Chidi Okafor');
    await expect.poll(() => page.getByRole('button', { name: 'Rename Dr Chidi' }).count()).toBe(1);
    const file = join(SCREENSHOTS, 'meeting.png');
    await page.screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(15_000);
  });

  it('exports Markdown as a download with the title, the renamed speaker and the word', async () => {
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export meeting' });
    expect(await dialog.getByLabel('Markdown').isChecked()).toBe(true);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Export', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/Quarterly retro.*\.md$/);
    const content = await readFile((await download.path())!, 'utf8');
    expect(content).toMatch(/^# Quarterly retro\n/);
    expect(content).toContain('**Dr Chidi** [');
    expect(content).toContain('kangaroo dashboard');
    expect(content).not.toContain('Chidi Okafor');
    await expect.poll(() => dialog.textContent()).toContain('Saved');
    await page.screenshot({ path: join(SCREENSHOTS, 'meeting-export.png') });
    await dialog.getByRole('button', { name: 'Close' }).click();

    expect(await cspViolations()).toEqual([]);
    expect(problems).toEqual([]);
  });
});
