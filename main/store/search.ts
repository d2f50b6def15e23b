import {
  compileQuery,
  emptyQuery,
  ftsString,
  isEmptyQuery,
  parseQuery,
  type CompiledQuery,
  type QueryTerm,
} from './query';
import { tokens } from './text';
import type { StoreContext } from './repositories/context';
import { DEFAULT_CONFIDENCE_THRESHOLD } from './types';

/**
 * Search over the archive: the query language (./query) plus structured filters, run against
 * the FTS5 indexes of segments and notes. Results carry a snippet in which every matched token is
 * wrapped in HIGHLIGHT_START ... HIGHLIGHT_END: control characters that cannot occur in stored
 * text (the store strips them on write), so the UI can split on them without parsing or escaping
 * HTML.
 */
export const HIGHLIGHT_START = '\u0002';
export const HIGHLIGHT_END = '\u0003';

/**
 * Ranking by bm25 costs about 2 µs per matching segment (FTS5 scores every match before sorting),
 * so a term found in 400,000 segments would take most of a second. Above this many matches the
 * results come newest first instead, which streams from the index and stops at the page size;
 * with that many matches the user is about to refine the search anyway. SearchResult.order says
 * which order was used.
 */
export const DEFAULT_RANK_LIMIT = 10_000;

export interface SearchParams {
  /** Text in the query language; may hold filters too. Empty with no filters: no results. */
  query?: string;
  meetingIds?: number[];
  speakerIds?: number[];
  emotions?: string[];
  /** Meeting start range, epoch ms: from inclusive, to exclusive. */
  from?: number;
  to?: number;
  /** Only segments with words below the confidence threshold that nobody has reviewed. */
  lowConfidence?: boolean;
  confidenceThreshold?: number;
  /** Match user notes too (default true; notes come back in `notes`, first page only). */
  includeNotes?: boolean;
  limit?: number;
  offset?: number;
}

export interface SearchHit {
  kind: 'segment' | 'note';
  /** Segment id or note id. */
  id: number;
  meetingId: number;
  meetingTitle: string;
  meetingStartedAt: number;
  /** Where to open the meeting; null for a note about the whole meeting. */
  startMs: number | null;
  endMs: number | null;
  speakerId: number | null;
  speakerName: string | null;
  emotion: string | null;
  snippet: string;
  /** bm25 (lower is better); null when ordered by recency or for filter-only searches. */
  rank: number | null;
}

export type SearchResult =
  | {
      ok: true;
      hits: SearchHit[];
      /** Matching notes (top `limit` by rank), only on the first page. */
      notes: SearchHit[];
      hasMore: boolean;
      /** 'rank': best match first; 'recent': newest first (too many matches to rank, or no words to rank by). */
      order: 'rank' | 'recent';
      /** Parts of the query with nothing searchable in them, which were left out. */
      ignored: string[];
    }
  | { ok: false; message: string };

export interface SearchOptions {
  rankLimit?: number;
  /** Tokens of context in a snippet. */
  snippetTokens?: number;
}

const MAX_LIMIT = 200;
const FILTER_SNIPPET_CHARS = 240;

interface Filters {
  meetingIds: number[] | null;
  speakerIds: number[] | null;
  speakerPatterns: string[] | null;
  emotions: string[] | null;
  from: number | null;
  to: number | null;
  lowConfidence: boolean;
  threshold: number;
}

/** A query the search runs: SQL text built only from our fragments, values all bound. */
export interface BuiltQuery {
  sql: string;
  params: Record<string, unknown>;
}

const clampInt = (value: number | undefined, min: number, max: number, fallback: number): number =>
  value === undefined || !Number.isFinite(value) ? fallback : Math.min(Math.max(Math.trunc(value), min), max);

