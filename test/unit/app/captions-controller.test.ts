import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  apiError,
  ApiException,
  DEFAULT_SETTINGS,
  methods,
  type EventName,
  type MethodName,
  type PayloadOf,
  type RecordingSession,
  type RecordingState,
  type Result,
  type ServerMessage,
  type Settings,
} from '../../../main/api';
import {
  createCaptionsController,
  INITIAL_CAPTIONS_STATE,
  reduceCaptions,
  type CaptionsInput,
  type CaptionsState,
} from '../../../main/app/captions-controller';
import { IPC } from '../../../main/app/constants';
import { createMainBackendLink } from '../../../main/app/media-protocol';
import { createBackendServer, type BackendServer, type Handlers } from '../../../main/backend/server';
import { messagePortMainTransport, type MessagePortMainLike } from '../../../main/backend/transports-node';
import type { FakeElectron, BrowserWindow as FakeBrowserWindow } from './fake-electron';

/** The shared fake plus what the captions window uses, and a close() that behaves like Electron's. */
vi.mock('electron', async () => {
  const fake = await import('./fake-electron');
  class CaptionsAwareBrowserWindow extends fake.BrowserWindow {
    readonly setAlwaysOnTop = vi.fn();
    readonly setVisibleOnAllWorkspaces = vi.fn();
    readonly showInactive = vi.fn();
    readonly close = vi.fn(() => {
      if (this.destroyed) return;
      this.destroyed = true;
      this.emit('closed');
      this.webContents.destroy();
    });
  }
  return { ...fake, BrowserWindow: CaptionsAwareBrowserWindow };
});

// --- the pure decisions ---------------------------------------------------------------------------

const settings = (captionsWindow: boolean): CaptionsInput => ({ type: 'settings', captionsWindow });
const recording = (sessionId: string | null, state: RecordingState | null = 'recording'): CaptionsInput => ({
  type: 'recording',
  sessionId,
  state: sessionId === null ? null : state,
});
const closedByUser: CaptionsInput = { type: 'window-closed' };

/** Feeds inputs in order; returns the actions taken and the final state. */
function run(inputs: CaptionsInput[], from: CaptionsState = INITIAL_CAPTIONS_STATE) {
  let state = from;
  const actions: string[] = [];
  for (const input of inputs) {
    const step = reduceCaptions(state, input);
    state = step.state;
    if (step.action) actions.push(step.action);
  }
  return { actions, state };
}

describe('reduceCaptions', () => {
  it('opens only when the setting is on and a meeting is being recorded, in either order', () => {
    expect(run([settings(true)]).actions).toEqual([]);
    expect(run([recording('s1')]).actions).toEqual([]);
    expect(run([settings(true), recording('s1')]).actions).toEqual(['open']);
    expect(run([recording('s1'), settings(true)]).actions).toEqual(['open']);
  });

  it('keeps the window through pause and resume and closes it when the meeting ends', () => {
    for (const end of ['finalizing', 'done', 'interrupted'] as const) {
      const { actions, state } = run([
        settings(true),
        recording('s1'),
        recording('s1', 'paused'),
        recording('s1', 'recording'),
        recording('s1', end),
      ]);
      expect(actions).toEqual(['open', 'close']);
      expect(state.open).toBe(false);
    }
  });

  it('closes when the setting goes off and reopens when it comes back during the meeting', () => {
    expect(run([settings(true), recording('s1'), settings(false), settings(true)]).actions).toEqual([
      'open',
      'close',
      'open',
    ]);
  });

  it('never asks for a second window', () => {
    const { actions } = run([
      settings(true),
      recording('s1'),
      settings(true),
      recording('s1', 'paused'),
      recording('s1'),
      recording('s2'),
    ]);
    expect(actions).toEqual(['open']);
  });

  it('does not reopen a window the user closed until the next meeting', () => {
    const during = run([settings(true), recording('s1'), closedByUser, recording('s1', 'paused')]);
    expect(during.actions).toEqual(['open']);
    expect(during.state.open).toBe(false);
    // The same meeting reported again (a resync after a backend restart, say) stays closed.
    expect(run([recording('s1'), settings(true)], during.state).actions).toEqual([]);
    // The next meeting opens it again.
    expect(run([recording('s1', 'done'), recording('s2')], during.state).actions).toEqual(['open']);
  });

  it('lets a user who switches the setting back on during that meeting have the window again', () => {
    const { actions } = run([settings(true), recording('s1'), closedByUser, settings(false), settings(true)]);
    expect(actions).toEqual(['open', 'open']);
  });

  it('closes when the backend goes away and when the status says nothing is recording', () => {
    expect(run([settings(true), recording('s1'), { type: 'backend-lost' }]).actions).toEqual([
      'open',
      'close',
    ]);
    expect(run([settings(true), recording('s1'), recording(null)]).actions).toEqual(['open', 'close']);
  });

  it('ignores the end of a session other than the one being recorded', () => {
    const { actions, state } = run([settings(true), recording('s2'), recording('s1', 'done')]);
    expect(actions).toEqual(['open']);
    expect(state.sessionId).toBe('s2');
  });
});

