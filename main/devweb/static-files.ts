import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export { contentTypeOf } from '../backend/content-types';

export type StaticLookup =
  { kind: 'file'; path: string } | { kind: 'forbidden'; reason: string } | { kind: 'not-found' };

/**
 * Maps a request target to a file under `root`, refusing anything that could leave it.
 * The raw target is checked before any normalisation: a URL parser would quietly turn
 * `/a/../../x` into `/x`, which hides the attempt instead of refusing it. Encoded forms
 * (`%2e%2e`, `%2f`, `%5c`) are decoded once and checked the same way, and the final path is
 * compared after resolving symlinks.
 */
export async function lookupStatic(root: string, target: string): Promise<StaticLookup> {
  const pathPart = target.split(/[?#]/, 1)[0] ?? '';
  if (!pathPart.startsWith('/')) return { kind: 'forbidden', reason: 'not an absolute path' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathPart);
  } catch {
    return { kind: 'forbidden', reason: 'bad percent-encoding' };
  }
  if (decoded.includes('\0')) return { kind: 'forbidden', reason: 'NUL in path' };
  if (decoded.includes('\\')) return { kind: 'forbidden', reason: 'backslash in path' };
  const segments = decoded.split('/');
  if (segments.some((segment) => segment === '..' || segment === '.')) {
    return { kind: 'forbidden', reason: 'dot segment in path' };
  }
  // Hidden files (.env, .git) are never part of a build; refuse them outright.
  if (segments.some((segment) => segment.startsWith('.')))
    return { kind: 'forbidden', reason: 'hidden file' };

  const rootReal = await realpath(root);
  const candidate = resolve(rootReal, '.' + decoded);
  if (!isInside(rootReal, candidate)) return { kind: 'forbidden', reason: 'outside the root' };
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { kind: 'not-found' };
  }
  if (!isInside(rootReal, real)) return { kind: 'forbidden', reason: 'symlink leaves the root' };
  const info = await stat(real);
  if (!info.isFile()) return { kind: 'not-found' };
  return { kind: 'file', path: real };
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..');
}
