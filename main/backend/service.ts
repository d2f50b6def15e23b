import type { AppInfo } from '../api';
import type { ModelsContext } from '../models/commands';
import type { BackendContext } from './context';
import { installedModelsLoader, type EngineLoader } from './engines';
import { archiveHandlers, openArchive } from './handlers/archive';
import { mediaHandlers } from './handlers/media';
import { modelHandlers } from './handlers/models';
import { recordingService } from './handlers/recording';
import { reviewHandlers } from './handlers/review';
import { systemHandlers } from './handlers/system';
import { transcribeHandlers } from './handlers/transcribe';
import { voiceHandlers } from './handlers/voices';
import { modelsDirFor } from './data-dir';
import { createBackendServer, type BackendServer, type Handlers } from './server';
import { openSettingsStore } from './settings-store';

export interface BackendOptions {
  /** Folder for settings, the archive, recordings and user models. Created if missing. */
  dataDir: string;
  host: AppInfo['host'];
  appVersion: string;
  /** Electron's version when hosted by Electron, else null. */
  electronVersion?: string | null;
  log?: (message: string, detail?: unknown) => void;
  /** Installer resources' models folder (`<resources>/models`); null in a checkout without bundled models. */
  bundledModelsDir?: string | null;
  /** Full model-manager context (tests: a loopback download server, a custom manifest). */
  models?: ModelsContext;
  /** Engine loader (tests: fake engines); default: the installed models. */
  loadEngines?: EngineLoader;
  /** Resume transcribe-later jobs left open by an earlier run (default true; the CLI says false). */
  resumeOpenJobs?: boolean;
}

export interface Backend {
  server: BackendServer;
  shutdown(): Promise<void>;
}

/** Builds the backend service: opens its stores and wires the contract's handlers. */
export async function createBackend(options: BackendOptions): Promise<Backend> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(options.dataDir, { recursive: true });
  const settings = await openSettingsStore(options.dataDir);
  const archive = openArchive(options.dataDir);
  const startedAt = Date.now();
  const models: ModelsContext = options.models ?? {
    locations: { userDir: modelsDirFor(options.dataDir), bundledDir: options.bundledModelsDir ?? null },
  };
  const ctx: BackendContext = {
    store: archive,
    dataDir: options.dataDir,
    settings,
    models,
    loadEngines: options.loadEngines ?? installedModelsLoader(models),
    emit: (event, payload) => server.emit(event, payload),
    log: options.log ?? (() => undefined),
  };
  const recording = recordingService(ctx);
  const transcribe = transcribeHandlers(ctx, { resumeOpenJobs: options.resumeOpenJobs ?? true });

  const handlers: Handlers = {
    'app.info': () => ({
      name: 'Verbatim',
      version: options.appVersion,
      versions: {
        node: process.versions.node,
        electron: options.electronVersion ?? process.versions.electron ?? null,
        v8: process.versions.v8,
      },
      platform: process.platform,
      arch: process.arch,
      dataDir: options.dataDir,
      host: options.host,
    }),
    'backend.health': () => {
      const memory = process.memoryUsage();
      const integrity = archive.startup.integrity;
      const problems = [
        ...settings.problems,
        ...(integrity && !integrity.ok
          ? [`The archive failed its integrity check: ${integrity.problems.join('; ')}`]
          : []),
      ];
      return {
        status: problems.length === 0 ? 'ok' : 'degraded',
        pid: process.pid,
        startedAt,
        uptimeMs: Date.now() - startedAt,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        inFlight: server.inFlight,
        connections: server.connections,
        problems,
      };
    },
    'backend.ping': async ({ payload, delayMs }, { signal }) => {
      const receivedAt = Date.now();
      if (delayMs) await sleep(delayMs, signal);
      return payload === undefined ? { receivedAt } : { payload, receivedAt };
    },
    'settings.get': () => settings.get(),
    'settings.set': async (patch) => {
      const next = await settings.update(patch);
      server.emit('settings.changed', next);
      return next;
    },
    ...archiveHandlers(archive, {
      dataDir: options.dataDir,
      confidenceThreshold: () => settings.get().confidenceThreshold,
      onChange: (change) => server.emit('archive.changed', change),
    }),
    ...modelHandlers(models, {
      progress: (p) => server.emit('models.progress', p),
      changed: (ids) => server.emit('models.changed', { ids }),
    }),
    ...recording.handlers,
    ...transcribe.handlers,
    ...reviewHandlers(ctx),
    ...voiceHandlers(ctx),
    ...mediaHandlers(ctx),
    ...systemHandlers(ctx),
  };

  const server = createBackendServer(handlers, options.log ? { log: options.log } : {});
  return {
    server,
    async shutdown() {
      await transcribe.shutdown();
      await recording.shutdown();
      await server.shutdown();
      archive.close();
    },
  };
}

/** Resolves after `ms`, or early when the signal aborts (the server then replies CANCELLED). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
