import { fold, tokens } from '../text';

/**
 * Ranking of the review queue (DESIGN.md "Confidence and review"): which spans of a transcript are most
 * likely wrong. Pure: the store reads the rows and the archive's word counts, this decides.
 *
 * Every unreviewed word gets an estimate of the probability that it is wrong, from independent signals
 * combined as a noisy-OR (p = 1 - Π(1 - p_i)):
 *
 * - low confidence: the word's confidence is a calibrated posterior (main/engines/asr), so the chance it
 *   is wrong is 1 - confidence. A word flags when it is under the user's threshold.
 * - draft vs final: the final pass produced a word the streaming draft did not have (word-level LCS on
 *   folded tokens). The two passes disagreeing there makes an error likelier; P_DRAFT is a prior, not a
 *   measurement. Always flags.
 * - unknown word: not in the user's vocabulary and found in no other segment of the archive. Rarity says
 *   something only in an archive of some size (in a small one most words occur once), so below
 *   `minArchiveSegments` segments it is not used at all. Rare-but-right words are common, so it flags a
 *   word by itself only when the word's confidence is also under the relaxed bar (halfway between the
 *   threshold and 1); a word other signals flagged gets the extra weight.
 * - uncertain speaker: the segment's speaker has no name a person gave (or there is none) and the segment
 *   is short (under SHORT_SEGMENT_MS or SHORT_SEGMENT_WORDS words): short turns are where clustering most
 *   often attributes speech to the wrong person. It never flags a span by itself (there is no word to
 *   fix); it raises the score of spans in such segments and is listed as a reason.
 *
 * A span is a run of consecutive flagged words of one segment; its score is the probability that it
 * holds at least one error: the noisy-OR of its words and the speaker signal. Words a person reviewed
 * never flag and never appear in a span.
 */

export const P_DRAFT = 0.3;
export const P_UNKNOWN = 0.2;
export const P_SPEAKER = 0.1;
export const SHORT_SEGMENT_MS = 1500;
export const SHORT_SEGMENT_WORDS = 3;
/** Words of context each side of a span. */
export const CONTEXT_WORDS = 4;
/** Above this many tokens on either side the draft alignment is skipped (quadratic; segments are short). */
const MAX_ALIGN_TOKENS = 600;

export type ReviewReason = 'low-confidence' | 'draft-changed' | 'unknown-word' | 'uncertain-speaker';
export const REVIEW_REASONS: readonly ReviewReason[] = [
  'low-confidence',
  'draft-changed',
  'unknown-word',
  'uncertain-speaker',
];

export interface RankWord {
  ord: number;
  text: string;
  startMs: number;
  endMs: number;
  confidence: number | null;
  reviewedAt: number | null;
}

export interface RankSegment {
  id: number;
  meetingId: number;
  startMs: number;
  endMs: number;
  /** The streaming draft the final pass replaced; null when none was kept. */
  draftText: string | null;
  /** True when a person named the segment's speaker (or it is the local user); false for none. */
  speakerNamed: boolean;
  words: readonly RankWord[];
}

export interface RankOptions {
  /** Flag words under this confidence (settings.confidenceThreshold). */
  threshold: number;
  /** The user's vocabulary (settings.vocabulary); phrases count word by word. */
  vocabulary: readonly string[];
  /** How many segments of the archive hold this folded token; may stop counting at 2. */
  documentFrequency: (token: string) => number;
  /** Segments in the archive; rarity is ignored below minArchiveSegments. */
  archiveSegments: number;
  minArchiveSegments?: number;
}

export const DEFAULT_MIN_ARCHIVE_SEGMENTS = 200;

export interface FlaggedWord {
  ord: number;
  /** Estimated probability that the word is wrong. */
  p: number;
  reasons: ReviewReason[];
}

export interface RankedSpan {
  segmentId: number;
  meetingId: number;
  /** Ordinals of the flagged words, consecutive. */
  ords: number[];
  /** Index range in segment.words: [first, last]. */
  first: number;
  last: number;
  score: number;
  reasons: ReviewReason[];
  /** Lowest known confidence among the span's words. */
  confidence: number | null;
}

/** Folded vocabulary tokens: matching ignores case and accents like the search index does. */
export function vocabularySet(vocabulary: readonly string[]): Set<string> {
  const set = new Set<string>();
  for (const entry of vocabulary) for (const t of tokens(entry)) set.add(t);
  return set;
}

/** The token that names a word for rarity: its longest token ("e-mail" -> "mail"), or null. */
export function wordToken(text: string): string | null {
  let best: string | null = null;
  for (const t of tokens(text)) if (best === null || t.length > best.length) best = t;
  return best;
}

/**
 * For each word, whether the final pass produced it without the draft having it: a longest common
 * subsequence of folded tokens; a word disagrees when one of its tokens is not in the common part.
 * Words with no token (punctuation) never disagree.
 */
export function draftDisagreement(draftText: string, words: readonly string[]): boolean[] {
  const draft = tokens(draftText);
  const finalTokens: { token: string; word: number }[] = [];
  words.forEach((w, i) => {
    for (const token of tokens(w)) finalTokens.push({ token, word: i });
  });
  const result = words.map(() => false);
  if (draft.length > MAX_ALIGN_TOKENS || finalTokens.length > MAX_ALIGN_TOKENS) return result;
  const n = finalTokens.length;
  const m = draft.length;
  // lcs[i][j]: LCS length of finalTokens[i..] and draft[j..], one flat array.
  const lcs = new Uint16Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[at(i, j)] =
        finalTokens[i]!.token === draft[j]
          ? lcs[at(i + 1, j + 1)]! + 1
          : Math.max(lcs[at(i + 1, j)]!, lcs[at(i, j + 1)]!);
    }
  }
  let i = 0;
  let j = 0;
  const matched = new Array<boolean>(n).fill(false);
  while (i < n && j < m) {
    if (finalTokens[i]!.token === draft[j]) {
      matched[i] = true;
      i += 1;
      j += 1;
    } else if (lcs[at(i + 1, j)]! >= lcs[at(i, j + 1)]!) i += 1;
    else j += 1;
  }
  finalTokens.forEach((t, k) => {
    if (!matched[k]) result[t.word] = true;
  });
  return result;
}

