import { createHash, type Hash } from 'node:crypto';
import {
  type FileHandle,
  mkdir,
  open,
  readFile,
  rename,
  stat,
  statfs,
  unlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { hostname } from 'node:os';
import { dirname, resolve as resolvePath } from 'node:path';
import { hashFileInto } from './hash';
import { writeStamp } from './resolve';

/**
 * Downloads one file over HTTPS into place, safely:
 *  - into `<dest>.part`, resumed with an HTTP Range request (and If-Range, so a changed file on the
 *    server restarts instead of splicing two versions); on resume the part is re-hashed;
 *  - SHA-256 computed while streaming, checked before an atomic rename to `<dest>`;
 *  - one writer per file: callers in this process share one transfer, other processes wait on
 *    `<dest>.lock` (a stale lock of a dead process is taken over);
 *  - cancellable (AbortSignal), with progress events, retries for transient failures;
 *  - never throws: every failure is a typed result whose message names the file and what to do.
 */

export type DownloadErrorCode =
  | 'OFFLINE' // DNS failure or connection refused/unreachable
  | 'HTTP_ERROR' // the server answered 4xx/5xx
  | 'CHECKSUM_MISMATCH' // the bytes do not hash to the pinned SHA-256 (part deleted)
  | 'SIZE_MISMATCH' // the server's file is not the size the manifest expects
  | 'INCOMPLETE' // the connection broke or ended early (part kept for resume)
  | 'TIMEOUT' // no data for idleTimeoutMs (part kept)
  | 'DISK_FULL' // no space left (part deleted to give the space back)
  | 'CANCELLED' // the caller aborted (part kept for resume)
  | 'TOO_MANY_REDIRECTS'
  | 'INSECURE_URL' // not https (http only to loopback, and only when allowed)
  | 'IO_ERROR'; // cannot write the folder (permissions, read-only disk, ...)

export interface DownloadError {
  code: DownloadErrorCode;
  /** The file's name as the user knows it (manifest name). */
  file: string;
  url: string;
  message: string;
  /** Trying again may help (and resumes where possible). */
  retryable: boolean;
  status?: number;
}

export interface DownloadSuccess {
  ok: true;
  file: string;
  path: string;
  bytes: number;
  sha256: string;
  /** true when the SHA-256 matched a pinned value; false for unpinned files. */
  verified: boolean;
  /** Bytes already on disk (part file) when the last attempt started. */
  resumedFrom: number;
  /** The file was already in place and valid; nothing was transferred. */
  reused: boolean;
}

export type DownloadResult = DownloadSuccess | { ok: false; error: DownloadError };

export interface DownloadProgress {
  file: string;
  phase: 'waiting' | 'downloading' | 'verifying';
  received: number;
  total: number | null;
  bytesPerSecond: number;
}

export interface DownloadTarget {
  /** Name for messages (the manifest file name). */
  name: string;
  url: string;
  /** Absolute destination path. */
  dest: string;
  bytes: number | null;
  sha256: string | null;
}

/** The part-file writer, injectable so tests can simulate a full disk. */
export interface FileWriter {
  write(chunk: Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface DownloadFs {
  openWriter(path: string, mode: 'append' | 'truncate'): Promise<FileWriter>;
  /** Free bytes available to us in `dir`; null if unknown. */
  freeBytes(dir: string): Promise<number | null>;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Automatic further attempts for retryable failures (each resumes). Default 2. */
  retries?: number;
  retryDelayMs?: number;
  maxRedirects?: number;
  /** Abort an attempt when no bytes arrive for this long. Default 30 s. */
  idleTimeoutMs?: number;
  /** Allow http:// to 127.0.0.1 / ::1 / localhost (tests only). */
  allowLoopbackHttp?: boolean;
  /** A lock whose file is older than this and whose owner cannot be checked is taken over. */
  lockStaleMs?: number;
  progressIntervalMs?: number;
  fs?: DownloadFs;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const OFFLINE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
]);
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

export const nodeDownloadFs: DownloadFs = {
  async openWriter(path, mode) {
    const handle: FileHandle = await open(path, mode === 'append' ? 'a' : 'w');
    return {
      async write(chunk) {
        let done = 0;
        while (done < chunk.length) {
          const { bytesWritten } = await handle.write(chunk, done, chunk.length - done);
          done += bytesWritten;
        }
      },
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  },
  async freeBytes(dir) {
    try {
      const s = await statfs(dir);
      return s.bavail * s.bsize;
    } catch {
      return null;
    }
  },
};

// ---- public entry --------------------------------------------------------------------------------

interface SharedTransfer {
  promise: Promise<DownloadResult>;
  controller: AbortController;
  listeners: Set<(p: DownloadProgress) => void>;
  joiners: number;
}

const inflight = new Map<string, SharedTransfer>();

export function downloadFile(target: DownloadTarget, options: DownloadOptions = {}): Promise<DownloadResult> {
  const urlProblem = checkUrl(target.url, target.name, options.allowLoopbackHttp ?? false);
  if (urlProblem) return Promise.resolve({ ok: false, error: urlProblem });

  // Checked before any transfer exists, so an already-aborted call starts nothing.
  if (options.signal?.aborted) return Promise.resolve({ ok: false, error: cancelledError(target) });
  const key = resolvePath(target.dest);
  let shared = inflight.get(key);
  // Everyone left that transfer and it is winding down: start afresh once it has released the files.
  if (shared?.controller.signal.aborted) {
    const previous = shared.promise;
    return previous.then(() => downloadFile(target, options));
  }
  if (!shared) {
    const controller = new AbortController();
    const listeners = new Set<(p: DownloadProgress) => void>();
    const transfer: SharedTransfer = {
      controller,
      listeners,
      joiners: 0,
      promise: Promise.resolve()
        .then(() => runDownload(target, options, controller.signal, (p) => listeners.forEach((l) => l(p))))
        .catch((error: unknown) => ({
          ok: false as const,
          error: fsError(target, error, dirname(target.dest)),
        })),
    };
    inflight.set(key, transfer);
    void transfer.promise.finally(() => {
      if (inflight.get(key) === transfer) inflight.delete(key);
    });
    shared = transfer;
  }
  return join(shared, target, options);
}

/** Attach one caller to a shared transfer; its own cancel only stops the transfer if it is the last. */
function join(
  shared: SharedTransfer,
  target: DownloadTarget,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const { signal, onProgress } = options;
  const cancelled = (): DownloadResult => ({ ok: false, error: cancelledError(target) });
  if (signal?.aborted) return Promise.resolve(cancelled());
  shared.joiners++;
  if (onProgress) shared.listeners.add(onProgress);
  return new Promise<DownloadResult>((resolve) => {
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      leave();
      resolve(cancelled());
    };
    const leave = (): void => {
      signal?.removeEventListener('abort', onAbort);
      if (onProgress) shared.listeners.delete(onProgress);
      shared.joiners--;
      if (shared.joiners === 0) shared.controller.abort();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    void shared.promise.then((result) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (onProgress) shared.listeners.delete(onProgress);
      shared.joiners--;
      resolve(result);
    });
  });
}

// ---- one download, with retries and the cross-process lock ----------------------------------------

async function runDownload(
  target: DownloadTarget,
  options: DownloadOptions,
  signal: AbortSignal,
  emit: (p: DownloadProgress) => void,
): Promise<DownloadResult> {
  try {
    await mkdir(dirname(target.dest), { recursive: true });
  } catch (error) {
    return { ok: false, error: fsError(target, error, dirname(target.dest)) };
  }
  let lock: Lock | null = null;
  try {
    lock = await acquireLock(`${target.dest}.lock`, options.lockStaleMs ?? 10 * 60_000, signal, () =>
      emit({ file: target.name, phase: 'waiting', received: 0, total: target.bytes, bytesPerSecond: 0 }),
    );
    const attempts = 1 + Math.max(0, options.retries ?? 2);
    let result: DownloadResult = { ok: false, error: cancelledError(target) };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      result = await attemptDownload(target, options, signal, emit);
      if (result.ok || !result.error.retryable || signal.aborted || attempt === attempts) break;
      await sleep((options.retryDelayMs ?? 1000) * attempt, signal);
    }
    if (!result.ok && signal.aborted) return { ok: false, error: cancelledError(target) };
    return result;
  } catch (error) {
    if (signal.aborted) return { ok: false, error: cancelledError(target) };
    return { ok: false, error: fsError(target, error, dirname(target.dest)) };
  } finally {
    await lock?.release();
  }
}

/** Is the existing destination a good copy? */
async function existingGood(target: DownloadTarget): Promise<DownloadSuccess | 'absent' | 'bad'> {
  let size: number;
  try {
    size = (await stat(target.dest)).size;
  } catch {
    return 'absent';
  }
  if (target.bytes !== null && size !== target.bytes) return 'bad';
  const hash = createHash('sha256');
  await hashFileInto(hash, target.dest);
  const sha256 = hash.digest('hex');
  if (target.sha256 !== null && sha256 !== target.sha256) return 'bad';
  return {
    ok: true,
    file: target.name,
    path: target.dest,
    bytes: size,
    sha256,
    verified: target.sha256 !== null,
    resumedFrom: 0,
    reused: true,
  };
}

interface PartMeta {
  url: string;
  validator: string | null;
  total: number | null;
}

async function attemptDownload(
  target: DownloadTarget,
  options: DownloadOptions,
  signal: AbortSignal,
  emit: (p: DownloadProgress) => void,
): Promise<DownloadResult> {
  const fs = options.fs ?? nodeDownloadFs;
  const part = `${target.dest}.part`;
  const metaPath = `${target.dest}.part.json`;

  const existing = await existingGood(target);
  if (existing !== 'absent' && existing !== 'bad') return existing;
  if (existing === 'bad') await unlinkQuiet(target.dest);

  // Resume state: the part on disk is re-hashed, so the final digest covers every byte.
  let hash = createHash('sha256');
  let partSize = await sizeOf(part);
  const meta = await readMeta(metaPath);
  if (partSize > 0 && (meta?.url !== target.url || (target.bytes !== null && partSize > target.bytes))) {
    await unlinkQuiet(part);
    partSize = 0;
  }
  if (partSize > 0) partSize = await hashFileInto(hash, part, { signal });
  const resumedFrom = partSize;

  if (target.bytes !== null && partSize === target.bytes)
    return finish(target, part, metaPath, hash, partSize, resumedFrom, emit);

  if (target.bytes !== null) {
    const free = await fs.freeBytes(dirname(target.dest));
    const needed = target.bytes - partSize;
    if (free !== null && free < needed) {
      return fail(
        target,
        'DISK_FULL',
        false,
        `Not enough disk space for ${target.name}: it needs ${fmt(needed)} more in ${dirname(target.dest)} but only ${fmt(free)} is free. Free up space and try again.`,
      );
    }
  }

  const response = await openResponse(
    target,
    options,
    signal,
    partSize > 0 ? { from: partSize, validator: meta?.validator ?? null } : null,
  );
  if ('error' in response) return { ok: false, error: response.error };
  const res = response.res;

  let mode: 'append' | 'truncate' = 'append';
  let total: number | null = null;
  const length = headerInt(res.headers['content-length']);
  if (res.statusCode === 416 && partSize > 0) {
    res.resume();
    const range = parseContentRange(res.headers['content-range']);
    if (range && range.total === partSize)
      return finish(target, part, metaPath, hash, partSize, resumedFrom, emit);
    await unlinkQuiet(part);
    return fail(
      target,
      'INCOMPLETE',
      true,
      `The partial download of ${target.name} did not match the server's file; it was discarded. Try again.`,
    );
  }
  if (res.statusCode === 206 && partSize > 0) {
    const range = parseContentRange(res.headers['content-range']);
    if (!range || range.start !== partSize) {
      res.destroy();
      await unlinkQuiet(part);
      return fail(
        target,
        'INCOMPLETE',
        true,
        `The server resumed ${target.name} at the wrong position; the partial file was discarded. Try again.`,
      );
    }
    total = range.total ?? (length !== null ? partSize + length : null);
  } else if (res.statusCode === 200) {
    // A fresh body: either no part, or the server ignored Range / the file changed (If-Range).
    if (partSize > 0) {
      hash = createHash('sha256');
      partSize = 0;
    }
    mode = 'truncate';
    total = length;
  } else {
    res.resume();
    const status = res.statusCode ?? 0;
    const retryable = status >= 500 || status === 429 || status === 408;
    const hint =
      status === 404 || status === 410
        ? 'The file has moved or was removed; a newer version of Verbatim may know its new address.'
        : retryable
          ? 'The server has a problem; try again later.'
          : 'Try again later; if it persists, report it.';
    return {
      ok: false,
      error: {
        code: 'HTTP_ERROR',
        file: target.name,
        url: target.url,
        status,
        retryable,
        message: `Downloading ${target.name} failed: the server answered HTTP ${status}. ${hint}`,
      },
    };
  }

  if (target.bytes !== null && total !== null && total !== target.bytes) {
    res.destroy();
    return fail(
      target,
      'SIZE_MISMATCH',
      false,
      `The server offers ${target.name} with ${total} bytes, but ${target.bytes} are expected: it is a different file. Update Verbatim or report it.`,
    );
  }

  const validator = strongValidator(res);
  await writeMeta(metaPath, { url: target.url, validator, total });

  let writer: FileWriter;
  try {
    writer = await fs.openWriter(part, mode);
  } catch (error) {
    res.destroy();
    return { ok: false, error: fsError(target, error, dirname(part)) };
  }

  let received = partSize;
  const meter = rateMeter(options.progressIntervalMs ?? 100, (bytesPerSecond) =>
    emit({ file: target.name, phase: 'downloading', received, total, bytesPerSecond }),
  );
  meter.tick(received, true);
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      try {
        await writer.write(chunk);
      } catch (error) {
        res.destroy();
        await writer.close().catch(() => undefined);
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (DISK_FULL_CODES.has(code)) {
          await unlinkQuiet(part);
          await unlinkQuiet(metaPath);
          return fail(
            target,
            'DISK_FULL',
            false,
            `The disk is full: ${target.name} could not be written to ${dirname(part)} (${fmt(received)} of ${total === null ? 'unknown size' : fmt(total)} done). The partial file was deleted to free the space. Free up space and try again.`,
          );
        }
        return { ok: false, error: fsError(target, error, dirname(part)) };
      }
      hash.update(chunk);
      received += chunk.length;
      meter.tick(received);
    }
    meter.tick(received, true);
  } catch (error) {
    await writer.close().catch(() => undefined);
    if (signal.aborted) return { ok: false, error: cancelledError(target) };
    const timedOut = (error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
    return fail(
      target,
      timedOut ? 'TIMEOUT' : 'INCOMPLETE',
      true,
      `The download of ${target.name} ${timedOut ? 'stalled' : 'was interrupted'} after ${fmt(received)}${total === null ? '' : ` of ${fmt(total)}`} (${describe(error)}). The partial file is kept; try again to resume.`,
    );
  }
  try {
    await writer.sync();
    await writer.close();
  } catch (error) {
    return { ok: false, error: fsError(target, error, dirname(part)) };
  }
  if (total !== null && received !== total) {
    return fail(
      target,
      'INCOMPLETE',
      true,
      `The download of ${target.name} ended early: ${fmt(received)} of ${fmt(total)}. The partial file is kept; try again to resume.`,
    );
  }
  return finish(target, part, metaPath, hash, received, resumedFrom, emit);
}

