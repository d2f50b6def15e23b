import { cleanLine, fold, hasTokenChar } from './text';

/**
 * The archive's search language, parsed here and compiled to an FTS5 expression that contains
 * only quoted strings and operators this module writes. User text never reaches MATCH as syntax,
 * so no input can produce an FTS5 syntax error, a column filter, NEAR, or ^.
 *
 *   budget review        both words (any order, anywhere in the segment)
 *   "next quarter"       the exact phrase
 *   -draft               segments without the word (also -"a phrase")
 *   migr*                words starting with "migr" (also "next quar"*)
 *   speaker:ana          spoken by a speaker whose name (or a word of it) starts with "ana";
 *                        speaker:"Ana María" for names with spaces
 *   emotion:angry        segments with that emotion label
 *   after:2024-03-01     meetings started on or after that local date
 *   before:2024-04-01    meetings started before that local date
 *   lowconf              only segments that still have words under the confidence threshold
 *
 * Matching is case- and accent-insensitive (the index's tokenizer folds both). Operator words
 * (AND, OR, NOT, NEAR) are ordinary words here.
 */

export interface QueryTerm {
  /** The text as typed (inside the quotes for a phrase). */
  text: string;
  phrase: boolean;
  /** The last word of the term is a prefix. */
  prefix: boolean;
}

export interface ParsedQuery {
  include: QueryTerm[];
  exclude: QueryTerm[];
  /** Speaker names as typed (matched folded, by word prefix). */
  speakers: string[];
  /** Emotion labels, lower case. */
  emotions: string[];
  /** Local dates, YYYY-MM-DD. */
  before: string | null;
  after: string | null;
  lowConfidence: boolean;
  /** Pieces with nothing searchable in them ("!!!", a lone "*"), dropped; the UI may mention them. */
  ignored: string[];
}

export type ParseResult = { ok: true; query: ParsedQuery } | { ok: false; message: string };

export const MAX_QUERY_LENGTH = 1000;
export const MAX_QUERY_TERMS = 32;
const MAX_FILTER_VALUE = 100;

