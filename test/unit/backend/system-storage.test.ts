/**
 * Settings > Data folder and disk use: `system.storage` measures the archive, the recordings and the
 * user-installed models inside the data folder, and the disk's free space, through the real contract.
 */
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unwrap } from '../../../main/api';
import { folderBytes, measureStorage } from '../../../main/backend/handlers/system';
import { startInProcessBackend } from '../../../main/backend/in-process';

const bytes = (n: number) => new Uint8Array(n).fill(7);

describe('system.storage', () => {
  let dir: string;
  let outside: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'verbatim-storage-'));
    outside = await mkdtemp(join(tmpdir(), 'verbatim-outside-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('counts each area of the data folder, recursively, and nothing outside it', async () => {
    await mkdir(join(dir, 'recordings', '1'), { recursive: true });
    await mkdir(join(dir, 'recordings', '2', 'nested'), { recursive: true });
    await writeFile(join(dir, 'recordings', '1', 'mic.wav'), bytes(3000));
    await writeFile(join(dir, 'recordings', '1', 'system.mp3'), bytes(1234));
    await writeFile(join(dir, 'recordings', '2', 'nested', 'mic.wav'), bytes(10));
    await mkdir(join(dir, 'models', 'asr-x'), { recursive: true });
    await writeFile(join(dir, 'models', 'asr-x', 'model.onnx'), bytes(5000));
    await writeFile(join(dir, 'archive.sqlite'), bytes(4096));
    await writeFile(join(dir, 'archive.sqlite-wal'), bytes(100));
    await writeFile(join(dir, 'settings.json'), bytes(50)); // none of the three areas
    // A link to a big folder elsewhere is not the app's disk use.
    await writeFile(join(outside, 'big.bin'), bytes(100_000));
    await symlink(outside, join(dir, 'recordings', 'linked'));
    await symlink(join(outside, 'big.bin'), join(dir, 'models', 'big.bin'));

    const storage = await measureStorage(dir);
    expect(storage).toMatchObject({
      dataDir: dir,
      archiveBytes: 4196,
      recordingsBytes: 4244,
      modelsBytes: 5000,
    });
    expect(storage.freeBytes).toBeGreaterThan(0);
    expect(storage.diskBytes).toBeGreaterThanOrEqual(storage.freeBytes!);
  });

  it('reports zero for areas that do not exist yet', async () => {
    const fresh = join(dir, 'empty');
    await mkdir(fresh);
    expect(await measureStorage(fresh)).toMatchObject({
      archiveBytes: 0,
      recordingsBytes: 0,
      modelsBytes: 0,
    });
    expect(await folderBytes(join(dir, 'missing'))).toBe(0);
  });

  it('answers through the contract with the live archive counted', async () => {
    const backend = await startInProcessBackend({ dataDir: dir });
    try {
      await mkdir(join(dir, 'recordings', '9'), { recursive: true });
      await writeFile(join(dir, 'recordings', '9', 'mic.wav'), bytes(640));
      const storage = unwrap(await backend.client.invoke('system.storage', {}));
      expect(storage.dataDir).toBe(dir);
      expect(storage.recordingsBytes).toBe(640);
      // The backend opened its archive: the file exists and is counted.
      expect(storage.archiveBytes).toBeGreaterThanOrEqual((await stat(join(dir, 'archive.sqlite'))).size);
      expect(storage.archiveBytes).toBeGreaterThan(0);
      const refused = await backend.client.invoke('system.storage', { extra: 1 } as never);
      expect(refused.ok).toBe(false);
    } finally {
      await backend.shutdown();
    }
  });
});
