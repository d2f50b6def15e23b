/**
 * Renderer performance in real Chromium (issue 9, "Renderer performance"):
 *  - the Live page's caption list holding 10,000 committed segments: main-thread cost of one partial
 *    update (p50/p95/max over 500 updates) and of one final, and long tasks (> 50 ms, PerformanceObserver
 *    'longtask') while it is scrolled through, step by step and by jumps;
 *  - the Meeting page's transcript of a 10,000-segment meeting: long tasks while it is scrolled.
 *
 * The built renderer (out/renderer, `npx electron-vite build`) is served as is, CSP included, and
 * window.verbatim is a stand-in injected before the app loads: it answers the few calls the pages make
 * and lets the bench deliver transcript events straight to the app's listeners, so what is measured is
 * the renderer alone (reducer, React, style, layout), not the backend or the link.
 *
 * One partial's cost = from handing the event to the app's listener until the DOM is committed and
 * layout is flushed (a forced layout read), i.e. everything the main thread does for it except paint
 * rasterization. Updates are spaced one animation frame apart, as the pipeline sends a few per second.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { contentTypeOf, lookupStatic } from '../../main/devweb/static-files';
import type { BenchBudget, BenchReport } from './run';

const ROOT = resolve(__dirname, '..', '..');
export const RENDERER_DIR = join(ROOT, 'out', 'renderer');
const CHROMIUM = '/usr/bin/chromium';
const SEGMENTS = 10_000;
const PARTIAL_UPDATES = 500;
const FINAL_UPDATES = 100;

/**
 * The page side, typed by hand: the node-side tsconfig has no DOM lib, and these functions run in the
 * page (serialized by playwright), where `globalThis` is the window.
 */
export interface PageElement {
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  getBoundingClientRect(): unknown;
}
export interface PageGlobal {
  document: { querySelector(selector: string): PageElement | null };
  requestAnimationFrame(callback: (time: number) => void): number;
  getComputedStyle(element: unknown): {
    fontStyle: string;
    color: string;
    getPropertyValue(name: string): string;
  };
  __bench: BenchPage;
  __longTasks: number[];
}

