import { describe, expect, it } from 'vitest';
import { DelayEstimator } from '../../../main/dsp/aec';
import { RealFft } from '../../../main/dsp/fft';
import { echoMeeting } from '../../fixtures/audio/meetings';
import { whiteNoise } from '../../fixtures/audio/synth';

const N = 256;

/** Feeds two signals block by block as the canceller does; returns the accepted lag after each block. */
function track(mic: Float32Array, ref: Float32Array, maxLagBlocks = 50): number[] {
  const est = new DelayEstimator({ maxLagBlocks, bins: N + 1, sampleRate: 16000 });
  const fft = new RealFft(2 * N);
  const micPow = new Float64Array(N + 1);
  const refPow = new Float64Array(N + 1);
  const frame = new Float64Array(2 * N);
  const scale = 32768 / (2 * N);
  const power = (x: Float32Array, at: number, out: Float64Array): void => {
    for (let i = 0; i < 2 * N; i++) frame[i] = (x[at - N + i] ?? 0) * scale;
    fft.powerSpectrum(frame, out);
  };
  const lags: number[] = [];
  for (let at = N; at + N <= mic.length; at += N) {
    power(mic, at, micPow);
    power(ref, at, refPow);
    est.update(micPow, refPow);
    lags.push(est.lagBlocks);
  }
  return lags;
}

describe('DelayEstimator', () => {
  it.each([100, 330, 600])('locks onto a %i ms echo delay within a block', (delayMs) => {
    const m = echoMeeting({ leakDb: -10, delayMs });
    const lags = track(m.mic, m.ref);
    const firstLock = lags.findIndex((l) => l >= 0);
    expect(firstLock).toBeGreaterThan(0);
    // Locked within 3 s of audio and never drifting more than a block from the truth afterwards.
    expect((firstLock * N) / 16000).toBeLessThan(3);
    const truth = (delayMs * 16) / N;
    for (const l of lags.slice(firstLock)) expect(Math.abs(l - truth)).toBeLessThanOrEqual(1);
  });

  it('never locks when the mic holds nothing of the reference', () => {
    const m = echoMeeting({ leakDb: -10, delayMs: 100 });
    const lags = track(m.near, m.ref);
    expect(lags.every((l) => l === -1)).toBe(true);
    expect(track(whiteNoise(16000 * 10, 0.01, 4), m.ref).every((l) => l === -1)).toBe(true);
  });
});
