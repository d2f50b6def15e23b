/**
 * Live recording through the real backend and client (in-process, structured-clone link): frames go through
 * 'recording.frames' as the capture hook sends them, the pipeline runs on fake engines (energy VAD, tone
 * recognizers: test/integration/pipeline/fakes.ts) next to the crash-safe recorder, and the transcript comes
 * back as transcript.* events. Checked on the event stream and against the archive afterwards.
 */
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unwrap, type EventName, type PayloadOf } from '../../../main/api';
import type { EngineLoader, LoadedEngines } from '../../../main/backend/engines';
import { startInProcessBackend, type InProcessBackend } from '../../../main/backend/in-process';
import type { SessionEngines } from '../../../main/pipeline';
import { energyVad, ToneOffline, ToneStreaming } from '../../integration/pipeline/fakes';
import { TONE_TURNS, toneMeeting, type ToneMeeting } from '../../integration/pipeline/tone-meeting';

const N = 320;
const BATCH = 5;
let dataDir: string;
let backend: InProcessBackend;
let events: Array<{ name: EventName; payload: unknown }>;
let released: number;

type Final = PayloadOf<'transcript.final'>;
type Partial = PayloadOf<'transcript.partial'>;
type Status = PayloadOf<'transcript.status'>;

const TRANSCRIPT_EVENTS = [
  'transcript.partial',
  'transcript.final',
  'transcript.status',
  'transcript.lag',
  'transcript.echo-dropped',
  'archive.changed',
  'recording.state',
] as const;

function fakeLoader(build: () => SessionEngines, notes: string[] = []): EngineLoader {
  return async () => {
    const loaded: LoadedEngines = {
      engines: build(),
      models: [{ role: 'vad', id: 'energy' }],
      notes,
      release: async () => {
        released++;
      },
    };
    return loaded;
  };
}

const toneEngines = (): SessionEngines => ({
  vad: energyVad(),
  streaming: new ToneStreaming(),
  offline: new ToneOffline(),
  createEchoCanceller: null,
});

async function startBackend(loadEngines: EngineLoader): Promise<void> {
  backend = await startInProcessBackend({ dataDir, loadEngines });
  for (const name of TRANSCRIPT_EVENTS) {
    backend.client.on(name, (payload: unknown) => events.push({ name, payload }));
  }
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'verbatim-live-'));
  events = [];
  released = 0;
});
afterEach(async () => {
  await backend?.shutdown();
  await rm(dataDir, { recursive: true, force: true });
});

const api = () => backend.client;
const of = <T>(name: EventName): T[] => events.filter((e) => e.name === name).map((e) => e.payload as T);

/** Frames [from, to) of both channels, in 100 ms batches, system then mic, as two capture hooks would. */
async function send(sessionId: string, m: ToneMeeting, from: number, to: number): Promise<void> {
  for (let k = from; k < to; k += BATCH) {
    for (const channel of ['system', 'mic'] as const) {
      const frames = [];
      for (let j = k; j < Math.min(to, k + BATCH); j++) {
        frames.push({ seq: j, t: j * 20, samples: m[channel].slice(j * N, (j + 1) * N) });
      }
      unwrap(await api().invoke('recording.frames', { sessionId, channel, frames }));
    }
  }
}

const framesIn = (m: ToneMeeting) => Math.floor(m.mic.length / N);
const overlapMs = (s: { startMs: number; endMs: number }, startS: number, endS: number) =>
  Math.max(0, Math.min(s.endMs, endS * 1000) - Math.max(s.startMs, startS * 1000));