async function finish(
  target: DownloadTarget,
  part: string,
  metaPath: string,
  hash: Hash,
  size: number,
  resumedFrom: number,
  emit: (p: DownloadProgress) => void,
): Promise<DownloadResult> {
  emit({ file: target.name, phase: 'verifying', received: size, total: size, bytesPerSecond: 0 });
  if (target.bytes !== null && size !== target.bytes) {
    await unlinkQuiet(part);
    await unlinkQuiet(metaPath);
    return fail(
      target,
      'SIZE_MISMATCH',
      false,
      `${target.name} arrived with ${size} bytes instead of ${target.bytes}; it was deleted. Try again; if it fails again, update Verbatim or report it.`,
    );
  }
  const sha256 = hash.digest('hex');
  if (target.sha256 !== null && sha256 !== target.sha256) {
    await unlinkQuiet(part);
    await unlinkQuiet(metaPath);
    return fail(
      target,
      'CHECKSUM_MISMATCH',
      false,
      `${target.name} from ${target.url} failed its checksum (SHA-256 ${sha256.slice(0, 12)}…, expected ${target.sha256.slice(0, 12)}…) and was deleted. Try again; if it fails again the file on the server has changed — update Verbatim or report it.`,
    );
  }
  try {
    await rename(part, target.dest);
  } catch (error) {
    return { ok: false, error: fsError(target, error, dirname(target.dest)) };
  }
  await unlinkQuiet(metaPath);
  if (target.sha256 !== null) await writeStamp(target.dest, sha256);
  return {
    ok: true,
    file: target.name,
    path: target.dest,
    bytes: size,
    sha256,
    verified: target.sha256 !== null,
    resumedFrom,
    reused: false,
  };
}

