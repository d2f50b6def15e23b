/** Streaming must equal batch bit for bit, whatever the chunking (MODELS.md §1.2, issue 5). */
import { describe, expect, it } from 'vitest';
import type { FbankPreset } from '../../../main/dsp';
import { computeFbank, FbankComputer, StreamingFbank } from '../../../main/dsp';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function signal(n: number, seed: number): Float32Array {
  const rnd = mulberry32(seed);
  return Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin(i * 0.05 + seed) + 0.1 * (rnd() - 0.5));
}

/** Bitwise equality of two Float32Arrays (distinguishes −0 and +0, compares NaN payloads). */
function expectBitEqual(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const b = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  let firstDiff = -1;
  for (let i = 0; i < a.length && firstDiff < 0; i++) if (a[i] !== b[i]) firstDiff = i;
  expect(firstDiff).toBe(-1);
}

function streamInChunks(x: Float32Array, preset: FbankPreset, sizes: () => number): Float32Array {
  const s = new StreamingFbank(preset);
  let pos = 0;
  while (pos < x.length) {
    const n = sizes();
    s.acceptWaveform(x.subarray(pos, pos + n));
    pos += n;
  }
  s.inputFinished();
  return s.getFrames(0, s.framesReady);
}

const PRESETS: FbankPreset[] = ['zipformer', 'senseVoice', 'parakeet'];

describe('StreamingFbank equals computeFbank bit for bit', () => {
  for (const preset of PRESETS) {
    it(`${preset}: random chunk sizes 0 … 2000, several seeds and lengths`, () => {
      for (const [seed, length] of [
        [1, 16000],
        [2, 12345],
        [3, 401],
        [4, 160],
        [5, 33],
      ] as const) {
        const x = signal(length, seed);
        const batch = computeFbank(x, preset).data;
        const rnd = mulberry32(seed * 101);
        // A quarter of the chunks are empty.
        const streamed = streamInChunks(x, preset, () => (rnd() < 0.25 ? 0 : Math.floor(rnd() * 2000)));
        expectBitEqual(streamed, batch);
      }
    });

    it(`${preset}: one-sample chunks`, () => {
      const x = signal(4000, 9);
      expectBitEqual(
        streamInChunks(x, preset, () => 1),
        computeFbank(x, preset).data,
      );
    });
  }

  it('frames read mid-stream do not change when later audio arrives', () => {
    const x = signal(8000, 11);
    const s = new StreamingFbank('zipformer');
    s.acceptWaveform(x.subarray(0, 3000));
    const early = s.getFrames(0, s.framesReady);
    s.acceptWaveform(x.subarray(3000));
    s.inputFinished();
    expectBitEqual(s.getFrames(0, early.length / 80), early);
  });

  it('can share one FbankComputer between a batch call and a stream', () => {
    const computer = new FbankComputer('speaker3d');
    const x = signal(5000, 12);
    const s = new StreamingFbank(computer);
    s.acceptWaveform(x.subarray(0, 2222));
    const batch = computeFbank(x, computer).data;
    s.acceptWaveform(x.subarray(2222));
    s.inputFinished();
    expectBitEqual(s.getFrames(0, s.framesReady), batch);
  });
});

describe('StreamingFbank bookkeeping', () => {
  it('releases old frames and keeps indices absolute', () => {
    const x = signal(16000, 13);
    const batch = computeFbank(x, 'zipformer');
    const s = new StreamingFbank('zipformer');
    s.acceptWaveform(x.subarray(0, 8000));
    s.discardFramesBefore(30);
    expect(s.firstAvailableFrame).toBe(30);
    expect(() => s.getFrame(29)).toThrow(RangeError);
    s.acceptWaveform(x.subarray(8000));
    s.inputFinished();
    expect(s.framesReady).toBe(batch.numFrames);
    expectBitEqual(s.getFrames(30, s.framesReady - 30), batch.data.subarray(30 * 80));
    expectBitEqual(s.getFrame(57), batch.data.subarray(57 * 80, 58 * 80));
    expect(() => s.getFrames(90, s.framesReady)).toThrow(RangeError);
  });

  it('refuses audio after inputFinished, and inputFinished is idempotent', () => {
    const s = new StreamingFbank('zipformer');
    s.acceptWaveform(signal(1000, 1));
    s.inputFinished();
    const n = s.framesReady;
    s.inputFinished();
    expect(s.framesReady).toBe(n);
    expect(s.isFinished).toBe(true);
    expect(() => s.acceptWaveform(new Float32Array(10))).toThrow(/inputFinished/);
    expect(s.numSamples).toBe(1000);
  });
});
