import { describe, expect, it } from 'vitest';
import { encoderLayout } from '../../../../main/engines/asr/zipformer';
import { OnnxMetadataError } from '../../../../main/models/onnx-metadata';
import { zipformer2Metadata, zipformer2StateSigs } from '../../../fixtures/onnx';
import { zipformerV1Metadata, zipformerV1StateSigs } from '../../../fixtures/onnx/zipformer-v1';

const info = (metadata: Record<string, string>) => ({ file: '/m/encoder.onnx', metadata });
const withN = (dims: number[], axis: number) => dims.map((d, i) => (i === axis ? 'N' : d));

describe('encoder layout from metadata (MODELS.md §3.2, §3.3, §3.6)', () => {
  it('zipformer2: the 98 states, names, order, shapes and dtypes of §3.3, chunking from T/decode_chunk_len', () => {
    const layout = encoderLayout(info(zipformer2Metadata()));
    expect(layout.kind).toBe('zipformer2');
    expect(layout.chunkFrames).toBe(45);
    expect(layout.chunkShift).toBe(32);
    expect(layout.initialContext).toBe('minus-one');
    const sigs = zipformer2StateSigs();
    expect(layout.states).toHaveLength(98);
    expect(layout.states.map((s) => [s.name, s.dtype, withN(s.dims, s.batchAxis)])).toEqual(
      sigs.map((s) => [s.name, s.dtype, s.shape]),
    );
    expect(layout.states.at(-1)).toMatchObject({ name: 'processed_lens', dtype: 'int64', dims: [1] });
  });

  it('derives, not hard-codes: a chunk-32 / left-64 export changes T, shift and cache lengths', () => {
    const meta = {
      ...zipformer2Metadata(),
      T: '77',
      decode_chunk_len: '64',
      left_context_len: '64,32,16,8,16,32',
    };
    const layout = encoderLayout(info(meta));
    expect([layout.chunkFrames, layout.chunkShift]).toEqual([77, 64]);
    expect(layout.states.find((s) => s.name === 'cached_key_7')!.dims).toEqual([8, 1, 256]);
  });

  it('v1 zipformer: states grouped by type per stack, cached_len int64, [0, 0] start context', () => {
    const layout = encoderLayout(info(zipformerV1Metadata()));
    expect(layout.kind).toBe('zipformer');
    expect(layout.chunkFrames).toBe(39);
    expect(layout.initialContext).toBe('blank');
    expect(layout.states.map((s) => [s.name, s.dtype, withN(s.dims, s.batchAxis)])).toEqual(
      zipformerV1StateSigs().map((s) => [s.name, s.dtype, s.shape]),
    );
    expect(layout.states.slice(0, 6).map((s) => s.name)).toEqual([
      'cached_len_0',
      'cached_len_1',
      'cached_len_2',
      'cached_len_3',
      'cached_len_4',
      'cached_avg_0',
    ]);
  });

  it('names the file and the key when metadata is missing or inconsistent', () => {
    const { num_heads: _drop, ...missing } = zipformer2Metadata();
    expect(() => encoderLayout(info(missing))).toThrow(OnnxMetadataError);
    expect(() => encoderLayout(info(missing))).toThrow(
      /\/m\/encoder.onnx: metadata key 'num_heads' is missing/,
    );
    expect(() => encoderLayout(info({ ...zipformer2Metadata(), encoder_dims: '192,256' }))).toThrow(
      /'encoder_dims' has 2 entries but 'num_encoder_layers' has 6/,
    );
    expect(() => encoderLayout(info({ ...zipformer2Metadata(), model_type: 'conformer' }))).toThrow(
      /model_type is 'conformer'/,
    );
    expect(() => encoderLayout(info({ ...zipformer2Metadata(), T: '16' }))).toThrow(/inconsistent/);
    expect(() => encoderLayout(info({ ...zipformer2Metadata(), feature: 'whisper' }))).toThrow(
      /feature is 'whisper'/,
    );
  });
});
