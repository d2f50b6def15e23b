/**
 * Transcribe later through the real backend (contract, job queue, store) with fake engines: a record-only
 * meeting's two channels become one transcript with every turn exactly once; progress comes as events
 * and ends at the total; a machine without an ASR model gets a clear failure; cancel keeps what was
 * committed, and starting again continues without repeating it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PayloadOf, TranscribeJob } from '../../../main/api';
import { startInProcessBackend, type InProcessBackend } from '../../../main/backend/in-process';
import {
  fakeLoader,
  Gate,
  ONCE_EACH,
  readArchive,
  recordedToneMeeting,
  tempDataDir,
  turnCounts,
  type FakeLoader,
} from './fixture';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(loader: FakeLoader, format: 'wav' | 'mp3' = 'wav') {
  const data = await tempDataDir();
  cleanups.push(data.remove);
  const meetingId = await recordedToneMeeting(data.dir, { format });
  const backend = await start(data.dir, loader);
  return { dataDir: data.dir, meetingId, backend };
}

async function start(dataDir: string, loader: FakeLoader): Promise<InProcessBackend> {
  const backend = await startInProcessBackend({ dataDir, loadEngines: loader.load });
  let down = false;
  cleanups.push(async () => {
    if (!down) await backend.shutdown();
  });
  const shutdown = backend.shutdown.bind(backend);
  backend.shutdown = async () => {
    down = true;
    await shutdown();
  };
  return backend;
}

function until(backend: InProcessBackend, meetingId: number, states: TranscribeJob['state'][]) {
  return new Promise<TranscribeJob>((resolve) => {
    const off = backend.client.on('transcribe.progress', (job) => {
      if (job.meetingId === meetingId && states.includes(job.state)) {
        off();
        resolve(job);
      }
    });
  });
}

describe('transcribe.start on a record-only meeting', () => {
  for (const format of ['wav', 'mp3'] as const) {
    it(`transcribes both ${format} channels: every turn exactly once, progress up to the total`, async () => {
      const loader = fakeLoader();
      const { backend, meetingId, dataDir } = await setup(loader, format);
      const progress: PayloadOf<'transcribe.progress'>[] = [];
      const finals: PayloadOf<'transcript.final'>[] = [];
      backend.client.on('transcribe.progress', (p) => progress.push(p));
      backend.client.on('transcript.final', (f) => finals.push(f));
      const done = until(backend, meetingId, ['done', 'failed']);
      const started = await backend.client.invoke('transcribe.start', { meetingId });
      expect(started.ok && ['queued', 'running'].includes(started.value.state)).toBe(true);
      const last = await done;
      expect(last.state).toBe('done');
      expect(last.message).toBeUndefined();
      expect(last.totalMs).toBeGreaterThan(17_000);
      expect(last.processedMs).toBe(last.totalMs);

      const segments = readArchive(dataDir, (s) => s.segments.list(meetingId));
      expect(turnCounts(segments)).toEqual({ perTurn: ONCE_EACH, stray: [] });
      // Every committed final went out once as a transcript event of this meeting.
      expect(finals.map((f) => f.segment.id).sort()).toEqual(segments.map((s) => s.id).sort());
      expect(finals.every((f) => f.meetingId === meetingId)).toBe(true);
      // Progress never goes back; the meeting keeps its status; the engines were released.
      const processed = progress.map((p) => p.processedMs);
      expect(processed).toEqual([...processed].sort((a, b) => a - b));
      const meeting = readArchive(dataDir, (s) => s.meetings.get(meetingId));
      expect(meeting).toMatchObject({ status: 'done' });
      expect(loader.releases).toBe(loader.loads);
      const status = await backend.client.invoke('transcribe.status', {});
      expect(status.ok && status.value.jobs).toEqual([]);
    });
  }

  it('fails with a clear message when no ASR model is installed', async () => {
    const loader = fakeLoader({ asr: false });
    const { backend, meetingId, dataDir } = await setup(loader);
    const done = until(backend, meetingId, ['done', 'failed']);
    await backend.client.invoke('transcribe.start', { meetingId });
    const job = await done;
    expect(job.state).toBe('failed');
    expect(job.message).toMatch(/No speech recognition model is installed/);
    expect(job.reason).toBe('no-asr-model');
    expect(readArchive(dataDir, (s) => s.segments.list(meetingId))).toEqual([]);
    expect(loader.releases).toBe(1);
  });

  it('refuses a meeting without audio, one still recording, and one that does not exist', async () => {
    const loader = fakeLoader();
    const { backend, dataDir } = await setup(loader);
    const [noAudio, recording] = readArchive(dataDir, (s) => [
      s.meetings.create({ title: 'empty', status: 'done' }).id,
      s.meetings.create({ title: 'live', status: 'recording' }).id,
    ]);
    for (const [meetingId, code, text] of [
      [noAudio, 'INVALID_PARAMS', /no recorded audio/],
      [recording, 'INVALID_PARAMS', /still being recorded/],
      [9999, 'NOT_FOUND', /does not exist/],
    ] as const) {
      const r = await backend.client.invoke('transcribe.start', { meetingId: meetingId! });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe(code);
        expect(r.error.message).toMatch(text);
      }
    }
    const cancel = await backend.client.invoke('transcribe.cancel', { meetingId: noAudio! });
    expect(!cancel.ok && cancel.error.code).toBe('NOT_FOUND');
  });

  it('runs one job at a time; the next waits queued', async () => {
    const gate = new Gate(4000);
    const loader = fakeLoader({ gate });
    const { backend, dataDir, meetingId } = await setup(loader);
    const second = await recordedToneMeeting(dataDir);
    await backend.client.invoke('transcribe.start', { meetingId });
    await backend.client.invoke('transcribe.start', { meetingId: second });
    await gate.reached;
    const status = await backend.client.invoke('transcribe.status', {});
    expect(status.ok && status.value.jobs.map((j) => [j.meetingId, j.state])).toEqual([
      [meetingId, 'running'],
      [second, 'queued'],
    ]);
    const bothDone = until(backend, second, ['done']);
    gate.open();
    await bothDone;
    expect(loader.loads).toBe(2);
  });

  it('cancel keeps the committed finals; starting again continues without repeating them', async () => {
    const gate = new Gate(11_000);
    const loader = fakeLoader({ gate });
    const { backend, meetingId, dataDir } = await setup(loader);
    await backend.client.invoke('transcribe.start', { meetingId });
    await gate.reached;
    const cancelling = backend.client.invoke('transcribe.cancel', { meetingId });
    gate.open();
    const cancelled = await cancelling;
    expect(cancelled.ok && cancelled.value.state).toBe('cancelled');
    const before = readArchive(dataDir, (s) => s.segments.list(meetingId));
    // The first two system turns and the first mic turn ended before 11 s.
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(turnCounts(before).perTurn.every((n) => n <= 1)).toBe(true);

    const done = until(backend, meetingId, ['done', 'failed']);
    await backend.client.invoke('transcribe.start', { meetingId });
    expect((await done).state).toBe('done');
    const after = readArchive(dataDir, (s) => s.segments.list(meetingId));
    expect(turnCounts(after)).toEqual({ perTurn: ONCE_EACH, stray: [] });
    // What was committed before the cancel is still there, unchanged.
    for (const s of before) expect(after.find((a) => a.id === s.id)?.text).toBe(s.text);
  });
});
