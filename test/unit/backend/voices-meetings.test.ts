import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnlineDiarizer, SpeakerEmbeddingExtractor } from '../../../main/engines/speaker';
import { diarizerSpeakerAssigner } from '../../../main/pipeline/speaker';
import { voiceEmbeddingStubFile } from '../../fixtures/onnx/speaker-voice';
import { diarizationErrorRate } from '../../tools/der';
import { buildMeeting, script, slice, stubCenter, type Meeting } from '../speaker/meeting';
import { ok, startVoicesHarness, type VoicesHarness } from './voices-harness';

/**
 * Voiceprints across two synthesized meetings, through the pipeline's speaker assigner, the store and
 * the contract (issue 7 "Done when"): meeting one is diarized live, re-clustered at the end, and its
 * speakers and centroids stored as the session does; the user names two voices and saves them. In
 * meeting two the named voice is suggested by name and a voice nobody named gets no suggestion.
 */

let extractor: SpeakerEmbeddingExtractor;
let h: VoicesHarness;

/** Runs a meeting through the assigner and writes it like the session: rows, then finish() fixes. */
async function record(m: Meeting, title: string) {
  const assigner = diarizerSpeakerAssigner(new OnlineDiarizer({ threshold: 0.4 }), extractor, {
    recluster: { distanceThreshold: 0.7 },
  });
  const meeting = h.store.meetings.create({ title, status: 'recording' });
  const speakerIds = new Map<string, number>();
  const speakerFor = (label: string) => {
    if (!speakerIds.has(label))
      speakerIds.set(label, h.store.speakers.add(meeting.id, { label, channel: 'system' }).id);
    return speakerIds.get(label)!;
  };
  const segmentIds = new Map<string, number>();
  for (const s of m.segments) {
    const { label } = await assigner.assign({
      key: s.id,
      channel: 'system',
      startMs: s.startMs,
      endMs: s.endMs,
      samples: slice(m.samples, s.startMs, s.endMs),
    });
    const row = h.store.segments.insertFinal({
      meetingId: meeting.id,
      speakerId: speakerFor(label),
      channel: 'system',
      startMs: s.startMs,
      endMs: s.endMs,
      text: s.id,
    });
    segmentIds.set(s.id, row.id);
  }
  const summary = await assigner.finish();
  for (const [key, label] of Object.entries(summary.relabel))
    h.store.segments.setSpeaker(segmentIds.get(key)!, speakerFor(label));
  for (const c of summary.centroids)
    h.store.speakers.setCentroid(speakerFor(c.label), c.embedding, c.modelId);
  h.store.speakers.removeUnused(meeting.id);
  h.store.meetings.updateState(meeting.id, { status: 'done' });

  // Which true voice each stored speaker is, by the DER mapping of the stored segments.
  const rows = h.store.segments.list(meeting.id);
  const labelOf = new Map(h.store.speakers.list(meeting.id).map((s) => [s.id, s.label]));
  const hyp = rows.map((r) => ({
    speaker: labelOf.get(r.speakerId!)!,
    start: r.startMs / 1000,
    end: r.endMs / 1000,
  }));
  const der = diarizationErrorRate(m.reference, hyp);
  expect(der.speakerCountError).toBe(0);
  const speakerOfVoice = new Map(
    [...der.mapping].map(([label, voice]) => [voice, [...labelOf].find(([, l]) => l === label)![0]]),
  );
  return { meetingId: meeting.id, speakerOfVoice };
}

beforeAll(async () => {
  extractor = await SpeakerEmbeddingExtractor.load(
    voiceEmbeddingStubFile({ center: stubCenter(), dim: 256 }),
    {
      modelId: 'voice-stub-256',
    },
  );
  h = startVoicesHarness({ voiceprintsEnabled: true });
}, 120_000);

afterAll(async () => {
  h?.close();
  await extractor?.dispose();
});

describe('voiceprints across synthesized meetings, through store and handlers', () => {
  it('finds a named voice in a second meeting and refuses an unknown one', async () => {
    const first = await record(
      buildMeeting(script(['us', 'gb', 'scot', 'gb', 'us', 'scot', 'us', 'gb', 'scot'], 2)),
      'Planning',
    );
    // Every re-clustered speaker has a centroid the user could save.
    const savable = ok(await h.api.invoke('speakers.suggestions', { meetingId: first.meetingId })).savable;
    expect(savable.sort()).toEqual([...first.speakerOfVoice.values()].sort());
    expect(h.store.speakers.list(first.meetingId)).toHaveLength(3);

    ok(await h.api.invoke('voiceprints.save', { speakerId: first.speakerOfVoice.get('us')!, name: 'Bob' }));
    ok(await h.api.invoke('voiceprints.save', { speakerId: first.speakerOfVoice.get('gb')!, name: 'Alice' }));

    const second = await record(
      buildMeeting(script(['gb', 'scot', 'gb', 'scot', 'gb', 'scot', 'gb'], 9)),
      'Review',
    );
    const { suggestions } = ok(await h.api.invoke('speakers.suggestions', { meetingId: second.meetingId }));
    console.log(
      'suggestions:',
      suggestions.map((s) => `${s.speakerId} -> ${s.name} cos ${s.similarity.toFixed(2)} ${s.tier}`),
    );
    const forGb = suggestions.find((s) => s.speakerId === second.speakerOfVoice.get('gb'));
    expect(forGb?.name).toBe('Alice');
    expect(['sure', 'likely']).toContain(forGb?.tier);
    expect(suggestions.find((s) => s.speakerId === second.speakerOfVoice.get('scot'))).toBeUndefined();
    // Suggestions only: nobody was renamed.
    expect(h.store.speakers.list(second.meetingId).every((s) => s.displayName === null)).toBe(true);

    // Forgetting Alice: the same voice is no longer recognised.
    const alice = ok(await h.api.invoke('voiceprints.list', {})).voiceprints.find((p) => p.name === 'Alice')!;
    ok(await h.api.invoke('voiceprints.forget', { voiceprintId: alice.id }));
    const after = ok(await h.api.invoke('speakers.suggestions', { meetingId: second.meetingId })).suggestions;
    expect(after.some((s) => s.name === 'Alice')).toBe(false);
  }, 120_000);
});
