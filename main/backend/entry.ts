/**
 * Entry point of the backend process. The same file runs:
 *  - as an Electron utilityProcess (the app): main sends MessagePorts on `process.parentPort`,
 *    one per renderer connection, with `{ type: 'connect' }`;
 *  - under child_process.fork (tests, CLI, dev bridge): one connection over the IPC channel.
 * Configuration comes from the environment so both hosts pass it the same way:
 *   VERBATIM_DATA_DIR (required), VERBATIM_APP_VERSION, VERBATIM_ELECTRON_VERSION,
 *   VERBATIM_BUNDLED_MODELS_DIR (the installer's models folder, when packaged).
 * It never imports 'electron'; the utility process API is reached through `process.parentPort`.
 */
import { createBackend } from './service';
import { messagePortMainTransport, processTransport, type MessagePortMainLike } from './transports-node';

interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown; ports: MessagePortMainLike[] }) => void): unknown;
}

async function main(): Promise<void> {
  const dataDir = process.env.VERBATIM_DATA_DIR;
  if (!dataDir) {
    console.error('[backend] VERBATIM_DATA_DIR is not set; refusing to guess where user data lives.');
    process.exit(2);
  }
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
  const backend = await createBackend({
    dataDir,
    host: parentPort ? 'utility-process' : 'fork',
    appVersion: process.env.VERBATIM_APP_VERSION ?? '0.0.0',
    electronVersion: process.env.VERBATIM_ELECTRON_VERSION ?? null,
    bundledModelsDir: process.env.VERBATIM_BUNDLED_MODELS_DIR ?? null,
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await backend.shutdown();
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));

  if (parentPort) {
    parentPort.on('message', (event) => {
      const data = event.data as { type?: string } | null;
      if (data?.type === 'connect' && event.ports[0])
        backend.server.connect(messagePortMainTransport(event.ports[0]));
      else if (data?.type === 'shutdown') void stop(0);
    });
  } else if (process.send) {
    const link = processTransport(process);
    backend.server.connect(link);
    // The parent went away: nobody can talk to us any more.
    link.onClose(() => void stop(0));
    process.send({ kind: 'host', op: 'ready', pid: process.pid });
  } else {
    console.error('[backend] started without a host (no IPC channel, no parentPort).');
    process.exit(2);
  }
}

main().catch((error: unknown) => {
  console.error('[backend] failed to start', error);
  process.exit(1);
});
