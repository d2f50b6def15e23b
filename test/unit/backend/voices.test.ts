import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMOTION_LABELS } from '../../../main/engines/emotion';
import { EmotionLabelSchema } from '../../../main/api';
import { ok, startVoicesHarness, type VoicesHarness } from './voices-harness';

/**
 * The voices contract over a real store (issue 7): opt-in voiceprints, suggestions, merge/split and
 * the emotion timeline, with every change announced. Matching real voices across meetings is in
 * voices-meetings.test.ts.
 */

let h: VoicesHarness;
beforeEach(() => {
  h = startVoicesHarness({ voiceprintsEnabled: true });
});
afterEach(() => h.close());

const unit = (axis: number, dim = 32, tilt = 0) => {
  const v = new Float32Array(dim);
  v[axis] = Math.cos(tilt);
  v[(axis + 1) % dim] = Math.sin(tilt);
  return v;
};

/** A recorded meeting as the session leaves it: system speakers with centroids, "you" without. */
function meeting(title: string, voices: { label: string; centroid: Float32Array | null; name?: string }[]) {
  const m = h.store.meetings.create({ title, status: 'done', durationMs: 60_000 });
  const speakers = voices.map((v, k) => {
    const s = h.store.speakers.add(m.id, { label: v.label, channel: 'system', displayName: v.name ?? null });
    if (v.centroid) h.store.speakers.setCentroid(s.id, v.centroid, 'stub-32');
    h.store.segments.insertFinal({
      meetingId: m.id,
      speakerId: s.id,
      channel: 'system',
      startMs: k * 5000,
      endMs: k * 5000 + 4000,
      text: `turn of ${v.label}`,
    });
    return s;
  });
  const you = h.store.speakers.add(m.id, { label: 'you', channel: 'mic' });
  return { meetingId: m.id, speakers, you };
}

