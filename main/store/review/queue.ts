import type { Channel } from '../types';
import type { StoreContext } from '../repositories/context';
import { joinWords } from '../text';
import {
  compareSpans,
  CONTEXT_WORDS,
  DEFAULT_MIN_ARCHIVE_SEGMENTS,
  segmentSpans,
  spanKey,
  vocabularySet,
  type RankOptions,
  type RankSegment,
  type RankWord,
  type RankedSpan,
  type ReviewReason,
} from './rank';

export interface ReviewQueueParams {
  /** One meeting; omitted: the whole archive. */
  meetingId?: number;
  limit: number;
  offset: number;
  threshold: number;
  vocabulary: readonly string[];
  /** Below this many segments in the archive, rarity does not flag words (tests lower it). */
  minArchiveSegments?: number;
  /** At most this many candidate segments are ranked (default MAX_CANDIDATE_SEGMENTS; tests lower it). */
  maxCandidates?: number;
}

/**
 * Candidate segments ranked per queue read. Ranking costs a few µs per candidate word: measured with an
 * ad-hoc script on a synthetic archive (200 meetings, 240,000 words, realistic confidences) on 2 shared
 * cores under heavy load, the whole-archive read took ~0.3 s with 2,000 candidates and ~1.5-2 s with all
 * 20,000; an idle machine is several times faster. Beyond this many, the queue holds the spans of the
 * segments with the lowest unreviewed confidence and says so (`capped`): nobody reviews thousands of
 * spans in one sitting, and each review shrinks the candidates.
 */
export const MAX_CANDIDATE_SEGMENTS = 5_000;

export interface ReviewSpanWord {
  ord: number;
  text: string;
  confidence: number | null;
}

export interface ReviewItem {
  /** Stable key of the span: segment and first..last ord. */
  id: string;
  meetingId: number;
  meetingTitle: string;
  segmentId: number;
  channel: Channel;
  ords: number[];
  words: ReviewSpanWord[];
  text: string;
  before: string;
  after: string;
  startMs: number;
  endMs: number;
  score: number;
  reasons: ReviewReason[];
  /** Lowest known confidence in the span. */
  confidence: number | null;
  speakerId: number | null;
  /** The name shown for the speaker (given name, else machine label); null when none is assigned. */
  speaker: string | null;
  /** The streaming draft the final pass replaced, when the span is flagged for disagreeing with it. */
  draftText: string | null;
}

export interface ReviewQueue {
  items: ReviewItem[];
  /** Spans in the queue (for paging). */
  total: number;
  /** Words in scope a person verified (accepted or corrected), wherever that was done. */
  reviewed: number;
  /** Flagged words still to review (the words of all `total` spans). */
  remaining: number;
  /** True when there were more candidate segments than one read ranks: total and remaining are a floor. */
  capped: boolean;
}

interface SegmentRow {
  id: number;
  meetingId: number;
  speakerId: number | null;
  channel: Channel;
  startMs: number;
  endMs: number;
  draftText: string | null;
  displayName: string | null;
  label: string | null;
}

interface WordRow extends RankWord {
  segmentId: number;
}

const SEGMENT_FIELDS = `s.id AS id, s.meeting_id AS meetingId, s.speaker_id AS speakerId, s.channel AS channel,
  s.start_ms AS startMs, s.end_ms AS endMs, s.draft_text AS draftText,
  sp.display_name AS displayName, sp.label AS label`;
const WORD_FIELDS = `w.segment_id AS segmentId, w.ord AS ord, w.text AS text, w.start_ms AS startMs,
  w.end_ms AS endMs, w.confidence AS confidence, w.reviewed_at AS reviewedAt`;
/** Candidate segments: an unreviewed word under the bar, or a kept draft. Both are indexed (migration 6). */
const CANDIDATE = '(s.min_word_confidence < ? OR s.draft_text IS NOT NULL)';

