/**
 * Live recording for renderer tests: in-memory recording.* handlers (one session at a time, a meeting
 * in the fake archive per session, so notes.add on it works), a script to emit transcript and recording
 * events through the real protocol server (so every payload is validated against the contract), and a
 * fake microphone for jsdom, which has no getUserMedia.
 */
import {
  ApiException,
  type EventName,
  type PayloadOf,
  type RecordingMode,
  type RecordingSession,
  type Segment,
  type TranscriptFinal,
  type TranscriptPartial,
} from '../../main/api';

type Channel = Segment['channel'];
import type { Handlers } from '../../main/backend/server';
import type { FakeArchive } from './fake-archive';

type RecordingMethod = Extract<keyof Handlers, `recording.${string}`>;
type Emit = <E extends EventName>(event: E, payload: PayloadOf<E>) => void;

interface LiveState {
  session: RecordingSession | null;
  /** Every recording.start's params as the handler received them. */
  starts: { title?: string | undefined; mode: RecordingMode; remoteSpeakers?: number }[];
  emit: Emit;
  archive: FakeArchive;
}

const states = new WeakMap<FakeArchive, LiveState>();

export function createFakeLive(
  archive: FakeArchive,
  emit: Emit,
): { handlers: { [M in RecordingMethod]: Handlers[M] } } {
  const state: LiveState = { session: null, starts: [], emit, archive };
  states.set(archive, state);
  const running = (sessionId: string): RecordingSession => {
    if (state.session?.sessionId !== sessionId)
      throw new ApiException('NOT_FOUND', `Recording session ${sessionId} does not exist.`);
    return state.session;
  };
  const setState = (session: RecordingSession, next: RecordingSession['state']) => {
    session.state = next;
    emit('recording.state', {
      sessionId: session.sessionId,
      meetingId: session.meetingId,
      state: next,
      reason: 'user',
    });
    return { ...session };
  };
  return {
    handlers: {
      'recording.start': ({ title, mode, remoteSpeakers }) => {
        if (state.session) throw new ApiException('INVALID_PARAMS', 'A recording is already running.');
        state.starts.push({ title, mode, ...(remoteSpeakers === undefined ? {} : { remoteSpeakers }) });
        const detail = archive.add({
          title: title ?? 'Meeting',
          status: 'recording',
          speakers: [],
          segments: [],
        });
        state.session = {
          sessionId: `session-${detail.meeting.id}`,
          meetingId: detail.meeting.id,
          title: detail.meeting.title,
          mode,
          state: 'recording',
          startedAt: Date.now(),
          recordedMs: 0,
          frames: { mic: 0, system: 0 },
          missingFrames: { mic: 0, system: 0 },
        };
        return { sessionId: state.session.sessionId, meetingId: detail.meeting.id };
      },
      'recording.frames': ({ sessionId, channel, frames }) => {
        const session = running(sessionId);
        session.frames[channel] += frames.length;
        session.recordedMs = Math.max(session.frames.mic, session.frames.system) * 20;
        return { accepted: frames.length, state: session.state };
      },
      'recording.pause': ({ sessionId }) => setState(running(sessionId), 'paused'),
      'recording.resume': ({ sessionId }) => setState(running(sessionId), 'recording'),
      'recording.stop': ({ sessionId }) => {
        const session = running(sessionId);
        state.session = null;
        return setState(session, 'done');
      },
      'recording.status': () => ({ session: state.session ? { ...state.session } : null }),
    },
  };
}

export interface WordSpec {
  text: string;
  confidence?: number;
}

/** What a test drives: the session, and the pipeline's events for it. */
export interface LiveScript {
  readonly session: RecordingSession | null;
  readonly starts: LiveState['starts'];
  meetingId(): number;
  partial(spec: {
    channel?: Channel;
    key: string;
    text: string;
    startMs: number;
    confidences?: number[];
  }): TranscriptPartial;
  final(spec: {
    channel?: Channel;
    key: string;
    text: string;
    startMs: number;
    endMs?: number;
    speaker: { id: number; label: string; displayName?: string | null };
    confidences?: number[];
    emotion?: string | null;
  }): TranscriptFinal;
  echoDropped(spec: { channel?: Channel; key: string; text: string }): void;
  status(spec: Partial<PayloadOf<'transcript.status'>>): void;
  lag(spec: { channel?: Channel; lagMs: number; thinned?: boolean }): void;
  level(channel: Channel, rmsDb: number): void;
  warning(channel: Channel, kind: PayloadOf<'recording.warning'>['kind'], message: string): void;
}

let nextSegmentId = 10_000;