// --- the controller over a link ---------------------------------------------------------------------

type Answer = Result<unknown>;

/** A link whose answers the test releases by hand, to order them against events. */
function fakeLink() {
  const bus = new EventEmitter();
  const calls: Array<{ method: MethodName; resolve: (answer: Answer) => void }> = [];
  const link = {
    connected: false,
    on<E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void) {
      bus.on(event, listener);
      return () => void bus.off(event, listener);
    },
    invoke: vi.fn(
      (method: MethodName) =>
        new Promise<Answer>((resolve) => {
          calls.push({ method, resolve });
        }),
    ),
  };
  const emit = <E extends EventName>(event: E, payload: PayloadOf<E>) => bus.emit(event, payload);
  /** Answers the oldest unanswered call of this method. */
  const answer = async (method: MethodName, value: Answer) => {
    const index = calls.findIndex((call) => call.method === method);
    expect(index, `a pending '${method}'`).toBeGreaterThanOrEqual(0);
    const [call] = calls.splice(index, 1);
    call!.resolve(value);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { link: link as never, raw: link, emit, answer, calls, bus };
}

const session = (sessionId: string, state: RecordingState = 'recording'): RecordingSession => ({
  sessionId,
  meetingId: 1,
  title: 'Standup',
  mode: 'live',
  state,
  startedAt: 0,
  recordedMs: 0,
  frames: { mic: 0, system: 0 },
  missingFrames: { mic: 0, system: 0 },
});
const stored = (captionsWindow: boolean): Settings => ({ ...DEFAULT_SETTINGS, captionsWindow });
const stateEvent = (sessionId: string, state: RecordingState) => ({ sessionId, meetingId: 1, state });

class FakeWindow extends EventEmitter {
  destroyed = false;
  readonly close = vi.fn(() => {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('closed');
  });
  isDestroyed() {
    return this.destroyed;
  }
  /** The user's Close button. */
  closeByUser() {
    this.close();
  }
}

function controllerWith(fake = fakeLink()) {
  const windows: FakeWindow[] = [];
  const openWindow = vi.fn(() => {
    const window = new FakeWindow();
    windows.push(window);
    return window;
  });
  const log = vi.fn();
  const controller = createCaptionsController({ link: fake.link, openWindow, log });
  const openWindows = () => windows.filter((window) => !window.destroyed);
  return { ...fake, controller, windows, openWindows, openWindow, log };
}

