import { open } from 'node:fs/promises';
import { TextDecoder } from 'node:util';

/**
 * Reads the top-level facts of an ONNX file (MODELS.md §0.2) without loading the graph.
 *
 * onnxruntime-node does not expose custom `metadata_props`, yet sherpa-style exports keep everything
 * the loaders need there (state shapes, CMVN vectors, token ids). A `ModelProto` is one protobuf
 * message whose field 7 (`graph`) holds the weights — hundreds of MB — and whose `metadata_props`
 * (field 14) usually come *after* it. So this is a streaming wire-format scanner: it reads small
 * chunks, decodes the few small fields it wants, and seeks past every other length-delimited field
 * by its length prefix. A 300 MB model costs two chunk reads.
 */

export interface OnnxOpset {
  domain: string;
  version: number;
}

export interface OnnxModelInfo {
  file: string;
  /** File size in bytes. */
  size: number;
  irVersion: number | null;
  producerName: string | null;
  producerVersion: string | null;
  domain: string | null;
  modelVersion: number | null;
  opsetImport: OnnxOpset[];
  /** `metadata_props` as key -> value; all values are strings (lists are comma-separated). */
  metadata: Record<string, string>;
  /** Whether field 7 (graph) was present; it is skipped, never read. */
  hasGraph: boolean;
  /** Bytes actually read from the file (diagnostics; stays small however large the graph is). */
  bytesRead: number;
}

/** Random-access byte source; injectable so tests can count what is read. */
export interface ByteSource {
  readonly size: number;
  /** Reads up to buffer.length bytes at position; resolves with the number of bytes read. */
  read(buffer: Uint8Array, position: number): Promise<number>;
  close(): Promise<void>;
}

export class OnnxMetadataError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'OnnxMetadataError';
    this.file = file;
  }
}

export interface ReadOnnxOptions {
  /** Bytes per read; 64 KiB by default. */
  chunkSize?: number;
  /** Use this instead of opening `file` (tests). `file` is then only used in messages. */
  source?: ByteSource;
  /** Largest field the scanner will decode into memory (a metadata entry, a producer name). */
  maxFieldBytes?: number;
}

const DEFAULT_CHUNK = 64 * 1024;
// The largest real metadata value we know of is a 560-float CMVN list (~7 KB); 64 MiB is a
// corruption guard, not a budget.
const DEFAULT_MAX_FIELD = 64 * 1024 * 1024;

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

export async function readOnnxInfo(file: string, options: ReadOnnxOptions = {}): Promise<OnnxModelInfo> {
  let source = options.source;
  if (!source) {
    try {
      source = await openFileSource(file);
    } catch (error) {
      throw new OnnxMetadataError(file, `cannot open (${(error as Error).message})`);
    }
  }
  try {
    return await scan(
      file,
      source,
      options.chunkSize ?? DEFAULT_CHUNK,
      options.maxFieldBytes ?? DEFAULT_MAX_FIELD,
    );
  } finally {
    await source.close().catch(() => undefined);
  }
}

/** Convenience: just the `metadata_props`. */
export async function readOnnxMetadata(
  file: string,
  options?: ReadOnnxOptions,
): Promise<Record<string, string>> {
  return (await readOnnxInfo(file, options)).metadata;
}

export async function openFileSource(file: string): Promise<ByteSource> {
  const handle = await open(file, 'r');
  const { size } = await handle.stat();
  return {
    size,
    async read(buffer, position) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      return bytesRead;
    },
    close: () => handle.close(),
  };
}

/**
 * Buffered cursor over a ByteSource. `skip` past the buffered window just moves the position:
 * nothing between is read.
 */
class Cursor {
  pos = 0;
  bytesRead = 0;
  private buf: Uint8Array;
  private bufStart = 0;
  private bufLen = 0;

  constructor(
    private readonly file: string,
    private readonly source: ByteSource,
    chunkSize: number,
  ) {
    this.buf = new Uint8Array(chunkSize);
  }

  get size(): number {
    return this.source.size;
  }

  atEnd(): boolean {
    return this.pos >= this.source.size;
  }

  private async fill(): Promise<void> {
    const want = Math.min(this.buf.length, this.source.size - this.pos);
    let got = 0;
    while (got < want) {
      const view = this.buf.subarray(got, want);
      const n = await this.source.read(view, this.pos + got);
      if (n <= 0) break;
      got += n;
    }
    this.bytesRead += got;
    this.bufStart = this.pos;
    this.bufLen = got;
    if (got < want) throw new OnnxMetadataError(this.file, `short read at offset ${this.pos + got}`);
  }