/** Runs in the page before the app: the stand-in API and a way to deliver events. */
export function stubApi(segments: number): void {
  type Listener = (payload: unknown) => void;
  const listeners = new Map<string, Set<Listener>>();
  const defaults = {
    theme: 'light',
    fontScale: 1,
    language: 'auto',
    confidenceThreshold: 0.9,
    echoCancellation: true,
    localSpeakerName: 'You',
    vocabulary: [],
    micDeviceId: null,
    captureSystemAudio: false,
    autoStopMinutes: 15,
    voiceprintsEnabled: false,
    captionsWindow: false,
  };
  const meetingId = 1;
  const speakers = [0, 1, 2, 3].map((i) => ({
    id: 10 + i,
    meetingId,
    label: `SPEAKER_0${i}`,
    displayName: null,
    channel: i === 0 ? 'mic' : 'system',
    colour: null,
    voiceprintId: null,
  }));
  const sentence = (i: number) =>
    `segment ${i} where someone explains the plan for the next quarter in a few more words than needed`;
  const segmentAt = (i: number) => {
    const id = 1000 + i;
    const startMs = i * 3000;
    const text = sentence(i);
    const words = text.split(' ').map((w, ord) => ({
      segmentId: id,
      ord,
      text: w,
      startMs: startMs + ord * 150,
      endMs: startMs + (ord + 1) * 150,
      confidence: (i * 7 + ord * 13) % 10 === 0 ? 0.55 : 0.97,
      originalText: null,
      reviewedAt: null,
    }));
    return {
      id,
      meetingId,
      speakerId: speakers[i % 4]!.id,
      channel: i % 4 === 0 ? 'mic' : 'system',
      startMs,
      endMs: startMs + words.length * 150,
      text,
      language: 'en',
      emotion: i % 17 === 0 ? 'happy' : 'neutral',
      emotionScore: 0.8,
      confidence: 0.95,
      minWordConfidence: 0.55,
      revision: 1,
      words,
    };
  };
  const meeting = {
    id: meetingId,
    title: 'Bench meeting',
    startedAt: Date.UTC(2026, 10, 20, 9),
    endedAt: Date.UTC(2026, 10, 20, 17),
    durationMs: segments * 3000,
    status: 'done',
    language: 'en',
    audioDir: null,
    createdAt: 0,
    updatedAt: 0,
  };
  const answers: Record<string, () => unknown> = {
    'settings.get': () => defaults,
    'recording.status': () => ({ session: null }),
    'app.info': () => ({
      name: 'Verbatim',
      version: 'bench',
      versions: { node: '', electron: null, v8: '' },
      platform: 'linux',
      arch: 'x64',
      dataDir: '/bench',
      host: 'in-process',
    }),
    'backend.health': () => ({
      status: 'ok',
      pid: 1,
      startedAt: 0,
      uptimeMs: 1,
      rssBytes: 1,
      heapUsedBytes: 1,
      inFlight: 0,
      connections: 1,
      problems: [],
    }),
    'meetings.get': () => ({
      meeting: { ...meeting, speakerCount: 4, segmentCount: segments },
      speakers,
      segments: Array.from({ length: segments }, (_, i) => segmentAt(i)),
      notes: [],
    }),
  };
  const api = {
    invoke(method: string) {
      const answer = answers[method];
      return Promise.resolve(
        answer
          ? { ok: true, value: answer() }
          : { ok: false, error: { code: 'UNKNOWN_METHOD', message: `bench stub: ${method}` } },
      );
    },
    request(method: string) {
      return { result: api.invoke(method), cancel: () => undefined };
    },
    on(event: string, listener: Listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  Object.defineProperty(globalThis, 'verbatim', { value: api });
  const deliver = (event: string, payload: unknown) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  const timing = (captureMs: number) => ({ meetingId, captureMs, emittedAt: Date.now() });
  const final = (i: number) => {
    const segment = segmentAt(i);
    const speaker = speakers[i % 4]!;
    deliver('transcript.final', {
      ...timing(segment.endMs),
      segmentKey: `k${i}`,
      segment,
      speaker: { id: speaker.id, label: speaker.label, displayName: null },
      endpointAt: Date.now(),
      reason: 'silence',
    });
  };
  const partial = (i: number, n: number) => {
    const words = sentence(i)
      .split(' ')
      .slice(0, 1 + (n % 18));
    const startMs = i * 3000;
    deliver('transcript.partial', {
      ...timing(startMs + words.length * 150),
      channel: i % 4 === 0 ? 'mic' : 'system',
      segmentKey: `k${i}`,
      text: words.join(' '),
      words: words.map((w, ord) => ({
        text: w,
        startMs: startMs + ord * 150,
        endMs: startMs + (ord + 1) * 150,
        confidence: 0.9,
      })),
      startMs,
    });
  };
  (globalThis as unknown as PageGlobal).__bench = { deliver, final, partial };
}

/**
 * tsx (esbuild, keepNames) wraps named functions in `__name(...)`; functions serialized into the page
 * (addInitScript, evaluate) need it defined there too.
 */
export const KEEP_NAMES_SHIM = 'globalThis.__name = (target) => target;';

export interface BenchPage {
  deliver(event: string, payload: unknown): void;
  final(i: number): void;
  partial(i: number, n: number): void;
}

/** Serves the built renderer (out/renderer) on 127.0.0.1 while `run` runs. */
export async function withServer<T>(run: (url: string) => Promise<T>): Promise<T> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      // Browsers ask for it unprompted; a 404 would be logged as a console error.
      if (req.url === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      const found = await lookupStatic(RENDERER_DIR, req.url === '/' ? '/index.html' : (req.url ?? '/'));
      if (found.kind !== 'file') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': contentTypeOf(found.path) }).end(await readFile(found.path));
    })();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    return await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  } finally {
    await new Promise((ok) => server.close(ok));
  }
}

/** Starts collecting long tasks in the page; `takeLongTasks` returns and clears them. */
async function watchLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobal;
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask' as 'mark' }); // 'longtask' is a browser entry type Node's types lack
  });
}

