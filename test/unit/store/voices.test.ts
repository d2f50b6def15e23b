import { readFileSync, existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, type Store } from '../../../main/store';
import { openTestStore, seedMeeting, tempDir, words } from './helpers';

/**
 * Speaker centroids, split/merge and voiceprints in the store (issue 7, migration 004), including the
 * promise that a forgotten voice is gone from the file, not just unlinked.
 */

let dir: { dir: string; cleanup: () => void };
let store: Store;

beforeEach(() => {
  dir = tempDir();
  store = openTestStore(dir.dir);
});
afterEach(() => {
  store.close();
  dir.cleanup();
});

/** A vector whose float32 bytes are easy to find in a file and not found anywhere by chance. */
function distinctive(seed: number, dim = 192): Float32Array {
  const v = new Float32Array(dim);
  let s = seed;
  for (let i = 0; i < dim; i++) v[i] = ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.17;
  return v;
}

const bytesOf = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/** The database file plus its write-ahead log, as they are on disk now. */
function onDisk(file: string): Buffer {
  return Buffer.concat([
    readFileSync(file),
    existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0),
  ]);
}

describe('speaker centroids', () => {
  it('keeps a centroid with its model, per speaker, and can drop it', () => {
    const { meeting, ana, you } = seedMeeting(store);
    const c = distinctive(1);
    store.speakers.setCentroid(ana.id, c, 'campplus-192');
    const got = store.speakers.centroid(ana.id)!;
    expect(got.modelId).toBe('campplus-192');
    expect([...got.embedding]).toEqual([...c]);
    expect(store.speakers.centroid(you.id)).toBeNull();
    expect(store.speakers.centroids(meeting.id).map((x) => x.speakerId)).toEqual([ana.id]);
    store.speakers.setCentroid(ana.id, null);
    expect(store.speakers.centroid(ana.id)).toBeNull();
  });

  it('refuses a centroid without a model, a broken vector, or an unknown speaker', () => {
    const { ana } = seedMeeting(store);
    expect(() => store.speakers.setCentroid(ana.id, distinctive(1), '')).toThrow(StoreError);
    expect(() => store.speakers.setCentroid(ana.id, new Float32Array([1, NaN]), 'm')).toThrow(/finite/);
    expect(() => store.speakers.setCentroid(9999, distinctive(1), 'm')).toThrow(/does not exist/);
  });

  it('merge keeps the target speaker but takes the centroid and voiceprint only the other had', () => {
    const { meeting, ana, segments } = seedMeeting(store);
    const s2 = store.speakers.add(meeting.id, { label: 'S2', channel: 'system' });
    store.segments.setSpeaker(segments[2]!.id, s2.id);
    const print = store.voiceprints.add({ name: 'Ana', embedding: distinctive(2), modelId: 'm' });
    store.speakers.setCentroid(s2.id, distinctive(3), 'm');
    store.speakers.linkVoiceprint(s2.id, print.id);
    const merged = store.speakers.merge(s2.id, ana.id);
    expect(merged).toMatchObject({ id: ana.id, displayName: 'Ana María', voiceprintId: print.id });
    expect([...store.speakers.centroid(ana.id)!.embedding]).toEqual([...distinctive(3)]);
    expect(store.speakers.get(s2.id)).toBeNull();
    expect(store.segments.get(segments[2]!.id)!.speakerId).toBe(ana.id);
    // A target with a centroid of its own keeps it.
    const s3 = store.speakers.add(meeting.id, { label: 'S3', channel: 'system' });
    store.speakers.setCentroid(s3.id, distinctive(4), 'm');
    store.speakers.merge(s3.id, ana.id);
    expect([...store.speakers.centroid(ana.id)!.embedding]).toEqual([...distinctive(3)]);
  });
});

describe('after re-clustering', () => {
  it('merge carries the name of the removed speaker when the target has none', () => {
    const { meeting } = seedMeeting(store);
    const s2 = store.speakers.add(meeting.id, { label: 'S2', channel: 'system', displayName: 'Zoë' });
    const s3 = store.speakers.add(meeting.id, { label: 'S3', channel: 'system' });
    expect(store.speakers.merge(s2.id, s3.id).displayName).toBe('Zoë');
    // Found by the `speaker:` search under its carried name.
    expect(store.db.prepare('SELECT search_name AS n FROM speakers WHERE id = ?').get(s3.id)).toEqual({
      n: 'zoe s3',
    });
  });

  it('removes system speakers left without segments, unless named or linked', () => {
    const { meeting, ana, you } = seedMeeting(store);
    const empty = store.speakers.add(meeting.id, { label: 'S2', channel: 'system' });
    const named = store.speakers.add(meeting.id, { label: 'S3', channel: 'system', displayName: 'Guest' });
    const print = store.voiceprints.add({ name: 'P', embedding: distinctive(1), modelId: 'm' });
    const linked = store.speakers.add(meeting.id, { label: 'S4', channel: 'system', voiceprintId: print.id });
    const mic = store.speakers.add(meeting.id, { label: 'S5', channel: 'mic' });
    expect(store.speakers.removeUnused(meeting.id)).toEqual([empty.id]);
    expect(store.speakers.list(meeting.id).map((s) => s.id)).toEqual([
      ana.id,
      you.id,
      named.id,
      linked.id,
      mic.id,
    ]);
  });
});

