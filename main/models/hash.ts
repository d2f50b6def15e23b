import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Streams a file into `hash`; memory stays at one read buffer. Resolves with the bytes hashed. */
export async function hashFileInto(
  hash: Hash,
  path: string,
  options: { signal?: AbortSignal } = {},
): Promise<number> {
  let bytes = 0;
  const stream = createReadStream(path, {
    highWaterMark: 1 << 20,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return bytes;
}

export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  await hashFileInto(hash, path, signal ? { signal } : {});
  return hash.digest('hex');
}
