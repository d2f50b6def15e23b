import { resolve } from 'node:path';
import { openArchive } from '../../backend/handlers/archive';
import { restoreArchive } from '../../store';
import type { CliContext } from '../context';
import { CliError, EXIT, type ExitCode } from '../exit-codes';

/**
 * `verbatim backup <file>`: SQLite's online backup of the whole archive into one file, consistent
 * even while the app is recording (a second connection; WAL readers do not block the writer).
 */
export async function backupCommand(
  ctx: Pick<CliContext, 'out' | 'dataDir'>,
  file: string | undefined,
  options: { overwrite: boolean },
): Promise<ExitCode> {
  if (!file)
    throw new CliError('backup: give the file to write, e.g. verbatim backup ~/verbatim-backup.sqlite');
  const store = openArchive(ctx.dataDir);
  try {
    const { bytes } = await store.backup(resolve(file), { overwrite: options.overwrite });
    ctx.out(`${resolve(file)}: ${bytes} bytes`);
    return EXIT.OK;
  } finally {
    store.close();
  }
}

/**
 * `verbatim restore <file>`: checks the file is a sound Verbatim archive this version can read, then
 * swaps it in; the current archive is kept beside it (archive.sqlite.before-restore-<time>).
 * Run it with the app closed.
 */
export async function restoreCommand(
  ctx: Pick<CliContext, 'out' | 'dataDir'>,
  file: string | undefined,
): Promise<ExitCode> {
  if (!file) throw new CliError('restore: give a backup file made by `verbatim backup`');
  const target = resolve(ctx.dataDir, 'archive.sqlite');
  const { info, previous } = await restoreArchive(resolve(file), target);
  ctx.out(`restored ${info.meetings} meetings (schema ${info.schemaVersion}) into ${target}`);
  if (previous) ctx.out(`the previous archive was kept as ${previous}`);
  return EXIT.OK;
}