describe('voiceprints through the contract', () => {
  it('saves a named speaker as a voiceprint only when the user opted in', async () => {
    const { meetingId, speakers } = meeting('One', [{ label: 'S1', centroid: unit(0) }]);
    h.settings.voiceprintsEnabled = false;
    const refused = await h.api.invoke('voiceprints.save', { speakerId: speakers[0]!.id, name: 'Ana' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('INVALID_PARAMS');
      expect(refused.error.message).toMatch(/Remember voices/);
      expect(refused.error.details).toEqual({ reason: 'voiceprints-disabled' });
    }
    expect(h.store.voiceprints.list()).toEqual([]);
    expect(h.store.speakers.get(speakers[0]!.id)!.displayName).toBeNull();

    h.settings.voiceprintsEnabled = true;
    const saved = ok(await h.api.invoke('voiceprints.save', { speakerId: speakers[0]!.id, name: ' Ana ' }));
    expect(saved.voiceprint).toMatchObject({ name: 'Ana', modelId: 'stub-32', speakerCount: 1 });
    expect(saved.speaker).toMatchObject({ displayName: 'Ana', voiceprintId: saved.voiceprint.id });
    expect(ok(await h.api.invoke('voiceprints.list', {}))).toEqual({
      enabled: true,
      voiceprints: [saved.voiceprint],
    });
    expect(h.changed()).toContainEqual({ reason: 'updated', meetingIds: [meetingId] });
    expect(h.events.some((e) => e.event === 'voiceprints.changed')).toBe(true);
  });

  it('refuses to save a speaker with no voice sample', async () => {
    const { you } = meeting('One', [{ label: 'S1', centroid: unit(0) }]);
    const refused = await h.api.invoke('voiceprints.save', { speakerId: you.id, name: 'Me' });
    expect(!refused.ok && refused.error).toMatchObject({
      code: 'INVALID_PARAMS',
      details: { reason: 'no-centroid' },
    });
    const missing = await h.api.invoke('voiceprints.save', { speakerId: 9999, name: 'X' });
    expect(!missing.ok && missing.error.code).toBe('NOT_FOUND');
  });

  it('refines the existing voiceprint of that name instead of making a second one', async () => {
    const a = meeting('One', [{ label: 'S1', centroid: unit(0) }]);
    const b = meeting('Two', [{ label: 'S1', centroid: unit(0, 32, 0.4) }]);
    const first = ok(await h.api.invoke('voiceprints.save', { speakerId: a.speakers[0]!.id, name: 'Ana' }));
    const second = ok(await h.api.invoke('voiceprints.save', { speakerId: b.speakers[0]!.id, name: 'ana' }));
    expect(second.voiceprint.id).toBe(first.voiceprint.id);
    expect(second.voiceprint.speakerCount).toBe(2);
    const print = h.store.voiceprints.get(first.voiceprint.id)!;
    // Blended: between the two centroids, closer to the first (one meeting cannot overwrite a print).
    expect(print.embedding[0]!).toBeGreaterThan(Math.cos(0.4));
    expect(print.embedding[1]!).toBeGreaterThan(0);
  });

  it('renames and forgets a voiceprint; forgetting unlinks speakers and announces their meetings', async () => {
    const { meetingId, speakers } = meeting('One', [{ label: 'S1', centroid: unit(0) }]);
    const saved = ok(await h.api.invoke('voiceprints.save', { speakerId: speakers[0]!.id, name: 'Ana' }));
    const renamed = ok(
      await h.api.invoke('voiceprints.rename', { voiceprintId: saved.voiceprint.id, name: 'Ana María' }),
    );
    expect(renamed.name).toBe('Ana María');
    h.events.length = 0;
    expect(ok(await h.api.invoke('voiceprints.forget', { voiceprintId: saved.voiceprint.id }))).toEqual({
      voiceprintId: saved.voiceprint.id,
    });
    expect(h.changed()).toEqual([{ reason: 'updated', meetingIds: [meetingId] }]);
    expect(ok(await h.api.invoke('voiceprints.list', {})).voiceprints).toEqual([]);
    expect(h.store.speakers.get(speakers[0]!.id)).toMatchObject({ displayName: 'Ana', voiceprintId: null });
    const again = await h.api.invoke('voiceprints.forget', { voiceprintId: saved.voiceprint.id });
    expect(!again.ok && again.error.code).toBe('NOT_FOUND');
  });
});

describe('name suggestions', () => {
  async function saveAnaAndBob() {
    const a = meeting('One', [
      { label: 'S1', centroid: unit(0) },
      { label: 'S2', centroid: unit(4) },
    ]);
    ok(await h.api.invoke('voiceprints.save', { speakerId: a.speakers[0]!.id, name: 'Ana' }));
    ok(await h.api.invoke('voiceprints.save', { speakerId: a.speakers[1]!.id, name: 'Bob' }));
  }

  it('suggests names with a tier for unnamed speakers and none for an unknown voice', async () => {
    await saveAnaAndBob();
    const b = meeting('Two', [
      { label: 'S1', centroid: unit(4, 32, 0.3) }, // Bob, cos 0.96
      { label: 'S2', centroid: unit(0, 32, 0.9) }, // Ana-ish, cos 0.62
      { label: 'S3', centroid: unit(12) }, // nobody
      { label: 'S4', centroid: null }, // imported / no audio
    ]);
    const result = ok(await h.api.invoke('speakers.suggestions', { meetingId: b.meetingId }));
    expect(result.enabled).toBe(true);
    expect(result.savable).toEqual(b.speakers.slice(0, 3).map((s) => s.id));
    const bySpeaker = new Map(result.suggestions.map((s) => [s.speakerId, s]));
    expect(bySpeaker.get(b.speakers[0]!.id)).toMatchObject({ name: 'Bob', tier: 'sure' });
    expect(bySpeaker.get(b.speakers[1]!.id)).toMatchObject({ name: 'Ana', tier: 'likely' });
    expect(bySpeaker.has(b.speakers[2]!.id)).toBe(false);
    expect(bySpeaker.has(b.speakers[3]!.id)).toBe(false);
    // Suggesting never renames.
    expect(h.store.speakers.list(b.meetingId).every((s) => s.displayName === null)).toBe(true);
  });

  it('never suggests over a name the user set, nor a name already used in the meeting', async () => {
    await saveAnaAndBob();
    const b = meeting('Two', [
      { label: 'S1', centroid: unit(4), name: 'Roberto' },
      { label: 'S2', centroid: unit(0, 32, 0.1) },
      { label: 'S3', centroid: unit(0, 32, 0.05), name: 'Ana' },
    ]);
    const result = ok(await h.api.invoke('speakers.suggestions', { meetingId: b.meetingId }));
    expect(result.suggestions).toEqual([]);
  });

  it('accepting a suggestion names and links the speaker; the suggestion is then gone', async () => {
    await saveAnaAndBob();
    const b = meeting('Two', [{ label: 'S1', centroid: unit(4, 32, 0.2) }]);
    const [suggestion] = ok(
      await h.api.invoke('speakers.suggestions', { meetingId: b.meetingId }),
    ).suggestions;
    const speaker = ok(
      await h.api.invoke('speakers.acceptSuggestion', {
        speakerId: suggestion!.speakerId,
        voiceprintId: suggestion!.voiceprintId,
      }),
    );
    expect(speaker).toMatchObject({ displayName: 'Bob', voiceprintId: suggestion!.voiceprintId });
    expect(h.changed().at(-1)).toEqual({ reason: 'updated', meetingIds: [b.meetingId] });
    expect(ok(await h.api.invoke('speakers.suggestions', { meetingId: b.meetingId })).suggestions).toEqual(
      [],
    );
  });

  it('suggests nothing while voiceprints are off, and reports an unknown meeting', async () => {
    await saveAnaAndBob();
    const b = meeting('Two', [{ label: 'S1', centroid: unit(4) }]);
    h.settings.voiceprintsEnabled = false;
    expect(ok(await h.api.invoke('speakers.suggestions', { meetingId: b.meetingId }))).toEqual({
      enabled: false,
      suggestions: [],
      savable: [b.speakers[0]!.id],
    });
    const missing = await h.api.invoke('speakers.suggestions', { meetingId: 4242 });
    expect(!missing.ok && missing.error.code).toBe('NOT_FOUND');
  });
});

describe('merge and split through the contract', () => {
  it('merges one speaker into another and splits segments off again', async () => {
    const { meetingId, speakers } = meeting('One', [
      { label: 'S1', centroid: unit(0) },
      { label: 'S2', centroid: null },
    ]);
    const into = ok(
      await h.api.invoke('speakers.merge', {
        fromSpeakerId: speakers[1]!.id,
        intoSpeakerId: speakers[0]!.id,
      }),
    );
    expect(into.id).toBe(speakers[0]!.id);
    const segments = h.store.segments.list(meetingId);
    expect(segments.every((s) => s.speakerId === into.id)).toBe(true);
    expect(h.changed()).toEqual([{ reason: 'updated', meetingIds: [meetingId] }]);

    const created = ok(await h.api.invoke('speakers.split', { segmentIds: [segments[1]!.id] }));
    expect(created).toMatchObject({ meetingId, label: 'S2', channel: 'system' });
    expect(h.store.segments.get(segments[1]!.id)!.speakerId).toBe(created.id);
    expect(h.changed()).toHaveLength(2);

    const bad = await h.api.invoke('speakers.split', { segmentIds: segments.map((s) => s.id) });
    expect(!bad.ok && bad.error.code).toBe('INVALID_PARAMS');
    const cross = meeting('Other', [{ label: 'S1', centroid: null }]);
    const refused = await h.api.invoke('speakers.merge', {
      fromSpeakerId: cross.speakers[0]!.id,
      intoSpeakerId: speakers[0]!.id,
    });
    expect(!refused.ok && refused.error.code).toBe('INVALID_PARAMS');
  });
});

describe('emotion timeline through the contract', () => {
  it('aggregates stored emotions per speaker; low scores and unscored labels are no signal', async () => {
    const m = h.store.meetings.create({ title: 'Feelings', status: 'done', durationMs: 120_000 });
    const ana = h.store.speakers.add(m.id, { label: 'S1', channel: 'system' });
    const you = h.store.speakers.add(m.id, { label: 'you', channel: 'mic' });
    const seg = (speakerId: number, startMs: number, emotion: string | null, emotionScore: number | null) =>
      h.store.segments.insertFinal({
        meetingId: m.id,
        speakerId,
        channel: speakerId === you.id ? 'mic' : 'system',
        startMs,
        endMs: startMs + 5000,
        text: 'words',
        emotion,
        emotionScore,
      });
    seg(ana.id, 0, 'happy', 0.9);
    seg(ana.id, 10_000, 'happy', 0.8);
    seg(ana.id, 20_000, 'angry', 0.3); // below the minimum score: unknown
    seg(ana.id, 70_000, 'neutral', 0.9);
    seg(you.id, 5000, 'sad', null); // a label nobody scored
    seg(you.id, 80_000, null, null);

    const result = ok(await h.api.invoke('meetings.emotions', { meetingId: m.id }));
    expect(result.binMs).toBe(60_000);
    const of = (id: number) => result.speakers.find((s) => s.speakerId === id)!;
    const a = of(ana.id);
    expect(a.speechMs).toBe(20_000);
    expect(a.bins).toHaveLength(2);
    expect(a.bins[0]!.notable).toBe('happy');
    expect(a.bins[0]!.coverage).toBeCloseTo(10 / 15);
    expect(a.bins[0]!.signals.map((s) => s.label)).toEqual(['happy']);
    expect(a.bins[1]!.notable).toBeNull();
    const y = of(you.id);
    expect(y.overall.signals).toEqual([]);
    expect(y.overall.coverage).toBe(0);

    const finer = ok(await h.api.invoke('meetings.emotions', { meetingId: m.id, binMs: 30_000 }));
    expect(finer.speakers.find((s) => s.speakerId === ana.id)!.bins).toHaveLength(3);
    const missing = await h.api.invoke('meetings.emotions', { meetingId: 999 });
    expect(!missing.ok && missing.error.code).toBe('NOT_FOUND');
  });

  it('uses the emotion vocabulary of the engines', () => {
    expect(EmotionLabelSchema.options).toEqual([...EMOTION_LABELS]);
  });
});
