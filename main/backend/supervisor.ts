import { apiError, createApiClient, type ApiClient, type ClientMessage, type Transport } from '../api';

/** One running backend instance as seen by its host. */
export interface HostedBackend {
  transport: Transport<unknown, ClientMessage>;
  /** Resolves with the exit code (null when killed by a signal) when the process ends. */
  exited: Promise<number | null>;
  /** Asks for a graceful stop; kills after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** Hard kill (tests use it to simulate a crash). */
  kill(): void;
  pid: number | undefined;
}

export interface SupervisorOptions {
  spawn: () => Promise<HostedBackend>;
  /** Restarts allowed within `windowMs` before giving up (a crash loop must not spin the CPU). */
  maxRestarts?: number;
  windowMs?: number;
  log?: (message: string) => void;
}

export interface BackendSupervisor {
  /** Client of the current backend instance; replaced on every restart. */
  readonly client: ApiClient;
  readonly restarts: number;
  readonly current: HostedBackend;
  /** Called after each (re)start with the new client. */
  onClient(listener: (client: ApiClient, restarts: number) => void): () => void;
  /** Simulates a crash of the current instance (tests) and waits for the replacement. */
  crashForTest(): Promise<ApiClient>;
  stop(): Promise<void>;
}

/**
 * Keeps a backend process alive: when it exits unexpectedly it is started again with backoff,
 * and callers get a fresh client (requests in flight fail with BACKEND_UNAVAILABLE). Used by
 * the dev bridge, the CLI and tests with forked processes. The Electron shell keeps its
 * utilityProcess alive with the same numbers in main/app/restart-policy.ts (it hands ports to
 * pages instead of holding a client, so it cannot use this module as is).
 */
export async function superviseBackend(options: SupervisorOptions): Promise<BackendSupervisor> {
  const maxRestarts = options.maxRestarts ?? 5;
  const windowMs = options.windowMs ?? 60_000;
  const log = options.log ?? ((message: string) => console.error(`[supervisor] ${message}`));
  const listeners = new Set<(client: ApiClient, restarts: number) => void>();
  const recentRestarts: number[] = [];
  let restarts = 0;
  let stopping = false;
  let current: HostedBackend;
  let client: ApiClient;
  let nextStart: Promise<void> | null = null;

  async function start(): Promise<void> {
    current = await options.spawn();
    client = createApiClient(current.transport);
    const instance = current;
    void instance.exited.then((code) => {
      if (stopping || instance !== current) return;
      client.dispose(apiError('BACKEND_UNAVAILABLE', `The backend exited (code ${code}); restarting.`));
      nextStart = restart(code);
    });
    for (const listener of listeners) listener(client, restarts);
  }

  async function restart(code: number | null): Promise<void> {
    const now = Date.now();
    while (recentRestarts.length && now - recentRestarts[0]! > windowMs) recentRestarts.shift();
    if (recentRestarts.length >= maxRestarts) {
      log(`backend exited (code ${code}) ${maxRestarts} times within ${windowMs} ms; not restarting`);
      return;
    }
    recentRestarts.push(now);
    restarts++;
    const backoff = Math.min(2000, 100 * 2 ** (recentRestarts.length - 1));
    log(`backend exited (code ${code}); restart #${restarts} in ${backoff} ms`);
    await new Promise((resolve) => setTimeout(resolve, backoff));
    if (!stopping) await start();
    if (!stopping) client.emitLocal('backend.connection', { state: 'restarted', restarts });
  }

  await start();

  return {
    get client() {
      return client;
    },
    get restarts() {
      return restarts;
    },
    get current() {
      return current;
    },
    onClient(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async crashForTest() {
      const before = current;
      before.kill();
      await before.exited;
      while (!nextStart) await new Promise((resolve) => setTimeout(resolve, 5));
      await nextStart;
      nextStart = null;
      return client;
    },
    async stop() {
      stopping = true;
      client.dispose();
      await current.stop();
    },
  };
}