/** The partial/final contract on the wire: a final per key once, never a partial after it, unique rows. */
function expectFinalContract(): void {
  const finalKeys = new Set<string>();
  const ids = new Set<number>();
  for (const e of events) {
    if (e.name === 'transcript.final') {
      const f = e.payload as Final;
      expect(finalKeys.has(f.segmentKey), `second final for ${f.segmentKey}`).toBe(false);
      expect(ids.has(f.segment.id)).toBe(false);
      finalKeys.add(f.segmentKey);
      ids.add(f.segment.id);
      expect(f.emittedAt).toBeGreaterThanOrEqual(f.endpointAt);
    }
    if (e.name === 'transcript.partial') {
      expect(finalKeys.has((e.payload as Partial).segmentKey)).toBe(false);
    }
  }
}

describe('live recording through the backend', () => {
  it('transcribes a two-channel meeting: partials then one final per turn, all in the archive', async () => {
    await startBackend(fakeLoader(toneEngines));
    const m = toneMeeting(-20);
    const started = unwrap(await api().invoke('recording.start', { title: 'Live' }));
    expect(started.mode).toBe('live');
    const { sessionId, meetingId } = started;
    await send(sessionId, m, 0, framesIn(m));
    const stopped = unwrap(await api().invoke('recording.stop', { sessionId }));
    expect(stopped).toMatchObject({ mode: 'live', state: 'done' });

    expectFinalContract();
    const finals = of<Final>('transcript.final');
    const partials = of<Partial>('transcript.partial');
    // Every turn: one final on its channel (the pure echoes are dropped), preceded by partials of the same key.
    for (const turn of TONE_TURNS) {
      const hits = finals.filter(
        (f) => f.segment.channel === turn.channel && overlapMs(f.segment, turn.startS, turn.endS) > 500,
      );
      expect(hits, `turn ${turn.channel} ${turn.startS}s`).toHaveLength(1);
      const final = hits[0]!;
      const firstPartial = events.findIndex(
        (e) => e.name === 'transcript.partial' && (e.payload as Partial).segmentKey === final.segmentKey,
      );
      const finalAt = events.findIndex((e) => e.payload === final);
      expect(firstPartial).toBeGreaterThanOrEqual(0);
      expect(firstPartial).toBeLessThan(finalAt);
      expect(partials.find((p) => p.segmentKey === final.segmentKey)!.channel).toBe(turn.channel);
      // The final pass (upper-case tone words) replaced the streaming words.
      expect(final.segment.text).toContain(`T${turn.hz}`);
    }
    expect(finals).toHaveLength(TONE_TURNS.length);
    // The last turn before stop is committed.
    const last = TONE_TURNS[TONE_TURNS.length - 1]!;
    expect(
      finals.some((f) => f.segment.channel === 'mic' && overlapMs(f.segment, last.startS, last.endS) > 1000),
    ).toBe(true);
    // Speakers: the mic is "you", the system channel S1 (no speaker engine).
    for (const f of finals) expect(f.speaker.label).toBe(f.segment.channel === 'mic' ? 'you' : 'S1');
    // Every event carries the meeting and epoch-ms timing.
    for (const e of [...finals, ...partials]) {
      expect(e.meetingId).toBe(meetingId);
      expect(Math.abs(e.emittedAt - Date.now())).toBeLessThan(10 * 60_000);
    }
    expect(of<PayloadOf<'transcript.echo-dropped'>>('transcript.echo-dropped').length).toBeGreaterThan(0);

    // The archive holds exactly the finals, unchanged since they were sent.
    const detail = unwrap(await api().invoke('meetings.get', { meetingId }));
    expect(detail.meeting).toMatchObject({ status: 'done' });
    expect(detail.meeting.durationMs).toBeGreaterThan(16_000);
    const byId = new Map(detail.segments.map((s) => [s.id, s]));
    expect(byId.size).toBe(finals.length);
    for (const f of finals) expect(byId.get(f.segment.id)).toEqual(f.segment);

    // Status: starting -> recording -> finalizing -> done; one archive.changed at stop; engines freed.
    expect(of<Status>('transcript.status').map((s) => s.state)).toEqual([
      'starting',
      'recording',
      'finalizing',
      'done',
    ]);
    expect(of<Status>('transcript.status').every((s) => s.asrMode === 'streaming+final-pass')).toBe(true);
    expect(of<PayloadOf<'archive.changed'>>('archive.changed')).toEqual([
      { reason: 'updated', meetingIds: [meetingId] },
    ]);
    expect(released).toBe(1);
    // The audio was recorded too (compacted at stop).
    await access(join(detail.meeting.audioDir!, 'mic.mp3'));
  });

  it('pause commits the words before it; resume goes on; the meeting status is the recording handler’s', async () => {
    await startBackend(fakeLoader(toneEngines));
    const m = toneMeeting(-20);
    const { sessionId, meetingId } = unwrap(await api().invoke('recording.start', {}));
    // Up to 6.0 s: the second system turn (5.0-7.0 s) is open.
    await send(sessionId, m, 0, 300);
    const before = of<Final>('transcript.final').length;
    unwrap(await api().invoke('recording.pause', { sessionId }));
    const atPause = of<Final>('transcript.final');
    expect(atPause.length).toBe(before + 1);
    const flushed = atPause[atPause.length - 1]!;
    expect(flushed.reason).toBe('flush');
    expect(overlapMs(flushed.segment, 5.0, 6.0)).toBeGreaterThan(800);
    expect(unwrap(await api().invoke('meetings.get', { meetingId })).meeting.status).toBe('paused');
    expect(of<Status>('transcript.status').at(-1)!.state).toBe('paused');

    unwrap(await api().invoke('recording.resume', { sessionId }));
    expect(unwrap(await api().invoke('meetings.get', { meetingId })).meeting.status).toBe('recording');
    await send(sessionId, m, 300, framesIn(m));
    unwrap(await api().invoke('recording.stop', { sessionId }));
    expectFinalContract();
    const finals = of<Final>('transcript.final');
    // The pause split the 5-7 s turn in two; the rest of the meeting is transcribed after the resume.
    expect(finals.some((f) => overlapMs(f.segment, 6.0, 7.0) > 500 && f.segment.channel === 'system')).toBe(
      true,
    );
    expect(finals.some((f) => overlapMs(f.segment, 15.5, 17.0) > 1000 && f.segment.channel === 'mic')).toBe(
      true,
    );
    const meeting = unwrap(await api().invoke('meetings.get', { meetingId })).meeting;
    expect(meeting.status).toBe('done');
  });

  it('without a speech-recognition model: records, and says why (no-asr-model)', async () => {
    const note =
      'No speech-recognition model is installed: this meeting is recorded and can be transcribed later (Settings > Models).';
    await startBackend(fakeLoader(() => ({ vad: energyVad(), createEchoCanceller: null }), [note]));
    const m = toneMeeting(-20);
    const started = unwrap(await api().invoke('recording.start', { mode: 'live' }));
    // Known at start: the renderer can say so before the first word is expected.
    expect(started).toMatchObject({ mode: 'record-only', message: note });
    const { sessionId, meetingId } = started;
    await send(sessionId, m, 0, 200);
    const status = unwrap(await api().invoke('recording.status', {})).session!;
    expect(status.mode).toBe('record-only');
    const stopped = unwrap(await api().invoke('recording.stop', { sessionId }));
    expect(stopped).toMatchObject({ mode: 'record-only', frames: { mic: 200, system: 200 } });
    const statuses = of<Status>('transcript.status');
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toMatchObject({ meetingId, asrMode: 'none', reason: 'no-asr-model', message: note });
    expect(of('transcript.final')).toEqual([]);
    const meeting = unwrap(await api().invoke('meetings.get', { meetingId })).meeting;
    expect(meeting).toMatchObject({ status: 'done', durationMs: 4000 });
    await access(join(meeting.audioDir!, 'system.mp3'));
    expect(released).toBe(1);
  });

  it('a meeting can override echo cancellation (the page turns it off on headphones)', async () => {
    const asked: boolean[] = [];
    await startBackend(async (options) => {
      asked.push(options.echoCancellation);
      throw new Error('not needed here');
    });
    for (const echoCancellation of [false, undefined]) {
      const { sessionId } = unwrap(
        await api().invoke('recording.start', {
          mode: 'live',
          ...(echoCancellation === undefined ? {} : { echoCancellation }),
        }),
      );
      await expect.poll(() => asked.length).toBe(echoCancellation === undefined ? 2 : 1);
      unwrap(await api().invoke('recording.stop', { sessionId }));
    }
    // The override, then the settings' default (on).
    expect(asked).toEqual([false, true]);
  });

  it('an engine load failure records only, with the reason', async () => {
    await startBackend(async () => {
      throw new Error('The voice-activity model (Silero VAD) is missing.');
    });
    const m = toneMeeting(-20);
    const started = unwrap(await api().invoke('recording.start', {}));
    expect(started).toMatchObject({ mode: 'record-only', message: expect.stringContaining('Silero VAD') });
    const { sessionId, meetingId } = started;
    await send(sessionId, m, 0, 100);
    const stopped = unwrap(await api().invoke('recording.stop', { sessionId }));
    expect(stopped).toMatchObject({ mode: 'record-only', state: 'done', frames: { mic: 100 } });
    expect(of<Status>('transcript.status')).toEqual([
      expect.objectContaining({
        meetingId,
        state: 'recording',
        asrMode: 'none',
        reason: 'engine-load-failed',
        message: expect.stringContaining('Silero VAD'),
      }),
    ]);
  });

  it('a recognizer that fails mid-meeting stops the transcript, not the recording', async () => {
    const engines = (): SessionEngines => {
      const streaming = new ToneStreaming();
      const create = streaming.createStream.bind(streaming);
      streaming.createStream = () => {
        const s = create();
        const accept = s.acceptWaveform.bind(s);
        s.acceptWaveform = async (samples) => {
          if (s.accepted > 16000 * 4) throw new Error('onnxruntime: bad allocation');
          return accept(samples);
        };
        return s;
      };
      return { vad: energyVad(), streaming, createEchoCanceller: null };
    };
    await startBackend(fakeLoader(engines));
    const m = toneMeeting(-20);
    const { sessionId, meetingId } = unwrap(await api().invoke('recording.start', {}));
    await send(sessionId, m, 0, framesIn(m));
    const error = of<Status>('transcript.status').find((s) => s.state === 'error');
    expect(error).toMatchObject({
      reason: 'pipeline-error',
      message: expect.stringContaining('bad allocation'),
    });
    expect(unwrap(await api().invoke('recording.status', {})).session).toMatchObject({
      state: 'recording',
      mode: 'record-only',
    });
    const stopped = unwrap(await api().invoke('recording.stop', { sessionId }));
    expect(stopped.frames.mic).toBe(framesIn(m));
    // The handler owns the meeting: it is done, with all its audio, not 'error'.
    const detail = unwrap(await api().invoke('meetings.get', { meetingId }));
    expect(detail.meeting).toMatchObject({ status: 'done' });
    expect(detail.meeting.durationMs).toBeGreaterThan(16_000);
    // What was committed before the failure stays.
    expect(detail.segments.map((s) => s.id)).toEqual(of<Final>('transcript.final').map((f) => f.segment.id));
    expect(released).toBe(1);
  });

  it('record-only mode runs no pipeline', async () => {
    let loads = 0;
    await startBackend(async (o) => {
      loads++;
      return fakeLoader(toneEngines)(o);
    });
    const m = toneMeeting(-20);
    const { sessionId } = unwrap(await api().invoke('recording.start', { mode: 'record-only' }));
    await send(sessionId, m, 0, 100);
    expect(unwrap(await api().invoke('recording.stop', { sessionId })).mode).toBe('record-only');
    expect(loads).toBe(0);
    expect(of('transcript.status')).toEqual([]);
  });
});
