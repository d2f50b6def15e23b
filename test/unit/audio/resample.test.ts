import { describe, expect, it } from 'vitest';
import { createResampler, downmix, resampleTo16kMono } from '../../../main/audio/resample';

const sine = (rate: number, seconds: number, hz: number, amp: number, channels = 1) => {
  const n = Math.round(rate * seconds);
  const out = new Float32Array(n * channels);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < channels; c++) out[i * channels + c] = amp * Math.sin((2 * Math.PI * hz * i) / rate);
  return out;
};

/** SNR of `y` against an ideal 16 kHz sine, skipping 100 ms at each edge (filter ramp-up/down). */
function snrDb(y: Float32Array, hz: number, amp: number): number {
  let signal = 0;
  let noise = 0;
  for (let i = 1600; i < y.length - 1600; i++) {
    const ideal = amp * Math.sin((2 * Math.PI * hz * i) / 16000);
    signal += ideal * ideal;
    noise += (y[i]! - ideal) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

describe('resampler', () => {
  it.each([8000, 22050, 44100, 48000])(
    'a sine at %i Hz resampled to 16 kHz keeps frequency, amplitude and phase (SNR >= 60 dB)',
    async (rate) => {
      for (const hz of [440, 3000]) {
        const y = await resampleTo16kMono(sine(rate, 1, hz, 0.5), rate);
        expect(y.length).toBe(16000);
        expect(snrDb(y, hz, 0.5)).toBeGreaterThan(60);
      }
    },
  );

  it('removes content above the new Nyquist instead of aliasing it', async () => {
    // 11 kHz at 44.1 kHz would alias to 5 kHz if not filtered.
    const y = await resampleTo16kMono(sine(44100, 1, 11000, 0.5), 44100);
    let energy = 0;
    for (let i = 1600; i < y.length - 1600; i++) energy += y[i]! ** 2;
    const rmsDb = 10 * Math.log10(energy / (y.length - 3200));
    expect(rmsDb).toBeLessThan(-70);
  });

  it('streaming in uneven chunks equals batch', async () => {
    const x = sine(44100, 1.3, 1234, 0.4);
    const batch = await resampleTo16kMono(x, 44100);
    const r = await createResampler({ inputRate: 44100 });
    const parts: Float32Array[] = [];
    const sizes = [1, 127, 128, 4410, 333, 1000, 7];
    for (let at = 0, k = 0; at < x.length; k++) {
      const n = sizes[k % sizes.length]!;
      parts.push(r.process(x.subarray(at, at + n)));
      at += n;
    }
    parts.push(r.flush());
    r.destroy();
    const streamed = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      streamed.set(p, at);
      at += p.length;
    }
    expect(streamed.length).toBe(batch.length);
    let maxDiff = 0;
    for (let i = 0; i < batch.length; i++) maxDiff = Math.max(maxDiff, Math.abs(batch[i]! - streamed[i]!));
    expect(maxDiff).toBeLessThan(1e-5);
  });

  it('downmixes interleaved channels by averaging before resampling', async () => {
    expect(Array.from(downmix(Float32Array.of(1, 0, 0.5, 0.5, -1, 1), 2))).toEqual([0.5, 0.5, 0]);
    expect(() => downmix(new Float32Array(3), 2)).toThrow(/whole number/);
    const stereo = sine(48000, 1, 440, 0.5, 2);
    const y = await resampleTo16kMono(stereo, 48000, 2);
    expect(snrDb(y, 440, 0.5)).toBeGreaterThan(60);
  });

  it('16 kHz input passes through untouched (only downmixed)', async () => {
    const x = sine(16000, 0.1, 440, 0.5);
    expect(await resampleTo16kMono(x, 16000)).toEqual(x);
  });

  it('rejects nonsense rates', async () => {
    await expect(createResampler({ inputRate: 0 })).rejects.toThrow(/rate/);
  });
});
