/**
 * Transducer search over a decoder/joiner pair, as pure functions of a small network interface so
 * they run unchanged against onnxruntime sessions, stubs, and precomputed logits (tests, bench).
 *
 * Greedy: sherpa `OnlineTransducerGreedySearchDecoder` (MODELS.md §3.8).
 * Modified beam search: sherpa `OnlineTransducerModifiedBeamSearchDecoder` (§3.9), with hotword
 * biasing through a ContextGraph (hotwords.ts).
 */
import type { ContextGraph, ContextNode } from './hotwords';

/** The decoder and joiner of a transducer (§3.4). Rows are flat, row-major. */
export interface TransducerNet {
  readonly contextSize: number;
  readonly vocabSize: number;
  /** contexts: n rows of `contextSize` token ids → decoder_out, n rows. */
  decoder(contexts: BigInt64Array, n: number): Promise<Float32Array>;
  /** One encoder frame against n decoder rows → raw logits, n rows of vocabSize (not log-probs, §3.4). */
  joiner(encoderFrame: Float32Array, decoderOut: Float32Array, n: number): Promise<Float32Array>;
}

export interface SearchOptions {
  method: 'greedy' | 'modified_beam_search';
  /** sherpa default 4 (§3.9). */
  maxActivePaths: number;
  blankId: number;
  /** `<unk>` is treated like blank (§3.8); null when the vocabulary has none. */
  unkId: number | null;
  /** Subtracted from the blank logit when > 0 (sherpa `blank_penalty`, default 0). */
  blankPenalty: number;
  /** Only for token confidences: log_softmax(logit / temperature) (sherpa `temperature_scale` 2.0). */
  temperature: number;
  /** Hotwords; beam search only (sherpa applies them in modified beam search). */
  contextGraph: ContextGraph | null;
}

export const DEFAULT_SEARCH_OPTIONS: SearchOptions = {
  method: 'greedy',
  maxActivePaths: 4,
  blankId: 0,
  unkId: null,
  blankPenalty: 0,
  temperature: 2,
  contextGraph: null,
};

export interface Hypothesis {
  /** Decoded tokens including the `contextSize` leading context slots. */
  ys: number[];
  /** Search score: sum of log_softmax(logit) of every step (+ hotword bonuses). */
  logProb: number;
  /** Encoder frame index (within the segment) of each token after the context slots. */
  timestamps: number[];
  /** Per-token log_softmax(logit / temperature)[token], for confidences (§3.10). */
  tokenLogProbs: number[];
  numTrailingBlanks: number;
  contextState: ContextNode | null;
  /** decoder(last contextSize ys), cached until ys changes. */
  decoderOut: Float32Array | null;
  key: string;
}

export interface SearchState {
  hyps: Hypothesis[];
  /** Encoder frames decoded in this segment (sherpa `frame_offset`). */
  frameOffset: number;
}

export function initialContext(contextSize: number, blankId: number, mode: 'minus-one' | 'blank'): number[] {
  // §3.8: zipformer2 starts at [-1, …, -1, blank] (sherpa GetEmptyResult); v1 at [blank, …, blank].
  const ys = new Array<number>(contextSize).fill(mode === 'minus-one' ? -1 : blankId);
  ys[contextSize - 1] = blankId;
  return ys;
}

export function newSearchState(context: readonly number[], graph: ContextGraph | null): SearchState {
  return {
    hyps: [
      {
        ys: [...context],
        logProb: 0,
        timestamps: [],
        tokenLogProbs: [],
        numTrailingBlanks: 0,
        contextState: graph ? graph.root : null,
        decoderOut: null,
        key: context.join(','),
      },
    ],
    frameOffset: 0,
  };
}

/**
 * sherpa's endpoint `Reset` (MODELS.md §3.5): when the segment's `ys` (context slots included, as
 * sherpa's `result.tokens`) holds more than `contextSize` entries — i.e. something was decoded — the
 * last `contextSize` of them become the new context; otherwise back to the initial context. Frame
 * offset and trailing blanks restart at 0.
 */