// ---- HTTP ----------------------------------------------------------------------------------------

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function checkUrl(raw: string, name: string, allowLoopbackHttp: boolean): DownloadError | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return {
      code: 'INSECURE_URL',
      file: name,
      url: raw,
      retryable: false,
      message: `The address of ${name} is not a valid URL (${raw}).`,
    };
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && allowLoopbackHttp && isLoopback(url.hostname)) return null;
  return {
    code: 'INSECURE_URL',
    file: name,
    url: raw,
    retryable: false,
    message: `Refusing to download ${name} from ${raw}: only HTTPS downloads are allowed.`,
  };
}

async function openResponse(
  target: DownloadTarget,
  options: DownloadOptions,
  signal: AbortSignal,
  range: { from: number; validator: string | null } | null,
): Promise<{ res: IncomingMessage } | { error: DownloadError }> {
  const maxRedirects = options.maxRedirects ?? 5;
  let url = target.url;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = {
      'user-agent': 'Verbatim model downloader',
      'accept-encoding': 'identity',
    };
    if (range) {
      headers.range = `bytes=${range.from}-`;
      if (range.validator) headers['if-range'] = range.validator;
    }
    let res: IncomingMessage;
    try {
      res = await get(new URL(url), headers, signal, options.idleTimeoutMs ?? 30_000);
    } catch (error) {
      return { error: networkError(target, url, error, signal) };
    }
    const status = res.statusCode ?? 0;
    if (!REDIRECTS.has(status)) return { res };
    res.resume();
    const location = res.headers.location;
    if (!location) {
      return {
        error: {
          code: 'HTTP_ERROR',
          file: target.name,
          url,
          status,
          retryable: false,
          message: `Downloading ${target.name} failed: HTTP ${status} without a Location header.`,
        },
      };
    }
    if (hop >= maxRedirects) {
      return {
        error: {
          code: 'TOO_MANY_REDIRECTS',
          file: target.name,
          url: target.url,
          retryable: false,
          message: `Downloading ${target.name} failed: more than ${maxRedirects} redirects from ${target.url}. Report it.`,
        },
      };
    }
    const next = new URL(location, url).toString();
    const problem = checkUrl(next, target.name, options.allowLoopbackHttp ?? false);
    if (problem)
      return {
        error: {
          ...problem,
          message: `Downloading ${target.name}: the server redirected to ${next}, which is not HTTPS; refused.`,
        },
      };
    url = next;
  }
}

