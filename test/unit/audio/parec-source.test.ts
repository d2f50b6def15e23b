/** ParecSource's failure handling, with fake parec/pactl scripts (no PulseAudio needed). */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudioFrame } from '../../../main/audio/frames';
import { S16Decoder, ParecSource, defaultMonitorSource } from '../../../main/audio/sources/parec';
import type { AudioSourceEvents, SourceError } from '../../../main/audio/sources/types';

let dir: string;
const script = async (name: string, body: string) => {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verbatim-parec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('S16Decoder', () => {
  it('carries an odd byte across chunk boundaries', () => {
    const bytes = Buffer.alloc(6);
    [16384, -32768, 1].forEach((v, i) => bytes.writeInt16LE(v, i * 2));
    const d = new S16Decoder();
    const out = [
      ...d.decode(bytes.subarray(0, 3)),
      ...d.decode(bytes.subarray(3, 5)),
      ...d.decode(bytes.subarray(5)),
    ];
    expect(out).toEqual([0.5, -1, 1 / 32768]);
  });
});

describe('ParecSource failures', () => {
  it('a missing parec is a clear error naming the package', async () => {
    const source = new ParecSource({ device: 'x.monitor', parecPath: join(dir, 'no-such-parec') });
    const errors: SourceError[] = [];
    source.on('error', (e) => errors.push(e));
    await expect(source.start(() => {})).rejects.toThrow(/no-such-parec is not installed.*pulseaudio-utils/);
    expect(errors).toMatchObject([{ code: 'missing-tool', willRestart: false }]);
  });

  it('finds the default sink monitor, and reports pactl failures with its stderr', async () => {
    expect(await defaultMonitorSource(await script('pactl-ok', 'echo alsa_output.pci.analog-stereo'))).toBe(
      'alsa_output.pci.analog-stereo.monitor',
    );
    await expect(
      defaultMonitorSource(await script('pactl-bad', 'echo "Connection refused" >&2; exit 1')),
    ).rejects.toThrow(/exited 1: Connection refused/);
  });

  it('reports a dying parec with its stderr, restarts, and ends after the last attempt', async () => {
    // Emits 5 frames of a constant, complains, dies.
    const parec = await script(
      'parec-dies',
      `head -c 3200 /dev/zero | tr '\\000' '\\100'; echo "Stream error: Connection terminated" >&2; exit 1`,
    );
    const source = new ParecSource({
      device: 'them.monitor',
      parecPath: parec,
      maxRestarts: 2,
      restartDelayMs: 20,
    });
    const frames: AudioFrame[] = [];
    const errors: SourceError[] = [];
    const ended = new Promise<AudioSourceEvents['ended']>((resolve) => source.on('ended', resolve));
    source.on('error', (e) => errors.push(e));
    await source.start((f) => frames.push(f));
    expect(await ended).toEqual({ reason: 'failed' });
    expect(errors.map((e) => e.willRestart)).toEqual([true, true, false]);
    expect(errors[0]!.message).toMatch(
      /parec on them\.monitor exited with code 1: Stream error: Connection terminated/,
    );
    // 3 runs x 5 frames of 0x4040 (16448 / 32768), seq continuing across restarts.
    const real = frames.filter((f) => f.samples[0] !== 0);
    expect(real).toHaveLength(15);
    expect(real[0]!.samples[0]).toBeCloseTo(16448 / 32768, 6);
    const seqs = frames.map((f) => f.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('paces digital silence in real time while an idle sink sends nothing', async () => {
    const parec = await script('parec-idle', 'exec sleep 30');
    const source = new ParecSource({ device: 'them.monitor', parecPath: parec, stallMs: 100 });
    const frames: AudioFrame[] = [];
    await source.start((f) => frames.push(f));
    await new Promise((r) => setTimeout(r, 600));
    await source.stop();
    // ~600 ms minus the latency margin, in 20 ms frames; generous bounds for a loaded machine.
    expect(frames.length).toBeGreaterThanOrEqual(15);
    expect(frames.length).toBeLessThanOrEqual(30);
    expect(frames.every((f) => f.samples.every((s) => s === 0))).toBe(true);
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
  });

  it('stop() ends cleanly with reason stopped', async () => {
    const parec = await script('parec-forever', 'exec sleep 30');
    const source = new ParecSource({ device: 'them.monitor', parecPath: parec });
    const ended: AudioSourceEvents['ended'][] = [];
    source.on('ended', (e) => ended.push(e));
    await source.start(() => {});
    await source.stop();
    expect(ended).toEqual([{ reason: 'stopped' }]);
  });
});