  async byte(): Promise<number> {
    if (this.pos >= this.source.size) throw this.truncated('a varint');
    if (this.pos < this.bufStart || this.pos >= this.bufStart + this.bufLen) await this.fill();
    const b = this.buf[this.pos - this.bufStart]!;
    this.pos++;
    return b;
  }

  /** Unsigned varint up to 64 bits, as a JS number; values above 2^53 are reported as corrupt. */
  async varint(what: string): Promise<number> {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = await this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(result)) {
          throw new OnnxMetadataError(this.file, `${what} at offset ${this.pos} is too large (${result})`);
        }
        return result;
      }
      scale *= 128;
    }
    throw new OnnxMetadataError(
      this.file,
      `${what} at offset ${this.pos} is not a valid varint (corrupt file)`,
    );
  }

  async bytes(length: number, what: string): Promise<Uint8Array> {
    if (this.pos + length > this.source.size) throw this.truncated(what, length);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      if (this.pos < this.bufStart || this.pos >= this.bufStart + this.bufLen) await this.fill();
      const offset = this.pos - this.bufStart;
      const n = Math.min(length - done, this.bufLen - offset);
      out.set(this.buf.subarray(offset, offset + n), done);
      done += n;
      this.pos += n;
    }
    return out;
  }

  skip(length: number, what: string): void {
    if (this.pos + length > this.source.size) throw this.truncated(what, length);
    this.pos += length;
  }

  truncated(what: string, length?: number): OnnxMetadataError {
    const need = length === undefined ? '' : ` declares ${length} bytes at offset ${this.pos} but`;
    return new OnnxMetadataError(
      this.file,
      `truncated or not an ONNX model: ${what}${need} the file ends at ${this.source.size} bytes`,
    );
  }
}

const FIELD_NAMES: Record<number, string> = {
  1: 'ir_version',
  2: 'producer_name',
  3: 'producer_version',
  4: 'domain',
  5: 'model_version',
  6: 'doc_string',
  7: 'graph',
  8: 'opset_import',
  14: 'metadata_props',
  20: 'training_info',
  25: 'functions',
};

async function scan(
  file: string,
  source: ByteSource,
  chunkSize: number,
  maxField: number,
): Promise<OnnxModelInfo> {
  if (source.size === 0) throw new OnnxMetadataError(file, 'the file is empty, not an ONNX model');
  const cur = new Cursor(file, source, chunkSize);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const info: OnnxModelInfo = {
    file,
    size: source.size,
    irVersion: null,
    producerName: null,
    producerVersion: null,
    domain: null,
    modelVersion: null,
    opsetImport: [],
    // No prototype: a key such as '__proto__' in a model file must stay an ordinary key.
    metadata: Object.create(null) as Record<string, string>,
    hasGraph: false,
    bytesRead: 0,
  };

  while (!cur.atEnd()) {
    const tagOffset = cur.pos;
    const tag = await cur.varint('field tag');
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    const name = FIELD_NAMES[field] ?? `field ${field}`;
    if (field === 0)
      throw new OnnxMetadataError(file, `invalid field number 0 at offset ${tagOffset} (not an ONNX model?)`);

    const expectLen = (): void => {
      if (wire !== WIRE_LEN) {
        throw new OnnxMetadataError(
          file,
          `${name} at offset ${tagOffset} has wire type ${wire}, expected 2 (corrupt file?)`,
        );
      }
    };
    const readSmall = async (): Promise<Uint8Array> => {
      const length = await cur.varint(`length of ${name}`);
      if (length > maxField)
        throw new OnnxMetadataError(
          file,
          `${name} at offset ${tagOffset} is implausibly large (${length} bytes)`,
        );
      return cur.bytes(length, name);
    };

    switch (field) {
      case 1:
      case 5: {
        if (wire !== WIRE_VARINT)
          throw new OnnxMetadataError(
            file,
            `${name} at offset ${tagOffset} has wire type ${wire}, expected 0`,
          );
        const value = await cur.varint(name);
        if (field === 1) info.irVersion = value;
        else info.modelVersion = value;
        break;
      }
      case 2:
      case 3:
      case 4: {
        expectLen();
        const text = decoder.decode(await readSmall());
        if (field === 2) info.producerName = text;
        else if (field === 3) info.producerVersion = text;
        else info.domain = text;
        break;
      }
      case 8: {
        expectLen();
        info.opsetImport.push(parseOpset(await readSmall(), decoder));
        break;
      }
      case 14: {
        expectLen();
        const [key, value] = parseEntry(file, await readSmall(), decoder);
        // Repeated keys: the last one wins, as when onnx.helper builds a dict from the list.
        info.metadata[key] = value;
        break;
      }
      default: {
        // graph (7), doc_string (6), training_info, functions, unknown fields: skipped unread.
        if (field === 7) info.hasGraph = true;
        await skipValue(cur, wire, name, tagOffset, file);
      }
    }
  }

  if (info.irVersion === null && !info.hasGraph) {
    throw new OnnxMetadataError(file, 'no ir_version and no graph: not an ONNX model');
  }
  info.bytesRead = cur.bytesRead;
  return info;
}