describe('createCaptionsController', () => {
  it('reads settings and recording status when the link connects, then follows events', async () => {
    const t = controllerWith();
    expect(t.raw.invoke).not.toHaveBeenCalled();
    t.emit('backend.connection', { state: 'connected', restarts: 0 });
    await t.answer('settings.get', { ok: true, value: stored(true) });
    await t.answer('recording.status', { ok: true, value: { session: session('s1', 'paused') } });
    expect(t.openWindows()).toHaveLength(1);

    t.emit('recording.state', stateEvent('s1', 'finalizing'));
    expect(t.openWindows()).toHaveLength(0);
    t.emit('recording.state', stateEvent('s2', 'recording'));
    expect(t.openWindows()).toHaveLength(1);
    t.emit('settings.changed', stored(false));
    expect(t.openWindows()).toHaveLength(0);
    expect(t.openWindow).toHaveBeenCalledTimes(2);
  });

  it('reads the state at once when the link is already connected', async () => {
    const fake = fakeLink();
    fake.raw.connected = true;
    const t = controllerWith(fake);
    expect(t.calls.map((call) => call.method).sort()).toEqual(['recording.status', 'settings.get']);
  });

  it('prefers an event that arrived while the answers were on their way', async () => {
    const t = controllerWith();
    t.emit('backend.connection', { state: 'connected', restarts: 0 });
    t.emit('settings.changed', stored(true));
    t.emit('recording.state', stateEvent('s1', 'recording'));
    expect(t.openWindows()).toHaveLength(1);
    // Both answers were computed before the events: stale.
    await t.answer('settings.get', { ok: true, value: stored(false) });
    await t.answer('recording.status', { ok: true, value: { session: null } });
    expect(t.openWindows()).toHaveLength(1);
  });

  it('keeps the user’s Close for the rest of the meeting, across a backend restart', async () => {
    const t = controllerWith();
    t.emit('settings.changed', stored(true));
    t.emit('recording.state', stateEvent('s1', 'recording'));
    t.windows[0]!.closeByUser();
    t.emit('recording.state', stateEvent('s1', 'paused'));
    t.emit('recording.state', stateEvent('s1', 'recording'));
    t.emit('backend.connection', { state: 'restarted', restarts: 1 });
    await t.answer('settings.get', { ok: true, value: stored(true) });
    await t.answer('recording.status', { ok: true, value: { session: session('s1') } });
    expect(t.openWindow).toHaveBeenCalledTimes(1);

    t.emit('recording.state', stateEvent('s1', 'done'));
    t.emit('recording.state', stateEvent('s2', 'recording'));
    expect(t.openWindow).toHaveBeenCalledTimes(2);
    expect(t.openWindows()).toHaveLength(1);
  });

  it('closes the window when the backend goes away', () => {
    const t = controllerWith();
    t.emit('settings.changed', stored(true));
    t.emit('recording.state', stateEvent('s1', 'recording'));
    t.emit('backend.connection', { state: 'disconnected', restarts: 0 });
    expect(t.windows[0]!.close).toHaveBeenCalled();
    expect(t.openWindows()).toHaveLength(0);
  });

  it('logs a failed read and changes nothing', async () => {
    const t = controllerWith();
    t.emit('backend.connection', { state: 'connected', restarts: 0 });
    await t.answer('settings.get', { ok: false, error: apiError('BACKEND_UNAVAILABLE', 'gone') });
    await t.answer('recording.status', { ok: true, value: { session: session('s1') } });
    expect(t.log).toHaveBeenCalledWith('could not read the settings', expect.anything());
    expect(t.openWindows()).toHaveLength(0);
    expect(t.controller.state.sessionId).toBe('s1');
  });

  it('does not retry a window that fails to open during the same meeting', () => {
    const t = controllerWith();
    t.openWindow.mockImplementationOnce(() => {
      throw new Error('no display');
    });
    t.emit('settings.changed', stored(true));
    t.emit('recording.state', stateEvent('s1', 'recording'));
    t.emit('recording.state', stateEvent('s1', 'paused'));
    expect(t.openWindow).toHaveBeenCalledTimes(1);
    expect(t.log).toHaveBeenCalledWith('could not open the captions window', expect.any(Error));
    t.emit('recording.state', stateEvent('s2', 'recording'));
    expect(t.openWindows()).toHaveLength(1);
  });

  it('dismiss() closes the window for this meeting; dispose() stops following the backend', () => {
    const t = controllerWith();
    t.emit('settings.changed', stored(true));
    t.emit('recording.state', stateEvent('s1', 'recording'));
    t.controller.dismiss();
    expect(t.openWindows()).toHaveLength(0);
    t.emit('recording.state', stateEvent('s1', 'recording'));
    expect(t.openWindow).toHaveBeenCalledTimes(1);

    t.emit('recording.state', stateEvent('s2', 'recording'));
    expect(t.openWindows()).toHaveLength(1);
    t.controller.dispose();
    expect(t.openWindows()).toHaveLength(0);
    t.emit('recording.state', stateEvent('s3', 'recording'));
    expect(t.openWindow).toHaveBeenCalledTimes(2);
    expect(t.bus.listenerCount('recording.state')).toBe(0);
  });
});

