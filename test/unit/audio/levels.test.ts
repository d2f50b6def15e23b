import { describe, expect, it } from 'vitest';
import { AutoStop } from '../../../main/audio/auto-stop';
import type { AudioChannel, AudioFrame } from '../../../main/audio/frames';
import { FRAME_SAMPLES } from '../../../main/audio/frames';
import type { Level } from '../../../main/audio/level';
import { DBFS_FLOOR, LevelMeter } from '../../../main/audio/level';
import { PauseLog } from '../../../main/audio/pause';
import { SilenceWatchdog } from '../../../main/audio/watchdog';

const frameOf = (seq: number, fill: (i: number) => number, channel: AudioChannel = 'mic'): AudioFrame => ({
  channel,
  seq,
  t: seq * 20,
  epochMs: 0,
  samples: Float32Array.from({ length: FRAME_SAMPLES }, (_, i) => fill(seq * FRAME_SAMPLES + i)),
});

describe('LevelMeter', () => {
  it('reports RMS and peak dBFS per 100 ms (5 frames)', () => {
    const meter = new LevelMeter();
    const levels: Level[] = [];
    // Full-scale square wave for 5 frames: RMS = peak = 0 dBFS; then a 0.1-amplitude sine: -20 dB peak, -23 dB RMS.
    for (let s = 0; s < 5; s++) {
      const l = meter.push(frameOf(s, (i) => (i % 2 ? 1 : -1)));
      if (l) levels.push(l);
    }
    for (let s = 5; s < 10; s++) {
      const l = meter.push(frameOf(s, (i) => 0.1 * Math.sin((2 * Math.PI * 400 * i) / 16000)));
      if (l) levels.push(l);
    }
    expect(levels).toHaveLength(2);
    expect(levels[0]).toMatchObject({ channel: 'mic', t: 0 });
    expect(levels[0]!.rmsDbfs).toBeCloseTo(0, 5);
    expect(levels[1]!.t).toBe(100);
    expect(levels[1]!.peakDbfs).toBeCloseTo(-20, 1);
    expect(levels[1]!.rmsDbfs).toBeCloseTo(-23.01, 1);
  });

  it('digital silence reads as the finite floor', () => {
    const meter = new LevelMeter(20);
    expect(meter.push(frameOf(0, () => 0))).toMatchObject({ rmsDbfs: DBFS_FLOOR, peakDbfs: DBFS_FLOOR });
  });
});

const lvl = (channel: AudioChannel, t: number, db: number): Level => ({
  channel,
  t,
  rmsDbfs: db,
  peakDbfs: db + 3,
});

/** Feeds both channels every 100 ms from t0 to t1 (exclusive), returning the watchdog changes. */
function feed(w: SilenceWatchdog, t0: number, t1: number, mic: number, system: number) {
  const changes = [];
  for (let t = t0; t < t1; t += 100) {
    for (const c of [w.push(lvl('mic', t, mic)), w.push(lvl('system', t, system))])
      if (c) changes.push({ t, ...c });
  }
  return changes;
}

describe('SilenceWatchdog', () => {
  it('flags a digitally silent channel after 5 s while the other channel has speech, and clears it', () => {
    const w = new SilenceWatchdog();
    expect(feed(w, 0, 4900, -30, DBFS_FLOOR)).toEqual([]);
    const raised = feed(w, 4900, 6000, -30, DBFS_FLOOR);
    expect(raised).toEqual([{ t: 5000, channel: 'system', silent: true, forMs: 5000 }]);
    expect(w.isFlagged('system')).toBe(true);
    expect(feed(w, 6000, 6200, -30, -60)).toEqual([{ t: 6000, channel: 'system', silent: false, forMs: 0 }]);
  });

  it('does not flag when nobody speaks (a quiet meeting is not a fault)', () => {
    const w = new SilenceWatchdog();
    expect(feed(w, 0, 20_000, -70, DBFS_FLOOR)).toEqual([]);
  });

  it('does not flag a quiet but live channel (noise floor above -90 dBFS)', () => {
    const w = new SilenceWatchdog();
    expect(feed(w, 0, 20_000, -75, -25)).toEqual([]);
  });

  it('flags once speech appears on the other side of a long silence', () => {
    const w = new SilenceWatchdog();
    expect(feed(w, 0, 10_000, DBFS_FLOOR, -70)).toEqual([]);
    expect(feed(w, 10_000, 10_200, DBFS_FLOOR, -30)).toEqual([
      // mic's window at 10 s is fed before system's speech at 10 s, so the flag comes one window later.
      { t: 10_100, channel: 'mic', silent: true, forMs: 10_100 },
    ]);
  });
});

describe('AutoStop', () => {
  const run = (a: AutoStop, t0: number, t1: number, db: number) => {
    for (let t = t0; t < t1; t += 100)
      for (const ch of ['mic', 'system'] as const) if (a.push(lvl(ch, t, db))) return t;
    return null;
  };

  it('stops after 15 minutes without speech on either channel, once', () => {
    const a = new AutoStop();
    expect(run(a, 0, 60_000, -30)).toBeNull();
    // The last speech window started at 59.9 s: the clock runs from there.
    const due = 59_900 + 15 * 60_000;
    expect(run(a, 60_000, due, -80)).toBeNull();
    expect(run(a, due, 60_000 + 16 * 60_000, -80)).toBe(due);
    expect(run(a, 60_000 + 16 * 60_000, 60_000 + 17 * 60_000, -80)).toBeNull();
  });

  it('speech on only one channel keeps the session alive', () => {
    const a = new AutoStop({ afterMs: 1000 });
    for (let t = 0; t < 10_000; t += 100) {
      expect(a.push(lvl('mic', t, -90))).toBe(false);
      expect(a.push(lvl('system', t, -35))).toBe(false);
    }
  });

  it('paused time does not count as silence', () => {
    const a = new AutoStop({ afterMs: 1000 });
    expect(run(a, 0, 500, -90)).toBeNull();
    a.pause();
    expect(run(a, 500, 5000, -90)).toBeNull();
    a.resume(5000);
    expect(run(a, 5000, 5900, -90)).toBeNull();
    expect(run(a, 5900, 7000, -90)).toBe(6000);
  });
});

describe('PauseLog', () => {
  it('maps capture time to file time and back across pauses', () => {
    const p = new PauseLog(1000);
    expect(p.records(1500)).toBe(true);
    p.pause(3000); // recorded 2 s
    expect(p.records(3500)).toBe(false);
    expect(p.pausedMs(4000)).toBe(1000);
    p.resume(5000);
    expect(p.records(5000)).toBe(true);
    expect(p.pausedMs(9000)).toBe(2000);
    expect(p.fileMsAt(2000)).toBe(1000);
    expect(p.fileMsAt(4000)).toBe(2000); // inside the pause: where the pause sits in the file
    expect(p.fileMsAt(6000)).toBe(3000);
    expect(p.captureTAt(1000)).toBe(2000);
    expect(p.captureTAt(3000)).toBe(6000);
    expect(p.toJSON()).toEqual([
      { startT: 1000, endT: 3000, fileMs: 0 },
      { startT: 5000, endT: null, fileMs: 2000 },
    ]);
    expect(() => p.pause(4000)).toThrow(/before the segment start/);
  });
});