async function takeLongTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const w = globalThis as unknown as PageGlobal;
    return w.__longTasks.splice(0);
  });
}

/** Scrolls `selector` through its content: steps per animation frame, then random jumps. */
async function scrollThrough(
  page: Page,
  selector: string,
): Promise<{ frames: number[]; distancePx: number }> {
  return page.evaluate(async (sel) => {
    const g = globalThis as unknown as PageGlobal;
    const el = g.document.querySelector(sel)!;
    const frame = () => new Promise<number>((ok) => g.requestAnimationFrame(ok));
    const frames: number[] = [];
    let last = await frame();
    const tick = async () => {
      const now = await frame();
      frames.push(now - last);
      last = now;
    };
    const start = el.scrollTop;
    let distance = 0;
    // Wheel-like: 1,500 px per frame upwards from the bottom for 240 frames.
    for (let i = 0; i < 240 && el.scrollTop > 0; i++) {
      el.scrollTop -= 1500;
      distance += 1500;
      await tick();
    }
    // Scrollbar drags: jumps anywhere.
    let seed = 42;
    for (let i = 0; i < 60; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const to = (seed / 2 ** 31) * (el.scrollHeight - el.clientHeight);
      distance += Math.abs(to - el.scrollTop);
      el.scrollTop = to;
      await tick();
      await tick();
    }
    el.scrollTop = start;
    await tick();
    return { frames, distancePx: Math.round(distance) };
  }, selector);
}

/* ---- Trace analysis ------------------------------------------------------------------------------ */

/** Marks the bench puts on each measured update (performance.mark, category blink.user_timing). */
const MARK = 'verbatim-bench:';
/**
 * 'toplevel' gives every main-thread task with its wall (dur) and thread CPU (tdur) time: the machine
 * this runs on is usually shared, and CPU time is what the renderer costs; wall time also counts the
 * time the thread waited for a core. Both are reported.
 */
const TRACE_CATEGORIES = ['toplevel', 'blink.user_timing'];

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

interface MainThreadTrace {
  /** Top-level tasks of the page's main thread, in order; times in ms. */
  tasks: { start: number; end: number; wallMs: number; cpuMs: number }[];
  marks: { name: string; at: number }[];
}

function mainThread(buffer: Buffer): MainThreadTrace {
  const events = (JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) throw new Error('the trace has no renderer main thread');
  const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid);
  const tasks: MainThreadTrace['tasks'] = [];
  for (const e of mine
    .filter((x) => x.ph === 'X' && x.cat.split(',').includes('toplevel') && x.dur !== undefined)
    .sort((a, b) => a.ts - b.ts)) {
    const start = e.ts / 1000;
    const end = (e.ts + e.dur!) / 1000;
    if (tasks.length && start < tasks.at(-1)!.end) continue; // nested in the previous task
    tasks.push({ start, end, wallMs: e.dur! / 1000, cpuMs: (e.tdur ?? e.dur!) / 1000 });
  }
  const marks = mine
    .filter((e) => e.cat.includes('user_timing') && e.name.startsWith(MARK))
    .map((e) => ({ name: e.name, at: e.ts / 1000 }));
  return { tasks, marks };
}

/** CPU time of the task holding each mark whose name starts with `prefix`. */
function markedTaskCpu(trace: MainThreadTrace, prefix: string): number[] {
  const out: number[] = [];
  let t = 0;
  for (const mark of trace.marks.filter((m) => m.name.startsWith(prefix)).sort((a, b) => a.at - b.at)) {
    while (t < trace.tasks.length && trace.tasks[t]!.end < mark.at) t++;
    const task = trace.tasks[t];
    if (task && task.start <= mark.at) out.push(task.cpuMs);
  }
  return out;
}