// --- main's backend link: events that survive restarts -------------------------------------------------

/** Electron's MessagePortMain delivers { data }; a worker_threads port delivers the value itself. */
function asPortMain(port: MessagePort): MessagePortMainLike {
  const wrapped = new Map<unknown, (data: unknown) => void>();
  return {
    postMessage: (message) => port.postMessage(message),
    on(event: 'message' | 'close', listener: ((e: { data: unknown }) => void) | (() => void)) {
      if (event === 'close') port.on('close', listener as () => void);
      else {
        const w = (data: unknown) => (listener as (e: { data: unknown }) => void)({ data });
        wrapped.set(listener, w);
        port.on('message', w);
      }
      return this;
    },
    off(event: 'message' | 'close', listener: ((e: { data: unknown }) => void) | (() => void)) {
      if (event === 'close') port.off('close', listener as () => void);
      else port.off('message', wrapped.get(listener) ?? (() => undefined));
      return this;
    },
    start: () => port.start(),
    close: () => port.close(),
  } as MessagePortMainLike;
}

function backendWith(settingsValue: Settings): { server: BackendServer; connect(): MessagePortMainLike } {
  const unmodelled = Object.fromEntries(
    Object.keys(methods).map((name) => [
      name,
      () => {
        throw new ApiException('UNKNOWN_METHOD', name);
      },
    ]),
  ) as unknown as Handlers;
  const server = createBackendServer(
    { ...unmodelled, 'settings.get': () => settingsValue },
    { log: () => undefined },
  );
  return {
    server,
    connect() {
      const { port1, port2 } = new MessageChannel();
      server.connect(messagePortMainTransport<unknown, ServerMessage>(asPortMain(port1)) as never);
      return asPortMain(port2);
    },
  };
}

describe('createMainBackendLink events', () => {
  it('delivers backend events to listeners that outlive a restart, and reports the connection', async () => {
    const link = createMainBackendLink({ timeoutMs: 5000 });
    const connection = vi.fn();
    const changed = vi.fn();
    link.on('backend.connection', connection);
    const off = link.on('settings.changed', changed);
    expect(link.connected).toBe(false);
    expect(await link.invoke('settings.get', {})).toMatchObject({ error: { code: 'BACKEND_UNAVAILABLE' } });

    const first = backendWith(stored(true));
    link.renderer.postMessage(IPC.port, { restarts: 0 }, [first.connect()]);
    expect(link.connected).toBe(true);
    expect(connection).toHaveBeenLastCalledWith({ state: 'connected', restarts: 0 });
    expect(await link.invoke('settings.get', {})).toEqual({ ok: true, value: stored(true) });
    first.server.emit('settings.changed', stored(true));
    await vi.waitFor(() => expect(changed).toHaveBeenCalledTimes(1));

    link.renderer.postMessage(IPC.lost, { restarts: 1, willRestart: true });
    expect(connection).toHaveBeenLastCalledWith({ state: 'disconnected', restarts: 1 });
    expect(link.connected).toBe(false);

    const second = backendWith(stored(false));
    link.renderer.postMessage(IPC.port, { restarts: 1 }, [second.connect()]);
    expect(connection).toHaveBeenLastCalledWith({ state: 'restarted', restarts: 1 });
    second.server.emit('settings.changed', stored(false));
    await vi.waitFor(() => expect(changed).toHaveBeenLastCalledWith(stored(false)));
    expect(changed).toHaveBeenCalledTimes(2);

    off();
    second.server.emit('settings.changed', stored(true));
    expect(await link.invoke('settings.get', {})).toEqual({ ok: true, value: stored(false) });
    expect(changed).toHaveBeenCalledTimes(2);
    link.close();
    await first.server.shutdown();
    await second.server.shutdown();
  });
});

// --- wiring in the app ---------------------------------------------------------------------------------

