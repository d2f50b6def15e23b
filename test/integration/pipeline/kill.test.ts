/**
 * Issue 8 "Done when": a kill -9 mid-meeting, then restart, keeps every final committed before the kill, and
 * store recovery marks the meeting interrupted. The session runs in a child process (kill-child.ts).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../main/store';

const dir = mkdtempSync(join(tmpdir(), 'verbatim-pipeline-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('live session crash safety', () => {
  it('every final emitted before kill -9 is in the store; the meeting is marked interrupted', async () => {
    const file = join(dir, 'archive.sqlite');
    const child = fork(join(__dirname, 'kill-child.ts'), [file], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const emitted: Array<{ id: number; text: string; channel: string }> = [];
    let meetingId = -1;
    const exit = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_, signal) => resolve(signal)),
    );
    // Kill after an arbitrary number of finals (the meeting loops, so it is mid-meeting whenever that is).
    const killAfter = 5 + Math.floor(Math.random() * 4);
    child.on(
      'message',
      (m: { meetingId?: number; final?: { id: number; text: string; channel: string } }) => {
        if (m.meetingId !== undefined) meetingId = m.meetingId;
        if (m.final) {
          emitted.push(m.final);
          if (emitted.length === killAfter) child.kill('SIGKILL');
        }
      },
    );
    expect(await exit).toBe('SIGKILL');
    expect(emitted.length).toBeGreaterThanOrEqual(killAfter);

    const store = openStore(file);
    try {
      expect(store.startup.interrupted).toEqual([meetingId]);
      expect(store.meetings.get(meetingId)!.status).toBe('interrupted');
      const rows = store.segments.list(meetingId);
      for (const f of emitted) {
        const row = rows.find((r) => r.id === f.id);
        expect(row, `final ${f.id}`).toBeDefined();
        expect(row).toMatchObject({ text: f.text, channel: f.channel });
        expect(row!.words.length).toBeGreaterThan(0); // segment and words were one transaction
      }
    } finally {
      store.close();
    }
  }, 60_000);
});