function reportScroll(
  prefix: string,
  scroll: { frames: number[]; distancePx: number },
  trace: MainThreadTrace,
  observed: number[],
  figures: BenchReport['figures'],
): void {
  figures[`${prefix}.scroll.distancePx`] = scroll.distancePx;
  figures[`${prefix}.scroll.frames`] = scroll.frames.length;
  figures[`${prefix}.scroll.frame.p95.ms`] = percentile(scroll.frames, 95);
  figures[`${prefix}.scroll.task.cpu.max.ms`] = Math.max(0, ...trace.tasks.map((t) => t.cpuMs));
  figures[`${prefix}.scroll.task.cpu.p99.ms`] = percentile(
    trace.tasks.map((t) => t.cpuMs),
    99,
  );
  figures[`${prefix}.scroll.longTasks.cpu`] = trace.tasks.filter((t) => t.cpuMs > 50).length;
  figures[`${prefix}.scroll.longTasks.wall`] = trace.tasks.filter((t) => t.wallMs > 50).length;
  figures[`${prefix}.scroll.longTasks.observer`] = observed.length;
  figures[`${prefix}.scroll.longTask.observer.max.ms`] = observed.length ? Math.max(...observed) : 0;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function livePage(browser: Browser, url: string, figures: BenchReport['figures']): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(KEEP_NAMES_SHIM);
  await page.addInitScript(stubApi, SEGMENTS);
  await page.goto(`${url}#/live`);
  await page.waitForSelector('.captions');

  // 10,000 finals, in batches so the page renders between them like a (very fast) meeting.
  const ingest = await page.evaluate(async (count) => {
    const g = globalThis as unknown as PageGlobal;
    const bench = g.__bench;
    const t0 = performance.now();
    for (let i = 0; i < count; i += 250) {
      for (let j = i; j < Math.min(count, i + 250); j++) bench.final(j);
      await new Promise((ok) => g.requestAnimationFrame(ok));
    }
    return performance.now() - t0;
  }, SEGMENTS);
  figures['live.segments'] = SEGMENTS;
  figures['live.ingest10k.ms'] = Math.round(ingest);
  figures['live.domRows'] = await page.locator('[data-testid=caption]').count();

  await watchLongTasks(page);
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  const updates = await page.evaluate(
    async ({ partials, finals, base, mark }) => {
      const g = globalThis as unknown as PageGlobal;
      const bench = g.__bench;
      const box = g.document.querySelector('.captions')!;
      const frame = () => new Promise((ok) => g.requestAnimationFrame(ok));
      /**
       * One update in a task of its own, marked for the trace: deliver the event; useSyncExternalStore
       * renders and commits in a microtask of this same task; then force style and layout.
       */
      const measure = async (name: string, update: () => void) => {
        await frame();
        return new Promise<number>((ok) =>
          setTimeout(() => {
            performance.mark(name);
            const t0 = performance.now();
            update();
            queueMicrotask(() => {
              void box.getBoundingClientRect();
              void box.scrollHeight;
              ok(performance.now() - t0);
            });
          }, 0),
        );
      };
      const partialMs: number[] = [];
      let segment = base;
      for (let n = 0; n < partials; n++) {
        // A new segment every 20 partials, as speech goes on; each partial grows the words.
        if (n > 0 && n % 20 === 0) {
          bench.final(segment);
          segment++;
        }
        partialMs.push(await measure(`${mark}p${n}`, () => bench.partial(segment, n)));
      }
      const finalMs: number[] = [];
      for (let n = 0; n < finals; n++) {
        const i = segment + 1 + n;
        bench.partial(i, 3);
        finalMs.push(await measure(`${mark}f${n}`, () => bench.final(i)));
      }
      await frame();
      return { partialMs, finalMs };
    },
    { partials: PARTIAL_UPDATES, finals: FINAL_UPDATES, base: SEGMENTS, mark: MARK },
  );
  const updateTrace = mainThread(await browser.stopTracing());
  const updateLongTasks = await takeLongTasks(page);
  const partialCpu = markedTaskCpu(updateTrace, `${MARK}p`);
  const finalCpu = markedTaskCpu(updateTrace, `${MARK}f`);
  figures['live.partial.count'] = partialCpu.length;
  figures['live.partial.cpu.p50.ms'] = percentile(partialCpu, 50);
  figures['live.partial.cpu.p95.ms'] = percentile(partialCpu, 95);
  figures['live.partial.cpu.max.ms'] = Math.max(...partialCpu);
  figures['live.partial.wall.p50.ms'] = percentile(updates.partialMs, 50);
  figures['live.partial.wall.p95.ms'] = percentile(updates.partialMs, 95);
  figures['live.final.cpu.p50.ms'] = percentile(finalCpu, 50);
  figures['live.final.cpu.p95.ms'] = percentile(finalCpu, 95);
  figures['live.final.wall.p95.ms'] = percentile(updates.finalMs, 95);
  figures['live.updates.mainThreadCpuPerUpdate.ms'] =
    updateTrace.tasks.reduce((sum, t) => sum + t.cpuMs, 0) / (PARTIAL_UPDATES + FINAL_UPDATES);
  figures['live.updates.longTasks.wall'] = updateLongTasks.length;

  // Scroll up through the captions (following pauses), then measure.
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  const scroll = await scrollThrough(page, '.captions');
  reportScroll('live', scroll, mainThread(await browser.stopTracing()), await takeLongTasks(page), figures);
  figures['live.pageErrors'] = errors.length;
  await page.close();
}

