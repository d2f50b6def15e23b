import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ClientMessage } from '../api';
import type { HostedBackend } from './supervisor';
import { processTransport } from './transports-node';

export interface ForkOptions {
  dataDir: string;
  appVersion?: string;
  /**
   * Backend entry to run: a built bundle (out/main/backend.js) or a .ts source (run through tsx).
   * Defaults to $VERBATIM_BACKEND_ENTRY, else the TypeScript source of this checkout.
   */
  entry?: string;
  /** Milliseconds to wait for the child to report ready. */
  readyTimeoutMs?: number;
}

/** Starts the backend under child_process.fork and resolves once it reports ready. */
export async function forkBackend(options: ForkOptions): Promise<HostedBackend> {
  const { entry, execArgv } = resolveEntry(options.entry);
  const child = fork(entry, [], {
    execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      VERBATIM_DATA_DIR: options.dataDir,
      VERBATIM_APP_VERSION: options.appVersion ?? process.env.npm_package_version ?? '0.0.0',
    },
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  await new Promise<void>((resolveReady, rejectReady) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectReady(new Error(`backend did not start within ${options.readyTimeoutMs ?? 20_000} ms`));
    }, options.readyTimeoutMs ?? 20_000);
    const onMessage = (message: unknown) => {
      if (
        (message as { kind?: string; op?: string })?.kind === 'host' &&
        (message as { op?: string }).op === 'ready'
      ) {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolveReady();
      }
    };
    child.on('message', onMessage);
    void exited.then((code) => {
      clearTimeout(timer);
      rejectReady(new Error(`backend exited with code ${code} before it was ready`));
    });
  });
  return {
    transport: processTransport<unknown, ClientMessage>(child),
    exited,
    pid: child.pid,
    kill: () => child.kill('SIGKILL'),
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function resolveEntry(explicit?: string): { entry: string; execArgv: string[] } {
  if (explicit) return { entry: explicit, execArgv: explicit.endsWith('.ts') ? ['--import', 'tsx'] : [] };
  const fromEnv = process.env.VERBATIM_BACKEND_ENTRY;
  if (fromEnv) return resolveEntry(fromEnv);
  return { entry: join(findRepoRoot(), 'main', 'backend', 'entry.ts'), execArgv: ['--import', 'tsx'] };
}

function findRepoRoot(): string {
  let dir = resolve(__dirname);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the Verbatim package root');
    dir = parent;
  }
  return dir;
}
