/**
 * A backend for renderer tests: the REAL protocol server (main/backend/server.ts: envelope and params
 * validation, typed errors, event validation) with in-memory handlers instead of the Node-only settings
 * file store. The client side is the real createApiClient over a structured-clone memory link, i.e.
 * the same object the preload exposes as window.verbatim.
 */
import {
  ApiException,
  createApiClient,
  createMemoryPair,
  methods,
  SettingsSchema,
  type ApiClient,
  type ApiError,
  type AppInfo,
  type ClientMessage,
  type Health,
  type ServerMessage,
  type Settings,
  type SettingsPatch,
} from '../../main/api';
import { createBackendServer, type BackendServer, type Handlers } from '../../main/backend/server';
import { createFakeArchive, type FakeArchive } from './fake-archive';
import { createFakeLive } from './fake-live';
import { createFakeModels } from './fake-models';
import { fakeTranscribeHandlers } from './fake-transcribe';
import { createFakeReview } from './fake-review';
import { createFakeVoices } from './fake-voices';

export interface FakeBackend {
  api: ApiClient;
  server: BackendServer;
  /** The in-memory archive (meetings, search, import, export). */
  archive: FakeArchive;
  /** Settings as the fake store holds them now. */
  readonly stored: Settings;
  /** Params of every settings.set exactly as the renderer put them on the wire. */
  setCalls(): unknown[];
  /** Changes the store without telling anyone, like a restarted backend that re-read its file. */
  replaceStored(settings: Settings): void;
  /** settings.set calls wait until the returned function is called. */
  holdSets(): () => void;
  /** The next settings.set fails with this error (after validation passed). */
  failNextSet(error: ApiError): void;
  /** backend.health fails with this error until called again with null. */
  failHealth(error: ApiError | null): void;
  close(): void;
}

export const TEST_INFO: AppInfo = {
  name: 'Verbatim',
  version: '9.8.7-test',
  versions: { node: '22.99.0', electron: null, v8: '13.0' },
  platform: 'linux',
  arch: 'x64',
  dataDir: '/home/ana/.config/Verbatim',
  host: 'in-process',
};

export function startFakeBackend(initial: Partial<Settings> = {}, health: Partial<Health> = {}): FakeBackend {
  let stored = SettingsSchema.parse(initial);
  let hold: Promise<void> | null = null;
  let nextSetError: ApiError | null = null;
  let healthError: ApiError | null = null;
  const wire: ClientMessage[] = [];
  const archive = createFakeArchive((reason, meetingIds) =>
    server.emit('archive.changed', { reason, meetingIds }),
  );

  // Methods this fake does not model (recording, models...) answer UNKNOWN_METHOD, so a test that
  // reaches one fails loudly, and a contract that grows does not break the fake's type.
  const unmodelled = Object.fromEntries(
    Object.keys(methods).map((name) => [
      name,
      () => {
        throw new ApiException('UNKNOWN_METHOD', `The renderer test backend does not model '${name}'.`);
      },
    ]),
  ) as unknown as Handlers;

  const models = createFakeModels({
    progress: (p) => server.emit('models.progress', p),
    changed: (ids) => server.emit('models.changed', { ids }),
  });

  const handlers: Handlers = {
    ...unmodelled,
    ...models.handlers,
    'app.info': () => TEST_INFO,
    'backend.health': () => {
      if (healthError) throw new ApiException(healthError.code, healthError.message);
      return {
        status: 'ok',
        pid: 4242,
        startedAt: 0,
        uptimeMs: 125_000,
        rssBytes: 80 * 1024 * 1024,
        heapUsedBytes: 20 * 1024 * 1024,
        inFlight: 0,
        connections: 1,
        problems: [],
        ...health,
      };
    },
    'backend.ping': ({ payload }) => (payload === undefined ? { receivedAt: 1 } : { payload, receivedAt: 1 }),
    'settings.get': () => stored,
    // Same semantics as main/backend/service.ts + settings-store.ts: merge, validate, store, broadcast.
    'settings.set': async (patch: SettingsPatch) => {
      if (hold) await hold;
      if (nextSetError) {
        const error = nextSetError;
        nextSetError = null;
        throw new ApiException(error.code, error.message);
      }
      stored = SettingsSchema.parse({ ...stored, ...patch });
      server.emit('settings.changed', stored);
      return stored;
    },
    ...archive.handlers,
    ...fakeTranscribeHandlers(() => server),
    ...createFakeReview(
      archive,
      () => handlers,
      () => server,
    ).handlers,
    ...createFakeLive(archive, (event, payload) => server.emit(event, payload)).handlers,
    ...createFakeVoices(
      archive,
      () => stored,
      (event, payload) => server.emit(event, payload),
    ).handlers,
  };

  const server = createBackendServer(handlers, { log: () => undefined });
  const [clientSide, serverSide] = createMemoryPair<ClientMessage, ServerMessage>();
  serverSide.onMessage((message) => wire.push(message));
  server.connect(serverSide);
  const api = createApiClient(clientSide);

  return {
    api,
    server,
    archive,
    get stored() {
      return stored;
    },
    setCalls: () =>
      wire.flatMap((message) =>
        message.kind === 'request' && message.method === 'settings.set' ? [message.params] : [],
      ),
    replaceStored(settings) {
      stored = settings;
    },
    holdSets() {
      let release = () => {};
      hold = new Promise<void>((resolve) => {
        release = () => {
          hold = null;
          resolve();
        };
      });
      return release;
    },
    failNextSet(error) {
      nextSetError = error;
    },
    failHealth(error) {
      healthError = error;
    },
    close() {
      api.dispose();
      clientSide.close();
    },
  };
}