export function segmentRestartState(
  previous: SearchState,
  contextSize: number,
  initial: readonly number[],
  graph: ContextGraph | null,
): SearchState {
  const best = bestHypothesis(previous);
  const context = best.ys.length > contextSize ? best.ys.slice(best.ys.length - contextSize) : initial;
  return newSearchState(context, graph);
}

/** Length-normalised best (§3.9: argmax log_prob / len(ys)); for greedy the single hypothesis. */
export function bestHypothesis(state: SearchState, finalizeGraph: ContextGraph | null = null): Hypothesis {
  let best = state.hyps[0]!;
  let bestScore = -Infinity;
  for (const h of state.hyps) {
    // At a segment end an unfinished hotword prefix gives its bonus back (sherpa ContextGraph::Finalize).
    const bonus = finalizeGraph && h.contextState ? finalizeGraph.finalize(h.contextState).score : 0;
    const score = (h.logProb + bonus) / h.ys.length;
    if (score > bestScore) {
      bestScore = score;
      best = h;
    }
  }
  return best;
}

function contextsOf(hyps: readonly Hypothesis[], contextSize: number): BigInt64Array {
  const out = new BigInt64Array(hyps.length * contextSize);
  hyps.forEach((h, i) => {
    for (let c = 0; c < contextSize; c++)
      out[i * contextSize + c] = BigInt(h.ys[h.ys.length - contextSize + c]!);
  });
  return out;
}

async function refreshDecoderOut(net: TransducerNet, hyps: readonly Hypothesis[]): Promise<void> {
  const stale = hyps.filter((h) => h.decoderOut === null);
  if (stale.length === 0) return;
  const out = await net.decoder(contextsOf(stale, net.contextSize), stale.length);
  const dim = out.length / stale.length;
  stale.forEach((h, i) => (h.decoderOut = out.subarray(i * dim, (i + 1) * dim)));
}

/** log Σ exp(row / scale) over one row. */
function logSumExp(logits: Float32Array, offset: number, width: number, scale: number): number {
  let max = -Infinity;
  for (let k = 0; k < width; k++) max = Math.max(max, logits[offset + k]! / scale);
  let sum = 0;
  for (let k = 0; k < width; k++) sum += Math.exp(logits[offset + k]! / scale - max);
  return max + Math.log(sum);
}

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** Decodes `frames` encoder frames (flat [frames, dim]) into `state`. */
export async function decodeChunk(
  net: TransducerNet,
  state: SearchState,
  encoderOut: Float32Array,
  frames: number,
  options: SearchOptions,
): Promise<void> {
  if (frames === 0) return;
  const dim = encoderOut.length / frames;
  if (options.method === 'greedy') await greedy(net, state, encoderOut, frames, dim, options);
  else await modifiedBeam(net, state, encoderOut, frames, dim, options);
  state.frameOffset += frames;
}

async function greedy(
  net: TransducerNet,
  state: SearchState,
  encoderOut: Float32Array,
  frames: number,
  dim: number,
  o: SearchOptions,
): Promise<void> {
  const hyp = state.hyps[0]!;
  const V = net.vocabSize;
  for (let t = 0; t < frames; t++) {
    await refreshDecoderOut(net, [hyp]);
    const logit = await net.joiner(encoderOut.subarray(t * dim, (t + 1) * dim), hyp.decoderOut!, 1);
    if (o.blankPenalty > 0) logit[o.blankId] = logit[o.blankId]! - o.blankPenalty;
    let y = 0;
    for (let k = 1; k < V; k++) if (logit[k]! > logit[y]!) y = k;
    // At most one symbol per encoder frame; <unk> counts as blank (§3.8).
    if (y !== o.blankId && y !== o.unkId) {
      hyp.ys.push(y);
      hyp.key += `,${y}`;
      hyp.timestamps.push(t + state.frameOffset);
      hyp.tokenLogProbs.push(logit[y]! / o.temperature - logSumExp(logit, 0, V, o.temperature));
      hyp.logProb += logit[y]! - logSumExp(logit, 0, V, 1);
      hyp.numTrailingBlanks = 0;
      hyp.decoderOut = null;
    } else {
      hyp.numTrailingBlanks++;
    }
  }
}

