/**
 * Live pipeline bench (issue 8): synthesized two-channel espeak meetings (echo at -6 dB) fed faster than real
 * time, one 20 ms frame pair at a time, each step processed before the next (so latencies are processing
 * latencies, not queueing).
 *
 *  - 'models': the pipeline as deployed with stub ASR: echo canceller + Silero VAD (real, bundled) + streaming
 *    Zipformer2 on the onnxruntime toolkit stubs + SQLite store on disk;
 *  - 'overhead': the same session with fake engines (energy VAD, trivial recognizer, no canceller): the
 *    pipeline's own cost (framing, queue, endpointer, segment buffers, store writes).
 *
 * Figures: real-time factor and CPU share for two channels; capture -> partial latency (audio lag behind the
 * newest captured frame + processing); endpoint -> final latency; memory over a long meeting (30 min by
 * default, 3 h with BENCH_LONG=1), sampled every 5 simulated minutes after GC when exposed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { AsrHypothesis, RecognizerStream, StreamingRecognizer } from '../../main/engines/asr/types';
import { createZipformerRecognizer } from '../../main/engines/asr/zipformer';
import { SileroVad } from '../../main/engines/vad';
import { createSession, type SessionEngines, type SessionEvent } from '../../main/pipeline';
import { openStore } from '../../main/store';
import { zipformer2AffineStubDir } from '../fixtures/onnx/zipformer-affine';
import { energyVad } from '../integration/pipeline/fakes';
import { speechMeeting } from '../integration/pipeline/speech-meeting';
import type { BenchReport } from './run';

const FRAME = 320;

/** A forced GC before each memory sample (the bench runs under tsx, without --expose-gc on the command line). */
function exposeGc(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A recognizer with no model cost: one word per 0.5 s of accepted audio. */
class CheapStreaming implements StreamingRecognizer {
  readonly modelId = 'cheap';
  readonly chunkSamples = 5120;
  createStream(): RecognizerStream {
    let accepted = 0;
    let words: AsrHypothesis['words'] = [];
    let since = 0;
    const hyp = (): AsrHypothesis => ({ text: words.map((w) => w.text).join(' '), words: [...words] });
    return {
      async acceptWaveform(samples) {
        accepted += samples.length;
        since += samples.length;
        while (since >= 8000) {
          since -= 8000;
          const endMs = ((accepted - since) * 1000) / 16000;
          words.push({ text: `w${words.length}`, startMs: endMs - 400, endMs, confidence: 0.9 });
        }
      },
      partial: hyp,
      async finalize() {
        const h = hyp();
        words = [];
        since = 0;
        return h;
      },
      reset() {
        accepted = 0;
        words = [];
        since = 0;
      },
    };
  }
  async dispose(): Promise<void> {}
}

interface RunResult {
  audioS: number;
  wallMs: number;
  cpuMs: number;
  captureToPartial: number[];
  wordToPartial: number[];
  partialProcessing: number[];
  endpointToFinal: { mic: number[]; system: number[] };
  finals: number;
  memory: Array<{ atMin: number; heapMB: number; rssMB: number }>;
}

async function feed(engines: SessionEngines, minutes: number, sampleMemory: boolean): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'verbatim-bench-pipeline-'));
  const store = openStore(join(dir, 'archive.sqlite'));
  const now = (): number => performance.now();
  const session = createSession({ store, engines, now });
  const meeting = speechMeeting(-6);
  const loopFrames = Math.floor(meeting.mic.length / FRAME);
  const totalFrames = Math.round((minutes * 60_000) / 20);
  const r: RunResult = {
    audioS: (totalFrames * 20) / 1000,
    wallMs: 0,
    cpuMs: 0,
    captureToPartial: [],
    wordToPartial: [],
    partialProcessing: [],
    endpointToFinal: { mic: [], system: [] },
    finals: 0,
    memory: [],
  };
  let lastPushAt = 0;
  const wordsSeen = new Map<string, number>();
  let pushedEndMs = 0;
  session.on((e: SessionEvent) => {
    if (e.type === 'partial') {
      const processing = e.emittedAt - lastPushAt;
      r.partialProcessing.push(processing);
      r.captureToPartial.push(pushedEndMs - e.captureMs + processing);
      // A word's first appearance: how long after its audio was captured (model look-ahead included).
      const seen = wordsSeen.get(e.segmentKey) ?? 0;
      for (const w of e.words.slice(seen)) r.wordToPartial.push(pushedEndMs - w.endMs + processing);
      wordsSeen.set(e.segmentKey, Math.max(seen, e.words.length));
    } else if (e.type === 'final') {
      wordsSeen.delete(e.segmentKey);
      r.finals++;
      r.endpointToFinal[e.channel].push(e.emittedAt - e.endpointAt);
    }
  });
  await session.start();
  const gc = sampleMemory ? exposeGc() : undefined;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let k = 0; k < totalFrames; k++) {
    const j = k % loopFrames;
    const span = [j * FRAME, (j + 1) * FRAME] as const;
    const t = k * 20;
    lastPushAt = performance.now();
    pushedEndMs = t + 20;
    session.pushFrame({ channel: 'system', seq: k, t, epochMs: 0, samples: meeting.system.slice(...span) });
    session.pushFrame({ channel: 'mic', seq: k, t, epochMs: 0, samples: meeting.mic.slice(...span) });
    await session.whenIdle();
    if (sampleMemory && k % 15_000 === 0) {
      gc?.();
      const m = process.memoryUsage();
      r.memory.push({ atMin: (k * 20) / 60_000, heapMB: m.heapUsed / 2 ** 20, rssMB: m.rss / 2 ** 20 });
    }
  }
  await session.stop();
  r.wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  r.cpuMs = (cpu.user + cpu.system) / 1000;
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return r;
}