const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function mergeFilters(compiled: CompiledQuery, params: SearchParams): Filters {
  const ints = (values: number[] | undefined): number[] | null =>
    values && values.length ? values.filter((v) => Number.isSafeInteger(v)) : null;
  const emotions = [...compiled.emotions, ...(params.emotions ?? []).map((e) => e.trim().toLowerCase())];
  const max = (a: number | null, b: number | undefined): number | null =>
    b === undefined || !Number.isFinite(b) ? a : a === null ? b : Math.max(a, b);
  const min = (a: number | null, b: number | undefined): number | null =>
    b === undefined || !Number.isFinite(b) ? a : a === null ? b : Math.min(a, b);
  const threshold = params.confidenceThreshold ?? DEFAULT_CONFIDENCE_THRESHOLD;
  return {
    meetingIds: ints(params.meetingIds),
    speakerIds: ints(params.speakerIds),
    // "% ana%" against " <folded display name and label>": any word of the name starting so.
    speakerPatterns: compiled.speakers.length ? compiled.speakers.map((s) => `% ${likeEscape(s)}%`) : null,
    emotions: emotions.length ? [...new Set(emotions)] : null,
    from: max(compiled.from, params.from),
    to: min(compiled.to, params.to),
    lowConfidence: compiled.lowConfidence || params.lowConfidence === true,
    threshold: Number.isFinite(threshold)
      ? Math.min(Math.max(threshold, 0), 1)
      : DEFAULT_CONFIDENCE_THRESHOLD,
  };
}

/** Filters that only make sense for spoken segments; a search using them finds no notes. */
function hasSegmentOnlyFilters(f: Filters): boolean {
  return f.speakerIds !== null || f.speakerPatterns !== null || f.emotions !== null || f.lowConfidence;
}

function filterClauses(f: Filters, row: 's' | 'n'): BuiltQuery {
  const clauses: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.meetingIds) {
    clauses.push(`${row}.meeting_id IN (SELECT value FROM json_each(:meetingIds))`);
    params.meetingIds = JSON.stringify(f.meetingIds);
  }
  if (f.from !== null) {
    clauses.push('m.started_at >= :from');
    params.from = f.from;
  }
  if (f.to !== null) {
    clauses.push('m.started_at < :to');
    params.to = f.to;
  }
  if (row === 's') {
    if (f.speakerIds) {
      clauses.push('s.speaker_id IN (SELECT value FROM json_each(:speakerIds))');
      params.speakerIds = JSON.stringify(f.speakerIds);
    }
    if (f.speakerPatterns) {
      clauses.push(`s.speaker_id IN (
        SELECT fsp.id FROM speakers fsp, json_each(:speakerPatterns) p
        WHERE ' ' || fsp.search_name LIKE p.value ESCAPE '\\')`);
      params.speakerPatterns = JSON.stringify(f.speakerPatterns);
    }
    if (f.emotions) {
      clauses.push('s.emotion IN (SELECT value FROM json_each(:emotions))');
      params.emotions = JSON.stringify(f.emotions);
    }
    if (f.lowConfidence) {
      clauses.push('s.min_word_confidence < :threshold');
      params.threshold = f.threshold;
    }
  }
  return { sql: clauses.map((c) => `AND ${c}`).join('\n'), params };
}

const SEGMENT_HIT_COLUMNS = `'segment' AS kind, s.id AS id, s.meeting_id AS meetingId, m.title AS meetingTitle,
  m.started_at AS meetingStartedAt, s.start_ms AS startMs, s.end_ms AS endMs, s.speaker_id AS speakerId,
  coalesce(sp.display_name, sp.label) AS speakerName, s.emotion AS emotion`;

/**
 * Segments matching an FTS expression. The FTS table drives the join (CROSS JOIN fixes the order)
 * so FTS5 itself delivers rows in rank or rowid order and the LIMIT stops it early; snippet() then
 * runs only for the rows returned.
 */
export function buildSegmentMatchQuery(
  match: string,
  f: Filters,
  order: 'rank' | 'recent',
  page: { limit: number; offset: number },
  snippetTokens: number,
): BuiltQuery {
  const filters = filterClauses(f, 's');
  return {
    sql: `SELECT ${SEGMENT_HIT_COLUMNS},
        snippet(segments_fts, 0, char(2), char(3), '…', ${snippetTokens}) AS snippet,
        ${order === 'rank' ? 'segments_fts.rank' : 'NULL'} AS rank
      FROM segments_fts
      CROSS JOIN segments s ON s.id = segments_fts.rowid
      CROSS JOIN meetings m ON m.id = s.meeting_id
      LEFT JOIN speakers sp ON sp.id = s.speaker_id
      WHERE segments_fts MATCH :match
      ${filters.sql}
      ORDER BY ${order === 'rank' ? 'segments_fts.rank' : 'segments_fts.rowid DESC'}
      LIMIT :limit OFFSET :offset`,
    params: { ...filters.params, match, limit: page.limit, offset: page.offset },
  };
}

