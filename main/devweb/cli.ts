/**
 * `npm run dev:web`: the built renderer in any local browser, against the real backend.
 *   VERBATIM_DATA_DIR   data folder (default ~/.verbatim-dev/data, kept apart from the app's real data)
 *   VERBATIM_DEV_PORT   port on 127.0.0.1 (default: a free one)
 * Ctrl-C stops the server and the backend gracefully.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDevWebServer } from './server';

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..');
  const dataDir = process.env.VERBATIM_DATA_DIR || join(homedir(), '.verbatim-dev', 'data');
  const port = process.env.VERBATIM_DEV_PORT ? Number(process.env.VERBATIM_DEV_PORT) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error('VERBATIM_DEV_PORT must be a port number');

  const server = await startDevWebServer({ rendererDir: join(root, 'out', 'renderer'), dataDir, port });
  // The URL is all the user needs; the token reaches the browser inside the page, never the log.
  console.log(`Verbatim dev:web is running at ${server.url}`);
  console.log(`Data folder: ${dataDir}`);
  console.log('Press Ctrl-C to stop.');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      // A second Ctrl-C means "now".
      process.exit(130);
    }
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('dev:web did not stop cleanly', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`dev:web failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