async function modifiedBeam(
  net: TransducerNet,
  state: SearchState,
  encoderOut: Float32Array,
  frames: number,
  dim: number,
  o: SearchOptions,
): Promise<void> {
  const V = net.vocabSize;
  const K = Math.max(1, o.maxActivePaths);
  const graph = o.contextGraph;
  const topScore = new Float64Array(K);
  const topIndex = new Int32Array(K);
  for (let t = 0; t < frames; t++) {
    const prev = state.hyps;
    const n = prev.length;
    await refreshDecoderOut(net, prev);
    const decDim = prev[0]!.decoderOut!.length;
    const dec = new Float32Array(n * decDim);
    prev.forEach((h, i) => dec.set(h.decoderOut!, i * decDim));
    const logits = await net.joiner(encoderOut.subarray(t * dim, (t + 1) * dim), dec, n);

    // Global top-K over the flattened (hyps × vocab) of hyp.logProb + log_softmax(row) (§3.9).
    let filled = 0;
    const norms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const row = i * V;
      if (o.blankPenalty > 0) logits[row + o.blankId] = logits[row + o.blankId]! - o.blankPenalty;
      norms[i] = logSumExp(logits, row, V, 1);
      const base = prev[i]!.logProb - norms[i]!;
      for (let k = 0; k < V; k++) {
        const s = base + logits[row + k]!;
        if (filled < K) {
          let j = filled++;
          while (j > 0 && topScore[j - 1]! < s) {
            topScore[j] = topScore[j - 1]!;
            topIndex[j] = topIndex[j - 1]!;
            j--;
          }
          topScore[j] = s;
          topIndex[j] = row + k;
        } else if (s > topScore[K - 1]!) {
          let j = K - 1;
          while (j > 0 && topScore[j - 1]! < s) {
            topScore[j] = topScore[j - 1]!;
            topIndex[j] = topIndex[j - 1]!;
            j--;
          }
          topScore[j] = s;
          topIndex[j] = row + k;
        }
      }
    }

    const next = new Map<string, Hypothesis>();
    const tempNorms = new Map<number, number>();
    for (let r = 0; r < filled; r++) {
      const flat = topIndex[r]!;
      const i = Math.floor(flat / V);
      const token = flat % V;
      const base = prev[i]!;
      let hyp: Hypothesis;
      let contextScore = 0;
      if (token === o.blankId || token === o.unkId) {
        hyp = { ...base, numTrailingBlanks: base.numTrailingBlanks + 1 };
      } else {
        let tn = tempNorms.get(i);
        if (tn === undefined) tempNorms.set(i, (tn = logSumExp(logits, i * V, V, o.temperature)));
        let contextState = base.contextState;
        if (graph && contextState) {
          const step = graph.forward(contextState, token);
          contextScore = step.score;
          contextState = step.state;
        }
        hyp = {
          ys: [...base.ys, token],
          logProb: 0,
          timestamps: [...base.timestamps, t + state.frameOffset],
          tokenLogProbs: [...base.tokenLogProbs, logits[flat]! / o.temperature - tn],
          numTrailingBlanks: 0,
          contextState,
          decoderOut: null,
          key: `${base.key},${token}`,
        };
      }
      hyp.logProb = topScore[r]! + contextScore;
      const existing = next.get(hyp.key);
      // Same token sequence reached twice: merge with log_add, keeping the first (higher) entry's details.
      if (existing) existing.logProb = logAdd(existing.logProb, hyp.logProb);
      else next.set(hyp.key, hyp);
    }
    state.hyps = [...next.values()];
  }
}
