import type { AsrWord } from '../types';

/**
 * Word-sequence helpers of LocalAgreement-2 (Macháček et al., "Turning Whisper into Real-Time
 * Transcription System", 2023): commit the longest prefix on which two consecutive decodes agree.
 */

/** Comparison key: case, punctuation and width differences are not disagreements. */
export function wordKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, '');
}

/** Number of leading words two hypotheses share (by wordKey). */
export function agreedPrefix(a: readonly AsrWord[], b: readonly AsrWord[]): number {
  let n = 0;
  while (n < a.length && n < b.length && wordKey(a[n]!.text) === wordKey(b[n]!.text)) n++;
  return n;
}

/**
 * Where the uncommitted part of a fresh hypothesis starts. The offline model re-decodes the whole
 * window, committed words included, and may spell them differently this time (merge, split, drop a
 * word), so counting words is not enough: the committed words are aligned to a prefix of the
 * hypothesis by edit distance, and the tail starts after the best-matching prefix. Ties are broken
 * by time, then text, then length (below): a changed word is a substitution, not a deletion plus
 * an insertion.
 */
export function tailStart(
  committed: readonly string[],
  hypothesis: readonly AsrWord[],
  committedEndMs?: number,
): number {
  const c = committed.length;
  const h = hypothesis.length;
  if (c === 0) return 0;
  const a = committed.map(wordKey);
  const b = hypothesis.map((w) => wordKey(w.text));
  let prev = Array.from({ length: h + 1 }, (_, j) => j);
  for (let i = 1; i <= c; i++) {
    const row = [i];
    for (let j = 1; j <= h; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(sub, prev[j]! + 1, row[j - 1]! + 1));
    }
    prev = row;
  }
  // Among equally cheap prefixes prefer (1) one whose last word starts before the committed audio
  // ended (a word starting later is new, whatever its text), (2) one ending on the last committed word
  // itself, (3) the length closest to the committed count, (4) the longer.
  const plausible = (j: number) =>
    j === 0 || committedEndMs === undefined || hypothesis[j - 1]!.startMs < committedEndMs;
  const ends = (j: number) => j > 0 && b[j - 1] === a[c - 1];
  const rank = (j: number): number[] => [
    prev[j]!,
    plausible(j) ? 0 : 1,
    ends(j) ? 0 : 1,
    Math.abs(j - c),
    -j,
  ];
  let best = 0;
  for (let j = 1; j <= h; j++) {
    const x = rank(j);
    const y = rank(best);
    const k = x.findIndex((v, i) => v !== y[i]);
    if (k >= 0 && x[k]! < y[k]!) best = j;
  }
  return best;
}
