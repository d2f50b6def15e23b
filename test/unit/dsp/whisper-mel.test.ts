import { describe, expect, it } from 'vitest';
import { WHISPER_N_FRAMES, WHISPER_N_SAMPLES, WhisperMelExtractor, whisperLogMel } from '../../../main/dsp';

function tone(hz: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: Math.round(seconds * 16000) },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / 16000),
  );
}

function minMax(a: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of a) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

describe('Whisper log-mel (MODELS.md §5.6)', () => {
  it('is [80, 3000] and [128, 3000], channels first', () => {
    const a = whisperLogMel(tone(440, 2), 80);
    expect([a.numMelBins, a.numFrames, a.data.length]).toEqual([80, 3000, 240_000]);
    const b = whisperLogMel(tone(440, 2), 128);
    expect([b.numMelBins, b.numFrames, b.data.length]).toEqual([128, 3000, 384_000]);
    expect(WHISPER_N_FRAMES).toBe(3000);
  });

  it('spans at most 2.0 (the max − 8 clamp in log10, divided by 4) and tops out at (max + 4)/4', () => {
    const mel = whisperLogMel(tone(1000, 3, 0.8));
    const [lo, hi] = minMax(mel.data);
    expect(hi - lo).toBeCloseTo(2, 5);
    // The padded silence sits exactly on the clamp.
    expect(mel.data[79 * 3000 + 2999]).toBeCloseTo(lo, 6);
    expect(hi).toBeGreaterThan(0.5);
    expect(hi).toBeLessThan(2.5);
  });

  it('puts a 1 kHz tone in the mel bin whose centre is nearest 1 kHz, at channel-first positions', () => {
    const mel = whisperLogMel(tone(1000, 1));
    const t = 50;
    let best = 0;
    for (let b = 1; b < 80; b++) if (mel.data[b * 3000 + t]! > mel.data[best * 3000 + t]!) best = b;
    // Slaney centres on 0–8000 Hz with 80 bins: bin b centre = mel⁻¹((b + 1)·Δ), Δ = mel(8000)/81 ≈ 0.5586
    // (mel(8000 Hz) = 15 + 27·ln 8 / ln 6.4 ≈ 45.25); mel(1000 Hz) = 15 → b + 1 ≈ 26.85, so bin 25 or 26.
    expect([25, 26]).toContain(best);
  });

  it('gives −1.5 everywhere for silence (log10(1e−10) = −10, (−10 + 4)/4)', () => {
    const mel = whisperLogMel(new Float32Array(16000));
    const [lo, hi] = minMax(mel.data);
    expect([lo, hi]).toEqual([-1.5, -1.5]);
  });

  it('zero-pads short input to 30 s and trims long input to 30 s', () => {
    const ex = new WhisperMelExtractor(80);
    const short = tone(300, 1.5);
    const padded = new Float32Array(WHISPER_N_SAMPLES);
    padded.set(short);
    expect(Array.from(ex.compute(short).data)).toEqual(Array.from(ex.compute(padded).data));
    const long = tone(300, 35);
    expect(Array.from(ex.compute(long).data)).toEqual(
      Array.from(ex.compute(long.subarray(0, WHISPER_N_SAMPLES)).data),
    );
  });

  it('sees a single non-zero sample (silent-frame shortcut only skips truly silent frames)', () => {
    const x = new Float32Array(16000);
    x[8000] = 0.5;
    const mel = whisperLogMel(x);
    // Frames t with 160t − 200 <= 8000 < 160t + 200 contain the impulse: t = 49 … 51.
    for (const t of [49, 50, 51]) expect(mel.data[40 * 3000 + t]).toBeGreaterThan(mel.data[40 * 3000 + 10]!);
    expect(mel.data[40 * 3000 + 48]).toBe(mel.data[40 * 3000 + 10]);
  });

  it('rejects other mel sizes', () => {
    expect(() => new WhisperMelExtractor(64 as 80)).toThrow(RangeError);
  });
});
