import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../main/api';
import { openSettingsStore } from '../../../main/backend/settings-store';

describe('settings store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'verbatim-settings-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts from defaults and persists updates across reopen', async () => {
    const store = await openSettingsStore(dir);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    await store.update({ theme: 'dark', confidenceThreshold: 0.8 });
    const reopened = await openSettingsStore(dir);
    expect(reopened.get()).toMatchObject({ theme: 'dark', confidenceThreshold: 0.8, language: 'auto' });
    expect(reopened.problems).toEqual([]);
  });

  it('keeps both of two concurrent updates', async () => {
    const store = await openSettingsStore(dir);
    await Promise.all([store.update({ theme: 'light' }), store.update({ fontScale: 1.5 })]);
    const reopened = await openSettingsStore(dir);
    expect(reopened.get()).toMatchObject({ theme: 'light', fontScale: 1.5 });
  });

  it('moves a corrupt file aside, reports it, and starts with defaults', async () => {
    await writeFile(join(dir, 'settings.json'), '{"theme": "dark", ');
    const store = await openSettingsStore(dir);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(store.problems[0]).toMatch(/invalid/);
    const files = await readdir(dir);
    const aside = files.find((f) => f.startsWith('settings.json.corrupt-'));
    expect(aside).toBeDefined();
    expect(await readFile(join(dir, aside!), 'utf8')).toBe('{"theme": "dark", ');
  });

  it('fills in fields missing from an older file', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ theme: 'dark' }));
    const store = await openSettingsStore(dir);
    expect(store.get()).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark' });
  });

  it('reports a failed write as IO_ERROR and keeps the old value ', async () => {
    // A directory where the temp file goes makes the write fail for any user (root ignores permission bits).
    const store = await openSettingsStore(dir);
    await mkdir(join(dir, `settings.json.${process.pid}.tmp`));
    await expect(store.update({ theme: 'dark' })).rejects.toMatchObject({ error: { code: 'IO_ERROR' } });
    expect(store.get().theme).toBe('system');
    expect((await openSettingsStore(dir)).get().theme).toBe('system');
  });
});