/**
 * How many segments of the archive hold a token, counted up to 2: rarity only asks "this segment and no
 * other". A MATCH with LIMIT 2 stops after two postings, where an fts5vocab count walks every posting of
 * the term (measured: common words made a whole-archive queue several times slower). Tokens come from
 * tokens() (letters and digits only), so quoting them makes a safe one-term phrase query.
 */
function documentFrequency(ctx: StoreContext): (token: string) => number {
  const cache = new Map<string, number>();
  const statement = ctx.sql<{ n: number }>(
    'SELECT count(*) AS n FROM (SELECT rowid FROM segments_fts WHERE segments_fts MATCH ? LIMIT 2)',
  );
  return (token) => {
    let count = cache.get(token);
    if (count === undefined) {
      count = statement.get(`"${token}"`)?.n ?? 0;
      cache.set(token, count);
    }
    return count;
  };
}

/** Segments in the archive, counted up to `cap` (only "at least cap" matters). */
function archiveSegments(ctx: StoreContext, cap: number): number {
  return (
    ctx.sql<{ n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM segments LIMIT ?)').get(cap)?.n ?? 0
  );
}

/**
 * The review queue: every span the ranking flags in one meeting or the whole archive, most likely wrong
 * first, one page of it with counts. The candidate segments come from two indexed columns, so an archive
 * of thousands of meetings reads only the segments that can hold a flagged word.
 */
export function reviewQueue(ctx: StoreContext, params: ReviewQueueParams): ReviewQueue {
  const minArchiveSegments = params.minArchiveSegments ?? DEFAULT_MIN_ARCHIVE_SEGMENTS;
  const options: RankOptions = {
    threshold: params.threshold,
    vocabulary: params.vocabulary,
    documentFrequency: documentFrequency(ctx),
    archiveSegments: archiveSegments(ctx, minArchiveSegments),
    minArchiveSegments,
  };
  // With rarity in play, words up to the relaxed bar can flag (see rank.ts); otherwise the threshold.
  const bar =
    options.archiveSegments >= minArchiveSegments
      ? params.threshold + (1 - params.threshold) / 2
      : params.threshold;
  const scope = params.meetingId === undefined ? '' : ' AND s.meeting_id = ?';
  const args = params.meetingId === undefined ? [bar] : [bar, params.meetingId];
  // The candidates, lowest unreviewed confidence first, at most maxCandidates of them: the work of one
  // queue read stays bounded however big the archive is (see MAX_CANDIDATE_SEGMENTS).
  const cap = params.maxCandidates ?? MAX_CANDIDATE_SEGMENTS;
  const candidates = `WITH c AS (SELECT s.id AS id FROM segments s WHERE ${CANDIDATE}${scope}
    ORDER BY coalesce(s.min_word_confidence, 1), s.id LIMIT ${Math.max(1, Math.trunc(cap))})`;
  const capped =
    (ctx
      .sql<{ n: number }>(
        `SELECT count(*) AS n FROM (SELECT 1 FROM segments s WHERE ${CANDIDATE}${scope} LIMIT ?)`,
      )
      .get(...args, cap + 1)?.n ?? 0) > cap;
  const segments = ctx
    .sql<SegmentRow>(
      `${candidates} SELECT ${SEGMENT_FIELDS} FROM c JOIN segments s ON s.id = c.id
       LEFT JOIN speakers sp ON sp.id = s.speaker_id`,
    )
    .all(...args);
  const words = new Map<number, WordRow[]>();
  for (const w of ctx
    .sql<WordRow>(
      `${candidates} SELECT ${WORD_FIELDS} FROM c JOIN words w ON w.segment_id = c.id ORDER BY w.segment_id, w.ord`,
    )
    .all(...args)) {
    let list = words.get(w.segmentId);
    if (!list) words.set(w.segmentId, (list = []));
    list.push(w);
  }

  const vocabulary = vocabularySet(params.vocabulary);
  const bySegment = new Map<number, { row: SegmentRow; rank: RankSegment }>();
  const spans: (RankedSpan & { startMs: number })[] = [];
  for (const row of segments) {
    const rank: RankSegment = {
      id: row.id,
      meetingId: row.meetingId,
      startMs: row.startMs,
      endMs: row.endMs,
      draftText: row.draftText,
      // The microphone is the local user; other speakers count as known once a person named them.
      speakerNamed: row.channel === 'mic' || row.displayName !== null,
      words: words.get(row.id) ?? [],
    };
    bySegment.set(row.id, { row, rank });
    for (const span of segmentSpans(rank, options, vocabulary)) {
      spans.push({ ...span, startMs: rank.words[span.first]!.startMs });
    }
  }

  const meetings = meetingInfo(ctx, [...new Set(spans.map((s) => s.meetingId))]);
  spans.sort((a, b) => compareSpans(a, b, (id) => meetings.get(id)?.order ?? 0));
  const remaining = spans.reduce((n, s) => n + s.ords.length, 0);
  const items = spans.slice(params.offset, params.offset + params.limit).map((span): ReviewItem => {
    const { row, rank } = bySegment.get(span.segmentId)!;
    const run = rank.words.slice(span.first, span.last + 1);
    return {
      id: spanKey(span.segmentId, span.ords),
      meetingId: span.meetingId,
      meetingTitle: meetings.get(span.meetingId)?.title ?? '',
      segmentId: span.segmentId,
      channel: row.channel,
      ords: span.ords,
      words: run.map((w) => ({ ord: w.ord, text: w.text, confidence: w.confidence })),
      text: joinWords(run.map((w) => w.text)),
      before: joinWords(
        rank.words.slice(Math.max(0, span.first - CONTEXT_WORDS), span.first).map((w) => w.text),
      ),
      after: joinWords(rank.words.slice(span.last + 1, span.last + 1 + CONTEXT_WORDS).map((w) => w.text)),
      startMs: run[0]!.startMs,
      endMs: Math.max(run[0]!.startMs, run.at(-1)!.endMs),
      score: span.score,
      reasons: span.reasons,
      confidence: span.confidence,
      speakerId: row.speakerId,
      speaker: row.speakerId === null ? null : (row.displayName ?? row.label),
      draftText: span.reasons.includes('draft-changed') ? row.draftText : null,
    };
  });
  return { items, total: spans.length, reviewed: reviewedWords(ctx, params.meetingId), remaining, capped };
}

