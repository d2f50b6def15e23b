/**
 * A recording backend for capture tests: the REAL protocol server (params validated against the contract,
 * e.g. 320 finite samples per frame, the mode enum) with in-memory recording and settings handlers that
 * keep every frame the page sent, per channel.
 */
import {
  ApiException,
  createApiClient,
  createMemoryPair,
  methods,
  SettingsSchema,
  type ApiClient,
  type ClientMessage,
  type ParsedParamsOf,
  type RecordingSession,
  type ServerMessage,
  type Settings,
} from '../../main/api';
import { createBackendServer, type BackendServer, type Handlers } from '../../main/backend/server';

export interface ReceivedFrame {
  seq: number;
  t: number;
  rms: number;
}

export interface RecordingBackend {
  api: ApiClient;
  server: BackendServer;
  starts: ParsedParamsOf<'recording.start'>[];
  frames: { mic: ReceivedFrame[]; system: ReceivedFrame[] };
  settings: Settings;
  close(): void;
}

export function startRecordingBackend(initial: Partial<Settings> = {}): RecordingBackend {
  const unmodelled = Object.fromEntries(
    Object.keys(methods).map((name) => [
      name,
      () => {
        throw new ApiException('UNKNOWN_METHOD', `not modelled: ${name}`);
      },
    ]),
  ) as unknown as Handlers;
  const state: RecordingBackend = {
    api: null as unknown as ApiClient,
    server: null as unknown as BackendServer,
    starts: [],
    frames: { mic: [], system: [] },
    settings: SettingsSchema.parse(initial),
    close: () => undefined,
  };
  let session: RecordingSession | null = null;
  const info = (): RecordingSession => session!;

  const handlers: Handlers = {
    ...unmodelled,
    'settings.get': () => state.settings,
    'settings.set': (patch) => {
      state.settings = SettingsSchema.parse({ ...state.settings, ...patch });
      server.emit('settings.changed', state.settings);
      return state.settings;
    },
    'recording.start': (params) => {
      state.starts.push(params);
      session = {
        sessionId: `s${state.starts.length}`,
        meetingId: 40 + state.starts.length,
        title: params.title ?? 'Meeting',
        mode: params.mode,
        state: 'recording',
        startedAt: 0,
        recordedMs: 0,
        frames: { mic: 0, system: 0 },
        missingFrames: { mic: 0, system: 0 },
      };
      return { sessionId: session.sessionId, meetingId: session.meetingId };
    },
    'recording.frames': ({ channel, frames }) => {
      for (const f of frames) {
        let sum = 0;
        for (const s of f.samples) sum += s * s;
        state.frames[channel].push({ seq: f.seq, t: f.t, rms: Math.sqrt(sum / f.samples.length) });
      }
      return { accepted: frames.length, state: session?.state ?? 'done' };
    },
    'recording.pause': () => ({ ...info(), state: 'paused' }),
    'recording.resume': () => ({ ...info(), state: 'recording' }),
    'recording.stop': () => {
      const s = info();
      session = null;
      return { ...s, state: 'done' };
    },
    'recording.status': () => ({ session }),
  };

  const server = createBackendServer(handlers, { log: () => undefined });
  const [clientSide, serverSide] = createMemoryPair<ClientMessage, ServerMessage>();
  server.connect(serverSide);
  const api = createApiClient(clientSide);
  state.api = api;
  state.server = server;
  state.close = () => {
    api.dispose();
    clientSide.close();
  };
  return state;
}
