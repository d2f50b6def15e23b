/**
 * ASR decoder bench (issue 6): overhead of the transducer search per second of audio, EXCLUDING
 * model inference — a fake decoder/joiner returns precomputed logits, so what is timed is the search
 * code (log-softmax, top-k, hypothesis bookkeeping, hotword graph) plus the per-chunk partial
 * result (tokens → words). Budget: <= 2% of real time per stream on one core. Also memory per
 * stream: encoder state tensors (from the 2023-06-26 metadata) and the measured JS heap of the
 * stream's fbank + search state.
 *
 *   npx tsx test/bench/run.ts asr
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FBANK_PRESETS, StreamingFbank } from '../../main/dsp';
import { parseTokens } from '../../main/engines/asr/tokens';
import {
  bestHypothesis,
  ContextGraph,
  decodeChunk,
  DEFAULT_SEARCH_OPTIONS,
  encoderLayout,
  initialContext,
  newSearchState,
  tokensToWords,
  type SearchOptions,
  type SearchState,
  type TransducerNet,
} from '../../main/engines/asr/zipformer';
import { tokensTxt, transducerTokenList, zipformer2Metadata } from '../fixtures/onnx';
import type { BenchBudget, BenchReport } from './run';

const VOCAB = 500;
const DIM = 512;
const FRAMES_PER_CHUNK = 8;
const FRAME_MS = 40;
const AUDIO_SECONDS = 120;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Logit rows shaped like a transducer's: blank dominant in ~75% of frames (speech at ~4 tokens/s
 * of 25 frames/s would be fewer; this is a pessimistic token rate), else one token dominant, with
 * a runner-up close enough that beam search keeps several live paths.
 */
function logitPool(count: number): Float32Array[] {
  const rand = rng(42);
  return Array.from({ length: count }, () => {
    const row = new Float32Array(VOCAB);
    for (let k = 0; k < VOCAB; k++) row[k] = rand() * 4 - 2;
    const top = rand() < 0.75 ? 0 : 3 + Math.floor(rand() * (VOCAB - 3));
    row[top] = 9;
    row[3 + Math.floor(rand() * (VOCAB - 3))] = 8;
    return row;
  });
}

function fakeNet(pool: Float32Array[]): TransducerNet {
  const decOut = new Float32Array(DIM);
  let call = 0;
  return {
    contextSize: 2,
    vocabSize: VOCAB,
    decoder: (_contexts, n) => Promise.resolve(new Float32Array(n * DIM).fill(decOut[0]!)),
    joiner: (_frame, _dec, n) => {
      // A fresh array per call, as onnxruntime returns one.
      const out = new Float32Array(n * VOCAB);
      for (let i = 0; i < n; i++) out.set(pool[(call + i * 7) % pool.length]!, i * VOCAB);
      call++;
      return Promise.resolve(out);
    },
  };
}

function hotwordGraph(count: number): ContextGraph {
  const rand = rng(7);
  return new ContextGraph(
    Array.from({ length: count }, () => ({
      tokens: Array.from({ length: 2 + Math.floor(rand() * 3) }, () => 3 + Math.floor(rand() * (VOCAB - 3))),
    })),
  );
}

async function decodeAudio(
  net: TransducerNet,
  options: SearchOptions,
  seconds: number,
  table: ReturnType<typeof parseTokens>,
): Promise<SearchState> {
  const chunks = Math.ceil((seconds * 1000) / (FRAME_MS * FRAMES_PER_CHUNK));
  const encoderOut = new Float32Array(FRAMES_PER_CHUNK * DIM);
  // Segments of ~20 s (sherpa's rule-3 endpoint), so hypotheses do not grow without bound.
  const chunksPerSegment = Math.round(20_000 / (FRAME_MS * FRAMES_PER_CHUNK));
  let state = newSearchState(initialContext(2, 0, 'minus-one'), options.contextGraph);
  for (let c = 0; c < chunks; c++) {
    if (c % chunksPerSegment === 0)
      state = newSearchState(initialContext(2, 0, 'minus-one'), options.contextGraph);
    await decodeChunk(net, state, encoderOut, FRAMES_PER_CHUNK, options);
    // The pipeline asks for a partial after every chunk.
    const best = bestHypothesis(state);
    tokensToWords(table, best.ys.slice(2), best.timestamps, best.tokenLogProbs, {
      offsetMs: 0,
      frameMs: FRAME_MS,
    });
  }
  return state;
}

