import { wordConfidence } from '../confidence';
import { isCjkChar, isOpeningPunctuation, isPunctuation } from '../text-pieces';
import type { AsrWord } from '../types';

/**
 * Words of a Whisper transcript. Decoding without timestamp tokens (§5.5) gives no timing at all, and the
 * sherpa export has no cross-attention output for DTW alignment (only the `-with-attention` variant does,
 * §5.4). So word times are an ESTIMATE: the segment [0, duration] is shared out in proportion to each
 * word's character count. With VAD-trimmed segments this is usually within a word or two; do not use it
 * for anything that needs exact timing.
 *
 * Confidence: the tokens whose bytes overlap the word are combined with the shared `min` rule
 * (confidence.ts) over their log-probabilities (after Whisper's token filters).
 */
export function whisperWords(
  text: string,
  bytes: Uint8Array,
  spans: readonly [number, number][],
  logProbs: readonly number[],
  durationMs: number,
): AsrWord[] {
  interface Piece {
    text: string;
    byteStart: number;
    byteEnd: number;
  }
  const pieces: Piece[] = [];
  let byte = 0;
  let current: Piece | null = null;
  const encoder = new TextEncoder();
  for (const ch of text) {
    const size = ch === '\uFFFD' ? 1 : encoder.encode(ch).length;
    const start = byte;
    byte = Math.min(bytes.length, byte + size);
    if (/\s/u.test(ch)) {
      current = null;
      continue;
    }
    if (isCjkChar(ch) && !isPunctuation(ch)) {
      // Han/kana are written without spaces: each character is a word of its own.
      pieces.push({ text: ch, byteStart: start, byteEnd: byte });
      current = null;
      continue;
    }
    if (current) {
      current.text += ch;
      current.byteEnd = byte;
      continue;
    }
    current = { text: ch, byteStart: start, byteEnd: byte };
    pieces.push(current);
  }
  // Punctuation-only pieces join the word before them (opening brackets/quotes the word after).
  const words: Piece[] = [];
  let pendingPrefix = null as Piece | null;
  for (const p of pieces) {
    const last = words[words.length - 1];
    if (isPunctuation(p.text)) {
      if (isOpeningPunctuation(p.text) || !last) {
        const prev: Piece | null = pendingPrefix;
        pendingPrefix = prev
          ? { text: prev.text + p.text, byteStart: prev.byteStart, byteEnd: p.byteEnd }
          : { ...p };
      } else {
        last.text += p.text;
        last.byteEnd = p.byteEnd;
      }
      continue;
    }
    if (pendingPrefix) {
      words.push({
        text: pendingPrefix.text + p.text,
        byteStart: pendingPrefix.byteStart,
        byteEnd: p.byteEnd,
      });
      pendingPrefix = null;
    } else words.push({ ...p });
  }
  if (pendingPrefix) {
    const last = words[words.length - 1];
    if (last) last.text += pendingPrefix.text;
    else words.push(pendingPrefix);
  }

  const totalChars = words.reduce((n, w) => n + [...w.text].length, 0);
  let before = 0;
  return words.map((w) => {
    const chars = [...w.text].length;
    const startMs = totalChars ? (durationMs * before) / totalChars : 0;
    before += chars;
    const endMs = totalChars ? (durationMs * before) / totalChars : durationMs;
    const overlapping: number[] = [];
    spans.forEach(([s, e], i) => {
      if (e > w.byteStart && s < w.byteEnd) overlapping.push(logProbs[i]!);
    });
    return { text: w.text, startMs, endMs, confidence: wordConfidence(overlapping, 'min') };
  });
}