function latencyFigures(prefix: string, r: RunResult, figures: BenchReport['figures']): void {
  const round = (x: number): number => Math.round(x * 100) / 100;
  figures[`${prefix}.audioSeconds`] = r.audioS;
  figures[`${prefix}.xRealtime`] = round((r.audioS * 1000) / r.wallMs);
  figures[`${prefix}.rtf`] = round(r.wallMs / (r.audioS * 1000));
  figures[`${prefix}.cpuShareOfOneCorePct`] = round((100 * r.cpuMs) / (r.audioS * 1000));
  figures[`${prefix}.finals`] = r.finals;
  for (const p of [50, 95, 99]) {
    figures[`${prefix}.captureToPartialMs.p${p}`] = round(percentile(r.captureToPartial, p));
  }
  for (const p of [50, 95, 99]) {
    figures[`${prefix}.wordCaptureToPartialMs.p${p}`] = round(percentile(r.wordToPartial, p));
  }
  for (const p of [50, 95, 99]) {
    figures[`${prefix}.partialProcessingMs.p${p}`] = round(percentile(r.partialProcessing, p));
  }
  for (const ch of ['system', 'mic'] as const) {
    for (const p of [50, 95, 99]) {
      figures[`${prefix}.endpointToFinalMs.${ch}.p${p}`] = round(percentile(r.endpointToFinal[ch], p));
    }
  }
}

export async function run(): Promise<BenchReport> {
  const figures: BenchReport['figures'] = {};
  const notes: string[] = [];
  const vad = await SileroVad.load();
  const d = zipformer2AffineStubDir();
  const asr = await createZipformerRecognizer(d);
  const modelMinutes = Number(process.env.BENCH_PIPELINE_MINUTES ?? 3);
  const models = await feed({ vad, streaming: asr }, modelMinutes, false);
  latencyFigures('models', models, figures);
  const overhead = await feed(
    { vad: energyVad(), streaming: new CheapStreaming(), createEchoCanceller: null },
    modelMinutes,
    false,
  );
  latencyFigures('overhead', overhead, figures);
  const withAec = await feed({ vad: energyVad(), streaming: new CheapStreaming() }, modelMinutes, false);
  figures['overheadWithAec.cpuShareOfOneCorePct'] =
    Math.round((10_000 * withAec.cpuMs) / (withAec.audioS * 1000)) / 100;

  const longMinutes = process.env.BENCH_LONG === '1' ? 180 : 30;
  const long = await feed({ vad: energyVad(), streaming: new CheapStreaming() }, longMinutes, true);
  const warm = long.memory.find((m) => m.atMin >= 5) ?? long.memory[0]!;
  const last = long.memory.at(-1)!;
  figures['memory.meetingMinutes'] = longMinutes;
  figures['memory.heapAfterWarmupMB'] = Math.round(warm.heapMB * 10) / 10;
  figures['memory.heapGrowthMB'] = Math.round((last.heapMB - warm.heapMB) * 10) / 10;
  figures['memory.rssGrowthMB'] = Math.round((last.rssMB - warm.rssMB) * 10) / 10;
  figures['memory.finals'] = long.finals;
  figures['memory.xRealtime'] = Math.round((long.audioS * 1000) / long.wallMs);
  if (!exposeGc()) notes.push('GC could not be exposed: memory samples are taken without a forced GC');
  notes.push(
    `'models' = echo canceller + Silero VAD + Zipformer2 onnxruntime stubs + SQLite, ${modelMinutes} min of a looped ` +
      `espeak meeting (echo -6 dB); 'overhead' = same session with fake VAD/recognizer and no canceller.`,
  );
  notes.push(
    'captureToPartial = how far the audio a partial covers lags behind the newest captured frame, + processing; ' +
      'wordCaptureToPartial = from the end of a word in the audio to the first partial showing it (model look-ahead included); ' +
      'endpointToFinal for mic includes the echo-guard wait for the system channel.',
  );
  notes.push(
    `memory run: ${longMinutes} min with the echo canceller and fake VAD/recognizer (BENCH_LONG=1: 3 h).`,
  );
  await asr.dispose();
  await vad.dispose();
  return {
    figures,
    notes,
    budgets: [
      {
        name: 'pipeline overhead, two channels (fake engines, no canceller)',
        value: Number(figures['overhead.cpuShareOfOneCorePct']),
        limit: 5,
        kind: 'max',
        unit: '% of one core',
      },
      {
        name: 'endpoint -> final p95 (system, stub models, no final pass)',
        value: Number(figures['models.endpointToFinalMs.system.p95']),
        limit: 300,
        kind: 'max',
        unit: 'ms',
      },
      {
        name: `memory growth over ${longMinutes} min after warm-up`,
        value: Number(figures['memory.rssGrowthMB']),
        limit: 50,
        kind: 'max',
        unit: 'MB',
      },
    ],
  };
}
