/**
 * Meeting playback in real Chromium against the real backend (dev web bridge, forked backend): a
 * meeting recorded through the contract (record-only, two channels of espeak-ng speech, stopped and
 * compacted to MP3), given a transcript with word times, opened in the meeting view. A click on a word
 * moves the audio there, Play makes it advance, and the bridge serves the bytes with range requests
 * only to our own page.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FRAMES_PER_BATCH, RECORDING_FRAME_SAMPLES, unwrap } from '../../main/api';
import { parseWav } from '../../main/audio/wav';
import { startDevWebServer, type DevWebServer } from '../../main/devweb/server';
import { openStore } from '../../main/store';
import { CHROMIUM, CHROMIUM_ARGS, RENDERER_DIR, SCREENSHOTS, canRunSuite, requireBuild } from './chromium';
import { makeTempDir, rawGet, removeDir } from './helpers';

const canRun = canRunSuite('playback', ['espeak-ng', 'sox']);

/** Speech as 16 kHz mono floats (espeak-ng, then sox to the app's rate). */
async function speech(dir: string, name: string, voice: string, text: string): Promise<Float32Array> {
  const raw = join(dir, `${name}-raw.wav`);
  const out = join(dir, `${name}.wav`);
  execFileSync('espeak-ng', ['-v', voice, '-w', raw, text]);
  execFileSync('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', out]);
  return parseWav(await readFile(out)).samples;
}

const MIC_TEXT = 'welcome everyone to the design review of the new archive';
const SYSTEM_TEXT = 'thanks the mockups are ready and the search is fast';

