/**
 * WAV (RIFF/WAVE) reading and writing. Reading is strict about structure and names the file and the
 * problem, because "import failed" with no reason is the support ticket nobody can answer.
 */

export class WavError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'WavError';
  }
}

export type WavSampleFormat = 'int' | 'float';

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  format: WavSampleFormat;
  /** Byte offset and length of the data chunk's payload. */
  dataOffset: number;
  dataBytes: number;
  /** Sample frames (one sample per channel) in the data chunk. */
  frames: number;
}

export interface WavAudio extends WavInfo {
  /** Interleaved samples in [-1, 1]. */
  samples: Float32Array;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

const tag = (b: Uint8Array, at: number): string =>
  String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

/**
 * Parses the header chunks. `tolerateShortData` accepts a data chunk that claims more bytes than the file
 * holds (a recording cut off by a crash) and reports what is actually there.
 */
export function readWavInfo(bytes: Uint8Array, file = 'WAV data', tolerateShortData = false): WavInfo {
  if (bytes.length < 12) throw new WavError(file, `too short to be a WAV file (${bytes.length} bytes)`);
  if (tag(bytes, 0) !== 'RIFF' || tag(bytes, 8) !== 'WAVE')
    throw new WavError(file, 'not a WAV file (no RIFF/WAVE header)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes' | 'frames'> | undefined;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = tag(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length)
        throw new WavError(file, `truncated fmt chunk (${size} bytes)`);
      fmt = parseFmt(view, body, size, file);
    } else if (id === 'data') {
      if (!fmt) throw new WavError(file, 'data chunk before fmt chunk');
      const blockAlign = (fmt.bitsPerSample / 8) * fmt.channels;
      let dataBytes = size;
      if (body + size > bytes.length) {
        if (!tolerateShortData)
          throw new WavError(
            file,
            `truncated: data chunk claims ${size} bytes but only ${bytes.length - body} are present`,
          );
        dataBytes = bytes.length - body;
      }
      dataBytes -= dataBytes % blockAlign;
      return { ...fmt, dataOffset: body, dataBytes, frames: dataBytes / blockAlign };
    } else if (body + size > bytes.length) {
      throw new WavError(file, `truncated ${JSON.stringify(id)} chunk`);
    }
    // RIFF pads odd-sized chunks to an even length (LIST chunks written by editors often are odd).
    at = body + size + (size & 1);
  }
  throw new WavError(file, fmt ? 'no data chunk' : 'no fmt chunk');
}

function parseFmt(view: DataView, at: number, size: number, file: string) {
  let formatTag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  let bitsPerSample = view.getUint16(at + 14, true);
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40) throw new WavError(file, 'WAVE_FORMAT_EXTENSIBLE fmt chunk is shorter than 40 bytes');
    // The sub-format GUID's first two bytes carry the real format tag.
    formatTag = view.getUint16(at + 24, true);
    // Container size rules: validBits may be less (e.g. 20 bits in 24); samples are read at container size.
  }
  if (channels < 1) throw new WavError(file, 'fmt chunk says 0 channels');
  if (sampleRate < 1) throw new WavError(file, 'fmt chunk says sample rate 0');
  let format: WavSampleFormat;
  if (formatTag === WAVE_FORMAT_PCM) {
    if (![8, 16, 24, 32].includes(bitsPerSample))
      throw new WavError(file, `unsupported PCM bit depth ${bitsPerSample} (8, 16, 24, 32 are supported)`);
    format = 'int';
  } else if (formatTag === WAVE_FORMAT_IEEE_FLOAT) {
    if (bitsPerSample !== 32 && bitsPerSample !== 64)
      throw new WavError(file, `unsupported float bit depth ${bitsPerSample} (32 and 64 are supported)`);
    format = 'float';
  } else {
    throw new WavError(
      file,
      `unsupported WAV encoding (format tag 0x${formatTag.toString(16)}): only PCM and IEEE float are supported`,
    );
  }
  if (blockAlign !== (bitsPerSample / 8) * channels) {
    // Trust the declared depth; some writers put junk in blockAlign, but a mismatch with depth is fatal.
    bitsPerSample = (blockAlign / channels) * 8;
    if (![8, 16, 24, 32, 64].includes(bitsPerSample))
      throw new WavError(file, `inconsistent fmt chunk (blockAlign ${blockAlign} for ${channels} channels)`);
  }
  return { sampleRate, channels, bitsPerSample, format };
}

/** Decodes the data chunk's payload to interleaved float samples. */
export function decodeWavData(bytes: Uint8Array, info: WavInfo): Float32Array {
  const n = info.frames * info.channels;
  const out = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset + info.dataOffset, info.dataBytes);
  const { bitsPerSample: bits, format } = info;
  if (format === 'float') {
    for (let i = 0; i < n; i++)
      out[i] = bits === 32 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
  } else if (bits === 8) {
    for (let i = 0; i < n; i++) out[i] = (view.getUint8(i) - 128) / 128; // 8-bit WAV is unsigned
  } else if (bits === 16) {
    for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true) / 32768;
  } else if (bits === 24) {
    for (let i = 0, b = 0; i < n; i++, b += 3) {
      const v = view.getUint8(b) | (view.getUint8(b + 1) << 8) | (view.getInt8(b + 2) << 16);
      out[i] = v / 8388608;
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true) / 2147483648;
  }
  return out;
}

export function parseWav(bytes: Uint8Array, file = 'WAV data'): WavAudio {
  const info = readWavInfo(bytes, file);
  return { ...info, samples: decodeWavData(bytes, info) };
}

export type WavWriteFormat = 'pcm16' | 'float32';

export const WAV_HEADER_BYTES = 44;

/** The canonical 44-byte header; `dataBytes` may be 0 for a file still being written. */
export function wavHeader(
  sampleRate: number,
  channels: number,
  format: WavWriteFormat,
  dataBytes: number,
): Uint8Array {
  const bytesPerSample = format === 'pcm16' ? 2 : 4;
  const h = new Uint8Array(WAV_HEADER_BYTES);
  const v = new DataView(h.buffer);
  const put = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) h[at + i] = s.charCodeAt(i);
  };
  put(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, format === 'pcm16' ? WAVE_FORMAT_PCM : WAVE_FORMAT_IEEE_FLOAT, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * channels * bytesPerSample, true);
  v.setUint16(32, channels * bytesPerSample, true);
  v.setUint16(34, bytesPerSample * 8, true);
  put(36, 'data');
  v.setUint32(40, dataBytes, true);
  return h;
}

/** Float samples -> little-endian 16-bit PCM with clipping (not wrap-around) at full scale. */
export function floatToPcm16(samples: Float32Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const v = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    v.setInt16(i * 2, Math.round(s < 0 ? s * 32768 : s * 32767), true);
  }
  return out;
}

export function writeWav(
  samples: Float32Array,
  sampleRate: number,
  channels = 1,
  format: WavWriteFormat = 'pcm16',
): Uint8Array {
  const data =
    format === 'pcm16'
      ? floatToPcm16(samples)
      : new Uint8Array(samples.buffer.slice(samples.byteOffset, samples.byteOffset + samples.byteLength));
  const out = new Uint8Array(WAV_HEADER_BYTES + data.length);
  out.set(wavHeader(sampleRate, channels, format, data.length), 0);
  out.set(data, WAV_HEADER_BYTES);
  return out;
}
