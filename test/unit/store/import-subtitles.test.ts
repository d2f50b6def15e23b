import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HIGHLIGHT_END, HIGHLIGHT_START, type Store } from '../../../main/store';
import { detectFormat, importFiles, parseSrt, parseVtt } from '../../../main/store/import';
import { parseCueText } from '../../../main/store/import/cue-text';
import { parseSrtTimestamp, parseVttTimestamp } from '../../../main/store/import/timestamps';
import { openTestStore, tempDir } from './helpers';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'transcripts');
const read = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const parse = (name: string) => (name.endsWith('.vtt') ? parseVtt(read(name)) : parseSrt(read(name)));

/**
 * Goldens: <fixture>.expected.json holds the parse result. UPDATE_GOLDENS=1 rewrites them; a
 * rewritten golden must be read by a person before it is committed.
 */
function golden(name: string, actual: unknown): void {
  const file = join(FIXTURES, `${name}.expected.json`);
  const text = `${JSON.stringify(actual, null, 2)}\n`;
  if (process.env.UPDATE_GOLDENS === '1') writeFileSync(file, text);
  if (!existsSync(file)) throw new Error(`missing golden ${file}: run with UPDATE_GOLDENS=1 and review it`);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

describe('subtitle goldens', () => {
  for (const name of ['teams.vtt', 'zoom.vtt', 'plain.srt', 'speakers.srt']) {
    it(`parses ${name} as recorded in its golden`, () => {
      const result = parse(name);
      expect(result.ok).toBe(true);
      golden(name, result);
    });
  }

  it('Teams VTT: BOM, CRLF, header metadata, NOTE/STYLE blocks, ids, settings, voices, entities, multi-voice cue', () => {
    const r = parse('teams.vtt');
    if (!r.ok) throw new Error(r.error.message);
    const t = r.transcript;
    expect(t.language).toBe('en-GB');
    expect(t.speakers.map((s) => s.label)).toEqual(['Ana María', 'Björn Ek']);
    expect(t.segments.map((s) => [s.speakerKey, s.text])).toEqual([
      ['Ana María', 'Good morning & welcome, everyone.'],
      ['Björn Ek', 'Thanks, Ana. First item: the budget.'],
      ['Ana María', 'Agreed.'],
      ['Björn Ek', 'Great!'],
      ['Björn Ek', 'Karaoke timing <3 stays.'],
    ]);
    // The two-voice cue 8.000-10.000 is shared in proportion to the text.
    expect(t.segments.slice(2, 4).map((s) => [s.startMs, s.endMs])).toEqual([
      [8000, 9077],
      [9077, 10000],
    ]);
    expect(t.segments[4]?.startMs).toBe(3_610_250);
  });

  it('Zoom VTT: "Name: " prefixes become speakers; a cue without one continues the previous speaker', () => {
    const r = parse('zoom.vtt');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.transcript.segments.map((s) => s.speakerKey)).toEqual([
      'Lena Fischer',
      "Tom O'Brien",
      "Tom O'Brien",
      'Lena Fischer',
      'Lena Fischer',
    ]);
    expect(r.transcript.segments[1]?.text).toBe('Yes. Note: the agenda is short.');
  });

  it('SRT: tags and {\\an8} removed, coordinates ignored, a missing blank line and loose timestamps tolerated', () => {
    const r = parse('plain.srt');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.transcript.segments.map((s) => [s.startMs, s.endMs, s.text])).toEqual([
      [1000, 3500, 'Hello there.'],
      [4000, 6000, 'Two lines of subtitle & more'],
      [6500, 7000, 'Red text'],
      [7100, 8000, 'Missing blank line before me.'],
      [3_723_450, 3_724_500, 'Loose timestamps.'],
    ]);
    expect(r.transcript.speakers).toEqual([]);
  });
});

describe('broken files: an error naming the line', () => {
  const cases: [string, number | null, RegExp][] = [
    ['broken-header.vtt', 1, /first line must be "WEBVTT"/],
    ['broken-timestamp.vtt', 6, /Invalid end time "00:61:04.000"/],
    ['broken-order.vtt', 6, /ends \(00:00:04.000\) before it starts/],
    ['broken-missing-timing.vtt', 4, /Expected a cue timing line/],
    ['broken-empty.vtt', null, /no cues with text/],
    ['broken-missing-timing.srt', 6, /Expected a timing line after cue number 2/],
    ['broken-timestamp.srt', 6, /Invalid end time "00:00:0x,000"/],
  ];
  for (const [name, line, message] of cases) {
    it(name, () => {
      const r = parse(name);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.line).toBe(line);
      expect(r.error.message).toMatch(message);
    });
  }
});