function get(
  url: URL,
  headers: Record<string, string>,
  signal: AbortSignal,
  idleTimeoutMs: number,
): Promise<IncomingMessage> {
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let response: IncomingMessage | undefined;
    const req = mod.get(url, { headers, signal, timeout: idleTimeoutMs }, (res) => {
      response = res;
      resolve(res);
    });
    // The socket timeout also covers a stalled body: the body stream then fails with ETIMEDOUT.
    req.on('timeout', () => {
      const error = Object.assign(new Error(`no data for ${idleTimeoutMs} ms`), { code: 'ETIMEDOUT' });
      response?.destroy(error);
      req.destroy(error);
    });
    req.on('error', reject);
  });
}

function strongValidator(res: IncomingMessage): string | null {
  const etag = res.headers.etag;
  if (etag && !etag.startsWith('W/')) return etag;
  return (res.headers['last-modified'] as string | undefined) ?? null;
}

function parseContentRange(value: string | undefined): { start: number | null; total: number | null } | null {
  if (!value) return null;
  const m = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(value.trim());
  if (!m) return null;
  return { start: m[1] !== undefined ? Number(m[1]) : null, total: m[3] === '*' ? null : Number(m[3]) };
}

const headerInt = (value: string | undefined): number | null =>
  value && /^\d+$/.test(value) ? Number(value) : null;

