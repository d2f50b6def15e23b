import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../main/store';
import { compileQuery, ftsString, MAX_QUERY_LENGTH, parseQuery } from '../../../main/store/query';
import { openTestStore, seedMeeting, tempDir } from './helpers';

function parsed(text: string) {
  const r = parseQuery(text);
  if (!r.ok) throw new Error(r.message);
  return r.query;
}

describe('parseQuery', () => {
  it('reads words, phrases, prefixes and exclusions', () => {
    expect(parsed('budget "next quarter" migr* -draft -"old plan" "rev"*')).toMatchObject({
      include: [
        { text: 'budget', phrase: false, prefix: false },
        { text: 'next quarter', phrase: true, prefix: false },
        { text: 'migr', phrase: false, prefix: true },
        { text: 'rev', phrase: true, prefix: true },
      ],
      exclude: [
        { text: 'draft', phrase: false, prefix: false },
        { text: 'old plan', phrase: true, prefix: false },
      ],
    });
  });

  it('reads filters, case-insensitively, with quoted values', () => {
    expect(
      parsed('Speaker:"Ana María" EMOTION:Angry after:2024-01-31 before:2024-03-01 LowConf'),
    ).toMatchObject({
      include: [],
      speakers: ['Ana María'],
      emotions: ['angry'],
      after: '2024-01-31',
      before: '2024-03-01',
      lowConfidence: true,
    });
  });

  it('treats operator words and unknown column filters as plain words', () => {
    expect(parsed('a OR b NEAR text:secret').include.map((t) => t.text)).toEqual([
      'a',
      'OR',
      'b',
      'NEAR',
      'text:secret',
    ]);
  });

  it('closes an unterminated quote at the end and ignores pieces without letters or digits', () => {
    expect(parsed('"open phrase').include).toEqual([{ text: 'open phrase', phrase: true, prefix: false }]);
    expect(parsed('hello !!! * -- ""').ignored).toEqual(['!!!', '*', '--', '""']);
  });

  it('explains what is wrong instead of guessing', () => {
    const message = (text: string): string => {
      const r = parseQuery(text);
      return r.ok ? '' : r.message;
    };
    expect(message('before:yesterday')).toMatch(/before: expects a date as YYYY-MM-DD/);
    expect(message('after:2023-02-29')).toMatch(/after: expects a date/);
    expect(message('speaker:')).toMatch(/speaker: needs a value/);
    expect(message('emotion:very angry')).toBe('');
    expect(message('emotion:"very angry"')).toMatch(/emotion: expects one word/);
    expect(message('-lowconf')).toMatch(/cannot be excluded/);
    expect(message('x'.repeat(MAX_QUERY_LENGTH + 1))).toMatch(/too long/);
    expect(message(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))).toMatch(/Too many search terms/);
  });
});

describe('compileQuery', () => {
  it('quotes every term, adding only its own operators', () => {
    const c = compileQuery(parsed('say "he said" NOT* OR -x -NEAR'));
    expect(c.match).toBe('("say" AND "he said" AND "NOT" * AND "OR") NOT ("x" OR "NEAR")');
  });

  it('escapes double quotes inside an FTS5 string by doubling them', () => {
    expect(ftsString('he said "hi"')).toBe('"he said ""hi"""');
  });

  it('puts exclusions of a query without words in a separate expression', () => {
    expect(compileQuery(parsed('-a -"b c"'))).toMatchObject({ match: null, excludeOnly: '"a" OR "b c"' });
  });
});

/**
 * The shape of every expression compileQuery may produce: FTS5 strings, '*', AND/OR/NOT and
 * parentheses. Anything else in a MATCH expression came from the user unquoted.
 */
function onlyOurSyntax(expression: string): boolean {
  const rest = expression
    .replace(/"(?:[^"]|"")*"/gu, ' S ')
    .replace(/\b(?:AND|OR|NOT)\b/gu, ' ')
    .replace(/[()*]/gu, ' ');
  return rest.replace(/\bS\b/gu, '').trim() === '';
}

describe('query fuzz: 10,000 random and adversarial searches', () => {
  let store: Store;
  let cleanup: () => void;
  beforeAll(() => {
    const t = tempDir();
    cleanup = t.cleanup;
    store = openTestStore(t.dir);
    seedMeeting(store);
    seedMeeting(store, { title: 'Second' });
  });
  afterAll(() => {
    store.close();
    cleanup();
  });

  const pieces = [
    '"',
    '""',
    "'",
    '(',
    ')',
    '*',
    '^',
    '-',
    '--',
    ':',
    '+',
    '{',
    '}',
    '[',
    ']',
    '\\',
    ';',
    '%',
    '_',
    ',',
    'AND',
    'OR',
    'NOT',
    'NEAR',
    'NEAR(',
    'NEAR(a b, 2)',
    'text:',
    'text:budget',
    '{text}:x',
    'segments_fts:',
    'rank',
    'bm25(',
    'speaker:',
    'speaker:ana',
    'speaker:"Ana',
    'emotion:',
    'emotion:angry',
    'before:',
    'after:2024-01-01',
    'before:2024-13-45',
    'lowconf',
    '-lowconf',
    '-speaker:ana',
    'budget',
    'résumé',
    'RÉSUMÉ',
    'the',
    'migr*',
    '"next quarter"',
    '\u0000',
    '\u0002',
    '\u0003',
    '\t',
    '\n',
    '😀',
    '👩‍💻',
    'é',
    'e\u0301',
    '\u0301',
    '中文',
    '日本語',
    'ﬁ',
    'İ',
    '\ud800',
    '\udfff',
    '\u202e',
    '\ufeff',
    "'; DROP TABLE meetings; --",
    'x*y',
    '*x',
    '**',
    '""*',
    '"a"*"b"',
    'a"b',
    '0',
    '-1',
    '1e9',
  ];
  const soup = fc
    .array(fc.tuple(fc.constantFrom(...pieces), fc.constantFrom('', ' ', '  ', '\t', '"', '-')), {
      maxLength: 40,
    })
    .map((parts) => parts.map(([p, sep]) => p + sep).join(''));
  const queries = fc.oneof(
    { weight: 8, arbitrary: soup },
    { weight: 4, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 100 }) },
    // 10 KB: over the length limit, must come back as a message (fewer of them: they are slow to generate).
    { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 10_000, maxLength: 10_240 }) },
  );

  it('never throws, always answers with results or a message, and only ever emits our FTS5 syntax', () => {
    let answered = 0;
    let messages = 0;
    fc.assert(
      fc.property(queries, (query) => {
        const result = store.search({ query, limit: 5 });
        if (result.ok) {
          expect(Array.isArray(result.hits)).toBe(true);
          answered += 1;
        } else {
          expect(result.message.length).toBeGreaterThan(0);
          messages += 1;
        }
        const p = parseQuery(query);
        if (p.ok) {
          const c = compileQuery(p.query);
          for (const e of [c.match, c.excludeOnly]) if (e !== null) expect(onlyOurSyntax(e)).toBe(true);
        }
      }),
      { numRuns: 10_000, seed: 20240301 },
    );
    // Both outcomes occur: the fuzz reaches real searches, not only rejections.
    expect(answered).toBeGreaterThan(5000);
    expect(messages).toBeGreaterThan(100);
  });
});
