/**
 * What the live session does for its host at the end of a meeting and around the meeting row: speaker
 * re-clustering at stop (issue 7 item 2 seam) and manageMeetingStatus: false (the recording handler owns the
 * meeting's status).
 */
import { describe, expect, it, vi } from 'vitest';
import type { SpeakerAssigner, SpeakerSummary } from '../../../main/pipeline';
import { createSession, type SessionEvent } from '../../../main/pipeline';
import type { Store } from '../../../main/store';
import { energyVad, ToneOffline, ToneStreaming } from '../../integration/pipeline/fakes';
import { finals, memoryStore } from '../../integration/pipeline/helpers';
import { framesOf, TONE_LENGTH_S, toneMeeting } from '../../integration/pipeline/tone-meeting';

/** Labels system segments by turn order (S1, S2, S1), and at finish moves the first one to S2. */
function fakeAssigner(summary: (keys: string[]) => SpeakerSummary | Promise<SpeakerSummary>) {
  const keys: string[] = [];
  const assigner: SpeakerAssigner = {
    async assign(segment) {
      keys.push(segment.key);
      return { label: keys.length === 2 ? 'S2' : 'S1' };
    },
    finish: vi.fn(async () => summary(keys)),
  };
  return { assigner, keys };
}

async function run(store: Store, speaker: SpeakerAssigner | null, manageMeetingStatus?: boolean) {
  const meetingId = store.meetings.create({ title: 'host', status: 'recording' }).id;
  const session = createSession({
    store,
    meetingId,
    engines: { vad: energyVad(), streaming: new ToneStreaming(), speaker, createEchoCanceller: null },
    ...(manageMeetingStatus === undefined ? {} : { manageMeetingStatus }),
  });
  const events: SessionEvent[] = [];
  session.on((e) => events.push(e));
  await session.start();
  let k = 0;
  for (const f of framesOf(toneMeeting(-20))) {
    session.pushFrame(f);
    if (++k % 20 === 0) await session.whenIdle();
  }
  return { session, events, meetingId };
}

const centroid = (x: number) => Float32Array.from([x, 1 - x, 0]);

describe('speaker re-clustering at stop', () => {
  it('moves relabelled segments to their new speaker row and keeps each label’s centroid', async () => {
    const store = memoryStore();
    const setCentroid = vi.fn();
    Object.assign(store.speakers, { setCentroid });
    const { assigner, keys } = fakeAssigner((ks) => ({
      relabel: { [ks[0]!]: 'S2' },
      centroids: [
        { label: 'S1', embedding: centroid(0.2), modelId: 'campplus' },
        { label: 'S2', embedding: centroid(0.8), modelId: 'campplus' },
      ],
    }));
    const { session, events, meetingId } = await run(store, assigner);
    await session.stop();

    expect(assigner.finish).toHaveBeenCalledTimes(1);
    const system = finals(events).filter((f) => f.channel === 'system');
    expect(system.map((f) => f.speaker.label)).toEqual(['S1', 'S2', 'S1']);
    expect(keys).toEqual(system.map((f) => f.segmentKey));
    const speakers = store.speakers.list(meetingId);
    const s2 = speakers.find((s) => s.label === 'S2' && s.channel === 'system')!;
    const s1 = speakers.find((s) => s.label === 'S1' && s.channel === 'system')!;
    // The first segment moved to S2; the others kept their rows; no duplicate speaker row was made.
    expect(store.segments.get(system[0]!.segmentId)!.speakerId).toBe(s2.id);
    expect(store.segments.get(system[1]!.segmentId)!.speakerId).toBe(s2.id);
    expect(store.segments.get(system[2]!.segmentId)!.speakerId).toBe(s1.id);
    expect(speakers.filter((s) => s.channel === 'system')).toHaveLength(2);
    expect(setCentroid.mock.calls).toEqual([
      [s1.id, centroid(0.2), 'campplus'],
      [s2.id, centroid(0.8), 'campplus'],
    ]);
    // Re-clustering happens after the last words are committed, before 'done'.
    expect(events.at(-1)).toMatchObject({ type: 'status', state: 'done' });
    expect(store.meetings.get(meetingId)!.status).toBe('done');
  });

  it('a failing re-clustering keeps the live labels and still finishes the meeting', async () => {
    const store = memoryStore();
    const { assigner } = fakeAssigner(() => Promise.reject(new Error('clustering exploded')));
    const { session, events, meetingId } = await run(store, assigner);
    await session.stop();
    const system = finals(events).filter((f) => f.channel === 'system');
    for (const f of system) expect(store.segments.get(f.segmentId)!.speakerId).toBe(f.speaker.id);
    expect(session.state).toBe('done');
    expect(store.meetings.get(meetingId)!.status).toBe('done');
  });

  it('works with a store that cannot keep centroids (setCentroid is optional)', async () => {
    const store = memoryStore();
    delete (store.speakers as { setCentroid?: unknown }).setCentroid;
    const { assigner } = fakeAssigner((ks) => ({
      relabel: { [ks[2]!]: 'S3' },
      centroids: [{ label: 'S3', embedding: centroid(0.5), modelId: 'm' }],
    }));
    const { session, events, meetingId } = await run(store, assigner);
    await session.stop();
    const system = finals(events).filter((f) => f.channel === 'system');
    const s3 = store.speakers.list(meetingId).find((s) => s.label === 'S3')!;
    expect(store.segments.get(system[2]!.segmentId)!.speakerId).toBe(s3.id);
  });
});