const FILTER_KEYS = ['speaker', 'emotion', 'before', 'after'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

export function emptyQuery(): ParsedQuery {
  return {
    include: [],
    exclude: [],
    speakers: [],
    emotions: [],
    before: null,
    after: null,
    lowConfidence: false,
    ignored: [],
  };
}

/** True when the query asks for nothing at all (no terms and no filters). */
export function isEmptyQuery(query: ParsedQuery): boolean {
  return (
    query.include.length === 0 &&
    query.exclude.length === 0 &&
    query.speakers.length === 0 &&
    query.emotions.length === 0 &&
    query.before === null &&
    query.after === null &&
    !query.lowConfidence
  );
}

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /\s/u.test(ch);

/** Parses what the user typed. Never throws: anything unusable yields `{ ok: false, message }`. */
export function parseQuery(input: string): ParseResult {
  if (typeof input !== 'string') return { ok: false, message: 'The search must be text.' };
  if (input.length > MAX_QUERY_LENGTH) {
    return {
      ok: false,
      message: `The search is too long (${input.length} characters; at most ${MAX_QUERY_LENGTH}).`,
    };
  }
  // NUL and other controls have no meaning in a search; treat them as spaces.
  // eslint-disable-next-line no-control-regex
  const text = input.replace(/[\u0000-\u001f\u007f]/g, ' ');
  const query = emptyQuery();
  let i = 0;

  /** Reads a quoted string starting at text[i] === '"'; an unclosed quote runs to the end. */
  const readQuoted = (): string => {
    const close = text.indexOf('"', i + 1);
    const value = close < 0 ? text.slice(i + 1) : text.slice(i + 1, close);
    i = close < 0 ? text.length : close + 1;
    return value;
  };
  const readStars = (): boolean => {
    let any = false;
    while (text[i] === '*') {
      any = true;
      i += 1;
    }
    return any;
  };
  const addTerm = (term: QueryTerm, negated: boolean, raw: string): void => {
    if (!hasTokenChar(term.text)) {
      query.ignored.push(raw);
      return;
    }
    (negated ? query.exclude : query.include).push(term);
  };

  while (i < text.length) {
    while (isSpace(text[i])) i += 1;
    if (i >= text.length) break;
    const start = i;
    let negated = false;
    if (text[i] === '-' && i + 1 < text.length && !isSpace(text[i + 1])) {
      negated = true;
      i += 1;
    }
    if (text[i] === '"') {
      const value = readQuoted();
      const prefix = readStars();
      addTerm({ text: value, phrase: true, prefix }, negated, text.slice(start, i));
      continue;
    }
    let end = i;
    while (end < text.length && !isSpace(text[end]) && text[end] !== '"') end += 1;
    const token = text.slice(i, end);
    i = end;

    const filter = /^([a-z]+):(.*)$/isu.exec(token);
    const key = filter?.[1]?.toLowerCase();
    if (filter && FILTER_KEYS.includes(key as FilterKey)) {
      let value = filter[2] ?? '';
      if (value === '' && text[i] === '"') value = readQuoted();
      if (negated)
        return { ok: false, message: `Filters cannot be excluded: remove the "-" before ${key}:.` };
      const error = applyFilter(query, key as FilterKey, value);
      if (error) return { ok: false, message: error };
      continue;
    }
    if (token.toLowerCase() === 'lowconf') {
      if (negated)
        return { ok: false, message: 'Filters cannot be excluded: remove the "-" before lowconf.' };
      query.lowConfidence = true;
      continue;
    }
    const prefix = token.endsWith('*');
    addTerm(
      { text: prefix ? token.replace(/\*+$/u, '') : token, phrase: false, prefix },
      negated,
      text.slice(start, i),
    );
  }

  if (query.include.length + query.exclude.length > MAX_QUERY_TERMS) {
    return { ok: false, message: `Too many search terms (at most ${MAX_QUERY_TERMS}).` };
  }
  return { ok: true, query };
}

function applyFilter(query: ParsedQuery, key: FilterKey, rawValue: string): string | null {
  const value = cleanLine(rawValue);
  if (!value) return `${key}: needs a value, e.g. ${example(key)}.`;
  if (value.length > MAX_FILTER_VALUE)
    return `The ${key}: value is too long (at most ${MAX_FILTER_VALUE} characters).`;
  switch (key) {
    case 'speaker':
      query.speakers.push(value);
      return null;
    case 'emotion': {
      const label = value.toLowerCase();
      if (!/^[\p{L}_-]+$/u.test(label)) return `emotion: expects one word, e.g. ${example(key)}.`;
      query.emotions.push(label);
      return null;
    }
    case 'before':
    case 'after': {
      if (!parseLocalDate(value))
        return `${key}: expects a date as YYYY-MM-DD, e.g. ${example(key)} (got "${value}").`;
      query[key] = value;
      return null;
    }
  }
}

function example(key: FilterKey): string {
  return {
    speaker: 'speaker:ana',
    emotion: 'emotion:angry',
    before: 'before:2024-03-01',
    after: 'after:2024-03-01',
  }[key];
}

/** Start of a local calendar day in epoch ms, or null for anything that is not a real date. */
export function parseLocalDate(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) return null;
  return date.getTime();
}

/** An FTS5 string literal: the only way user text enters an FTS5 expression. */
export function ftsString(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

function ftsTerm(term: QueryTerm): string {
  return ftsString(term.text) + (term.prefix ? ' *' : '');
}

/** What search runs: FTS5 expressions (ours only) plus filters as plain values. */
export interface CompiledQuery {
  /** MATCH expression for the segments/notes that must match, exclusions folded in; null when none. */
  match: string | null;
  /** Expression for the excluded terms when there is no positive term (used as NOT IN). */
  excludeOnly: string | null;
  /** Folded speaker names; a segment matches when its speaker matches any of them. */
  speakers: string[];
  emotions: string[];
  /** Meeting start range, epoch ms: [from, to). */
  from: number | null;
  to: number | null;
  lowConfidence: boolean;
}

export function compileQuery(query: ParsedQuery): CompiledQuery {
  const include = query.include.map(ftsTerm);
  const exclude = query.exclude.map(ftsTerm);
  let match: string | null = null;
  let excludeOnly: string | null = null;
  if (include.length > 0) {
    match = include.join(' AND ');
    if (exclude.length > 0) match = `(${match}) NOT (${exclude.join(' OR ')})`;
  } else if (exclude.length > 0) {
    excludeOnly = exclude.join(' OR ');
  }
  return {
    match,
    excludeOnly,
    speakers: query.speakers.map((s) => fold(s)),
    emotions: [...new Set(query.emotions)],
    from: query.after ? parseLocalDate(query.after) : null,
    to: query.before ? parseLocalDate(query.before) : null,
    lowConfidence: query.lowConfidence,
  };
}
