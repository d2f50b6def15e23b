import { IPC } from './constants';
import { createRestartPolicy, type RestartPolicyOptions } from './restart-policy';

/**
 * Hosts the backend (main/backend/entry.ts, built to out/main/backend.js) in an Electron
 * utilityProcess and hands every renderer its own MessagePort to it. Frames and requests flow
 * renderer <-> backend directly; main only brokers ports and restarts the process when it dies.
 *
 * Electron objects are reached through the small structural types below so tests can drive the
 * host with fakes (utilityProcess.fork, MessageChannelMain and WebContents satisfy them).
 */

export interface ChildLike<P> {
  readonly pid: number | undefined;
  postMessage(message: unknown, transfer?: P[]): void;
  kill(): boolean;
  once(event: 'exit', listener: (code: number) => void): unknown;
}

export interface ChannelLike<P> {
  port1: P;
  port2: P;
}

export interface RendererLike<P> {
  readonly id: number;
  isDestroyed(): boolean;
  postMessage(channel: string, message: unknown, transfer?: P[]): void;
  once(event: 'destroyed', listener: () => void): unknown;
}

export interface BackendForkOptions {
  serviceName: string;
  env: Record<string, string | undefined>;
  stdio: 'inherit';
}

export interface BackendHostOptions<P> {
  /** Path of the backend bundle. */
  modulePath: string;
  /** Environment of the backend: process.env plus the VERBATIM_* configuration. */
  env: Record<string, string | undefined>;
  fork(modulePath: string, args: string[], options: BackendForkOptions): ChildLike<P>;
  createChannel(): ChannelLike<P>;
  restartPolicy?: RestartPolicyOptions;
  /** How long a graceful stop may take before the process is killed. */
  graceMs?: number;
  now?: () => number;
  log?: (message: string) => void;
}

export type BackendHostState = 'idle' | 'running' | 'restarting' | 'failed' | 'stopping' | 'stopped';

export interface BackendHost<P> {
  start(): void;
  /** Gives this renderer a port now (or when the backend is next up) and after every restart. */
  connect(renderer: RendererLike<P>): void;
  /** Asks the backend to shut down (it closes its store), kills it after the grace period. */
  stop(): Promise<void>;
  readonly state: BackendHostState;
  readonly restarts: number;
  readonly pid: number | undefined;
}

/** Payload of IPC.port: how many times the backend has been restarted so far. */
export interface PortInfo {
  restarts: number;
}
/** Payload of IPC.lost. */
export interface LostInfo {
  restarts: number;
  willRestart: boolean;
}

export function buildBackendEnv(
  base: Record<string, string | undefined>,
  config: { dataDir: string; appVersion: string; electronVersion: string; bundledModelsDir?: string | null },
): Record<string, string | undefined> {
  return {
    ...base,
    VERBATIM_BUNDLED_MODELS_DIR: config.bundledModelsDir ?? undefined,
    VERBATIM_DATA_DIR: config.dataDir,
    VERBATIM_APP_VERSION: config.appVersion,
    VERBATIM_ELECTRON_VERSION: config.electronVersion,
  };
}

export function createBackendHost<P>(options: BackendHostOptions<P>): BackendHost<P> {
  const policy = createRestartPolicy(options.restartPolicy);
  const graceMs = options.graceMs ?? 5000;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((message: string) => console.error(`[backend-host] ${message}`));
  const renderers = new Map<number, RendererLike<P>>();
  let state: BackendHostState = 'idle';
  let child: ChildLike<P> | null = null;
  let exited: Promise<void> = Promise.resolve();
  let restarts = 0;
  let restartTimer: ReturnType<typeof setTimeout> | null = null;

  function spawn(): void {
    let instance: ChildLike<P>;
    try {
      instance = options.fork(options.modulePath, [], {
        serviceName: 'Verbatim backend',
        env: options.env,
        stdio: 'inherit',
      });
    } catch (error) {
      // Counts as a crash, so the same backoff and crash-loop limit apply.
      log(`could not start the backend: ${error instanceof Error ? error.message : String(error)}`);
      child = null;
      onCrash('not started');
      return;
    }
    child = instance;
    state = 'running';
    exited = new Promise((resolve) => {
      instance.once('exit', (code) => {
        resolve();
        onExit(instance, code);
      });
    });
    // Ports posted before the backend listens are queued by Electron until its parentPort
    // gets a 'message' listener, so renderers need not wait for a ready signal.
    for (const renderer of renderers.values()) sendPort(renderer);
  }

  function onExit(instance: ChildLike<P>, code: number): void {
    if (instance !== child) return;
    child = null;
    if (state === 'stopping' || state === 'stopped') return;
    onCrash(`code ${code}`);
  }

  function onCrash(how: string): void {
    const decision = policy.next(now());
    if (!decision.restart) {
      state = 'failed';
      log(`backend exited (${how}); not restarting: ${decision.reason}`);
      broadcastLost(false);
      return;
    }
    restarts++;
    state = 'restarting';
    log(`backend exited (${how}); restart #${restarts} in ${decision.delayMs} ms`);
    broadcastLost(true);
    restartTimer = setTimeout(() => {
      restartTimer = null;
      if (state === 'restarting') spawn();
    }, decision.delayMs);
  }

  function sendPort(renderer: RendererLike<P>): void {
    if (!child || renderer.isDestroyed()) return;
    const { port1, port2 } = options.createChannel();
    child.postMessage({ type: 'connect' }, [port1]);
    const info: PortInfo = { restarts };
    renderer.postMessage(IPC.port, info, [port2]);
  }

  function broadcastLost(willRestart: boolean): void {
    const info: LostInfo = { restarts, willRestart };
    for (const renderer of renderers.values()) {
      if (!renderer.isDestroyed()) renderer.postMessage(IPC.lost, info);
    }
  }

  return {
    start() {
      if (state !== 'idle') return;
      spawn();
    },
    connect(renderer) {
      if (!renderers.has(renderer.id)) {
        renderers.set(renderer.id, renderer);
        renderer.once('destroyed', () => renderers.delete(renderer.id));
      }
      if (state === 'running') sendPort(renderer);
      else if (state === 'failed')
        renderer.postMessage(IPC.lost, { restarts, willRestart: false } satisfies LostInfo);
      // idle/restarting: the port follows when the backend is (re)started.
    },
    async stop() {
      if (state === 'stopping' || state === 'stopped') return exited;
      state = 'stopping';
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = null;
      const instance = child;
      if (instance) {
        instance.postMessage({ type: 'shutdown' });
        const timer = setTimeout(() => {
          log(`backend did not stop within ${graceMs} ms; killing it`);
          instance.kill();
        }, graceMs);
        // Never let a wedged process hold the app open: give up waiting shortly after the kill.
        let giveUp: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          exited,
          new Promise<void>((resolve) => (giveUp = setTimeout(resolve, graceMs + 1000))),
        ]);
        clearTimeout(timer);
        clearTimeout(giveUp);
      }
      state = 'stopped';
    },
    get state() {
      return state;
    },
    get restarts() {
      return restarts;
    },
    get pid() {
      return child?.pid;
    },
  };
}