describe('manageMeetingStatus: false', () => {
  it('never writes the meeting status: start, pause, resume, stop and failure leave it to the host', async () => {
    const store = memoryStore();
    const update = vi.spyOn(store.meetings, 'updateState');
    const { session, meetingId } = await run(store, null, false);
    await session.pause();
    session.resume();
    await session.stop();
    expect(update).not.toHaveBeenCalled();
    expect(store.meetings.get(meetingId)!.status).toBe('recording');
    expect(store.segments.list(meetingId).length).toBeGreaterThan(0);

    // A failing pipeline reports 'error' as an event only.
    const failing = createSession({
      store,
      meetingId,
      manageMeetingStatus: false,
      engines: {
        vad: energyVad(),
        streaming: {
          modelId: 'boom',
          chunkSamples: 3200,
          createStream: () => ({
            acceptWaveform: () => Promise.reject(new Error('boom')),
            partial: () => ({ text: '', words: [] }),
            finalize: async () => ({ text: '', words: [] }),
            reset() {},
          }),
          dispose: async () => undefined,
        },
        createEchoCanceller: null,
      },
    });
    const events: SessionEvent[] = [];
    failing.on((e) => events.push(e));
    await failing.start();
    for (const f of framesOf(toneMeeting(-20))) failing.pushFrame(f);
    await expect(failing.whenIdle()).rejects.toThrow('boom');
    expect(events.at(-1)).toMatchObject({ type: 'status', state: 'error', reason: 'boom' });
    expect(update).not.toHaveBeenCalled();
  });

  it('by default the session still owns the meeting row (standalone use, CLI)', async () => {
    const store = memoryStore();
    const { session, meetingId } = await run(store, null);
    await session.pause();
    expect(store.meetings.get(meetingId)!.status).toBe('paused');
    session.resume();
    await session.stop();
    expect(store.meetings.get(meetingId)!.status).toBe('done');
  });
});

