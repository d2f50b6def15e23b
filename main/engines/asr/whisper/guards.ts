/**
 * Whisper's silence-hallucination guards and decoding filters as pure functions over logits, so they
 * can be tested on crafted rows. Sources: MODELS.md §5.5 ("recommended additions from OpenAI decoding")
 * and OpenAI `whisper/decoding.py` + `transcribe.py` defaults (no_speech_threshold 0.6,
 * logprob_threshold −1.0, sample_len = n_text_ctx / 2 = 224).
 *
 * The first guard is not here: Whisper must only see speech, so VAD gating is the pipeline's job (the
 * recognizer decodes whatever it is given). These guards are the backstops behind it.
 */

/** log_softmax of a row, in place into `out` (which may be the row itself). −Infinity entries stay −Infinity. */
export function logSoftmax(
  row: Float32Array,
  out: Float32Array = new Float32Array(row.length),
): Float32Array {
  let max = -Infinity;
  for (let k = 0; k < row.length; k++) if (row[k]! > max) max = row[k]!;
  if (max === -Infinity) {
    out.fill(-Infinity);
    return out;
  }
  let sum = 0;
  for (let k = 0; k < row.length; k++) sum += Math.exp(row[k]! - max);
  const norm = max + Math.log(sum);
  for (let k = 0; k < row.length; k++) out[k] = row[k]! - norm;
  return out;
}

/**
 * OpenAI: `probs_at_sot = logits[:, sot_index].softmax(-1)`, `no_speech_prob = probs_at_sot[no_speech]` —
 * the raw (unfiltered) logits of the first decoder step, at the row of the `sot` token.
 */
export function noSpeechProbability(sotRow: Float32Array, noSpeechId: number): number {
  let max = -Infinity;
  for (let k = 0; k < sotRow.length; k++) if (sotRow[k]! > max) max = sotRow[k]!;
  let sum = 0;
  for (let k = 0; k < sotRow.length; k++) sum += Math.exp(sotRow[k]! - max);
  return Math.exp(sotRow[noSpeechId]! - max) / sum;
}

export interface SilenceThresholds {
  /** OpenAI default 0.6. */
  noSpeechThreshold: number;
  /** OpenAI default −1.0. */
  logProbThreshold: number;
}

export const DEFAULT_SILENCE_THRESHOLDS: Readonly<SilenceThresholds> = Object.freeze({
  noSpeechThreshold: 0.6,
  logProbThreshold: -1.0,
});

/**
 * OpenAI `transcribe()`: a segment is silence when the model says "no speech" AND the text it produced
 * is not confident (`no_speech_prob > 0.6 and avg_logprob < −1`). A confident transcript overrides a
 * high no-speech probability (the model heard words after all).
 */
export function isSilence(
  noSpeechProb: number,
  avgLogProb: number,
  thresholds: SilenceThresholds = DEFAULT_SILENCE_THRESHOLDS,
): boolean {
  return noSpeechProb > thresholds.noSpeechThreshold && avgLogProb < thresholds.logProbThreshold;
}

/**
 * OpenAI's `avg_logprob`: the sum of the chosen tokens' log-probabilities (after the filters, including
 * the final eot when one was chosen) divided by (number of text tokens + 1).
 */
export function averageLogProb(sumLogProb: number, textTokens: number): number {
  return sumLogProb / (textTokens + 1);
}

export interface SuppressOptions {
  eot: number;
  blankId: number;
  nonSpeechTokens: readonly number[];
  /** First sampled position: OpenAI `SuppressBlank` also bans blank (" ") and eot there. */
  first: boolean;
}

/**
 * Filters one logit row in place (§5.5): every id above eot (sot, language, task, no_speech,
 * no_timestamps and — since we decode without timestamps — all timestamp tokens) and the metadata's
 * `non_speech_tokens` are banned; on the first position blank and eot too.
 */
export function suppressTokens(row: Float32Array, options: SuppressOptions): void {
  for (let k = options.eot + 1; k < row.length; k++) row[k] = -Infinity;
  for (const id of options.nonSpeechTokens) if (id >= 0 && id < row.length) row[id] = -Infinity;
  if (options.first) {
    if (options.blankId >= 0 && options.blankId < row.length) row[options.blankId] = -Infinity;
    row[options.eot] = -Infinity;
  }
}

export interface RepetitionOptions {
  /** Longest repeated n-gram looked for (default 16 tokens: a short sentence). */
  maxNgram: number;
  /** Repeats needed for n-grams of ≥ 3 tokens (default 3: "A A A"). */
  minRepeats: number;
  /** Shorter n-grams need this many repeated tokens in total (default 8: "no no no no" stays). */
  minSpan: number;
}

export const DEFAULT_REPETITION: Readonly<RepetitionOptions> = Object.freeze({
  maxNgram: 16,
  minRepeats: 3,
  minSpan: 8,
});

/**
 * Repetition backstop: Whisper stuck in a loop emits the same phrase over and over. Looks at the tail
 * only (called after each token): if it is the same n-gram repeated r times, with
 * r ≥ max(minRepeats, ceil(minSpan / n)), returns the length to keep — up to and including the first
 * copy — else null. Requiring more repeats of short n-grams keeps genuine "no, no, no" in the text.
 */
export function repetitionCut(
  tokens: readonly number[],
  options: RepetitionOptions = DEFAULT_REPETITION,
): number | null {
  const len = tokens.length;
  for (let n = 1; n <= options.maxNgram && n * 2 <= len; n++) {
    const needed = Math.max(options.minRepeats, Math.ceil(options.minSpan / n));
    if (needed * n > len) continue;
    let repeats = 1;
    // Count how many times the last n tokens repeat backwards, stopping as soon as `needed` is reached.
    outer: while (repeats < needed) {
      const start = len - (repeats + 1) * n;
      if (start < 0) break;
      for (let i = 0; i < n; i++) if (tokens[start + i] !== tokens[len - n + i]) break outer;
      repeats++;
    }
    if (repeats >= needed) {
      // Extend over earlier copies as well, so the kept text holds one copy only.
      let first = len - repeats * n;
      while (first - n >= 0) {
        let same = true;
        for (let i = 0; i < n; i++) if (tokens[first - n + i] !== tokens[len - n + i]) same = false;
        if (!same) break;
        first -= n;
      }
      return first + n;
    }
  }
  return null;
}