export function isUncertainSpeaker(segment: RankSegment): boolean {
  if (segment.speakerNamed) return false;
  return segment.endMs - segment.startMs < SHORT_SEGMENT_MS || segment.words.length <= SHORT_SEGMENT_WORDS;
}

/** Per-word flags of one segment; only flagged words are returned, in order. */
export function flagWords(
  segment: RankSegment,
  options: RankOptions,
  vocabulary: ReadonlySet<string> = vocabularySet(options.vocabulary),
): FlaggedWord[] {
  const relaxed = options.threshold + (1 - options.threshold) / 2;
  const rarityCounts =
    options.archiveSegments >= (options.minArchiveSegments ?? DEFAULT_MIN_ARCHIVE_SEGMENTS);
  const draft =
    segment.draftText === null
      ? null
      : draftDisagreement(
          segment.draftText,
          segment.words.map((w) => w.text),
        );
  const flagged: FlaggedWord[] = [];
  segment.words.forEach((word, index) => {
    if (word.reviewedAt !== null) return;
    const c = word.confidence;
    const reasons: ReviewReason[] = [];
    let keep = 1; // Π(1 - p_i)
    let flag = false;
    if (c !== null) {
      keep *= 1 - Math.min(1, Math.max(0, 1 - c));
      if (c < options.threshold) {
        reasons.push('low-confidence');
        flag = true;
      }
    }
    if (draft?.[index]) {
      reasons.push('draft-changed');
      keep *= 1 - P_DRAFT;
      flag = true;
    }
    // Rarity is looked up only for words that are or may become flagged: the lookup costs a query.
    const mayFlag = c !== null && c < relaxed;
    if (rarityCounts && (flag || mayFlag)) {
      const token = wordToken(word.text);
      if (token !== null && isUnknown(token, vocabulary, options.documentFrequency)) {
        reasons.push('unknown-word');
        keep *= 1 - P_UNKNOWN;
        if (mayFlag) flag = true;
      }
    }
    if (flag) flagged.push({ ord: word.ord, p: 1 - keep, reasons });
  });
  return flagged;
}

/** Short tokens and numbers are never "unknown": rarity says nothing about them. */
function isUnknown(
  token: string,
  vocabulary: ReadonlySet<string>,
  documentFrequency: (token: string) => number,
): boolean {
  if (token.length < 3 || /^\p{N}+$/u.test(token) || vocabulary.has(token)) return false;
  return documentFrequency(token) <= 1;
}

/** The spans of one segment, scored. */
export function segmentSpans(
  segment: RankSegment,
  options: RankOptions,
  vocabulary: ReadonlySet<string> = vocabularySet(options.vocabulary),
): RankedSpan[] {
  const flagged = flagWords(segment, options, vocabulary);
  if (flagged.length === 0) return [];
  const speaker = isUncertainSpeaker(segment);
  const indexOf = new Map(segment.words.map((w, i) => [w.ord, i]));
  const spans: RankedSpan[] = [];
  let run: FlaggedWord[] = [];
  const close = () => {
    if (run.length === 0) return;
    let keep = speaker ? 1 - P_SPEAKER : 1;
    const reasons = new Set<ReviewReason>();
    let confidence: number | null = null;
    for (const f of run) {
      keep *= 1 - f.p;
      for (const r of f.reasons) reasons.add(r);
      const c = segment.words[indexOf.get(f.ord)!]!.confidence;
      if (c !== null && (confidence === null || c < confidence)) confidence = c;
    }
    if (speaker) reasons.add('uncertain-speaker');
    spans.push({
      segmentId: segment.id,
      meetingId: segment.meetingId,
      ords: run.map((f) => f.ord),
      first: indexOf.get(run[0]!.ord)!,
      last: indexOf.get(run.at(-1)!.ord)!,
      score: 1 - keep,
      reasons: REVIEW_REASONS.filter((r) => reasons.has(r)),
      confidence,
    });
    run = [];
  };
  for (const f of flagged) {
    const previous = run.at(-1);
    if (previous && indexOf.get(f.ord)! !== indexOf.get(previous.ord)! + 1) close();
    run.push(f);
  }
  close();
  return spans;
}

/**
 * Orders spans most-likely-wrong first. Ties (same score) keep transcript order: newer meetings first
 * (the caller gives `meetingRank`: lower is earlier in the list), then by time in the meeting.
 */
export function compareSpans(
  a: RankedSpan & { startMs: number },
  b: RankedSpan & { startMs: number },
  meetingRank: (meetingId: number) => number,
): number {
  return (
    b.score - a.score ||
    meetingRank(a.meetingId) - meetingRank(b.meetingId) ||
    a.startMs - b.startMs ||
    a.segmentId - b.segmentId ||
    a.first - b.first
  );
}

/** A stable key of a span: the same words flagged give the same key across queue reads. */
export function spanKey(segmentId: number, ords: readonly number[]): string {
  return `${segmentId}:${ords[0]}-${ords.at(-1)}`;
}

/** The folded form used to compare words in "fix all occurrences". */
export function wordKey(text: string): string {
  return tokens(text).join(' ') || fold(text.trim());
}