describe('draft vs final', () => {
  const draftOf = (store: Store, id: number) =>
    (store.db.prepare('SELECT draft_text AS d FROM segments WHERE id = ?').get(id) as { d: string | null }).d;

  it('keeps the streaming text as the draft when the final pass replaced it', async () => {
    const store = memoryStore();
    const session = createSession({
      store,
      engines: {
        vad: energyVad(),
        streaming: new ToneStreaming(),
        offline: new ToneOffline(),
        createEchoCanceller: null,
      },
    });
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    await session.start();
    for (const f of framesOf(toneMeeting(-20))) session.pushFrame(f);
    await session.stop();
    const fs = finals(events);
    expect(fs.length).toBeGreaterThan(0);
    for (const f of fs) {
      // The final pass names tones in capitals, the streaming recognizer in lower case.
      expect(f.text).toMatch(/^T\d+/);
      expect(draftOf(store, f.segmentId)).toBe(f.text.toLowerCase());
    }
  });

  it('stores no draft when only the streaming recognizer ran', async () => {
    const store = memoryStore();
    const { session, events } = await run(store, null);
    await session.stop();
    for (const f of finals(events)) expect(draftOf(store, f.segmentId)).toBeNull();
  });
});

describe('meeting time across a pause', () => {
  it('leaves paused capture time out, like the recording file, so words play where they are shown', async () => {
    const store = memoryStore();
    const session = createSession({
      store,
      engines: { vad: energyVad(), streaming: new ToneStreaming(), createEchoCanceller: null },
    });
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    await session.start();
    const meeting = toneMeeting(-30);
    const all = [...framesOf(meeting)];
    // First half of the meeting, pause, 60 s of capture time pass, then the second half.
    const cut = all.findIndex((f) => f.t >= 11_000);
    for (const f of all.slice(0, cut)) session.pushFrame(f);
    await session.pause();
    session.resume();
    for (const f of all.slice(cut)) session.pushFrame({ ...f, t: f.t + 60_000 });
    await session.stop();
    const committed = finals(events);
    const late = committed.filter((f) => f.startMs >= 11_000);
    expect(late.length).toBeGreaterThan(0);
    // Without the correction they would start 60 s later than in the (pause-free) recording.
    for (const f of late) expect(f.endMs).toBeLessThan(TONE_LENGTH_S * 1000 + 100);
    const lastMic = committed.filter((f) => f.channel === 'mic').at(-1)!;
    expect(Math.abs(lastMic.startMs - 15_500)).toBeLessThan(400);
  });
});

describe('the local speaker', () => {
  it('is stored under the name from settings, so every view and export shows it', async () => {
    const store = memoryStore();
    const session = createSession({
      store,
      engines: { vad: energyVad(), streaming: new ToneStreaming(), createEchoCanceller: null },
      config: { localSpeakerName: 'Ana' },
    });
    await session.start();
    for (const f of framesOf(toneMeeting(-30))) session.pushFrame(f);
    await session.stop();
    const rows = store.speakers.list(session.meetingId!);
    expect(rows.find((r) => r.channel === 'mic')).toMatchObject({ label: 'you', displayName: 'Ana' });
    // Remote speakers stay unnamed until the user (or an accepted voiceprint suggestion) names them.
    expect(rows.filter((r) => r.channel === 'system').every((r) => r.displayName === null)).toBe(true);
  });
});

describe('the user’s speaker count', () => {
  it('reaches the end-of-meeting re-clustering', async () => {
    const finish = vi.fn(async () => ({ relabel: {}, centroids: [] }));
    const assigner: SpeakerAssigner = { assign: async () => ({ label: 'S1' }), finish };
    for (const speakerCount of [3, undefined]) {
      const session = createSession({
        store: memoryStore(),
        engines: {
          vad: energyVad(),
          streaming: new ToneStreaming(),
          createEchoCanceller: null,
          speaker: assigner,
        },
        config: speakerCount === undefined ? {} : { speakerCount },
      });
      await session.start();
      for (const f of framesOf(toneMeeting(-30))) session.pushFrame(f);
      await session.stop();
    }
    expect(finish.mock.calls).toEqual([[{ speakerCount: 3 }], [{}]]);
  });
});