type CaptionsAwareWindow = FakeBrowserWindow & { close: ReturnType<typeof vi.fn> };

async function boot() {
  vi.resetModules();
  const electron = (await import('electron')) as unknown as FakeElectron;
  electron.resetFake();
  await import('../../../main/app/main');
  await electron.becomeReady();
  // The first channel is main's own link: the test plays the backend on its port2.
  const port = electron.MessageChannelMain.created[0]!.port2;
  const onMessage = port.on.mock.calls.find(([event]) => event === 'message')![1] as (e: {
    data: unknown;
  }) => void;
  const send = async (message: ServerMessage) => {
    onMessage({ data: message });
    await new Promise((resolve) => setImmediate(resolve));
  };
  const requests = () =>
    port.postMessage.mock.calls.map(([message]) => message as { id: number; method: string });
  const reply = (method: string, result: unknown) => {
    const request = requests().find((r) => r.method === method)!;
    return send({ kind: 'response', id: request.id, ok: true, result });
  };
  const event = <E extends EventName>(name: E, payload: PayloadOf<E>) =>
    send({ kind: 'event', name, payload });
  const windows = () => electron.BrowserWindow.instances as CaptionsAwareWindow[];
  const captionsWindows = () =>
    windows().filter((w) => String(w.loadURL.mock.calls[0]?.[0]).endsWith('#/captions'));
  return { electron, reply, event, requests, windows, captionsWindows };
}

describe('captions window in the app', () => {
  afterEach(() => vi.restoreAllMocks());

  it('opens while recording with the setting on, and gets its own backend port on hello', async () => {
    const app = await boot();
    expect(
      app
        .requests()
        .map((r) => r.method)
        .sort(),
    ).toEqual(['recording.status', 'settings.get']);
    await app.reply('settings.get', stored(true));
    await app.reply('recording.status', { session: null });
    expect(app.captionsWindows()).toHaveLength(0);

    await app.event('recording.state', stateEvent('s1', 'recording'));
    const [captions] = app.captionsWindows();
    expect(captions).toBeDefined();
    expect(captions!.options).toMatchObject({ alwaysOnTop: true, frame: false });
    expect(captions!.loadURL).toHaveBeenCalledWith('app://verbatim/index.html#/captions');

    // Its preload says hello like the main window's: validated the same way, answered with its own port.
    const child = app.electron.utilityProcess.fork.mock.results[0]!.value as { postMessage: typeof vi.fn };
    const before = (child.postMessage as ReturnType<typeof vi.fn>).mock.calls.length;
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    app.electron.ipcMain.emit('verbatim:hello', {
      sender: captions!.webContents,
      senderFrame: { url: 'app://verbatim/index.html#/captions', parent: {} },
    });
    expect(captions!.webContents.postMessage).not.toHaveBeenCalled();
    app.electron.ipcMain.emit('verbatim:hello', {
      sender: captions!.webContents,
      senderFrame: { url: 'app://verbatim/index.html#/captions', parent: null },
    });
    expect((child.postMessage as ReturnType<typeof vi.fn>).mock.calls.length).toBe(before + 1);
    expect(captions!.webContents.postMessage).toHaveBeenCalledWith('verbatim:port', { restarts: 0 }, [
      expect.objectContaining({ side: 'port2' }),
    ]);
    const main = app.windows().find((w) => w !== captions)!;
    expect(main.webContents.postMessage).not.toHaveBeenCalled();

    await app.event('recording.state', stateEvent('s1', 'paused'));
    expect(app.captionsWindows().filter((w) => !w.destroyed)).toHaveLength(1);
    await app.event('recording.state', stateEvent('s1', 'done'));
    expect(captions!.close).toHaveBeenCalled();
  });

  it('closes the captions window with the main window, so the app can quit', async () => {
    const app = await boot();
    await app.reply('settings.get', stored(true));
    await app.reply('recording.status', { session: session('s1') });
    const [captions] = app.captionsWindows();
    expect(captions).toBeDefined();
    const main = app.windows().find((w) => w !== captions)!;
    main.emit('closed');
    expect(captions!.close).toHaveBeenCalled();
  });
});
