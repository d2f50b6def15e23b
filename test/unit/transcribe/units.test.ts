/** The pure parts of transcribe-later: capture-order interleaving, the ETA, and the jobs table. */
import { describe, expect, it } from 'vitest';
import type { AudioFrame } from '../../../main/audio/frames';
import { EtaEstimator } from '../../../main/backend/transcribe/eta';
import { interleaveByTime } from '../../../main/backend/transcribe/interleave';
import { openStore } from '../../../main/store';

async function* frames(channel: AudioFrame['channel'], ts: number[]): AsyncGenerator<AudioFrame> {
  for (const [seq, t] of ts.entries()) yield { channel, seq, t, epochMs: 0, samples: new Float32Array(320) };
}

async function collect(it: AsyncIterable<AudioFrame>): Promise<string[]> {
  const out: string[] = [];
  for await (const f of it) out.push(`${f.channel[0]}${f.t}`);
  return out;
}

describe('interleaveByTime', () => {
  it('delivers frames in capture order, system first at the same time, and outlives a short channel', async () => {
    const merged = interleaveByTime([frames('mic', [0, 20, 40, 60, 80]), frames('system', [0, 20, 40])]);
    expect(await collect(merged)).toEqual(['s0', 'm0', 's20', 'm20', 's40', 'm40', 'm60', 'm80']);
  });

  it('closes every source when the consumer stops early', async () => {
    let closed = 0;
    async function* tracked(channel: AudioFrame['channel']) {
      try {
        yield* frames(channel, [0, 20, 40]);
      } finally {
        closed++;
      }
    }
    for await (const f of interleaveByTime([tracked('mic'), tracked('system')])) if (f.t === 20) break;
    expect(closed).toBe(2);
  });
});

describe('EtaEstimator', () => {
  it('has no estimate during warm-up, then extrapolates the measured speed from where it began', () => {
    let now = 0;
    const eta = new EtaEstimator(() => now, 1000);
    expect(eta.estimate(0, 60_000)).toBeNull();
    eta.begin(30_000); // a resumed job: the skipped half is not speed
    now = 500;
    expect(eta.estimate(35_000, 60_000)).toBeNull();
    now = 2000; // 10 s of audio in 2 s: 5x real time, 20 s left -> 4 s
    expect(eta.estimate(40_000, 60_000)).toBe(4000);
    now = 6000;
    expect(eta.estimate(60_000, 60_000)).toBe(0);
  });
});

describe('transcribe_jobs (migration 005)', () => {
  it('queues, updates and lists open jobs; a finished job can be queued again and keeps its checkpoint', () => {
    let clock = 1000;
    const store = openStore(':memory:', { integrityCheck: 'never', now: () => clock });
    const a = store.meetings.create({ title: 'a', status: 'done' }).id;
    const b = store.meetings.create({ title: 'b', status: 'done' }).id;
    store.jobs.queue(a, { language: 'de' });
    clock++;
    store.jobs.queue(b);
    store.jobs.update(b, { state: 'running', processedMs: 1200.4, totalMs: 5000, resumeMs: 800 });
    expect(store.jobs.listOpen().map((j) => [j.meetingId, j.state])).toEqual([
      [b, 'running'],
      [a, 'queued'],
    ]);
    expect(store.jobs.get(b)).toMatchObject({
      processedMs: 1200,
      totalMs: 5000,
      resumeMs: 800,
      language: null,
    });
    store.jobs.update(b, { state: 'cancelled' });
    expect(store.jobs.listOpen().map((j) => j.meetingId)).toEqual([a]);
    store.jobs.queue(b);
    expect(store.jobs.get(b)).toMatchObject({ state: 'queued', processedMs: 0, resumeMs: 800, error: null });
    expect(() => store.jobs.queue(999)).toThrow(/does not exist/);
    expect(() => store.jobs.update(a, { state: 'bogus' as never })).toThrow(/Unknown job state/);
    // Deleting the meeting deletes its job.
    store.meetings.delete(a);
    expect(store.jobs.get(a)).toBeNull();
    store.close();
  });

  it('committedEnds is the last final per channel', () => {
    const store = openStore(':memory:', { integrityCheck: 'never' });
    const m = store.meetings.create({ title: 'm', status: 'done' }).id;
    expect(store.jobs.committedEnds(m)).toEqual({ mic: 0, system: 0 });
    store.segments.insertFinal({ meetingId: m, channel: 'system', startMs: 0, endMs: 900, text: 'x' });
    store.segments.insertFinal({ meetingId: m, channel: 'system', startMs: 1000, endMs: 2500, text: 'y' });
    store.segments.insertFinal({ meetingId: m, channel: 'mic', startMs: 100, endMs: 700, text: 'z' });
    expect(store.jobs.committedEnds(m)).toEqual({ mic: 700, system: 2500 });
    store.close();
  });
});