export function liveScript(backend: { archive: FakeArchive }): LiveScript {
  const state = states.get(backend.archive);
  if (!state) throw new Error('this fake backend has no fake live handlers');
  const meetingId = () => {
    const id = state.session?.meetingId;
    if (id === undefined) throw new Error('no recording is running in the fake backend');
    return id;
  };
  const timing = (captureMs: number) => ({ meetingId: meetingId(), captureMs, emittedAt: Date.now() });
  const words = (text: string, startMs: number, endMs: number, confidences: number[] | undefined) => {
    const parts = text.split(' ');
    const step = (endMs - startMs) / parts.length;
    return parts.map((w, i) => ({
      text: w,
      startMs: Math.round(startMs + i * step),
      endMs: Math.round(startMs + (i + 1) * step),
      confidence: confidences?.[i] ?? 0.99,
    }));
  };
  return {
    get session() {
      return state.session;
    },
    get starts() {
      return state.starts;
    },
    meetingId,
    partial({ channel = 'mic', key, text, startMs, confidences }) {
      const endMs = startMs + 400 * text.split(' ').length;
      const event: TranscriptPartial = {
        ...timing(endMs),
        channel,
        segmentKey: key,
        text,
        words: words(text, startMs, endMs, confidences),
        startMs,
      };
      state.emit('transcript.partial', event);
      return event;
    },
    final({ channel = 'mic', key, text, startMs, endMs, speaker, confidences, emotion = null }) {
      const end = endMs ?? startMs + 400 * text.split(' ').length;
      const segmentId = nextSegmentId++;
      const segment: Segment = {
        id: segmentId,
        meetingId: meetingId(),
        speakerId: speaker.id,
        channel,
        startMs,
        endMs: end,
        text,
        language: 'en',
        emotion,
        emotionScore: emotion ? 0.8 : null,
        confidence: null,
        minWordConfidence: confidences ? Math.min(...confidences) : null,
        revision: 1,
        words: words(text, startMs, end, confidences).map((w, ord) => ({
          ...w,
          segmentId,
          ord,
          originalText: null,
          reviewedAt: null,
        })),
      };
      const event: TranscriptFinal = {
        ...timing(end),
        segmentKey: key,
        segment,
        speaker: { id: speaker.id, label: speaker.label, displayName: speaker.displayName ?? null },
        endpointAt: Date.now(),
        reason: 'silence',
      };
      state.emit('transcript.final', event);
      return event;
    },
    echoDropped({ channel = 'mic', key, text }) {
      state.emit('transcript.echo-dropped', {
        ...timing(0),
        channel,
        segmentKey: key,
        text,
        matchedSegmentId: 1,
        similarity: 0.93,
        rule: 'text',
      });
    },
    status(spec) {
      state.emit('transcript.status', { ...timing(0), state: 'recording', asrMode: 'streaming', ...spec });
    },
    lag({ channel = 'mic', lagMs, thinned = false }) {
      state.emit('transcript.lag', { ...timing(0), channel, lagMs, thinned });
    },
    level(channel, rmsDb) {
      const sessionId = state.session?.sessionId ?? '';
      state.emit('recording.level', { sessionId, channel, rmsDb, peakDb: rmsDb + 6 });
    },
    warning(channel, kind, message) {
      const sessionId = state.session?.sessionId ?? '';
      state.emit('recording.warning', { sessionId, channel, kind, message });
    },
  };
}

/**
 * A microphone for jsdom: getUserMedia answers with one silent track, read through a
 * MediaStreamTrackProcessor stand-in that never delivers audio (captions come from the script above).
 * Returns a function that removes it again.
 */
export function installFakeMicrophone(): () => void {
  const nav = navigator as { mediaDevices?: unknown };
  const g = globalThis as { MediaStreamTrackProcessor?: unknown };
  const saved = { mediaDevices: nav.mediaDevices, processor: g.MediaStreamTrackProcessor };
  const track = {
    kind: 'audio',
    label: 'Fake microphone',
    stop: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  };
  const stream = { getTracks: () => [track], getAudioTracks: () => [track] };
  Object.defineProperty(navigator, 'mediaDevices', {
    configurable: true,
    value: {
      getUserMedia: () => Promise.resolve(stream),
      enumerateDevices: () =>
        Promise.resolve([
          { kind: 'audioinput', deviceId: 'fake-mic', label: 'Fake microphone', groupId: '' },
        ]),
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    },
  });
  g.MediaStreamTrackProcessor = class {
    readonly readable = new ReadableStream();
  };
  return () => {
    Object.defineProperty(navigator, 'mediaDevices', { configurable: true, value: saved.mediaDevices });
    g.MediaStreamTrackProcessor = saved.processor;
  };
}
