/**
 * VAD throughput: the engine (Silero session wrapper + 20 ms frame buffering + segmenter) against a bare
 * onnxruntime-node loop over the same model file, in the same process, one intra-op thread each. Rounds
 * alternate between the two so machine noise hits both; the best round of each is compared.
 */
import * as ort from 'onnxruntime-node';
import { MEETING_VAD_DEFAULTS, SileroVad, VadStream, bundledSileroModelPath } from '../../main/engines/vad';
import { vadMeeting } from '../fixtures/audio/meetings';
import type { BenchReport } from './run';

const ROUNDS = 4;
const FRAME = 320;

interface Timing {
  wallMs: number;
  cpuMs: number;
}

async function timed(fn: () => Promise<void>): Promise<Timing> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const cpu = process.cpuUsage(c0);
  return { wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** What anyone would write from MODELS.md §2.3: fresh tensors per call, state threaded by name. */
async function bareLoop(session: ort.InferenceSession, audio: Float32Array): Promise<number> {
  let state: ort.Tensor = new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]);
  const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
  let context = new Float32Array(64);
  let speechWindows = 0;
  for (let at = 0; at + 512 <= audio.length; at += 512) {
    const input = new Float32Array(576);
    input.set(context, 0);
    input.set(audio.subarray(at, at + 512), 64);
    const out = await session.run({ input: new ort.Tensor('float32', input, [1, 576]), state, sr });
    if ((out.output!.data as Float32Array)[0]! > 0.5) speechWindows++;
    state = out.stateN!;
    context = input.slice(512);
  }
  return speechWindows;
}

export async function run(): Promise<BenchReport> {
  const meeting = vadMeeting();
  // Two meetings back to back: ~50 s of audio per round.
  const audio = new Float32Array(meeting.signal.length * 2);
  audio.set(meeting.signal, 0);
  audio.set(meeting.signal, meeting.signal.length);
  const seconds = audio.length / 16000;

  const session = await ort.InferenceSession.create(bundledSileroModelPath(), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
  const vad = await SileroVad.load({ intraOpNumThreads: 1 });

  let segments = 0;
  const frameLatencies: number[] = [];
  const engineRound = async (): Promise<void> => {
    const stream = new VadStream(vad.createStream(), MEETING_VAD_DEFAULTS);
    let ends = 0;
    for (let at = 0; at < audio.length; at += FRAME) {
      const t = performance.now();
      const events = await stream.push(audio.subarray(at, at + FRAME));
      frameLatencies.push(performance.now() - t);
      for (const e of events) if (e.type === 'speech-end') ends++;
    }
    for (const e of await stream.flush()) if (e.type === 'speech-end') ends++;
    segments = ends;
  };

  // Warm-up (JIT, session first-run allocations) for both.
  await bareLoop(session, audio.subarray(0, 16000 * 5));
  await engineRound();
  frameLatencies.length = 0;

  const bare: Timing[] = [];
  const engine: Timing[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    bare.push(
      await timed(async () => {
        await bareLoop(session, audio);
      }),
    );
    engine.push(await timed(engineRound));
  }
  await session.release();
  await vad.dispose();

  const bestWall = (ts: Timing[]): number => Math.min(...ts.map((t) => t.wallMs));
  const bestCpu = (ts: Timing[]): number => Math.min(...ts.map((t) => t.cpuMs));
  const xrt = (ms: number): number => (seconds * 1000) / ms;
  const engineX = xrt(bestWall(engine));
  const bareX = xrt(bestWall(bare));
  const sorted = [...frameLatencies].sort((a, b) => a - b);
  const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const ratio = engineX / bareX;

  return {
    figures: {
      'vad.audioSeconds': seconds,
      'vad.engine.xRealtime': engineX,
      'vad.bare.xRealtime': bareX,
      'vad.engineOverBare': ratio,
      'vad.engine.cpu.xRealtime': xrt(bestCpu(engine)),
      'vad.bare.cpu.xRealtime': xrt(bestCpu(bare)),
      'vad.engine.frameLatency.p50Ms': pct(0.5),
      'vad.engine.frameLatency.p95Ms': pct(0.95),
      'vad.engine.frameLatency.p99Ms': pct(0.99),
      'vad.segmentsFound': segments,
      'vad.segmentsExpected': meeting.turns.length * 2,
    },
    budgets: [
      {
        name: 'VAD engine / bare onnxruntime loop (1 thread)',
        value: ratio,
        limit: 0.9,
        kind: 'min',
        unit: 'x',
      },
    ],
    notes: [
      `best of ${ROUNDS} alternating rounds over ${seconds.toFixed(1)} s of synthesised meeting audio; ` +
        'engine = SileroVad + VadStream (20 ms frames) + segmenter; bare = fresh tensors per 512-sample window',
    ],
  };
}
