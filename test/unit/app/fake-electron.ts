/**
 * A stand-in for the 'electron' module (the binary cannot run here). Tests install it with
 * `vi.mock('electron', () => import('./fake-electron'))` and inspect the same objects through
 * `await import('electron')` cast to FakeElectron. Only what main/app uses is modelled.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  destroyed = false;
  windowOpenHandler: ((details: unknown) => { action: string }) | null = null;
  readonly postMessage = vi.fn();
  isDestroyed() {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: unknown) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  destroy() {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  /** When set, loadURL of windows created afterwards rejects with it. */
  static loadError: Error | null = null;
  static getAllWindows() {
    return BrowserWindow.instances.filter((window) => !window.destroyed);
  }
  readonly webContents = new FakeWebContents();
  private readonly loadError = BrowserWindow.loadError;
  readonly loadURL = vi.fn(async (_url: string) => {
    if (this.loadError) throw this.loadError;
  });
  readonly show = vi.fn();
  readonly focus = vi.fn();
  readonly restore = vi.fn();
  minimized = false;
  destroyed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.instances.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  isMinimized() {
    return this.minimized;
  }
  isDestroyed() {
    return this.destroyed;
  }
}

export class FakeUtilityProcess extends EventEmitter {
  static nextPid = 1000;
  pid: number | undefined = FakeUtilityProcess.nextPid++;
  readonly postMessage = vi.fn();
  readonly kill = vi.fn(() => {
    queueMicrotask(() => this.emit('exit', 15));
    return true;
  });
}

/** A MessagePortMain that accepts listeners and messages (main's own backend link starts one). */
const fakePort = (side: string) => ({
  side,
  close: vi.fn(),
  on: vi.fn(),
  start: vi.fn(),
  postMessage: vi.fn(),
});

export class MessageChannelMain {
  static created: MessageChannelMain[] = [];
  readonly port1 = fakePort('port1');
  readonly port2 = fakePort('port2');
  constructor() {
    MessageChannelMain.created.push(this);
  }
}

let resolveReady: () => void = () => {};

class FakeApp extends EventEmitter {
  isPackaged = false;
  singleInstance = true;
  readonly enableSandbox = vi.fn();
  readonly quit = vi.fn();
  readonly requestSingleInstanceLock = vi.fn(() => this.singleInstance);
  readonly getPath = vi.fn((name: string) => `/fake/${name}`);
  readonly getVersion = vi.fn(() => '1.2.3');
  /** Chromium's switches as Electron exposes them: one value per switch, the last append wins. */
  readonly switches = new Map<string, string>();
  readonly commandLine = {
    appendSwitch: vi.fn((name: string, value = '') => void this.switches.set(name, value)),
    getSwitchValue: vi.fn((name: string) => this.switches.get(name) ?? ''),
    hasSwitch: vi.fn((name: string) => this.switches.has(name)),
  };
  ready: Promise<void> = new Promise((resolve) => (resolveReady = resolve));
  whenReady() {
    return this.ready;
  }
}

export const app = new FakeApp();
/** Resolves app.whenReady() and lets the then-callbacks run. */
export async function becomeReady(): Promise<void> {
  resolveReady();
  await app.ready;
  await new Promise((resolve) => setImmediate(resolve));
}

export const protocol = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };

export const session = {
  defaultSession: {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDisplayMediaRequestHandler: vi.fn(),
    webRequest: { onBeforeRequest: vi.fn() },
  },
};

export const desktopCapturer = {
  getSources: vi.fn(async (_options: unknown) => [
    { id: 'screen:1:0', name: 'Entire screen' },
    { id: 'screen:2:0', name: 'Screen 2' },
  ]),
};

export const ipcMain = new EventEmitter();

export const utilityProcess = {
  fork: vi.fn((_modulePath: string, _args?: string[], _options?: unknown) => new FakeUtilityProcess()),
};

// Renderer-side modules, used by the preload.
export const contextBridge = { exposeInMainWorld: vi.fn() };
export const ipcRenderer = Object.assign(new EventEmitter(), { send: vi.fn() });

/** Puts every fake back to its initial state (the module itself is cached across vi.resetModules). */
export function resetFake(): void {
  vi.clearAllMocks();
  app.removeAllListeners();
  app.singleInstance = true;
  app.isPackaged = false;
  app.switches.clear();
  app.ready = new Promise((resolve) => (resolveReady = resolve));
  BrowserWindow.instances = [];
  BrowserWindow.loadError = null;
  MessageChannelMain.created = [];
  ipcMain.removeAllListeners();
  ipcRenderer.removeAllListeners();
}

export type FakeElectron = {
  resetFake: typeof resetFake;
  app: FakeApp;
  BrowserWindow: typeof BrowserWindow;
  protocol: typeof protocol;
  session: typeof session;
  desktopCapturer: typeof desktopCapturer;
  ipcMain: EventEmitter;
  utilityProcess: typeof utilityProcess;
  MessageChannelMain: typeof MessageChannelMain;
  contextBridge: typeof contextBridge;
  ipcRenderer: typeof ipcRenderer;
  becomeReady: typeof becomeReady;
};
