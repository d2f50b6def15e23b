import type { AsrHypothesis, AsrWord } from '../types';
import { wordConfidence } from '../confidence';
import type { TokenTable } from '../tokens';
import { isSpecialSymbol } from '../tokens';
import type { CtcToken } from './ctc';
import { isCjkChar, isOpeningPunctuation, isPunctuation, joinWords, splitPiece } from '../text-pieces';

/**
 * sherpa `ConvertSenseVoiceResult` (MODELS.md §4.5) plus words. The graph prepends four query rows, so the
 * first four outputs are the language, emotion, audio-event and ITN tokens; text tokens follow and a
 * token emitted at logit row t starts at (t − 4) × 10 ms × lfr_window_shift (= 0.06 s × (t − 4)).
 */

/** Rows the graph prepends before the speech frames (§4.2). */
export const SENSE_VOICE_QUERY_ROWS = 4;

/** Emotion tokens (§4.6, §7); FEARFUL/DISGUSTED/SURPRISED ids are UNCONFIRMED, so all go by string. */
const EMOTIONS: Record<string, string> = {
  HAPPY: 'happy',
  SAD: 'sad',
  ANGRY: 'angry',
  NEUTRAL: 'neutral',
  FEARFUL: 'fearful',
  DISGUSTED: 'disgusted',
  SURPRISED: 'surprised',
  EMO_UNKNOWN: 'unknown',
};
const ITN_TOKENS = new Set(['withitn', 'woitn']);

export interface SpecialRow {
  id: number;
  /** Posterior of the token in its row (softmax over the whole vocabulary). */
  prob: number;
}

export interface SenseVoiceTokenDetail {
  id: number;
  piece: string;
  /** Start time, ms: 10 × lfr_window_shift × (row − 4). */
  timeMs: number;
  prob: number;
}

export interface SenseVoiceResult {
  hypothesis: AsrHypothesis;
  /** The four special tokens as text, e.g. `<|en|>`, `<|NEUTRAL|>`, `<|Speech|>`, `<|woitn|>`. */
  lang: string;
  emotion: string;
  event: string;
  itn: string;
  tokens: SenseVoiceTokenDetail[];
}

export interface ConvertOptions {
  table: TokenTable;
  /** Language codes the model knows (metadata `lang_*` keys), to recognise `<|xx|>` tokens. */
  languages: readonly string[];
  /** 10 ms × lfr_window_shift. */
  frameMs: number;
  /** Audio length, ms: word ends are clamped to it. */
  durationMs: number;
}

function inner(symbol: string): string | null {
  const m = /^<\|(.*)\|>$/.exec(symbol);
  return m ? m[1]! : null;
}

export function convertSenseVoiceResult(
  special: readonly SpecialRow[],
  textTokens: readonly CtcToken[],
  options: ConvertOptions,
): SenseVoiceResult {
  const { table, frameMs, durationMs } = options;
  const languages = new Set(options.languages);
  const sym = (id: number) => table.symbols[id] ?? `<unknown ${id}>`;
  const result: SenseVoiceResult = {
    hypothesis: { text: '', words: [] },
    lang: sym(special[0]?.id ?? -1),
    emotion: sym(special[1]?.id ?? -1),
    event: sym(special[2]?.id ?? -1),
    itn: sym(special[3]?.id ?? -1),
    tokens: [],
  };
  const hyp = result.hypothesis;

  // The four rows are classified by their token's string, not only by position: §4.6 says to look every
  // special token up by string, and the export's query order (language, event, emotion, ITN embeddings)
  // differs from the order sherpa reads them in (language, emotion, event, ITN).
  const events: string[] = [];
  for (const row of special) {
    const name = inner(sym(row.id));
    if (name === null) continue;
    if (languages.has(name)) {
      if (name !== 'nospeech' && name !== 'auto') hyp.language = name;
    } else if (EMOTIONS[name] !== undefined) {
      hyp.emotion = { label: EMOTIONS[name], score: row.prob };
      result.emotion = sym(row.id);
    } else if (ITN_TOKENS.has(name)) {
      result.itn = sym(row.id);
    } else {
      events.push(name);
      result.event = sym(row.id);
    }
  }
  if (events.length) hyp.events = events;

  interface Building {
    text: string;
    startMs: number;
    endMs: number;
    logProbs: number[];
    cjk: boolean;
  }
  const words: Building[] = [];
  let prefix = '';
  const timeOf = (row: number) => Math.max(0, (row - SENSE_VOICE_QUERY_ROWS) * frameMs);
  for (const token of textTokens) {
    const piece = table.symbols[token.id];
    if (piece === undefined || isSpecialSymbol(piece)) continue;
    const startMs = timeOf(token.frame);
    // A CTC token covers the run of frames it collapsed; its end is the end of the run's last frame.
    const endMs = Math.min(durationMs, Math.max(startMs, timeOf(token.lastFrame + 1)));
    result.tokens.push({ id: token.id, piece, timeMs: startMs, prob: Math.exp(token.logProb) });
    const { text, wordStart } = splitPiece(piece);
    if (text === '') continue; // a bare ▁: the next piece starts a word anyway
    const current = words[words.length - 1];
    if (isPunctuation(text)) {
      // Punctuation belongs to the word before it (its time and confidence are the word's own).
      if (isOpeningPunctuation(text) || !current) prefix += text;
      else current.text += text;
      continue;
    }
    const cjk = isCjkChar([...text][0]!);
    if (!current || wordStart || cjk || current.cjk || prefix !== '') {
      words.push({ text: prefix + text, startMs, endMs, logProbs: [token.logProb], cjk });
      prefix = '';
    } else {
      current.text += text;
      current.endMs = endMs;
      current.logProbs.push(token.logProb);
    }
  }
  if (prefix !== '' && words.length) words[words.length - 1]!.text += prefix;

  // Word confidence: the shared `min` rule of confidence.ts — a word is as reliable as its least
  // certain BPE piece (punctuation pieces are left out: they rate the ITN, not the word).
  hyp.words = words.map((w): AsrWord => ({
    text: w.text,
    startMs: w.startMs,
    endMs: w.endMs,
    confidence: wordConfidence(w.logProbs, 'min'),
  }));
  hyp.text = joinWords(hyp.words.map((w) => w.text));
  return result;
}