// ---- errors --------------------------------------------------------------------------------------

function fail(
  target: DownloadTarget,
  code: DownloadErrorCode,
  retryable: boolean,
  message: string,
): DownloadResult {
  return { ok: false, error: { code, file: target.name, url: target.url, retryable, message } };
}

function cancelledError(target: DownloadTarget): DownloadError {
  return {
    code: 'CANCELLED',
    file: target.name,
    url: target.url,
    retryable: true,
    message: `The download of ${target.name} was cancelled. What was downloaded is kept and resumes next time.`,
  };
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e?.code ? `${e.code}` : e?.message || String(error);
}

/** Maps a network failure to a typed error; exported for tests of the mapping. */
export function networkError(
  target: DownloadTarget,
  url: string,
  error: unknown,
  signal?: AbortSignal,
): DownloadError {
  if (signal?.aborted) return cancelledError(target);
  const code = (error as NodeJS.ErrnoException)?.code ?? '';
  const host = safeHost(url);
  if (OFFLINE_CODES.has(code)) {
    return {
      code: 'OFFLINE',
      file: target.name,
      url,
      retryable: false,
      message: `Cannot download ${target.name}: ${host} is unreachable (${code}). You seem to be offline. Connect to the internet and try again, or copy the file to ${target.dest} yourself.`,
    };
  }
  if (code === 'ETIMEDOUT') {
    return {
      code: 'TIMEOUT',
      file: target.name,
      url,
      retryable: true,
      message: `Downloading ${target.name}: ${host} did not answer in time. Try again.`,
    };
  }
  return {
    code: 'INCOMPLETE',
    file: target.name,
    url,
    retryable: true,
    message: `Downloading ${target.name} from ${host} failed (${describe(error)}). Try again.`,
  };
}

