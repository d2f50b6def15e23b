import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../main/store';
import { exportJson } from '../../../main/store/export';
import { importFiles, parseArchiveJson } from '../../../main/store/import';
import { openTestStore, seedMeeting, tempDir } from './helpers';

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

/** A meeting with the awkward parts: corrections, accepted words, a segment with no speaker, unicode, odd floats. */
function richMeeting(): number {
  const { meeting, segments, ana } = seedMeeting(store, { title: 'Ünïcödé "quotes" & 中文 😀' });
  store.segments.correctWord(segments[0]?.id ?? 0, 1, 'CV');
  store.segments.acceptWord(segments[2]?.id ?? 0, 0);
  store.speakers.rename(ana.id, 'Ana Lopez');
  store.speakers.add(meeting.id, { label: 'S9', channel: 'system', colour: '#ff8800' }); // never spoke
  store.segments.insertFinal({
    meetingId: meeting.id,
    channel: 'system',
    startMs: 10_000,
    endMs: 10_000,
    text: 'Unattributed 0.1 + 0.2',
    confidence: 0.1 + 0.2,
    emotionScore: 1 / 3,
    language: 'en',
    words: [{ text: 'Unattributed', startMs: 10_000, endMs: 10_000, confidence: 0.30000000000000004 }],
  });
  store.meetings.updateState(meeting.id, { endedAt: Date.UTC(2024, 2, 1, 10, 0), language: 'en' });
  return meeting.id;
}

describe('JSON export', () => {
  it('export -> import -> export gives identical bytes', async () => {
    const id = richMeeting();
    const first = exportJson(store.meetings.detail(id)!);
    const file = join(dir, 'meeting.json');
    writeFileSync(file, first);
    const [result] = await importFiles(store.ctx, [file]);
    expect(result?.ok).toBe(true);
    const second = exportJson(store.meetings.detail(result?.ok ? result.meetingId : 0)!);
    expect(second).toBe(first);
    // And the imported copy is a real, searchable meeting.
    const found = store.search({ query: 'CV speaker:lopez' });
    expect(found.ok && found.hits.map((h) => h.meetingId).sort()).toEqual(
      [id, result?.ok ? result.meetingId : 0].sort(),
    );
  });

  it('keeps the facts: corrections, review times, speakerless segments, confidences', () => {
    const id = richMeeting();
    const doc = JSON.parse(exportJson(store.meetings.detail(id)!));
    expect(doc).toMatchObject({ format: 'verbatim.meeting', version: 1 });
    expect(doc.segments[0].words[1]).toMatchObject({
      text: 'CV',
      originalText: 'résumé',
      reviewedAt: expect.any(String),
    });
    expect(doc.segments.at(-1)).toMatchObject({
      speaker: null,
      confidence: 0.30000000000000004,
      emotionScore: 1 / 3,
    });
    expect(doc.speakers.map((s: { key: string }) => s.key)).toEqual(['s1', 's2', 's3']);
    // No database ids, no export time: nothing that would differ between two exports of equal meetings.
    expect(JSON.stringify(doc)).not.toMatch(/"id"|exportedAt|createdAt/);
  });
});

describe('JSON import errors name the line and import nothing', () => {
  const valid = (): string => exportJson(store.meetings.detail(richMeeting())!);

  it('a schema error: the line of the offending value', () => {
    const text = valid().replace('"startMs": 4000', '"startMs": "4000"');
    const line = text.split('\n').findIndex((l) => l.includes('"startMs": "4000"')) + 1;
    const r = parseArchiveJson(text);
    expect(r).toEqual({
      ok: false,
      error: { line, message: expect.stringMatching(/^segments\[1\]\.startMs: /) },
    });
  });

  it('an unknown key: the line of that key', () => {
    const text = valid().replace('"revision": 0,', '"revision": 0,\n      "mood": "x",');
    const line = text.split('\n').findIndex((l) => l.includes('"mood"')) + 1;
    const r = parseArchiveJson(text);
    expect(r.ok ? 0 : r.error.line).toBe(line);
  });

  it('a speaker that does not exist, a word ending before it starts', () => {
    expect(parseArchiveJson(valid().replace('"speaker": "s2"', '"speaker": "s7"'))).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/unknown speaker "s7"/) },
    });
    const backwards = valid().replace(
      /"startMs": 7000,\n(\s+)"endMs": 7250/,
      '"startMs": 7000,\n$1"endMs": 6000',
    );
    expect(parseArchiveJson(backwards)).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/ends before it starts/) },
    });
  });

  it('a syntax error: the line where the JSON breaks', () => {
    const text = '{\n  "format": "verbatim.meeting",\n  "version": 1,\n  "meeting": {\n    "title": "x",,\n';
    expect(parseArchiveJson(text)).toMatchObject({
      ok: false,
      error: { line: 5, message: expect.stringMatching(/Not valid JSON/) },
    });
  });

  it('another JSON file, a newer format version', () => {
    expect(parseArchiveJson('{"hello": 1}')).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/Not a Verbatim meeting export/) },
    });
    expect(parseArchiveJson(valid().replace('"version": 1', '"version": 2'))).toMatchObject({
      ok: false,
      error: { line: 3, message: expect.stringMatching(/newer version of Verbatim/) },
    });
  });

  it('a broken file among good ones leaves no meeting behind', async () => {
    const text = valid();
    const good = join(dir, 'good.json');
    const broken = join(dir, 'broken.json');
    writeFileSync(good, text);
    writeFileSync(broken, text.replace('"kind": "bookmark"', '"kind": "sticker"'));
    const before = store.meetings.count();
    const [okResult, badResult] = await importFiles(store.ctx, [good, broken]);
    expect(okResult?.ok).toBe(true);
    expect(badResult).toMatchObject({
      ok: false,
      error: { line: expect.any(Number), message: expect.stringMatching(/notes\[1\]\.kind/) },
    });
    expect(store.meetings.count()).toBe(before + 1);
  });
});
