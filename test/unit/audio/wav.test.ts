import { describe, expect, it } from 'vitest';
import { WavError, parseWav, readWavInfo, writeWav } from '../../../main/audio/wav';

/** Builds RIFF bytes from chunks, padding odd chunks as the spec says. */
function riff(chunks: Array<[string, Uint8Array]>, riffSize?: number): Uint8Array {
  const parts: number[] = [];
  const str = (s: string) => parts.push(...Array.from(s, (c) => c.charCodeAt(0)));
  const u32 = (v: number) => parts.push(v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255);
  str('RIFF');
  u32(0);
  str('WAVE');
  for (const [id, body] of chunks) {
    str(id);
    u32(body.length);
    parts.push(...body);
    if (body.length & 1) parts.push(0);
  }
  const out = Uint8Array.from(parts);
  new DataView(out.buffer).setUint32(4, riffSize ?? out.length - 8, true);
  return out;
}

function fmt(tag: number, channels: number, rate: number, bits: number, extensibleTag?: number): Uint8Array {
  const size = extensibleTag === undefined ? 16 : 40;
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  v.setUint16(0, tag, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, (rate * channels * bits) / 8, true);
  v.setUint16(12, (channels * bits) / 8, true);
  v.setUint16(14, bits, true);
  if (extensibleTag !== undefined) {
    v.setUint16(16, 22, true);
    v.setUint16(18, bits, true);
    v.setUint32(20, channels === 2 ? 3 : 4, true);
    v.setUint16(24, extensibleTag, true); // GUID starts with the format tag
    b.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  return b;
}

const bytes = (...values: number[]) => Uint8Array.from(values);
const LIST_ODD: [string, Uint8Array] = ['LIST', new TextEncoder().encode('INFOISFT\x05\x00\x00\x00Lavf\x00')]; // 17 bytes

describe('parseWav goldens', () => {
  it('8-bit unsigned PCM', () => {
    const w = parseWav(
      riff([
        ['fmt ', fmt(1, 1, 8000, 8)],
        ['data', bytes(0, 128, 255)],
      ]),
    );
    expect(w).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 8, frames: 3 });
    expect(Array.from(w.samples)).toEqual([-1, 0, 127 / 128]);
  });

  it('16-bit PCM stereo after an odd-sized LIST chunk (padding honoured)', () => {
    const w = parseWav(
      riff([
        ['fmt ', fmt(1, 2, 44100, 16)],
        LIST_ODD,
        ['data', bytes(0x00, 0x80, 0xff, 0x7f, 0x00, 0x40, 0, 0)],
      ]),
    );
    expect(w).toMatchObject({ sampleRate: 44100, channels: 2, frames: 2 });
    expect(Array.from(w.samples)).toEqual([-1, 32767 / 32768, 0.5, 0]);
  });

  it('24-bit PCM, negative values sign-extended', () => {
    const w = parseWav(
      riff([
        ['fmt ', fmt(1, 1, 48000, 24)],
        ['data', bytes(0, 0, 0x80, 0, 0, 0x40, 0xff, 0xff, 0xff)],
      ]),
    );
    expect(Array.from(w.samples)).toEqual([-1, 0.5, -1 / 8388608]);
  });

  it('32-bit PCM', () => {
    const w = parseWav(
      riff([
        ['fmt ', fmt(1, 1, 16000, 32)],
        ['data', bytes(0, 0, 0, 0xc0)],
      ]),
    );
    expect(Array.from(w.samples)).toEqual([-0.5]);
  });

  it('32- and 64-bit float', () => {
    const f32 = new Uint8Array(Float32Array.of(0.25, -0.75).buffer);
    const f64 = new Uint8Array(Float64Array.of(0.125).buffer);
    expect(
      Array.from(
        parseWav(
          riff([
            ['fmt ', fmt(3, 2, 22050, 32)],
            ['data', f32],
          ]),
        ).samples,
      ),
    ).toEqual([0.25, -0.75]);
    expect(
      Array.from(
        parseWav(
          riff([
            ['fmt ', fmt(3, 1, 96000, 64)],
            ['data', f64],
          ]),
        ).samples,
      ),
    ).toEqual([0.125]);
  });

  it('WAVE_FORMAT_EXTENSIBLE with PCM and float sub-formats', () => {
    const pcm = parseWav(
      riff([
        ['fmt ', fmt(0xfffe, 2, 48000, 16, 1)],
        ['data', bytes(0, 0x40, 0, 0xc0)],
      ]),
    );
    expect(pcm).toMatchObject({ format: 'int', channels: 2 });
    expect(Array.from(pcm.samples)).toEqual([0.5, -0.5]);
    const flt = parseWav(
      riff([
        ['fmt ', fmt(0xfffe, 1, 11025, 32, 3)],
        ['data', new Uint8Array(Float32Array.of(0.5).buffer)],
      ]),
    );
    expect(flt).toMatchObject({ format: 'float', sampleRate: 11025 });
  });

  it('writeWav round-trips 16-bit and float', () => {
    const x = Float32Array.of(0, 0.5, -0.5, 1, -1, 2);
    const pcm = parseWav(writeWav(x, 16000, 2, 'pcm16'));
    expect(pcm).toMatchObject({ sampleRate: 16000, channels: 2, frames: 3 });
    expect(Array.from(pcm.samples).map((s) => Math.round(s * 1000) / 1000)).toEqual([0, 0.5, -0.5, 1, -1, 1]);
    expect(parseWav(writeWav(x, 44100, 1, 'float32')).samples).toEqual(x);
  });
});

describe('parseWav on corrupt input names the file and the problem', () => {
  const good = () =>
    riff([
      ['fmt ', fmt(1, 1, 16000, 16)],
      ['data', new Uint8Array(100)],
    ]);
  it.each<[string, () => Uint8Array, RegExp]>([
    ['empty', () => new Uint8Array(0), /too short/],
    ['not RIFF', () => new TextEncoder().encode('ID3\x04 this is an mp3 file'), /not a WAV file/],
    ['truncated data', () => good().subarray(0, 80), /truncated: data chunk claims 100 bytes but only 36/],
    ['no data chunk', () => riff([['fmt ', fmt(1, 1, 16000, 16)]]), /no data chunk/],
    ['no fmt chunk', () => riff([['data', new Uint8Array(4)]]), /data chunk before fmt/],
    ['truncated fmt', () => good().subarray(0, 30), /truncated fmt chunk/],
    [
      'ADPCM',
      () =>
        riff([
          ['fmt ', fmt(2, 1, 16000, 4)],
          ['data', new Uint8Array(4)],
        ]),
      /unsupported WAV encoding \(format tag 0x2\)/,
    ],
    [
      '12-bit PCM',
      () =>
        riff([
          ['fmt ', fmt(1, 1, 16000, 12)],
          ['data', new Uint8Array(4)],
        ]),
      /bit depth|inconsistent/,
    ],
    [
      'zero channels',
      () =>
        riff([
          ['fmt ', fmt(1, 0, 16000, 16)],
          ['data', new Uint8Array(4)],
        ]),
      /0 channels/,
    ],
  ])('%s', (_, make, message) => {
    let error: unknown;
    try {
      parseWav(make(), 'meeting.wav');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WavError);
    expect((error as Error).message).toMatch(/^meeting\.wav: /);
    expect((error as Error).message).toMatch(message);
  });

  it('tolerates a short data chunk when asked (crash recovery) and reports whole frames only', () => {
    const info = readWavInfo(good().subarray(0, 81), 'x.wav', true);
    expect(info.dataBytes).toBe(36);
    expect(info.frames).toBe(18);
  });
});
