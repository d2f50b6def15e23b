/**
 * `verbatim` — the headless entry. Every command talks to the backend through the same contract
 * the app uses (an in-process backend over the same message protocol), so the CLI and the app
 * share validation, storage and errors. Exit codes: see exit-codes.ts and `verbatim --help`.
 */
import { parseArgs } from 'node:util';
import { startInProcessBackend } from '../backend/in-process';
import { defaultDataDir } from '../backend/data-dir';
import type { CliContext } from './context';
import { exportCommand, importCommand, meetingsCommand, searchCommand } from './commands/archive';
import { backupCommand, restoreCommand } from './commands/backup';
import { cliModelsContext, modelsCommand } from './commands/models';
import { recordCommand } from './commands/record';
import { transcribeCommand } from './commands/transcribe';
import { StoreError } from '../store';
import { CliError, EXIT, type ExitCode } from './exit-codes';

const HELP = `verbatim — offline meeting transcriber (command line)

Usage: verbatim [--data-dir DIR] <command> [options]

Commands:
  import <files...>                  import WebVTT / SRT / Verbatim JSON transcripts, one meeting each
  search <query> [--limit N] [--json]
                                     search the archive: words, "phrases", -exclude, prefix*,
                                     speaker:name, emotion:angry, before:/after:YYYY-MM-DD, lowconf
  export <meeting-id> --format md|srt|vtt|json|txt [--out DIR] [--stdout] [--overwrite]
  meetings [--limit N]               list meetings, newest first
  transcribe <audio> [--title T] [--language L] [--export md|srt|vtt|json|txt] [--out FILE]
                                     transcribe a WAV/MP3 file with the installed models into a new
                                     meeting (exit 3 when no speech recognition model is installed)
  record [--title T] [--no-system]   Linux: record the microphone and the system audio (transcribed
                                     live when a model is installed) until Ctrl-C; prints the meeting id
  backup <file> [--overwrite]        copy the whole archive into one file (safe while the app runs)
  restore <file>                     replace the archive with a backup (close the app first; the
                                     current archive is kept beside it)
  models list | fetch <id|pack> | verify [id...]
                                     model catalogue; only 'fetch' uses the network

Options:
  --data-dir DIR   archive and settings folder (default: the app's, or $VERBATIM_DATA_DIR)
  -h, --help       this help

Exit codes: 0 ok, 1 failed (e.g. a file did not import), 2 usage error, 3 not found, 130 interrupted.
`;

export async function runCli(
  argv: string[],
  io: Pick<CliContext, 'out' | 'err' | 'isTty'>,
): Promise<ExitCode> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
        format: { type: 'string', short: 'f' },
        out: { type: 'string', short: 'o' },
        stdout: { type: 'boolean' },
        overwrite: { type: 'boolean' },
        title: { type: 'string' },
        language: { type: 'string' },
        export: { type: 'string' },
        'no-system': { type: 'boolean' },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${HELP}`);
    return EXIT.USAGE;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || !command) {
    (command || values.help ? io.out : io.err)(HELP);
    return values.help ? EXIT.OK : EXIT.USAGE;
  }
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    io.err('--limit must be a whole number from 1 to 200');
    return EXIT.USAGE;
  }
  const known = [
    'import',
    'search',
    'export',
    'meetings',
    'models',
    'backup',
    'restore',
    'transcribe',
    'record',
  ];
  if (!known.includes(command)) {
    io.err(`unknown command '${command}'\n\n${HELP}`);
    return EXIT.USAGE;
  }

  const dataDir = values['data-dir'] ?? defaultDataDir();
  // Backup and restore work on the archive file itself, without a backend holding it open.
  if (command === 'backup' || command === 'restore') {
    try {
      return command === 'backup'
        ? await backupCommand({ ...io, dataDir }, args[0], { overwrite: values.overwrite ?? false })
        : await restoreCommand({ ...io, dataDir }, args[0]);
    } catch (error) {
      io.err(
        error instanceof CliError || error instanceof StoreError ? error.message : `error: ${String(error)}`,
      );
      return error instanceof CliError ? error.exitCode : EXIT.FAILED;
    }
  }
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const backend = await startInProcessBackend({
    dataDir,
    appVersion: process.env.npm_package_version ?? '0.1.0',
    // transcribe/record load the installed models: the data folder's, then the checkout's bundled ones.
    models: cliModelsContext(dataDir),
    // Jobs the app left open are the app's to resume; this process only lives for one command.
    resumeOpenJobs: false,
  });
  const ctx: CliContext = { ...io, client: backend.client, dataDir, signal: abort.signal };
  try {
    switch (command) {
      case 'import':
        return await importCommand(ctx, args);
      case 'search':
        return await searchCommand(ctx, args.join(' '), { limit, json: values.json ?? false });
      case 'export':
        return await exportCommand(ctx, args[0], {
          format: values.format ?? 'md',
          out: values.out,
          stdout: values.stdout ?? false,
          overwrite: values.overwrite ?? false,
        });
      case 'meetings':
        return await meetingsCommand(ctx, { limit });
      case 'transcribe':
        return await transcribeCommand(ctx, args[0], {
          title: values.title,
          language: values.language,
          export: values.export,
          out: values.out,
        });
      case 'record':
        return await recordCommand(ctx, { title: values.title, noSystem: values['no-system'] ?? false });
      default:
        return abort.signal.aborted ? EXIT.INTERRUPTED : await modelsCommand(ctx, args);
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.err(error.message);
      return error.exitCode;
    }
    io.err(`error: ${(error as Error).message}`);
    return EXIT.FAILED;
  } finally {
    process.off('SIGINT', onSigint);
    await backend.shutdown();
  }
}

// Run when executed directly (tsx main/cli/index.ts, or the built out/main/cli.js), not when imported by tests.
if (require.main === module) {
  runCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    isTty: Boolean(process.stdout.isTTY),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`verbatim: ${String(error)}\n`);
      process.exitCode = EXIT.FAILED;
    },
  );
}
