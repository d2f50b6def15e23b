import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiException,
  createApiClient,
  createMemoryPair,
  methods,
  SettingsSchema,
  type ApiClient,
  type ClientMessage,
  type EventName,
  type PayloadOf,
  type ServerMessage,
  type Settings,
} from '../../../main/api';
import type { BackendContext } from '../../../main/backend/context';
import { voiceHandlers } from '../../../main/backend/handlers/voices';
import { createBackendServer, type Handlers } from '../../../main/backend/server';
import { openStore, type Store } from '../../../main/store';

export interface VoicesHarness {
  api: ApiClient;
  store: Store;
  settings: Settings;
  events: { event: EventName; payload: unknown }[];
  changed(): PayloadOf<'archive.changed'>[];
  close(): void;
}

/**
 * The voice handlers behind the real protocol server (params and results validated against the
 * contract, events too) over a real store in a temp folder; settings are a plain object the test edits.
 */
export function startVoicesHarness(initial: Partial<Settings> = {}): VoicesHarness {
  const dir = mkdtempSync(join(tmpdir(), 'verbatim-voices-'));
  const store = openStore(join(dir, 'archive.sqlite'));
  const settings = SettingsSchema.parse(initial);
  const events: VoicesHarness['events'] = [];
  const ctx: BackendContext = {
    store,
    dataDir: dir,
    settings: { get: () => settings },
    models: {} as BackendContext['models'],
    loadEngines: (() => {
      throw new Error('not used');
    }) as unknown as BackendContext['loadEngines'],
    emit: (event, payload) => {
      events.push({ event, payload });
      server.emit(event, payload);
    },
    log: () => undefined,
  };
  const unmodelled = Object.fromEntries(
    Object.keys(methods).map((name) => [
      name,
      () => {
        throw new ApiException('UNKNOWN_METHOD', name);
      },
    ]),
  ) as unknown as Handlers;
  const server = createBackendServer({ ...unmodelled, ...voiceHandlers(ctx) }, { log: () => undefined });
  const [clientSide, serverSide] = createMemoryPair<ClientMessage, ServerMessage>();
  server.connect(serverSide);
  const api = createApiClient(clientSide);
  return {
    api,
    store,
    settings,
    events,
    changed: () =>
      events
        .filter((e) => e.event === 'archive.changed')
        .map((e) => e.payload as PayloadOf<'archive.changed'>),
    close() {
      api.dispose();
      clientSide.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function ok<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}
