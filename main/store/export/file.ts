import { randomBytes } from 'node:crypto';
import { lstat, open, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { StoreError } from '../errors';
import { formatDateTime } from './time';

/**
 * Export files: a name safe on every desktop OS, and a write that can only land inside the
 * folder the user chose.
 */

/** Bytes, not characters: ext4/APFS/NTFS limit a name to 255 bytes; leave room for " (2)" and temp names. */
export const MAX_FILE_NAME_BYTES = 200;

// Windows device names are reserved with any extension ("con.md" opens the console).
const RESERVED = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?$/iu;

const truncateBytes = (text: string, maxBytes: number): string => {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
};

/**
 * A file name from free text (a meeting title): no path separators or characters Windows
 * forbids, no control or bidi-override characters (a title could disguise "txt.exe" as
 * "exe.txt"), no leading dots (hidden files, "..") or trailing dots and spaces (Windows drops
 * them), not a reserved device name, at most MAX_FILE_NAME_BYTES with the extension kept.
 */
export function sanitizeFileName(name: string, fallback = 'untitled'): string {
  let clean = name
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu, '')
    .replace(/[<>:"/\\|?*]/gu, '-')
    // What was "/../" reads as "-..-": drop the dots, they only ever meant "parent folder".
    .replace(/-(?:\.+-)+/gu, '-')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/^[-.\s]+/u, '')
    .replace(/[.\s]+$/u, '');
  if (!clean) clean = fallback;
  if (RESERVED.test(clean)) clean = `_${clean}`;
  if (Buffer.byteLength(clean) > MAX_FILE_NAME_BYTES) {
    const ext = extname(clean);
    const keep = ext.length > 1 && ext.length <= 10 ? ext : '';
    clean =
      truncateBytes(
        clean.slice(0, clean.length - keep.length),
        MAX_FILE_NAME_BYTES - Buffer.byteLength(keep),
      ).trimEnd() + keep;
  }
  return clean;
}

/** "2024-03-01 Weekly sync.md" */
export function suggestFileName(
  meeting: { title: string; startedAt: number },
  extension: string,
  timeZone?: string,
): string {
  const date = formatDateTime(meeting.startedAt, timeZone).slice(0, 10);
  return sanitizeFileName(`${date} ${meeting.title || 'Meeting'}.${extension.replace(/^\./u, '')}`);
}

export interface WriteExportOptions {
  /** 'fail' (default): refuse when the file exists; 'overwrite': replace it; 'rename': add " (2)", " (3)"... */
  ifExists?: 'fail' | 'overwrite' | 'rename';
}

/**
 * Writes `content` as `fileName` inside `folder` and returns the full path. The name is
 * sanitized, and the resolved path is checked to sit directly in the real (symlink-resolved)
 * folder. New files are created with O_EXCL, which never follows a symlink planted at the target;
 * an overwrite goes through a temp file and rename, which replaces a symlink rather than writing
 * through it.
 */
export async function writeExportFile(
  folder: string,
  fileName: string,
  content: string | Uint8Array,
  options: WriteExportOptions = {},
): Promise<string> {
  let root: string;
  try {
    root = await realpath(resolve(folder));
    if (!(await stat(root)).isDirectory()) throw new Error('not a folder');
  } catch (error) {
    throw new StoreError('NOT_FOUND', `The export folder ${folder} does not exist or is not a folder.`, {
      cause: error,
    });
  }
  const safe = sanitizeFileName(fileName);
  const inside = (path: string): string => {
    const full = resolve(root, path);
    const rel = relative(root, full);
    if (dirname(full) !== root || !rel || rel.startsWith('..') || isAbsolute(rel)) {
      throw new StoreError('INVALID', `Refusing to write outside ${root}.`);
    }
    return full;
  };
  const mode = options.ifExists ?? 'fail';

  if (mode === 'overwrite') {
    const target = inside(safe);
    const existing = await lstat(target).catch(() => null);
    if (existing?.isDirectory()) throw new StoreError('EXISTS', `${target} is a folder.`);
    const temp = inside(`.${safe}.${randomBytes(6).toString('hex')}.tmp`);
    await writeNew(temp, content);
    try {
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return target;
  }

  const ext = extname(safe);
  const stem = safe.slice(0, safe.length - ext.length);
  for (let n = 1; n <= (mode === 'rename' ? 1000 : 1); n += 1) {
    const target = inside(n === 1 ? safe : `${stem} (${n})${ext}`);
    try {
      await writeNew(target, content);
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (mode === 'fail') throw new StoreError('EXISTS', `${target} already exists.`);
    }
  }
  throw new StoreError('EXISTS', `Too many files named like ${safe} in ${root}.`);
}

async function writeNew(path: string, content: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'wx', 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(path, { force: true });
    throw error;
  }
  await handle.close();
}