async function meetingPage(browser: Browser, url: string, figures: BenchReport['figures']): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(KEEP_NAMES_SHIM);
  await page.addInitScript(stubApi, SEGMENTS);
  const t0 = Date.now();
  await page.goto(`${url}#/meeting/1`);
  await page.waitForSelector('.transcript [data-testid=segment]', { timeout: 60_000 });
  figures['meeting.open10k.ms'] = Date.now() - t0;
  figures['meeting.domRows'] = await page.locator('[data-testid=segment]').count();
  await watchLongTasks(page);
  // Start from the end, like the live list, so the step scroll has somewhere to go.
  await page.evaluate(() => {
    const el = (globalThis as unknown as PageGlobal).document.querySelector('.transcript')!;
    el.scrollTop = el.scrollHeight;
  });
  await page.waitForTimeout(500);
  await takeLongTasks(page);
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  const scroll = await scrollThrough(page, '.transcript');
  reportScroll(
    'meeting',
    scroll,
    mainThread(await browser.stopTracing()),
    await takeLongTasks(page),
    figures,
  );
  await page.close();
}

export async function run(): Promise<BenchReport> {
  if (!existsSync(CHROMIUM)) return { figures: {}, notes: [`${CHROMIUM} is missing: nothing measured.`] };
  if (!existsSync(join(RENDERER_DIR, 'index.html')))
    throw new Error(`${RENDERER_DIR}/index.html is missing: run npx electron-vite build first.`);
  const figures: BenchReport['figures'] = {};
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  try {
    await withServer(async (url) => {
      await livePage(browser, url, figures);
      await meetingPage(browser, url, figures);
    });
  } finally {
    await browser.close();
  }
  const num = (key: string) => Number(figures[key] ?? NaN);
  const budgets: BenchBudget[] = [
    {
      name: 'live partial update, main-thread CPU p95',
      key: 'live.partial.cpu.p95.ms',
      limit: 4,
      unit: 'ms',
    },
    {
      name: 'live captions scroll: tasks over 50 ms CPU',
      key: 'live.scroll.longTasks.cpu',
      limit: 0,
      unit: '',
    },
    { name: 'meeting scroll: tasks over 50 ms CPU', key: 'meeting.scroll.longTasks.cpu', limit: 0, unit: '' },
  ].map(({ key, ...b }) => ({ ...b, value: num(key), kind: 'max' as const }));
  return {
    figures,
    budgets,
    notes: [
      `${SEGMENTS} segments; ${PARTIAL_UPDATES} partial and ${FINAL_UPDATES} final updates, one per animation frame; ` +
        'update cost = deliver -> DOM commit -> forced layout (paint rasterization excluded).',
      'cpu = thread CPU time of the main-thread task (trace tdur); wall = elapsed time, which on a shared ' +
        'machine also counts waiting for a core. longTasks.observer = PerformanceObserver longtask (wall).',
      `Load average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${os.cpus().length} cores.`,
    ],
  };
}