/** Filters (and exclusions) without words: newest meetings first, each in transcript order. */
export function buildSegmentFilterQuery(
  excludeOnly: string | null,
  f: Filters,
  page: { limit: number; offset: number },
): BuiltQuery {
  const filters = filterClauses(f, 's');
  const exclusion = excludeOnly
    ? 'AND s.id NOT IN (SELECT rowid FROM segments_fts WHERE segments_fts MATCH :exclude)'
    : '';
  return {
    sql: `SELECT ${SEGMENT_HIT_COLUMNS},
        substr(s.text, 1, ${FILTER_SNIPPET_CHARS + 1}) AS snippet, NULL AS rank
      FROM meetings m
      CROSS JOIN segments s ON s.meeting_id = m.id
      LEFT JOIN speakers sp ON sp.id = s.speaker_id
      WHERE 1
      ${filters.sql}
      ${exclusion}
      ORDER BY m.started_at DESC, m.id DESC, s.start_ms, s.id
      LIMIT :limit OFFSET :offset`,
    params: {
      ...filters.params,
      ...(excludeOnly ? { exclude: excludeOnly } : {}),
      limit: page.limit,
      offset: page.offset,
    },
  };
}

export function buildNoteMatchQuery(
  match: string,
  f: Filters,
  limit: number,
  snippetTokens: number,
): BuiltQuery {
  const filters = filterClauses(f, 'n');
  return {
    sql: `SELECT 'note' AS kind, n.id AS id, n.meeting_id AS meetingId, m.title AS meetingTitle,
        m.started_at AS meetingStartedAt, n.at_ms AS startMs, NULL AS endMs, NULL AS speakerId,
        NULL AS speakerName, NULL AS emotion,
        snippet(notes_fts, 0, char(2), char(3), '…', ${snippetTokens}) AS snippet, notes_fts.rank AS rank
      FROM notes_fts
      CROSS JOIN notes n ON n.id = notes_fts.rowid
      CROSS JOIN meetings m ON m.id = n.meeting_id
      WHERE notes_fts MATCH :match
      ${filters.sql}
      ORDER BY notes_fts.rank
      LIMIT :limit`,
    params: { ...filters.params, match, limit },
  };
}

/** Runs a search. Never throws for anything the user typed: bad input gives `{ ok: false, message }`. */
export function searchArchive(
  ctx: StoreContext,
  params: SearchParams,
  options: SearchOptions = {},
): SearchResult {
  let parsed = emptyQuery();
  if (params.query !== undefined && params.query.trim() !== '') {
    const result = parseQuery(params.query);
    if (!result.ok) return result;
    parsed = result.query;
  }
  const compiled = compileQuery(parsed);
  const filters = mergeFilters(compiled, params);
  const limit = clampInt(params.limit, 1, MAX_LIMIT, 20);
  const offset = clampInt(params.offset, 0, Number.MAX_SAFE_INTEGER, 0);
  const snippetTokens = clampInt(options.snippetTokens, 4, 64, 16);
  const page = { limit: limit + 1, offset }; // one extra row tells whether there is a next page
  const structured =
    filters.meetingIds !== null ||
    filters.speakerIds !== null ||
    filters.speakerPatterns !== null ||
    filters.emotions !== null ||
    filters.from !== null ||
    filters.to !== null ||
    filters.lowConfidence;
  if (isEmptyQuery(parsed) && !structured) {
    return { ok: true, hits: [], notes: [], hasMore: false, order: 'rank', ignored: parsed.ignored };
  }

  let hits: SearchHit[];
  let notes: SearchHit[] = [];
  let order: 'rank' | 'recent' = 'recent';
  if (compiled.match !== null) {
    const match = compiled.match;
    const plan = planMatch(ctx, parsed.include, match, options.rankLimit ?? DEFAULT_RANK_LIMIT, structured);
    order = plan.order;
    hits = run(ctx, buildSegmentMatchQuery(match, filters, order, page, snippetTokens));
    if (offset === 0 && params.includeNotes !== false && !hasSegmentOnlyFilters(filters)) {
      notes = run(ctx, buildNoteMatchQuery(match, filters, limit, snippetTokens));
    }
  } else {
    hits = run(ctx, buildSegmentFilterQuery(compiled.excludeOnly, filters, page)).map((hit) =>
      hit.snippet.length > FILTER_SNIPPET_CHARS
        ? { ...hit, snippet: `${hit.snippet.slice(0, FILTER_SNIPPET_CHARS)}…` }
        : hit,
    );
  }
  const hasMore = hits.length > limit;
  return {
    ok: true,
    hits: hasMore ? hits.slice(0, limit) : hits,
    notes,
    hasMore,
    order,
    ignored: parsed.ignored,
  };
}