describe('splitting a speaker', () => {
  it('moves the chosen segments to a new speaker of the same channel with the next free label', () => {
    const { meeting, ana, segments } = seedMeeting(store);
    const extra = store.segments.insertFinal({
      meetingId: meeting.id,
      speakerId: ana.id,
      channel: 'system',
      startMs: 10_000,
      endMs: 12_000,
      words: words('Another voice entirely', 10_000),
    });
    const created = store.speakers.split([extra.id, segments[2]!.id]);
    expect(created).toMatchObject({
      meetingId: meeting.id,
      label: 'S2',
      channel: 'system',
      displayName: null,
    });
    expect(store.segments.get(extra.id)!.speakerId).toBe(created.id);
    expect(store.segments.get(segments[2]!.id)!.speakerId).toBe(created.id);
    expect(store.segments.get(segments[0]!.id)!.speakerId).toBe(ana.id);
    expect(store.meetings.edits(meeting.id).some((e) => e.field === 'split_from')).toBe(true);
    const named = store.speakers.split([extra.id], 'Guest');
    expect(named.label).toBe('Guest');
  });

  it('refuses segments of different speakers, unknown segments, and emptying a speaker', () => {
    const { segments } = seedMeeting(store);
    expect(() => store.speakers.split([segments[0]!.id, segments[1]!.id])).toThrow(/one speaker/);
    expect(() => store.speakers.split([424242])).toThrow(/does not exist/);
    expect(() => store.speakers.split([segments[1]!.id])).toThrow(/empty/);
    expect(() => store.speakers.split([])).toThrow(StoreError);
  });
});

describe('voiceprints', () => {
  it('renames and refines a voiceprint in place', () => {
    const print = store.voiceprints.add({ name: 'Ana', embedding: distinctive(5), modelId: 'm' });
    expect(store.voiceprints.rename(print.id, '  Ana   María ').name).toBe('Ana María');
    const refined = store.voiceprints.update(print.id, { embedding: distinctive(6) });
    expect([...refined.embedding]).toEqual([...distinctive(6)]);
    expect(() => store.voiceprints.update(print.id, { embedding: distinctive(6, 8) })).toThrow(/same model/);
    expect(() => store.voiceprints.rename(print.id, '   ')).toThrow(StoreError);
    expect(() => store.voiceprints.rename(999, 'X')).toThrow(/does not exist/);
  });

  it('forget removes the embedding bytes from the database file and unlinks the speakers', () => {
    const { meeting, ana } = seedMeeting(store);
    const embedding = distinctive(7);
    const keep = distinctive(8);
    store.speakers.setCentroid(ana.id, embedding, 'm');
    const print = store.voiceprints.add({ name: 'Ana María', embedding, modelId: 'm' });
    const other = store.voiceprints.add({ name: 'Bob', embedding: keep, modelId: 'm' });
    store.speakers.linkVoiceprint(ana.id, print.id);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    // Sanity: the bytes are there to be found before.
    expect(onDisk(store.file).includes(bytesOf(embedding))).toBe(true);

    expect(store.voiceprints.forget(print.id)).toEqual({ meetingIds: [meeting.id] });
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const disk = onDisk(store.file);
    expect(disk.includes(bytesOf(embedding))).toBe(false);
    // Not even a fragment of it (a page boundary could split the vector).
    expect(disk.includes(bytesOf(embedding.subarray(0, 16)))).toBe(false);
    expect(disk.includes(bytesOf(keep))).toBe(true);

    expect(store.voiceprints.get(print.id)).toBeNull();
    expect(store.voiceprints.get(other.id)).not.toBeNull();
    expect(store.speakers.get(ana.id)).toMatchObject({ displayName: 'Ana María', voiceprintId: null });
    expect(store.speakers.centroid(ana.id)).toBeNull();
    expect(store.voiceprints.forget(print.id)).toBeNull();
    // The connection's own secure_delete setting is left as it was.
    expect(store.db.pragma('secure_delete', { simple: true })).toBe(0);
  });

  it('lists the speakers linked to a voiceprint', () => {
    const { meeting, ana } = seedMeeting(store);
    const print = store.voiceprints.add({ name: 'Ana', embedding: distinctive(9), modelId: 'm' });
    store.speakers.linkVoiceprint(ana.id, print.id);
    expect(store.voiceprints.speakers(print.id)).toEqual([{ speakerId: ana.id, meetingId: meeting.id }]);
  });
});

describe('emotion per segment', () => {
  it('insertFinal keeps the emotion label and its score', () => {
    const { meeting, ana } = seedMeeting(store);
    const s = store.segments.insertFinal({
      meetingId: meeting.id,
      speakerId: ana.id,
      channel: 'system',
      startMs: 20_000,
      endMs: 21_000,
      words: words('Wonderful news', 20_000),
      emotion: 'happy',
      emotionScore: 0.87,
    });
    expect(store.segments.get(s.id)).toMatchObject({ emotion: 'happy', emotionScore: 0.87 });
    const unknown = store.segments.insertFinal({
      meetingId: meeting.id,
      speakerId: ana.id,
      channel: 'system',
      startMs: 22_000,
      endMs: 23_000,
      words: words('Hmm', 22_000),
      emotion: 'unknown',
      emotionScore: 0.31,
    });
    expect(store.segments.list(meeting.id).find((x) => x.id === unknown.id)).toMatchObject({
      emotion: 'unknown',
      emotionScore: 0.31,
    });
  });
});