function fsError(target: DownloadTarget, error: unknown, dir: string): DownloadError {
  const code = (error as NodeJS.ErrnoException)?.code ?? '';
  if (DISK_FULL_CODES.has(code)) {
    return {
      code: 'DISK_FULL',
      file: target.name,
      url: target.url,
      retryable: false,
      message: `The disk is full: ${target.name} cannot be saved in ${dir}. Free up space and try again.`,
    };
  }
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'EROFS'
        ? 'the disk is read-only'
        : describe(error);
  return {
    code: 'IO_ERROR',
    file: target.name,
    url: target.url,
    retryable: false,
    message: `Cannot save ${target.name} in ${dir}: ${why}. Check that the folder is writable.`,
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

// ---- small helpers -------------------------------------------------------------------------------

function fmt(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function unlinkQuiet(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

async function readMeta(path: string): Promise<PartMeta | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as PartMeta;
  } catch {
    return null;
  }
}

async function writeMeta(path: string, meta: PartMeta): Promise<void> {
  await writeFile(path, JSON.stringify(meta)).catch(() => undefined);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Emits at most every intervalMs with a smoothed rate (bytes/s). */
function rateMeter(intervalMs: number, emit: (bytesPerSecond: number) => void) {
  let lastTime = performance.now();
  let lastBytes = -1;
  let rate = 0;
  return {
    tick(bytes: number, force = false): void {
      const now = performance.now();
      if (lastBytes < 0) {
        lastBytes = bytes;
        lastTime = now;
        if (force) emit(0);
        return;
      }
      const dt = now - lastTime;
      if (!force && dt < intervalMs) return;
      if (dt > 0) {
        const instant = ((bytes - lastBytes) * 1000) / dt;
        rate = rate === 0 ? instant : 0.7 * rate + 0.3 * instant;
      }
      lastBytes = bytes;
      lastTime = now;
      emit(rate);
    },
  };
}

// ---- cross-process lock --------------------------------------------------------------------------

interface Lock {
  release(): Promise<void>;
}

// Locks this process holds, to tell our own live lock from a dead process's that had our pid.
const heldLocks = new Set<string>();

interface LockInfo {
  pid: number;
  host: string;
  started: number;
}

/**
 * `<dest>.lock`, created exclusively. The holder touches it periodically; a waiter takes it over if
 * its owner is a dead process on this host, or if it has not been touched for `staleMs`.
 */
async function acquireLock(
  path: string,
  staleMs: number,
  signal: AbortSignal,
  onWait: () => void,
): Promise<Lock> {
  let announced = false;
  for (;;) {
    if (signal.aborted) throw signal.reason ?? new Error('aborted');
    try {
      const handle = await open(path, 'wx');
      const info: LockInfo = { pid: process.pid, host: hostname(), started: Date.now() };
      await handle.writeFile(JSON.stringify(info));
      await handle.close();
      const touch = setInterval(
        () => {
          const now = new Date();
          void utimes(path, now, now).catch(() => undefined);
        },
        Math.max(1000, Math.floor(staleMs / 3)),
      );
      touch.unref();
      heldLocks.add(path);
      return {
        async release() {
          clearInterval(touch);
          heldLocks.delete(path);
          await unlinkQuiet(path);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await lockIsStale(path, staleMs)) {
      await unlinkQuiet(path);
      continue;
    }
    if (!announced) {
      announced = true;
      onWait();
    }
    await sleep(200, signal);
  }
}

async function lockIsStale(path: string, staleMs: number): Promise<boolean> {
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(path)).mtimeMs;
  } catch {
    return false; // vanished: it is free now, just retry
  }
  let info: Partial<LockInfo> | null;
  try {
    info = JSON.parse(await readFile(path, 'utf8')) as Partial<LockInfo>;
  } catch {
    info = null;
  }
  // Unreadable: either being written this instant, or its writer died between create and write.
  if (!info) return Date.now() - mtimeMs > 10_000;
  if (typeof info.pid === 'number' && info.host === hostname()) {
    if (info.pid === process.pid) return !heldLocks.has(path);
    try {
      process.kill(info.pid, 0);
      return false; // alive
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
  return Date.now() - mtimeMs > staleMs;
}
