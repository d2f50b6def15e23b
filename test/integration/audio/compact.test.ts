/**
 * End-of-meeting compaction: both channels of a 60 s recording fit the 30 MB/hour budget (extrapolated),
 * decode back to audio that correlates with the original, and the crash-safe WAV goes only after that.
 */
import { access, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactRecording, decodeMp3 } from '../../../main/audio/compact';
import type { AudioChannel } from '../../../main/audio/frames';
import { FRAME_SAMPLES } from '../../../main/audio/frames';
import { ChannelRecorder } from '../../../main/audio/recorder';
import { VOICES, synthesize } from '../../fixtures/audio/synth';
import { bestLag, correlation, loopTo } from './signal';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verbatim-compact-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function record(channel: AudioChannel, signal: Float32Array): Promise<string> {
  const path = join(dir, `${channel}.wav`);
  const rec = await ChannelRecorder.create({ path });
  for (let seq = 0; (seq + 1) * FRAME_SAMPLES <= signal.length; seq++)
    rec.append({
      channel,
      seq,
      t: seq * 20,
      epochMs: 0,
      samples: signal.slice(seq * FRAME_SAMPLES, (seq + 1) * FRAME_SAMPLES),
    });
  await rec.close();
  return path;
}

describe('compaction', () => {
  it('60 s of two channels -> <= 30 MB/hour, decoded audio correlates >= 0.9, WAVs removed', async () => {
    const mic = loopTo(
      synthesize('Can everyone hear me? Let us start with the budget review.', VOICES[0]!),
      60,
    );
    const system = loopTo(
      synthesize('Yes, loud and clear. The budget is on the second slide.', VOICES[1]!),
      60,
    );
    let totalBytes = 0;
    for (const [channel, signal] of [
      ['mic', mic],
      ['system', system],
    ] as const) {
      const wav = await record(channel, signal);
      const result = await compactRecording(wav);
      totalBytes += result.mp3Bytes;
      expect((await stat(result.mp3Path)).size).toBe(result.mp3Bytes);
      await expect(access(wav)).rejects.toThrow(/ENOENT/);
      const { audio } = await decodeMp3(await readFile(result.mp3Path));
      const lag = bestLag(signal, audio!, 16000, 16000 * 5, 4000);
      expect(lag).toBeGreaterThanOrEqual(0); // the encoder adds delay, never removes audio
      expect(correlation(signal, audio!, 16000, 16000 + lag, 16000 * 50)).toBeGreaterThan(0.9);
    }
    const mbPerHour = (totalBytes * 60) / 1e6;
    expect(mbPerHour).toBeLessThanOrEqual(30);
  }, 60_000);

  it('keeps the WAV when the recording cannot be compacted', async () => {
    const path = join(dir, 'odd.wav');
    await writeFile(path, Buffer.from('RIFF\x00\x00\x00\x00WAVEjunk', 'latin1'));
    await expect(compactRecording(path)).rejects.toThrow(/odd\.wav/);
    await expect(access(path)).resolves.toBeUndefined();
  });
});
