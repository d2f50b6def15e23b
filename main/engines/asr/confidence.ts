/**
 * Word confidence from per-token log-probabilities (MODELS.md §3.10).
 *
 * Input: for each token of a word, the log-probability the decoder gave the emitted token. For the
 * transducers this is `log_softmax(logit / temperature)[token]` with sherpa's temperature 2.0, which
 * deliberately flattens the distribution, so raw values are lower than the true accuracy.
 *
 * Combination: `min` (default) — a word is only as reliable as its least certain piece: one doubtful
 * BPE piece is enough to make the whole word wrong, while a geometric mean lets three confident pieces
 * hide a wrong fourth. `geomean` (exp of the mean log-prob) is offered for engines whose tokens are
 * whole words or characters.
 *
 * Calibration (not done here; needs a labelled dev set): decode a dev set, align hypothesis words to
 * the reference (Levenshtein), collect (raw confidence, word correct 0/1) pairs, fit isotonic
 * regression (pool-adjacent-violators) of correctness on raw confidence, and ship the resulting
 * monotone piecewise-linear map as `calibration` below. Check with expected calibration error on a
 * held-out split. Monotone, so ordering and thresholds tuned on raw values keep their meaning.
 */

export type ConfidenceCombine = 'min' | 'geomean';

/** A monotone piecewise-linear map given by sorted knots (x ascending); identity when absent. */
export interface ConfidenceCalibration {
  x: readonly number[];
  y: readonly number[];
}

export function tokenProbability(logProb: number): number {
  if (!Number.isFinite(logProb)) return logProb > 0 ? 1 : 0;
  return Math.min(1, Math.max(0, Math.exp(logProb)));
}

export function wordConfidence(
  tokenLogProbs: readonly number[],
  combine: ConfidenceCombine = 'min',
  calibration?: ConfidenceCalibration,
): number {
  if (tokenLogProbs.length === 0) return 0;
  let raw: number;
  if (combine === 'min') {
    raw = tokenProbability(Math.min(...tokenLogProbs));
  } else {
    raw = tokenProbability(tokenLogProbs.reduce((a, b) => a + b, 0) / tokenLogProbs.length);
  }
  return calibration ? calibrate(raw, calibration) : raw;
}

export function calibrate(value: number, { x, y }: ConfidenceCalibration): number {
  if (x.length === 0 || x.length !== y.length) return value;
  if (value <= x[0]!) return y[0]!;
  for (let i = 1; i < x.length; i++) {
    if (value <= x[i]!) {
      const span = x[i]! - x[i - 1]!;
      const f = span > 0 ? (value - x[i - 1]!) / span : 1;
      return y[i - 1]! + f * (y[i]! - y[i - 1]!);
    }
  }
  return y[y.length - 1]!;
}