const countCapped = (ctx: StoreContext, expression: string, cap: number): number =>
  ctx
    .sql<{ n: number }>(
      'SELECT count(*) AS n FROM (SELECT 1 FROM segments_fts WHERE segments_fts MATCH ? LIMIT ?)',
    )
    .get(expression, cap)?.n ?? 0;

/**
 * How to order a text search, spending as few passes over the index as possible. FTS5 ranks by
 * scoring every match, so ranking costs one pass plus bm25 per match; counting matches costs a
 * pass too. Every match contains each token of the query, so the least frequent token bounds the
 * number of matches, and counting a single token's documents (capped) is cheap:
 * - some token is in at most `rankLimit` segments: rank (one pass, driven by that rare token);
 * - a single common word: more than `rankLimit` matches for sure: newest first, streamed;
 * - only common tokens combined (a phrase or several words), no filters: newest first, streamed,
 *   so the LIMIT stops the scan as soon as a page is found (ranking would cost a full pass to score
 *   every match, and collecting the matches first only to serve them in the same order cost a
 *   full pass too: the phrase p95 budget of issue 3 was lost there);
 * - the same with filters: one capped count of the matches; above `rankLimit` they stay
 *   in that order, below it the filtered query ranks them (the count ignores filters).
 * The token split here only approximates FTS5's tokenizer: a wrong guess can cost time, never
 * change which segments match.
 */
function planMatch(
  ctx: StoreContext,
  include: readonly QueryTerm[],
  match: string,
  rankLimit: number,
  filtered: boolean,
): { order: 'rank' | 'recent' } {
  const probes: string[] = [];
  for (const term of include) {
    const parts = tokens(term.text);
    parts.forEach((token, i) =>
      probes.push(ftsString(token) + (term.prefix && i === parts.length - 1 ? ' *' : '')),
    );
  }
  // Longer tokens are usually rarer: try them first, stop at the first rare one.
  probes.sort((a, b) => b.length - a.length);
  for (const probe of probes) {
    if (countCapped(ctx, probe, rankLimit + 1) <= rankLimit) return { order: 'rank' };
  }
  if (probes.length <= 1 || !filtered) return { order: 'recent' };
  return { order: countCapped(ctx, match, rankLimit + 1) > rankLimit ? 'recent' : 'rank' };
}

function run(ctx: StoreContext, query: BuiltQuery): SearchHit[] {
  return ctx.sql<SearchHit>(query.sql).all(query.params);
}

/** Splits a snippet into plain and highlighted runs, for renderers and exports. */
export function snippetParts(snippet: string): { text: string; highlight: boolean }[] {
  const parts: { text: string; highlight: boolean }[] = [];
  const re = new RegExp(`${HIGHLIGHT_START}([^${HIGHLIGHT_START}${HIGHLIGHT_END}]*)${HIGHLIGHT_END}`, 'gu');
  let last = 0;
  for (let m = re.exec(snippet); m; m = re.exec(snippet)) {
    if (m.index > last) parts.push({ text: snippet.slice(last, m.index), highlight: false });
    parts.push({ text: m[1] ?? '', highlight: true });
    last = m.index + m[0].length;
  }
  if (last < snippet.length) parts.push({ text: snippet.slice(last), highlight: false });
  return parts;
}
