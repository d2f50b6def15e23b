/**
 * CTC greedy search over raw logits (sherpa `OfflineCtcGreedySearchDecoder`, MODELS.md §4.5): per frame
 * take the argmax; emit it when it is not blank and differs from the previous frame's argmax.
 *
 * SenseVoice's `logits` are raw `ctc_lo` outputs, not log-softmaxed (§4.2), so the log-softmax is done
 * here. A token's confidence is the posterior of the frame that emitted it (its first frame) — the
 * design choice recorded in §4.5.
 */

export interface ArgmaxRow {
  id: number;
  /** log_softmax(row)[id]: the log posterior of the winning token. */
  logProb: number;
}

export interface CtcToken {
  id: number;
  /** Logit row that emitted the token (its first frame). */
  frame: number;
  /** Last row of the run of identical argmaxes the token collapsed (for the word's end time). */
  lastFrame: number;
  logProb: number;
}

/** Argmax of logits[row] (width `vocab`) and its log-softmax value, in one pass plus the normaliser. */
export function argmaxRow(logits: Float32Array, row: number, vocab: number): ArgmaxRow {
  const base = row * vocab;
  let best = 0;
  let max = -Infinity;
  for (let k = 0; k < vocab; k++) {
    const v = logits[base + k]!;
    if (v > max) {
      max = v;
      best = k;
    }
  }
  if (max === -Infinity) return { id: best, logProb: -Infinity };
  let sum = 0;
  for (let k = 0; k < vocab; k++) sum += Math.exp(logits[base + k]! - max);
  // log_softmax at the argmax = max − (max + log Σ exp(x − max)).
  return { id: best, logProb: -Math.log(sum) };
}

/** log_softmax(logits[row])[id] for any id (the emotion score reads its token's probability). */
export function logSoftmaxAt(logits: Float32Array, row: number, vocab: number, id: number): number {
  const base = row * vocab;
  let max = -Infinity;
  for (let k = 0; k < vocab; k++) max = Math.max(max, logits[base + k]!);
  let sum = 0;
  for (let k = 0; k < vocab; k++) sum += Math.exp(logits[base + k]! - max);
  return logits[base + id]! - max - Math.log(sum);
}

/**
 * Greedy CTC over rows [startRow, endRow). `previousId` is the argmax of the row before startRow, so a
 * run that crosses startRow is collapsed as if decoding had started earlier (sherpa decodes all rows).
 */
export function ctcGreedy(
  logits: Float32Array,
  vocab: number,
  blankId: number,
  startRow: number,
  endRow: number,
  previousId = -1,
): CtcToken[] {
  const tokens: CtcToken[] = [];
  let prev = previousId;
  let open: CtcToken | null = null;
  for (let t = startRow; t < endRow; t++) {
    const { id, logProb } = argmaxRow(logits, t, vocab);
    if (id === prev) {
      if (open) open.lastFrame = t;
    } else if (id === blankId) {
      open = null;
    } else {
      open = { id, frame: t, lastFrame: t, logProb };
      tokens.push(open);
    }
    prev = id;
  }
  return tokens;
}
