import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../main/api';
import { forkBackend } from '../../../main/backend/fork-host';
import { superviseBackend, type BackendSupervisor } from '../../../main/backend/supervisor';

/** The same backend entry the app runs as a utilityProcess, here under child_process.fork. */
describe('forked backend', () => {
  let dir: string;
  let supervisor: BackendSupervisor | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'verbatim-fork-'));
  });
  afterEach(async () => {
    await supervisor?.stop();
    supervisor = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the contract from a child process and stops gracefully', async () => {
    const hosted = await forkBackend({ dataDir: dir, appVersion: '9.9.9' });
    const client = createApiClient(hosted.transport);
    const info = await client.invoke('app.info', {});
    expect(info).toMatchObject({ ok: true, value: { host: 'fork', version: '9.9.9', dataDir: dir } });
    const health = await client.invoke('backend.health', {});
    expect(health.ok && health.value.pid).toBe(hosted.pid);
    // Garbage over the real IPC channel gets a typed error; the process keeps running.
    hosted.transport.send({ kind: 'request', id: 1e6, method: 'nope', params: null } as never);
    expect((await client.invoke('backend.ping', { payload: 'still here' })).ok).toBe(true);
    await hosted.stop();
    expect(await hosted.exited).toBe(0);
  });

  it('restarts after a crash and keeps settings', async () => {
    supervisor = await superviseBackend({ spawn: () => forkBackend({ dataDir: dir }), log: () => undefined });
    const first = supervisor.client;
    expect(await first.invoke('settings.set', { confidenceThreshold: 0.66 })).toMatchObject({ ok: true });
    const pidBefore = supervisor.current.pid;
    const inFlight = first.invoke('backend.ping', { delayMs: 30_000 });

    const second = await supervisor.crashForTest();
    expect(await inFlight).toMatchObject({ ok: false, error: { code: 'BACKEND_UNAVAILABLE' } });
    expect(supervisor.restarts).toBe(1);
    expect(supervisor.current.pid).not.toBe(pidBefore);
    const settings = await second.invoke('settings.get', {});
    expect(settings).toMatchObject({ ok: true, value: { confidenceThreshold: 0.66 } });
  });

  it('gives up after a crash loop instead of spinning', async () => {
    let spawned = 0;
    supervisor = await superviseBackend({
      spawn: async () => {
        spawned++;
        return forkBackend({ dataDir: dir });
      },
      maxRestarts: 1,
      windowMs: 60_000,
      log: () => undefined,
    });
    await supervisor.crashForTest();
    supervisor.current.kill();
    await supervisor.current.exited;
    await new Promise((r) => setTimeout(r, 500));
    expect(spawned).toBe(2);
  });

  it('refuses to start without a data folder', async () => {
    await expect(forkBackend({ dataDir: '' })).rejects.toThrow(/exited with code 2/);
  });
});
