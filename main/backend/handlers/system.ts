import type { Dirent } from 'node:fs';
import { lstat, readdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { StorageInfo, systemMethods } from '../../api';
import type { BackendContext } from '../context';
import { modelsDirFor } from '../data-dir';
import type { Handler } from '../server';

export type SystemHandlers = { [M in keyof typeof systemMethods]: Handler<M> };

/** The archive's files (handlers/archive.ts opens archive.sqlite; WAL mode adds the other two). */
const ARCHIVE_FILES = ['archive.sqlite', 'archive.sqlite-wal', 'archive.sqlite-shm'];

export function systemHandlers(ctx: BackendContext): SystemHandlers {
  return {
    'system.storage': () => measureStorage(ctx.dataDir),
  };
}

export async function measureStorage(dataDir: string): Promise<StorageInfo> {
  const [archiveBytes, recordingsBytes, modelsBytes, disk] = await Promise.all([
    Promise.all(ARCHIVE_FILES.map((name) => fileBytes(join(dataDir, name)))).then((sizes) =>
      sizes.reduce((a, b) => a + b, 0),
    ),
    folderBytes(join(dataDir, 'recordings')),
    folderBytes(modelsDirFor(dataDir)),
    diskSpace(dataDir),
  ]);
  return { dataDir, archiveBytes, recordingsBytes, modelsBytes, ...disk };
}

/**
 * Bytes of every regular file under `dir` (0 when it does not exist). Asynchronous and breadth-first so a
 * large archive of recordings never blocks the backend's event loop; symlinks are not followed (a link
 * to a big folder elsewhere is not ours), and a file vanishing mid-walk is simply not counted.
 */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  let level = [dir];
  while (level.length > 0) {
    const next: string[] = [];
    await Promise.all(
      level.map(async (folder) => {
        let entries: Dirent[];
        try {
          entries = await readdir(folder, { withFileTypes: true });
        } catch {
          return;
        }
        for (const entry of entries) {
          const path = join(folder, entry.name);
          if (entry.isDirectory()) next.push(path);
          else if (entry.isFile()) total += await fileBytes(path);
        }
      }),
    );
    level = next;
  }
  return total;
}

async function fileBytes(path: string): Promise<number> {
  try {
    const stats = await lstat(path);
    return stats.isFile() ? stats.size : 0;
  } catch {
    return 0;
  }
}

async function diskSpace(dir: string): Promise<Pick<StorageInfo, 'freeBytes' | 'diskBytes'>> {
  try {
    const fs = await statfs(dir);
    // bavail: blocks available to this (unprivileged) user, which is what a recording can use.
    return { freeBytes: fs.bavail * fs.bsize, diskBytes: fs.blocks * fs.bsize };
  } catch {
    return { freeBytes: null, diskBytes: null };
  }
}
