import { describe, expect, it } from 'vitest';
import type { AudioChannel, AudioFrame } from '../../../main/audio/frames';
import { MicEchoStage } from '../../../main/pipeline/echo-stage';
import type { EchoCancellerLike } from '../../../main/pipeline/types';

const frame = (channel: AudioChannel, seq: number, value = seq): AudioFrame => ({
  channel,
  seq,
  t: seq * 20,
  epochMs: 0,
  samples: new Float32Array(320).fill(value),
});

/** Records which reference each mic frame was paired with; output = mic - ref, 64 samples late. */
function fakeAec(): EchoCancellerLike & { pairs: Array<[number, number]> } {
  const pairs: Array<[number, number]> = [];
  let delay = new Float32Array(64);
  return {
    latencySamples: 64,
    pairs,
    process(mic, ref) {
      pairs.push([mic[0]!, ref[0]!]);
      const joined = new Float32Array(64 + mic.length);
      joined.set(delay);
      for (let i = 0; i < mic.length; i++) joined[64 + i] = mic[i]! - ref[i]!;
      delay = joined.slice(mic.length);
      return joined.slice(0, mic.length);
    },
  };
}

describe('MicEchoStage', () => {
  it('pairs by capture time whatever the arrival order, and stamps output latency-earlier', () => {
    const aec = fakeAec();
    const stage = new MicEchoStage(aec);
    expect(stage.pushMic(frame('mic', 0, 10))).toEqual([]); // waits for its reference
    expect(stage.pushMic(frame('mic', 1, 11))).toEqual([]);
    const out = stage.pushSystem(frame('system', 0, 1));
    expect(out).toHaveLength(1);
    expect(out[0]!.t).toBe(-4); // 64 samples = 4 ms
    stage.pushSystem(frame('system', 1, 2));
    stage.pushSystem(frame('system', 2, 3));
    stage.pushMic(frame('mic', 2, 12));
    expect(aec.pairs).toEqual([
      [10, 1],
      [11, 2],
      [12, 3],
    ]);
  });

  it('uses silence as reference when the system channel is absent, after the hold limit', () => {
    const aec = fakeAec();
    const stage = new MicEchoStage(aec, 3);
    const released = [0, 1, 2, 3, 4].flatMap((i) => stage.pushMic(frame('mic', i, 5)));
    expect(released).toHaveLength(2);
    expect(stage.heldCount).toBe(3);
    expect(aec.pairs.every(([, ref]) => ref === 0)).toBe(true);
  });

  it('flush releases held frames and drains the canceller: no mic sample is lost', () => {
    const aec = fakeAec();
    const stage = new MicEchoStage(aec);
    const out = [0, 1, 2].flatMap((i) => stage.pushMic(frame('mic', i, 1)));
    out.push(...stage.flush());
    const total = out.reduce((n, p) => n + p.samples.length, 0);
    const ones = out.reduce((n, p) => n + p.samples.filter((v) => v === 1).length, 0);
    expect(ones).toBe(3 * 320);
    expect(total).toBeGreaterThanOrEqual(3 * 320 + 64);
  });

  it('without a canceller the mic passes through unchanged', () => {
    const stage = new MicEchoStage(null);
    const f = frame('mic', 5);
    expect(stage.pushMic(f)).toEqual([{ t: 100, samples: f.samples }]);
    expect(stage.latencyMs).toBe(0);
  });
});
