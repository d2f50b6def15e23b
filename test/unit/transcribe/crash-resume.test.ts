/**
 * Resume after a crash (issue 8 item 7): a job is stopped mid-way without finalizing (its open segments
 * are neither committed nor flushed, its row stays 'running'), then a new backend on the same data folder
 * picks the job up by itself and finishes it. The transcript must hold every turn exactly once and every
 * final committed before the stop unchanged. Both with the checkpoint the stopped run wrote, and with it
 * lost (a hard crash right after the run started: the resume then relies on the committed finals alone).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startInProcessBackend } from '../../../main/backend/in-process';
import {
  fakeLoader,
  Gate,
  ONCE_EACH,
  readArchive,
  recordedToneMeeting,
  tempDataDir,
  turnCounts,
} from './fixture';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a transcription cut short resumes in a new backend', () => {
  // 8 s: two system finals, no mic final yet (the mic heard their echo); 12.6 s: inside the double talk,
  // with the mic's first turn committed.
  const committedAtStop: Record<number, number[]> = {
    8000: [1, 1, 0, 0, 0, 0],
    12_600: [1, 1, 1, 0, 0, 0],
  };
  for (const stopAtMs of [8000, 12_600]) {
    for (const checkpoint of ['kept', 'lost'] as const) {
      it(`stopped at ${stopAtMs / 1000} s, checkpoint ${checkpoint}: every turn exactly once`, async () => {
        const data = await tempDataDir();
        cleanups.push(data.remove);
        const meetingId = await recordedToneMeeting(data.dir);

        const gate = new Gate(stopAtMs);
        const first = await startInProcessBackend({
          dataDir: data.dir,
          loadEngines: fakeLoader({ gate }).load,
        });
        await first.client.invoke('transcribe.start', { meetingId });
        await gate.reached;
        // The runner stops at the next frame; the session is abandoned, not finalized.
        const down = first.shutdown();
        gate.open();
        await down;

        const before = readArchive(data.dir, (s) => {
          const job = s.jobs.get(meetingId)!;
          expect(job.state).toBe('running');
          expect(job.processedMs).toBeGreaterThan(0);
          expect(job.processedMs).toBeLessThan(job.totalMs);
          if (checkpoint === 'lost') s.jobs.update(meetingId, { resumeMs: 0 });
          return s.segments.list(meetingId);
        });
        expect(turnCounts(before)).toEqual({ perTurn: committedAtStop[stopAtMs], stray: [] });

        const loader = fakeLoader();
        const second = await startInProcessBackend({ dataDir: data.dir, loadEngines: loader.load });
        cleanups.push(() => second.shutdown());
        await vi.waitFor(
          () => expect(readArchive(data.dir, (s) => s.jobs.get(meetingId)?.state)).toBe('done'),
          { timeout: 15_000, interval: 50 },
        );
        const after = readArchive(data.dir, (s) => s.segments.list(meetingId));
        expect(turnCounts(after)).toEqual({ perTurn: ONCE_EACH, stray: [] });
        for (const s of before) {
          const kept = after.find((a) => a.id === s.id);
          expect(kept?.text).toBe(s.text);
          expect([kept?.startMs, kept?.endMs]).toEqual([s.startMs, s.endMs]);
        }
        expect(loader.loads).toBe(1);
      });
    }
  }
});

describe('a short-lived backend (the CLI)', () => {
  it('leaves jobs an earlier run left open alone: no model load, the job stays for the app', async () => {
    const data = await tempDataDir();
    cleanups.push(data.remove);
    const meetingId = await recordedToneMeeting(data.dir);
    const gate = new Gate(8000);
    const first = await startInProcessBackend({ dataDir: data.dir, loadEngines: fakeLoader({ gate }).load });
    await first.client.invoke('transcribe.start', { meetingId });
    await gate.reached;
    const down = first.shutdown();
    gate.open();
    await down;

    const loader = fakeLoader();
    const cli = await startInProcessBackend({
      dataDir: data.dir,
      loadEngines: loader.load,
      resumeOpenJobs: false,
    });
    const status = await cli.client.invoke('transcribe.status', {});
    await cli.shutdown();
    expect(status.ok && status.value.jobs).toEqual([]);
    expect(loader.loads).toBe(0);
    expect(readArchive(data.dir, (s) => s.jobs.get(meetingId)?.state)).toBe('running');
  });
});