async function timeDecode(name: string, options: SearchOptions, table: ReturnType<typeof parseTokens>) {
  const pool = logitPool(256);
  await decodeAudio(fakeNet(pool), options, 10, table); // warm-up (JIT)
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const start = process.hrtime.bigint();
    await decodeAudio(fakeNet(pool), options, AUDIO_SECONDS, table);
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const ms = Math.min(...runs);
  const msPerAudioSecond = ms / AUDIO_SECONDS;
  return { name, msPerAudioSecond, percentOfRealTime: msPerAudioSecond / 10 };
}

function gcFunction(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

async function heapPerStream(table: ReturnType<typeof parseTokens>): Promise<number | null> {
  const gc = gcFunction();
  if (!gc) return null;
  const options: SearchOptions = { ...DEFAULT_SEARCH_OPTIONS, method: 'modified_beam_search', unkId: 2 };
  const streams = 20;
  gc();
  const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const kept: unknown[] = [];
  for (let i = 0; i < streams; i++) {
    const fbank = new StreamingFbank(FBANK_PRESETS.zipformer);
    const audio = new Float32Array(16000 * 20);
    for (let j = 0; j < audio.length; j++) audio[j] = Math.sin(j * 0.01) * 0.1;
    for (let j = 0; j < audio.length; j += 1600) {
      fbank.acceptWaveform(audio.subarray(j, j + 1600));
      fbank.discardFramesBefore(fbank.framesReady - 45);
    }
    const state = await decodeAudio(fakeNet(logitPool(8)), options, 19.9, table);
    kept.push({ fbank, state });
  }
  gc();
  const after = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  return kept.length ? (after - before) / streams : null;
}

export async function run(): Promise<BenchReport> {
  const table = parseTokens(tokensTxt(transducerTokenList(VOCAB)));
  const base: SearchOptions = { ...DEFAULT_SEARCH_OPTIONS, unkId: 2 };
  const cases = [
    await timeDecode('greedy', { ...base, method: 'greedy' }, table),
    await timeDecode('beam4', { ...base, method: 'modified_beam_search', maxActivePaths: 4 }, table),
    await timeDecode(
      'beam4.hotwords100',
      { ...base, method: 'modified_beam_search', maxActivePaths: 4, contextGraph: hotwordGraph(100) },
      table,
    ),
  ];
  const layout = encoderLayout({ file: 'zipformer2-2023-06-26', metadata: zipformer2Metadata() });
  const stateBytes = layout.states.reduce(
    (sum, s) => sum + s.dims.reduce((a, b) => a * b, 1) * (s.dtype === 'int64' ? 8 : 4),
    0,
  );
  const heap = await heapPerStream(table);

  const figures: Record<string, number | string> = {};
  const budgets: BenchBudget[] = [];
  for (const c of cases) {
    figures[`asr.${c.name}.msPerAudioSecond`] = c.msPerAudioSecond;
    figures[`asr.${c.name}.percentOfRealTime`] = c.percentOfRealTime;
    budgets.push({
      name: `asr.${c.name} decoder overhead`,
      value: c.percentOfRealTime,
      limit: 2,
      kind: 'max',
      unit: '% of real time',
    });
  }
  figures['asr.zipformer2.encoderStateBytesPerStream'] = stateBytes;
  if (heap !== null) figures['asr.streamHeapBytesPerStream'] = Math.round(heap);
  return {
    figures,
    budgets,
    notes: [
      `fake decoder/joiner with precomputed logits (vocab ${VOCAB}); ${AUDIO_SECONDS} s of audio per run, best of 3; ` +
        'includes a partial (tokens → words) after every 320 ms chunk; excludes all model inference',
      "streamHeapBytesPerStream: measured JS heap + ArrayBuffers of one stream's fbank and beam-search state after a 20 s segment (20 streams averaged)",
      'encoder state bytes are the 98 zipformer2 state tensors of the 2023-06-26 chunk-16-left-128 export (§3.3), held per stream',
    ],
  };
}
