/**
 * The preferred capture engine's framing, with a stand-in MediaStreamTrackProcessor: 10 ms AudioData
 * chunks at 48 kHz become 20 ms frames at 16 kHz, and audio the track lost (a jump in the chunks'
 * timestamps) becomes a jump in seq, which the backend reports and fills with silence.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CapturedFrame } from '../../../renderer/src/capture/protocol';
import { FrameClock, readTrack } from '../../../renderer/src/capture/track-reader';

interface FakeChunk {
  timestamp: number;
  samples: Float32Array;
}

function installProcessor(chunks: FakeChunk[]): { closed: number } {
  const stats = { closed: 0 };
  (globalThis as Record<string, unknown>).MediaStreamTrackProcessor = class {
    readonly readable = new ReadableStream({
      start(controller) {
        for (const c of chunks) {
          controller.enqueue({
            sampleRate: 48_000,
            numberOfFrames: c.samples.length,
            numberOfChannels: 2,
            timestamp: c.timestamp,
            copyTo: (dest: Float32Array) => dest.set(c.samples),
            close: () => stats.closed++,
          });
        }
        controller.close(); // the track ended
      },
    });
  };
  return stats;
}

afterEach(() => {
  delete (globalThis as Record<string, unknown>).MediaStreamTrackProcessor;
});

const chunk = (index: number, timestampUs = index * 10_000): FakeChunk => ({
  timestamp: timestampUs,
  samples: Float32Array.from(
    { length: 480 },
    (_, i) => 0.5 * Math.sin((2 * Math.PI * 500 * (index * 480 + i)) / 48_000),
  ),
});

async function capture(chunks: FakeChunk[]) {
  const stats = installProcessor(chunks);
  const frames: CapturedFrame[] = [];
  await readTrack({ label: 'fake' }, new FrameClock((f) => frames.push(f)), { stopped: false });
  return { frames, stats };
}

describe('track reader', () => {
  it('frames 48 kHz chunks into consecutive 20 ms frames at 16 kHz', async () => {
    const { frames, stats } = await capture(Array.from({ length: 100 }, (_, i) => chunk(i)));
    expect(stats.closed).toBe(100); // every AudioData released
    // 1 s in, minus the resampler's look-ahead (< 8 ms) still waiting for input.
    expect(frames.length).toBe(49);
    expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: 49 }, (_, i) => i));
    expect(frames.every((f) => f.samples.length === 320 && f.t === f.seq * 20)).toBe(true);
    // The 500 Hz tone arrives at its level (0.5 peak).
    const peak = Math.max(...frames.slice(2).flatMap((f) => Array.from(f.samples, Math.abs)));
    expect(peak).toBeGreaterThan(0.49);
    expect(peak).toBeLessThan(0.51);
  });

  it('turns lost chunks into a jump in seq of the lost duration', async () => {
    // 0.5 s, then 100 ms the track never delivered, then 0.5 s.
    const chunks = [
      ...Array.from({ length: 50 }, (_, i) => chunk(i)),
      ...Array.from({ length: 50 }, (_, i) => chunk(60 + i)),
    ];
    const { frames } = await capture(chunks);
    const seqs = frames.map((f) => f.seq);
    const jumps = seqs
      .slice(1)
      .map((s, i) => s - seqs[i]!)
      .filter((d) => d !== 1);
    expect(jumps).toHaveLength(1);
    // 0.5 s = frames 0..24 (the last one completed with silence), 100 ms lost = 25..29, then chunk 60
    // (600 ms) starts frame 30: capture time survives the hole.
    const after = frames.find((f, i) => i > 0 && f.seq - frames[i - 1]!.seq !== 1)!;
    expect(after).toMatchObject({ seq: 30, t: 600 });
  });

  it('tolerates timestamp jitter below a chunk', async () => {
    const chunks = Array.from({ length: 50 }, (_, i) => chunk(i, i * 10_000 + (i % 2 ? 4000 : 0)));
    const { frames } = await capture(chunks);
    expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: frames.length }, (_, i) => i));
  });
});
