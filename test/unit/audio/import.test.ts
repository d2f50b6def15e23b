import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMp3 } from '../../../main/audio/compact';
import { FRAME_SAMPLES, GapDetector } from '../../../main/audio/frames';
import { UnsupportedAudioError, importAudioFile } from '../../../main/audio/import';
import { writeWav } from '../../../main/audio/wav';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verbatim-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tone = (rate: number, seconds: number, channels: number) => {
  const n = Math.round(rate * seconds);
  const x = new Float32Array(n * channels);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < channels; c++) x[i * channels + c] = 0.5 * Math.sin((2 * Math.PI * 500 * i) / rate);
  return x;
};

describe('importAudioFile', () => {
  it('turns a 48 kHz stereo WAV into gap-free 16 kHz frames that reproduce it, faster than real time', async () => {
    const path = join(dir, 'stereo48k.wav');
    await writeFile(path, writeWav(tone(48000, 2.5, 2), 48000, 2, 'float32'));
    const started = performance.now();
    const result = await importAudioFile(path, { channel: 'system', epochMs: 42 });
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ format: 'wav', sourceRate: 48000, sourceChannels: 2, durationMs: 2500 });
    expect(result.frames).toHaveLength(125);
    expect(elapsed).toBeLessThan(2500 / 2);
    const gaps = new GapDetector();
    result.frames.forEach((f, i) => {
      expect(gaps.push(f)).toBeNull();
      expect(f).toMatchObject({ channel: 'system', seq: i, t: i * 20, epochMs: 42 });
    });
    let err = 0;
    let sig = 0;
    result.frames.slice(5, -5).forEach((f) => {
      for (let j = 0; j < FRAME_SAMPLES; j++) {
        const ideal = 0.5 * Math.sin((2 * Math.PI * 500 * (f.seq * FRAME_SAMPLES + j)) / 16000);
        sig += ideal ** 2;
        err += (f.samples[j]! - ideal) ** 2;
      }
    });
    expect(10 * Math.log10(sig / err)).toBeGreaterThan(60);
  });

  it('decodes MP3 through the WASM decoder', async () => {
    const pcm = Int16Array.from(tone(16000, 1, 1), (s) => Math.round(s * 32767));
    const path = join(dir, 'clip.mp3');
    await writeFile(path, await encodeMp3(pcm));
    const result = await importAudioFile(path);
    expect(result.format).toBe('mp3');
    expect(result.sourceRate).toBe(16000);
    // 1 s plus the MP3 encoder's delay/padding (< 0.3 s).
    expect(result.frames.length).toBeGreaterThanOrEqual(50);
    expect(result.frames.length).toBeLessThan(65);
  });

  it.each([
    ['ogg', 'OggS\x00\x02'],
    ['m4a', '\x00\x00\x00\x20ftypM4A '],
    ['txt', 'hello'],
  ])('a .%s file fails with an actionable message', async (ext, head) => {
    const path = join(dir, `talk.${ext}`);
    await writeFile(path, Buffer.from(head + '\x00'.repeat(64), 'latin1'));
    const error = await importAudioFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedAudioError);
    expect((error as Error).message).toMatch(
      new RegExp(`talk\\.${ext}: unsupported format .*convert it to WAV`),
    );
  });

  it('a corrupt WAV names the file', async () => {
    const path = join(dir, 'broken.wav');
    await writeFile(path, writeWav(new Float32Array(1000), 16000).subarray(0, 500));
    await expect(importAudioFile(path)).rejects.toThrow(/broken\.wav: truncated/);
  });
});