async function skipValue(
  cur: Cursor,
  wire: number,
  name: string,
  tagOffset: number,
  file: string,
): Promise<void> {
  switch (wire) {
    case WIRE_VARINT:
      await cur.varint(name);
      return;
    case WIRE_I64:
      cur.skip(8, name);
      return;
    case WIRE_LEN:
      cur.skip(await cur.varint(`length of ${name}`), name);
      return;
    case WIRE_I32:
      cur.skip(4, name);
      return;
    default:
      // Groups (3, 4) are not used by onnx.proto; 6 and 7 do not exist.
      throw new OnnxMetadataError(
        file,
        `${name} at offset ${tagOffset} has unsupported wire type ${wire} (not an ONNX model?)`,
      );
  }
}

/** Minimal in-memory reader for the small sub-messages we decode. */
function* fields(bytes: Uint8Array): Generator<{ field: number; wire: number; value: number | Uint8Array }> {
  let p = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (p >= bytes.length) throw new Error('truncated varint');
      const b = bytes[p++]!;
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new Error('bad varint');
  };
  while (p < bytes.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === WIRE_VARINT) yield { field, wire, value: varint() };
    else if (wire === WIRE_LEN) {
      const length = varint();
      if (p + length > bytes.length) throw new Error('truncated field');
      yield { field, wire, value: bytes.subarray(p, p + length) };
      p += length;
    } else if (wire === WIRE_I64) p += 8;
    else if (wire === WIRE_I32) p += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function parseEntry(file: string, bytes: Uint8Array, decoder: TextDecoder): [string, string] {
  let key = '';
  let value = '';
  try {
    for (const f of fields(bytes)) {
      if (f.wire !== WIRE_LEN) continue;
      if (f.field === 1) key = decoder.decode(f.value as Uint8Array);
      else if (f.field === 2) value = decoder.decode(f.value as Uint8Array);
    }
  } catch (error) {
    throw new OnnxMetadataError(file, `corrupt metadata_props entry (${(error as Error).message})`);
  }
  return [key, value];
}

function parseOpset(bytes: Uint8Array, decoder: TextDecoder): OnnxOpset {
  const opset: OnnxOpset = { domain: '', version: 0 };
  try {
    for (const f of fields(bytes)) {
      if (f.field === 1 && f.wire === WIRE_LEN) opset.domain = decoder.decode(f.value as Uint8Array);
      else if (f.field === 2 && f.wire === WIRE_VARINT) opset.version = f.value as number;
    }
  } catch {
    // A broken opset entry is not worth failing the metadata read for.
  }
  return opset;
}

// ---------------------------------------------------------------------------------------------
// Typed accessors: loaders read required keys through these so a missing or malformed key gives
// one clear message naming the file and the key (sherpa aborts on the same conditions).

export function metaString(info: Pick<OnnxModelInfo, 'file' | 'metadata'>, key: string): string {
  const value = info.metadata[key];
  if (value === undefined) throw new OnnxMetadataError(info.file, `metadata key '${key}' is missing`);
  return value;
}

export function metaInt(info: Pick<OnnxModelInfo, 'file' | 'metadata'>, key: string): number {
  const text = metaString(info, key).trim();
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new OnnxMetadataError(info.file, `metadata key '${key}' is not an integer: '${text}'`);
  }
  return value;
}

export function metaInts(info: Pick<OnnxModelInfo, 'file' | 'metadata'>, key: string): number[] {
  return splitList(info, key).map((text) => {
    const value = Number(text);
    if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value)) {
      throw new OnnxMetadataError(info.file, `metadata key '${key}' has a non-integer element '${text}'`);
    }
    return value;
  });
}

export function metaFloats(info: Pick<OnnxModelInfo, 'file' | 'metadata'>, key: string): Float32Array {
  const parts = splitList(info, key);
  const out = new Float32Array(parts.length);
  parts.forEach((text, i) => {
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) {
      throw new OnnxMetadataError(
        info.file,
        `metadata key '${key}' has a non-numeric element '${text}' at ${i}`,
      );
    }
    out[i] = value;
  });
  return out;
}

function splitList(info: Pick<OnnxModelInfo, 'file' | 'metadata'>, key: string): string[] {
  const text = metaString(info, key).trim();
  return text === '' ? [] : text.split(',').map((s) => s.trim());
}
