/**
 * A real backend (createBackend from main/backend) reachable through real MessagePorts from
 * node:worker_threads, which are DOM-like enough for domPortTransport on both ends. Stands in
 * for the utility process in preload tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { domPortTransport, type DomMessagePortLike, type ServerMessage } from '../../../main/api';
import { createBackend, type Backend } from '../../../main/backend/service';

export interface RealBackend {
  backend: Backend;
  /** A new connection; hand the returned port to the preload as the renderer's end. */
  connect(): DomMessagePortLike;
  /** Shuts the backend down (like a crash, its connections close) and removes its data. */
  dispose(): Promise<void>;
}

export async function startRealBackend(dataDir?: string): Promise<RealBackend> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'verbatim-app-')));
  const backend = await createBackend({
    dataDir: dir,
    host: 'in-process',
    appVersion: '9.9.9',
    log: () => {},
  });
  const ports: MessagePort[] = [];
  return {
    backend,
    connect() {
      const { port1, port2 } = new MessageChannel();
      ports.push(port1, port2);
      backend.server.connect(
        domPortTransport<unknown, ServerMessage>(port1 as unknown as DomMessagePortLike),
      );
      return port2 as unknown as DomMessagePortLike;
    },
    async dispose() {
      await backend.shutdown();
      for (const port of ports) port.close();
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
