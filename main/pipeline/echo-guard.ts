/**
 * Echo guard (issue 8 item 4): the second line of defence after the echo canceller. A mic segment that overlaps
 * in time with a system segment and says the same words is the far end leaking into the microphone, so it is
 * dropped, and the decision is reported. Pure functions.
 *
 * Similarity is word-level and tolerant of a partial echo: the mic words are aligned against the best-matching
 * stretch of the system words (semi-global edit distance: skipping system words before and after is free), and
 * similarity = 1 - distance / mic word count. So "budget for next" matches inside "the budget for next year"
 * (1.0), while genuine double talk with different words scores low and is kept.
 *
 * A second rule needs no text (the echo canceller's cold start, or recognizers whose words do not repeat):
 * residual echo is a mic segment lying almost entirely inside system speech whose level, after cancellation,
 * is far below the system's (default 15 dB). A local talker speaks at about the far end's level or above,
 * so this keeps double talk.
 */

export interface GuardSegment {
  startMs: number;
  endMs: number;
  text: string;
  /** RMS level of the segment's audio, dBFS (mic: after echo cancellation). Enables the level rule. */
  levelDb?: number;
}

export interface EchoGuardConfig {
  /** Drop at or above this similarity. */
  threshold: number;
  /** Slack on the time overlap test (the echo path delays the mic copy). */
  slackMs: number;
  /** Level rule: drop when the mic is at least this many dB below the overlapping system speech... */
  residualEchoDb: number;
  /** ...and at least this fraction of the mic segment lies inside system segments. */
  residualCoverage: number;
}

export const DEFAULT_ECHO_GUARD: Readonly<EchoGuardConfig> = Object.freeze({
  threshold: 0.8,
  slackMs: 500,
  residualEchoDb: 15,
  residualCoverage: 0.8,
});

/** Lower-case alphanumeric words (letters and digits of any script). */
export function normaliseWords(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}']+/u)
    .map((w) => w.replace(/'/g, ''))
    .filter(Boolean);
}

/** Similarity in [0, 1] of `needle` to its best-aligned stretch of `haystack` (word edit distance). */
export function containedSimilarity(needle: readonly string[], haystack: readonly string[]): number {
  if (needle.length === 0) return 0;
  // prev[j]: cost of aligning needle[0..i) ending at haystack position j; row 0 is free (start anywhere).
  let prev = new Array<number>(haystack.length + 1).fill(0);
  for (let i = 1; i <= needle.length; i++) {
    const cur = new Array<number>(haystack.length + 1);
    cur[0] = i;
    for (let j = 1; j <= haystack.length; j++) {
      const sub = prev[j - 1]! + (needle[i - 1] === haystack[j - 1] ? 0 : 1);
      cur[j] = Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1);
    }
    prev = cur;
  }
  const distance = Math.min(...prev); // end anywhere
  return Math.max(0, 1 - distance / needle.length);
}

export function overlaps(a: GuardSegment, b: GuardSegment, slackMs: number): boolean {
  return a.startMs < b.endMs + slackMs && b.startMs < a.endMs + slackMs;
}

export interface EchoDecision<S extends GuardSegment> {
  drop: boolean;
  /** Which rule dropped it. */
  rule?: 'text' | 'level';
  /** Best overlapping system segment and its similarity (also given when kept, for the log). */
  match: { segment: S; similarity: number } | null;
}

/** Decides about one mic segment against the system segments committed around it. */
export function judgeEcho<S extends GuardSegment>(
  mic: GuardSegment,
  system: readonly S[],
  config: EchoGuardConfig = DEFAULT_ECHO_GUARD,
): EchoDecision<S> {
  const words = normaliseWords(mic.text);
  let match: EchoDecision<S>['match'] = null;
  const near = system.filter((s) => overlaps(mic, s, config.slackMs));
  if (near.length === 0) return { drop: false, match };
  for (const s of near) {
    const similarity = words.length ? containedSimilarity(words, normaliseWords(s.text)) : 0;
    if (!match || similarity > match.similarity) match = { segment: s, similarity };
  }
  // Neighbouring system segments are joined too: an echo may straddle two of them.
  if (near.length > 1 && match && words.length) {
    const joined = containedSimilarity(
      words,
      near.flatMap((s) => normaliseWords(s.text)),
    );
    if (joined > match.similarity) match = { segment: match.segment, similarity: joined };
  }
  if (match && words.length && match.similarity >= config.threshold)
    return { drop: true, rule: 'text', match };
  if (mic.levelDb !== undefined && isResidualEcho(mic, mic.levelDb, near, config)) {
    return { drop: true, rule: 'level', match };
  }
  return { drop: false, match };
}

function isResidualEcho(
  mic: GuardSegment,
  micDb: number,
  near: readonly GuardSegment[],
  config: EchoGuardConfig,
): boolean {
  const duration = mic.endMs - mic.startMs;
  if (!(duration > 0)) return false;
  // Covered time: union of the system segments (end extended by the slack: the echo arrives late).
  const spans = near
    .map((s) => [Math.max(mic.startMs, s.startMs), Math.min(mic.endMs, s.endMs + config.slackMs)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let reach = -Infinity;
  for (const [a, b] of spans) {
    const from = Math.max(a, reach);
    if (b > from) covered += b - from;
    reach = Math.max(reach, b);
  }
  const levels = near.map((s) => s.levelDb).filter((l): l is number => l !== undefined);
  if (levels.length === 0) return false;
  return (
    covered / duration >= config.residualCoverage && micDb <= Math.max(...levels) - config.residualEchoDb
  );
}