describe.skipIf(!canRun)('meeting playback in Chromium', () => {
  let work: string;
  let dataDir: string;
  let server: DevWebServer;
  let context: BrowserContext;
  let page: Page;
  let meetingId: number;
  const problems: string[] = [];
  /** Word times of the system turn, by word. */
  const systemWords = new Map<string, number>();

  beforeAll(async () => {
    requireBuild();
    work = await makeTempDir('e2e-playback');
    dataDir = join(work, 'data');
    await mkdir(dataDir);
    await mkdir(SCREENSHOTS, { recursive: true });
    const mic = await speech(work, 'mic', 'en-gb+f2', MIC_TEXT);
    const system = await speech(work, 'system', 'en-us+m3', SYSTEM_TEXT);

    server = await startDevWebServer({ rendererDir: RENDERER_DIR, dataDir, log: () => undefined });
    const client = server.supervisor.client;

    // Record through the contract: mic speaks first, then (after its silence) the system channel.
    const started = unwrap(
      await client.invoke('recording.start', { title: 'Design review', mode: 'record-only' }),
    );
    meetingId = started.meetingId;
    const systemOffset = mic.length + 16_000; // 1 s after the mic's speech
    const total = systemOffset + system.length + 8000;
    const channelSamples = {
      mic,
      system: (() => {
        const s = new Float32Array(total);
        s.set(system, systemOffset);
        return s;
      })(),
    };
    const frameCount = Math.ceil(total / RECORDING_FRAME_SAMPLES);
    for (const channel of ['mic', 'system'] as const) {
      const source = channelSamples[channel];
      for (let first = 0; first < frameCount; first += MAX_FRAMES_PER_BATCH) {
        const frames = [];
        for (let seq = first; seq < Math.min(frameCount, first + MAX_FRAMES_PER_BATCH); seq++) {
          const samples = new Array<number>(RECORDING_FRAME_SAMPLES).fill(0);
          for (let i = 0; i < RECORDING_FRAME_SAMPLES; i++)
            samples[i] = source[seq * RECORDING_FRAME_SAMPLES + i] ?? 0;
          frames.push({ seq, t: seq * 20, samples });
        }
        unwrap(await client.invoke('recording.frames', { sessionId: started.sessionId, channel, frames }));
      }
    }
    unwrap(await client.invoke('recording.stop', { sessionId: started.sessionId }, { timeoutMs: 60_000 }));

    // The transcript: words spread evenly over each channel's speech (times matter, not alignment).
    const store = openStore(join(dataDir, 'archive.sqlite'));
    try {
      const addTurn = (
        channel: 'mic' | 'system',
        label: string,
        text: string,
        startMs: number,
        lengthMs: number,
      ) => {
        const speaker = store.speakers.add(meetingId, { label, channel });
        const words = text.split(' ');
        const step = lengthMs / words.length;
        store.segments.insertFinal({
          meetingId,
          speakerId: speaker.id,
          channel,
          startMs,
          endMs: startMs + lengthMs,
          words: words.map((w, i) => ({
            text: w,
            startMs: Math.round(startMs + i * step),
            endMs: Math.round(startMs + (i + 0.8) * step),
            confidence: 0.97,
          })),
        });
        if (channel === 'system') words.forEach((w, i) => systemWords.set(w, Math.round(startMs + i * step)));
      };
      addTurn('mic', 'You', MIC_TEXT, 0, Math.round(mic.length / 16));
      addTurn('system', 'S1', SYSTEM_TEXT, Math.round(systemOffset / 16), Math.round(system.length / 16));
    } finally {
      store.close();
    }

    context = await chromium.launchPersistentContext(join(work, 'chromium'), {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: { width: 1200, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.addInitScript(`
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) =>
        window.__cspViolations.push(event.violatedDirective + ' blocked ' + event.blockedURI));
    `);
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    await removeDir(work);
  });

  const audioState = (channel: 'mic' | 'system') =>
    page.getByTestId(`audio-${channel}`).evaluate((el) => {
      // This file is type-checked without the DOM library: describe the element's fields used here.
      const audio = el as unknown as {
        currentTime: number;
        paused: boolean;
        readyState: number;
        duration: number;
        error: { code: number } | null;
      };
      return {
        currentTime: audio.currentTime,
        paused: audio.paused,
        readyState: audio.readyState,
        duration: audio.duration,
        error: audio.error?.code ?? null,
      };
    });

  it('recorded and compacted both channels to MP3, which media.sources offers', async () => {
    const sources = unwrap(await server.supervisor.client.invoke('media.sources', { meetingId }));
    expect(sources.channels.map((c) => [c.channel, c.format, c.mimeType])).toEqual([
      ['mic', 'mp3', 'audio/mpeg'],
      ['system', 'mp3', 'audio/mpeg'],
    ]);
    expect(sources.channels.every((c) => c.durationMs > 4000)).toBe(true);
  });

  it('opens the meeting with both channels loaded', async () => {
    await page.goto(`${server.url}#/meeting/${meetingId}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Design review');
    await page.getByRole('region', { name: 'Playback' }).waitFor();
    for (const channel of ['mic', 'system'] as const) {
      await expect
        .poll(async () => (await audioState(channel)).readyState, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(1);
      expect((await audioState(channel)).error).toBeNull();
    }
    const system = await audioState('system');
    const expected = unwrap(await server.supervisor.client.invoke('media.sources', { meetingId }))
      .channels[1]!;
    // The browser's own reading of the MP3 agrees with the backend's estimate from the bit rate.
    expect(Math.abs(system.duration * 1000 - expected.durationMs)).toBeLessThan(200);
  });

  it('seeks to a clicked word, plays from there, and highlights the playing word', async () => {
    const target = systemWords.get('mockups')!;
    await page.locator('.word', { hasText: /^mockups$/ }).click();
    for (const channel of ['mic', 'system'] as const) {
      const { currentTime } = await audioState(channel);
      // The mic recording is as long as the meeting (silence while the other side talks).
      expect(Math.abs(currentTime * 1000 - target), channel).toBeLessThan(50);
    }
    expect(await page.locator('[aria-current="time"]').textContent()).toBe('mockups');

    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect
      .poll(async () => (await audioState('system')).currentTime * 1000, { timeout: 10_000 })
      .toBeGreaterThan(target + 600);
    expect((await audioState('system')).paused).toBe(false);
    // The highlight moved on with the audio.
    await expect
      .poll(() => page.locator('[aria-current="time"]').textContent(), { timeout: 5000 })
      .not.toBe('mockups');
    await page.screenshot({ path: join(SCREENSHOTS, 'meeting-playback.png') });
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(async () => (await audioState('system')).paused).toBe(true);
  });

  it('plays and pauses with Space when not typing', async () => {
    await page.locator('h1').click();
    await page.keyboard.press('Space');
    await expect.poll(async () => (await audioState('system')).paused).toBe(false);
    await page.keyboard.press('Space');
    await expect.poll(async () => (await audioState('system')).paused).toBe(true);
    await page.getByLabel('Add a note').fill('');
    await page.getByLabel('Add a note').press('Space');
    expect((await audioState('system')).paused).toBe(true);
    expect(await page.getByLabel('Add a note').inputValue()).toBe(' ');
  });

  it('serves byte ranges to the page and nothing to anyone else', async () => {
    const audioDir = join(dataDir, 'recordings', String(meetingId));
    const file = await readFile(join(audioDir, 'system.mp3'));
    const reply = await page.evaluate(async (url) => {
      const response = await fetch(url, { headers: { Range: 'bytes=1000-1999' } });
      return {
        status: response.status,
        range: response.headers.get('content-range'),
        bytes: Array.from(new Uint8Array(await response.arrayBuffer())),
      };
    }, `media/${meetingId}/system`);
    expect(reply.status).toBe(206);
    expect(reply.range).toBe(`bytes 1000-1999/${statSync(join(audioDir, 'system.mp3')).size}`);
    expect(Buffer.from(reply.bytes).equals(file.subarray(1000, 2000))).toBe(true);

    // No cookie (another process, another site): refused before the backend is asked.
    expect((await rawGet(server.url, `/media/${meetingId}/system`)).status).toBe(403);
    expect((await rawGet(server.url, `/media/${meetingId}/../../archive.sqlite`)).status).not.toBe(200);
  });

  it('plays the crash-safe WAV of a meeting that is still recording', async () => {
    const client = server.supervisor.client;
    const started = unwrap(
      await client.invoke('recording.start', { title: 'Still going', mode: 'record-only' }),
    );
    const seconds = 3;
    const frameCount = (seconds * 16_000) / RECORDING_FRAME_SAMPLES;
    for (let first = 0; first < frameCount; first += MAX_FRAMES_PER_BATCH) {
      const frames = [];
      for (let seq = first; seq < Math.min(frameCount, first + MAX_FRAMES_PER_BATCH); seq++) {
        const samples = Array.from(
          { length: RECORDING_FRAME_SAMPLES },
          (_, i) => 0.2 * Math.sin((2 * Math.PI * 330 * (seq * RECORDING_FRAME_SAMPLES + i)) / 16_000),
        );
        frames.push({ seq, t: seq * 20, samples });
      }
      unwrap(
        await client.invoke('recording.frames', { sessionId: started.sessionId, channel: 'mic', frames }),
      );
    }
    // The recorder flushes (and patches the header) every 250 ms.
    await expect
      .poll(
        async () =>
          unwrap(await client.invoke('media.sources', { meetingId: started.meetingId })).channels[0]
            ?.durationMs ?? 0,
      )
      .toBe(seconds * 1000);
    try {
      await page.goto(`${server.url}#/meeting/${started.meetingId}`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Still going');
      await page.getByRole('region', { name: 'Playback' }).waitFor();
      await expect
        .poll(async () => (await audioState('mic')).readyState, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(1);
      expect((await audioState('mic')).duration).toBeCloseTo(seconds, 1);
      await page.getByRole('button', { name: 'Play', exact: true }).click();
      await expect
        .poll(async () => (await audioState('mic')).currentTime, { timeout: 10_000 })
        .toBeGreaterThan(0.5);
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
    } finally {
      unwrap(await client.invoke('recording.stop', { sessionId: started.sessionId }, { timeoutMs: 60_000 }));
    }
  });

  it('ran without CSP violations or console errors', async () => {
    expect(
      await page.evaluate(() => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations),
    ).toEqual([]);
    expect(problems).toEqual([]);
  });
});