/** Titles, and the archive's order (newest first) for tie-breaking. */
function meetingInfo(ctx: StoreContext, ids: number[]): Map<number, { title: string; order: number }> {
  const info = new Map<number, { title: string; order: number }>();
  if (ids.length === 0) return info;
  const rows: { id: number; title: string; startedAt: number }[] = [];
  // Chunks stay well under SQLite's bound-parameter limit.
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    rows.push(
      ...ctx
        .sql<{ id: number; title: string; startedAt: number }>(
          `SELECT id, title, started_at AS startedAt FROM meetings WHERE id IN (${chunk.map(() => '?').join(',')})`,
        )
        .all(...chunk),
    );
  }
  rows.sort((a, b) => b.startedAt - a.startedAt || b.id - a.id);
  rows.forEach((r, order) => info.set(r.id, { title: r.title, order }));
  return info;
}

function reviewedWords(ctx: StoreContext, meetingId: number | undefined): number {
  if (meetingId === undefined) {
    return (
      ctx.sql<{ n: number }>('SELECT count(*) AS n FROM words WHERE reviewed_at IS NOT NULL').get()?.n ?? 0
    );
  }
  return (
    ctx
      .sql<{ n: number }>(
        `SELECT count(*) AS n FROM segments s JOIN words w ON w.segment_id = s.id
         WHERE s.meeting_id = ? AND w.reviewed_at IS NOT NULL`,
      )
      .get(meetingId)?.n ?? 0
  );
}
