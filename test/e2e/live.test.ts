/**
 * The whole product path in real Chromium through the dev bridge (issue 9, "Done when" #1), with stub ASR:
 *
 *  - The data folder holds the streaming Zipformer2 stub (affine joiner: tokens for speech-level audio,
 *    blank for silence) under the manifest's file names; Silero VAD comes from npm. So the backend runs the
 *    real live pipeline, only the recognizer's words are nonsense tokens.
 *  - Chromium's fake microphone plays two espeak-ng turns; the test feeds a third (another voice) on the
 *    system channel through the bridge's backend client, at real-time pace, on the mic's clock.
 *  - Captions appear live (a provisional line styled apart), finals carry speaker names for both channels;
 *    Stop commits the last words, each final exactly once.
 *  - The meeting opens in the meeting view and a word click seeks the audio there; the review queue is
 *    walked by keyboard (accept one, correct one inline) and the correction is found by search.
 *  - Screenshots: live.png, meeting.png, review.png, settings.png (test-results/e2e); no CSP violation,
 *    no page error, no console error over the whole run.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORDING_FRAME_SAMPLES, unwrap, type PayloadOf, type Segment } from '../../main/api';
import { parseWav } from '../../main/audio/wav';
import { modelsDirFor } from '../../main/backend/data-dir';
import { startDevWebServer, type DevWebServer } from '../../main/devweb/server';
import { loadManifest } from '../../main/models/manifest';
import { zipformer2AffineStubDir } from '../fixtures/onnx/zipformer-affine';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  RENDERER_DIR,
  SCREENSHOTS,
  canRunSuite,
  fakeMediaArgs,
  requireBuild,
} from './chromium';
import { makeTempDir, removeDir } from './helpers';

const ZIPFORMER = 'streaming-zipformer-en-2023-06-26';

const ready = canRunSuite('live', ['espeak-ng', 'sox']);

const MIC_FIRST = 'good morning everyone the quarterly numbers are finally in';
const MIC_LAST = 'please send me the slides right after the call';
const SYSTEM_TEXT = 'thanks the mockups are ready and the search is really fast';
/** Fake-microphone layout (s): silence, first turn, pause (long enough for an endpoint), last turn, tail. */
const MIC_LEAD_S = 0.5;
const MIC_GAP_S = 1.6;
/** Short: the last turn is still open when Stop is clicked, so Stop is what commits it. */
const MIC_TAIL_S = 0.3;
/** System-channel layout (s): silence before and after its one turn. */
const SYSTEM_LEAD_S = 0.6;
const SYSTEM_TAIL_S = 1.6;
const EDITED = 'Quetzalcoatl';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (samples: number, rate: number) => samples / rate;

/** espeak-ng speech at `rate` Hz, mono 16-bit, padded with silence; returns the file and its length (s). */
async function speech(
  dir: string,
  name: string,
  voice: string,
  text: string,
  rate: number,
  pad: [number, number],
): Promise<{ file: string; samples: Float32Array }> {
  const raw = join(dir, `${name}-raw.wav`);
  const plain = join(dir, `${name}-plain.wav`);
  const file = join(dir, `${name}.wav`);
  execFileSync('espeak-ng', ['-v', voice, '-s', '160', '-w', raw, text]);
  execFileSync('sox', [raw, '-r', String(rate), '-c', '1', '-b', '16', plain]);
  execFileSync('sox', [plain, file, 'pad', String(pad[0]), String(pad[1])]);
  return { file, samples: parseWav(await readFile(file)).samples };
}

