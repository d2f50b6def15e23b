/**
 * BPE tokens → words with times and confidences (MODELS.md §3.7, §3.10).
 *
 * A new word starts at every token whose symbol begins with `▁`; word start = its first token's
 * time; word end = the next word's start, or the last token's time + one encoder frame for the last
 * word (transducers output no durations). Token time = segment start + frame × frameMs, where
 * frameMs = feature shift × subsampling (10 ms × 4 = 40 ms for the sherpa exports).
 */
import type { AsrWord } from '../types';
import { wordConfidence, type ConfidenceCombine } from '../confidence';
import { isSpecialSymbol, isWordStart, WORD_BOUNDARY, type TokenTable } from '../tokens';

export interface WordTiming {
  /** Time of encoder frame 0 of the segment, ms. */
  offsetMs: number;
  /** One encoder frame, ms. */
  frameMs: number;
  /** Clamp for times (end of the real audio of the segment; tail padding is not audio), ms. */
  maxMs?: number;
}

export function tokensToWords(
  table: TokenTable,
  tokens: readonly number[],
  frames: readonly number[],
  tokenLogProbs: readonly number[],
  timing: WordTiming,
  combine: ConfidenceCombine = 'min',
): AsrWord[] {
  const groups: { text: string; startFrame: number; lastFrame: number; logProbs: number[] }[] = [];
  tokens.forEach((id, i) => {
    const symbol = table.symbols[id];
    if (symbol === undefined || isSpecialSymbol(symbol)) return;
    const frame = frames[i] ?? 0;
    const logProb = tokenLogProbs[i] ?? 0;
    const piece = symbol.startsWith(WORD_BOUNDARY) ? symbol.slice(WORD_BOUNDARY.length) : symbol.trim();
    const current = groups[groups.length - 1];
    if (!current || isWordStart(symbol)) {
      groups.push({ text: piece, startFrame: frame, lastFrame: frame, logProbs: [logProb] });
    } else {
      current.text += piece;
      current.lastFrame = frame;
      current.logProbs.push(logProb);
    }
  });
  const clamp = (ms: number): number => (timing.maxMs === undefined ? ms : Math.min(ms, timing.maxMs));
  const time = (frame: number): number => timing.offsetMs + frame * timing.frameMs;
  const words = groups.filter((g) => g.text !== '');
  return words.map((g, i) => {
    const next = words[i + 1];
    const startMs = clamp(time(g.startFrame));
    const endMs = clamp(next ? time(next.startFrame) : time(g.lastFrame) + timing.frameMs);
    return {
      text: g.text,
      startMs,
      endMs: Math.max(startMs, endMs),
      confidence: wordConfidence(g.logProbs, combine),
    };
  });
}