describe('pieces', () => {
  it('timestamps: VTT hours optional, minutes/seconds < 60; SRT lenient digits', () => {
    expect(parseVttTimestamp('01:02.345')).toBe(62_345);
    expect(parseVttTimestamp('100:00:00.000')).toBe(360_000_000);
    expect(parseVttTimestamp('00:60.000')).toBeNull();
    expect(parseVttTimestamp('00:00:01,000')).toBeNull();
    expect(parseSrtTimestamp('0:0:1,5')).toBe(1500);
    expect(parseSrtTimestamp('00:00:01.250')).toBe(1250);
    expect(parseSrtTimestamp('00:61:00,000')).toBeNull();
  });

  it('cue text: voices with classes, unclosed voice, numeric entities, unknown tags dropped', () => {
    expect(parseCueText('<v.a.b Jo Ann>Hi &#233;&#x1F600; <b>there</b>', { decode: true })).toEqual([
      { voice: 'Jo Ann', text: 'Hi é😀 there' },
    ]);
    expect(parseCueText('<v A>one</v> two <v B>three', { decode: true })).toEqual([
      { voice: 'A', text: 'one two' },
      { voice: 'B', text: 'three' },
    ]);
  });

  it('detects the format by extension, else by content', () => {
    expect(detectFormat('a.VTT', '')).toBe('vtt');
    expect(detectFormat('a.txt', '\uFEFFWEBVTT\n')).toBe('vtt');
    expect(detectFormat('a', '1\r\n00:00:01,000 --> 00:00:02,000\r\nx')).toBe('srt');
    expect(detectFormat('a', '{"format": "verbatim.meeting"}')).toBe('json');
    expect(detectFormat('a.docx', 'PK')).toBeNull();
  });
});

describe('importFiles', () => {
  let store: Store;
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    store = openTestStore(dir);
  });
  afterEach(() => {
    store.close();
    cleanup();
  });

  it('imports good files as meetings and reports broken ones per file, importing nothing from them', async () => {
    const results = await importFiles(store.ctx, [
      join(FIXTURES, 'teams.vtt'),
      join(FIXTURES, 'broken-order.vtt'),
      join(FIXTURES, 'speakers.srt'),
      join(dir, 'missing.vtt'),
    ]);
    expect(results.map((r) => (r.ok ? ['ok', r.title, r.segments] : ['error', r.error.line]))).toEqual([
      ['ok', 'teams', 5],
      ['error', 6],
      ['ok', 'speakers', 3],
      ['error', null],
    ]);
    expect(
      store.meetings
        .list()
        .map((m) => m.title)
        .sort(),
    ).toEqual(['speakers', 'teams']);
    const found = store.search({ query: 'budget speaker:björn' });
    expect(found.ok && found.hits.map((h) => [h.meetingTitle, h.speakerName, h.startMs])).toEqual([
      ['teams', 'Björn Ek', 5000],
    ]);
    // Subtitles have no word timing: words are estimated inside the cue, confidence unknown.
    const teams = store.meetings.detail(results[0]?.ok ? results[0].meetingId : 0);
    const first = teams?.segments[0];
    expect(first?.words.map((w) => w.text)).toEqual(['Good', 'morning', '&', 'welcome,', 'everyone.']);
    expect(first?.words.every((w) => w.confidence === null && w.startMs >= 1000 && w.endMs <= 4500)).toBe(
      true,
    );
    expect(teams?.meeting).toMatchObject({ status: 'done', durationMs: 3_612_000, language: 'en-GB' });
  });

  it('reads UTF-16 files with a byte order mark and Windows-1252 files', async () => {
    const utf16 = join(dir, 'utf16.srt');
    const text = '1\r\n00:00:01,000 --> 00:00:02,000\r\nCafé crème\r\n';
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const latin = join(dir, 'latin1.srt');
    writeFileSync(latin, Buffer.from(text, 'latin1'));
    const results = await importFiles(store.ctx, [utf16, latin]);
    expect(results.every((r) => r.ok)).toBe(true);
    const found = store.search({ query: 'creme' });
    expect(
      found.ok &&
        found.hits.map((h) => h.snippet.replaceAll(HIGHLIGHT_START, '').replaceAll(HIGHLIGHT_END, '')),
    ).toEqual(['Café crème', 'Café crème']);
  });
});