describe.skipIf(!ready)('live captions to review, in Chromium with stub ASR', () => {
  let work: string;
  let dataDir: string;
  let server: DevWebServer;
  let browser: Browser;
  let page: Page;
  let micFileMs: number;
  /** Where the last mic turn starts in the fake device's file (ms). */
  let micLastStartMs: number;
  let system: Float32Array;
  let meetingId: number;
  let segments: Segment[] = [];
  const finals: PayloadOf<'transcript.final'>[] = [];
  const problems: string[] = [];
  const cspViolations: string[] = [];

  /** CSP violations recorded by the init script since the last call (the array is per document). */
  const drainCsp = async () => {
    const found = (await page.evaluate('(window.__cspViolations || []).splice(0)')) as string[];
    cspViolations.push(...found);
  };
  const goto = async (hash: string) => {
    await drainCsp();
    await page.goto(`${server.url}${hash}`);
  };
  const client = () => server.supervisor.client;

  beforeAll(async () => {
    requireBuild();
    work = await makeTempDir('e2e-live');
    dataDir = join(work, 'data');
    await mkdir(SCREENSHOTS, { recursive: true });

    // The streaming Zipformer2 stub, installed where the engine loader looks for the manifest's files.
    const stub = zipformer2AffineStubDir();
    const model = loadManifest().models.find((m) => m.id === ZIPFORMER)!;
    const target = join(modelsDirFor(dataDir), ZIPFORMER);
    await mkdir(target, { recursive: true });
    const byRole: Record<string, string> = {
      encoder: stub.encoder,
      decoder: stub.decoder,
      joiner: stub.joiner,
      tokens: stub.tokens,
    };
    await Promise.all(model.files.map((f) => copyFile(byRole[f.role!]!, join(target, f.name))));

    // The fake microphone: 48 kHz (the renderer resamples), two turns of one voice.
    const first = await speech(work, 'mic-first', 'en-gb+f2', MIC_FIRST, 48_000, [MIC_LEAD_S, MIC_GAP_S]);
    const last = await speech(work, 'mic-last', 'en-gb+f2', MIC_LAST, 48_000, [0, MIC_TAIL_S]);
    const mic = join(work, 'mic.wav');
    execFileSync('sox', [first.file, last.file, mic]);
    micFileMs = (seconds(first.samples.length + last.samples.length, 48_000) * 1000) | 0;
    micLastStartMs = (seconds(first.samples.length, 48_000) * 1000) | 0;
    // The far end: another voice, at the app's rate, fed by the test.
    system = (await speech(work, 'system', 'en-us+m3', SYSTEM_TEXT, 16_000, [SYSTEM_LEAD_S, SYSTEM_TAIL_S]))
      .samples;

    server = await startDevWebServer({ rendererDir: RENDERER_DIR, dataDir, log: () => undefined });
    client().on('transcript.final', (f) => finals.push(f));
    // English (the stub's language); no display capture (the test is the system source); every stub
    // word below a confidence of 1, so all of them are flagged for review.
    unwrap(
      await client().invoke('settings.set', {
        language: 'en',
        captureSystemAudio: false,
        confidenceThreshold: 1,
      }),
    );

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, ...fakeMediaArgs(mic)],
    });
    page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    // Exempt from the page's CSP, runs first in every document: records CSP violations (the console
    // might not show them) and the first provisional caption line as it was styled when it appeared.
    await page.addInitScript(`
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        window.__cspViolations.push(e.violatedDirective + ' blocked ' + e.blockedURI));
      window.__partials = [];
      new MutationObserver(() => {
        for (const row of document.querySelectorAll('[data-testid=caption][data-provisional=true]')) {
          const text = row.querySelector('.caption-text');
          if (!text || !text.textContent || window.__partials.length >= 20) continue;
          const finalText = document.querySelector('[data-testid=caption][data-provisional=false] .caption-text');
          window.__partials.push({
            text: text.textContent,
            speaker: row.querySelector('[data-testid=caption-speaker]')?.textContent ?? null,
            ariaHidden: row.getAttribute('aria-hidden'),
            fontStyle: getComputedStyle(text).fontStyle,
            colour: getComputedStyle(text).color,
            finalColour: finalText ? getComputedStyle(finalText).color : null,
          });
        }
      }).observe(document, { subtree: true, childList: true, characterData: true });
    `);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await removeDir(work);
  });

  it('captions a live meeting from the Live page; Stop commits the last words, each final once', async () => {
    await goto('');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Live');
    await page.getByLabel('Meeting title').fill('Live e2e');
    await page.getByRole('button', { name: 'Start live captions' }).click();
    await expect
      .poll(() => page.getByTestId('recorder-phase').textContent(), { timeout: 15_000 })
      .toBe('Recording');
    const status = async () => unwrap(await client().invoke('recording.status', {})).session!;
    const session = await status();
    expect(session.mode).toBe('live');
    meetingId = session.meetingId;

    // The far end, at real-time pace in 100 ms batches, on the mic's clock (the renderer's first mic
    // frame is t 0; recordedMs is how far the mic has got).
    const feedSystem = async () => {
      await expect.poll(async () => (await status()).frames.mic, { timeout: 10_000 }).toBeGreaterThan(0);
      const t0 = (await status()).recordedMs;
      const frameCount = Math.floor(system.length / RECORDING_FRAME_SAMPLES);
      const began = Date.now();
      for (let first = 0; first < frameCount; first += 5) {
        const frames = [];
        for (let seq = first; seq < Math.min(frameCount, first + 5); seq++) {
          const from = seq * RECORDING_FRAME_SAMPLES;
          frames.push({
            seq,
            t: t0 + seq * 20,
            samples: Array.from(system.subarray(from, from + RECORDING_FRAME_SAMPLES)),
          });
        }
        unwrap(
          await client().invoke('recording.frames', {
            sessionId: session.sessionId,
            channel: 'system',
            frames,
          }),
        );
        const due = began + (first + 5) * 20;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      return frameCount;
    };
    const fed = feedSystem();

    // Live: committed lines for both channels, named (mic = the local speaker's name), while recording.
    const rows = page.getByRole('log', { name: 'Live captions' }).getByTestId('caption');
    const finalSpeakers = async () => [
      ...new Set(
        await rows
          .and(page.locator('[data-provisional=false]'))
          .getByTestId('caption-speaker')
          .allTextContents(),
      ),
    ];
    await expect.poll(finalSpeakers, { timeout: 20_000, interval: 100 }).toContain('You');
    // The far end's committed line, named after its speaker (a machine label such as S1, or a name).
    await expect
      .poll(() => finals.some((f) => f.segment.channel === 'system'), { timeout: 20_000, interval: 100 })
      .toBe(true);
    const systemSpeaker = finals.find((f) => f.segment.channel === 'system')!.speaker;
    const systemName = systemSpeaker.displayName ?? systemSpeaker.label;
    expect(systemName).not.toBe('You');
    await expect.poll(finalSpeakers, { timeout: 5000, interval: 100 }).toContain(systemName);
    expect(await page.getByTestId('recorder-phase').textContent()).toBe('Recording');
    // For the picture, a moment with a provisional tail under the committed lines (the last mic turn is
    // being spoken now); the styling itself is asserted below, from the moment each partial appeared.
    await expect
      .poll(() => rows.and(page.locator('[data-provisional=true]')).count(), { timeout: 5000, interval: 50 })
      .toBeGreaterThan(0);
    await page.getByRole('log', { name: 'Live captions' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'live.png') });

    // A provisional tail was shown and styled apart: italic, lighter, hidden from screen readers.
    const partials = (await page.evaluate('window.__partials')) as Array<{
      text: string;
      speaker: string | null;
      ariaHidden: string | null;
      fontStyle: string;
      colour: string;
      finalColour: string | null;
    }>;
    expect(partials.length).toBeGreaterThan(0);
    for (const p of partials) expect(p).toMatchObject({ fontStyle: 'italic', ariaHidden: 'true' });
    const committedColour = await rows
      .and(page.locator('[data-provisional=false]'))
      .first()
      .locator('.caption-text')
      .evaluate(
        (el) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el)
            .color,
      );
    expect(partials[0]!.colour).not.toBe(committedColour);

    // Let the microphone file play out, then stop right away (its last turn is barely 0.3 s old).
    const framesFed = await fed;
    await expect
      .poll(async () => (await status()).recordedMs, { timeout: micFileMs + 15_000, interval: 50 })
      .toBeGreaterThanOrEqual(micFileMs);
    const stoppedAt = Date.now();
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect
      .poll(() => page.getByTestId('recorder-phase').textContent(), { timeout: 30_000 })
      .toBe('Saved');

    const detail = unwrap(await client().invoke('meetings.get', { meetingId }));
    segments = detail.segments;
    const byChannel = (c: 'mic' | 'system') => segments.filter((s) => s.channel === c);
    console.info(
      '[e2e live]',
      JSON.stringify({
        micFileMs,
        systemFrames: framesFed,
        partialsSeen: partials.length,
        firstPartial: partials[0],
        systemSpeaker: systemName,
        speakersShown: await finalSpeakers().catch(() => []),
        finals: finals.map((f) => ({
          channel: f.segment.channel,
          startMs: f.segment.startMs,
          endMs: f.segment.endMs,
          reason: f.reason,
          afterStop: f.emittedAt >= stoppedAt,
          words: f.segment.words.length,
        })),
      }),
    );
    expect(detail.meeting.status).toBe('done');
    // Finals on both channels; the archive holds exactly what was announced, each segment announced once.
    expect(byChannel('mic').length).toBeGreaterThan(0);
    expect(byChannel('system').length).toBeGreaterThan(0);
    const ids = finals.map((f) => f.segment.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(finals.map((f) => f.segmentKey)).size).toBe(finals.length);
    expect([...segments.map((s) => s.id)].sort()).toEqual([...ids].sort());
    // No turn committed twice: one channel's finals never overlap in time.
    for (const channel of ['mic', 'system'] as const) {
      const mine = byChannel(channel).sort((a, b) => a.startMs - b.startMs);
      for (let i = 1; i < mine.length; i++) {
        expect(mine[i]!.startMs, `${channel} finals overlap`).toBeGreaterThanOrEqual(mine[i - 1]!.endMs);
      }
    }
    // The last mic turn is committed: a mic final reaches into it. (Capture start-up may eat up to the
    // file's 0.5 s of leading silence, so recording time is at most that much behind file time.)
    const lastMic = byChannel('mic').sort((a, b) => b.endMs - a.endMs)[0]!;
    expect(lastMic.endMs).toBeGreaterThan(micLastStartMs - MIC_LEAD_S * 1000 + 500);
    expect(lastMic.words.length).toBeGreaterThan(0);
  }, 90_000);

  it('opens the meeting in the meeting view and seeks the audio to a clicked word', async () => {
    expect(segments.length).toBeGreaterThan(0);
    await goto(`#/meeting/${meetingId}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Live e2e');
    await page.getByRole('region', { name: 'Playback' }).waitFor();
    const audio = (channel: 'mic' | 'system') =>
      page.getByTestId(`audio-${channel}`).evaluate((el) => {
        const a = el as unknown as {
          currentTime: number;
          readyState: number;
          error: { code: number } | null;
        };
        return { currentTime: a.currentTime, readyState: a.readyState, error: a.error?.code ?? null };
      });
    for (const channel of ['mic', 'system'] as const) {
      await expect
        .poll(async () => (await audio(channel)).readyState, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(1);
      expect((await audio(channel)).error).toBeNull();
    }
    // A word in the middle of the far end's turn (not at 0, so a seek is visible).
    const systemWords = segments.filter((s) => s.channel === 'system').flatMap((s) => s.words);
    const word = systemWords[Math.floor(systemWords.length / 2)]!;
    expect(word.startMs).toBeGreaterThan(500);
    await page.locator(`.word[data-start-ms="${word.startMs}"]`).first().click();
    for (const channel of ['mic', 'system'] as const) {
      await expect
        .poll(async () => Math.abs((await audio(channel)).currentTime * 1000 - word.startMs), {
          timeout: 5000,
        })
        .toBeLessThanOrEqual(300);
    }
    expect(await page.locator('[aria-current="time"]').first().textContent()).toBe(word.text);
    await page.screenshot({ path: join(SCREENSHOTS, 'meeting.png') });
  });

  it('walks three flagged words by keyboard, accepts one, corrects one, and search finds the correction', async () => {
    // The captions above used a threshold of 1 (every stub word underlined); for review, a realistic one
    // flags only the stub's less sure words (its confidences spread over about 0.5 … 0.98).
    unwrap(await client().invoke('settings.set', { confidenceThreshold: 0.7 }));
    await goto(`#/review?meeting=${meetingId}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Review');
    const list = page.getByRole('listbox', { name: /spans to review/i });
    const options = list.getByRole('option');
    // A span is a run of consecutive flagged words of one segment: short runs, at least three of them.
    await expect.poll(() => options.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    const texts = await list.locator('.review-option-text').allTextContents();
    const wordsIn = (text: string | undefined) => text!.split(' ').length;
    console.info('[e2e live] review spans', JSON.stringify(texts.map(wordsIn)));
    // Words, not whole turns (a turn of the stub is 30-40 words): the queue isolates the unsure ones.
    expect(Math.max(...texts.slice(0, 3).map(wordsIn))).toBeLessThan(10);
    const focused = () => list.locator('[role=option][aria-selected=true] .review-option-text').textContent();
    const status = () => page.locator('.review-status').textContent();
    const before = await options.count();

    await list.focus();
    expect(await focused()).toBe(texts[0]);
    await page.keyboard.press('j');
    expect(await focused()).toBe(texts[1]);
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(texts[2]);
    await page.keyboard.press('Enter');
    await expect.poll(status).toBe(`Accepted “${texts[2]}”.`);
    await expect.poll(() => options.count()).toBe(before - 1);

    // Back to the first span (Home) and correct it inline.
    await page.keyboard.press('Home');
    expect(await focused()).toBe(texts[0]);
    const target = texts[0]!;
    await page.keyboard.press('e');
    const input = page.getByRole('textbox', { name: /^Correct “/ });
    await expect.poll(() => input.count()).toBe(1);
    await input.fill(EDITED);
    await page.keyboard.press('Enter');
    await expect.poll(status).toBe(`Changed “${target}” to “${EDITED}”.`);
    await expect.poll(() => options.count()).toBe(before - 2);
    // Progress counts words: the accepted span's, plus the one word the correction left (verified); the
    // other spans' words are still to review.
    const left = texts.filter((_, i) => i !== 0 && i !== 2).reduce((n, t) => n + wordsIn(t), 0);
    expect(await page.locator('.review-progress').textContent()).toContain(
      `${wordsIn(texts[2]) + wordsIn(EDITED)} reviewed · ${left} to review`,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'review.png') });

    // The correction is in the archive's search, through the contract and in the Archive page.
    const found = unwrap(await client().invoke('search.query', { query: EDITED.toLowerCase() }));
    expect(found.ok).toBe(true);
    if (!found.ok) return;
    expect(found.hits.map((h) => h.meetingId)).toEqual([meetingId]);
    await goto('#/archive');
    await page.getByLabel('Search transcripts and notes').fill(EDITED.toLowerCase());
    await expect.poll(() => page.getByTestId('search-hit').count()).toBe(1);
    expect(await page.getByTestId('search-hit').textContent()).toContain(EDITED);
  });

  it('shows the settings page', async () => {
    await goto('#/settings');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Settings');
    const file = join(SCREENSHOTS, 'settings.png');
    // The page scrolls inside <main>, not the document: a full-page shot needs a window as tall as it.
    const height = await page
      .locator('main#main')
      .evaluate((el) => (el as unknown as { scrollHeight: number }).scrollHeight);
    const viewport = page.viewportSize()!;
    await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height + 40) });
    await page.screenshot({ path: file, fullPage: true });
    await page.setViewportSize(viewport);
    expect(statSync(file).size).toBeGreaterThan(10_000);
  });

  it('ran without CSP violations, page errors or console errors', async () => {
    await drainCsp();
    expect(cspViolations).toEqual([]);
    expect(problems).toEqual([]);
  });
});
