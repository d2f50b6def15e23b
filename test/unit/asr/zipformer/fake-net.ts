import type { TransducerNet } from '../../../../main/engines/asr/zipformer';

/**
 * A transducer whose joiner output is scripted: encoder frame t is the vector [t], decoder_out is
 * [last context token], and `probs(t, last)` gives the token probabilities (logits = log p).
 * Records every decoder context it was asked for.
 */
export function scriptedNet(
  vocabSize: number,
  probs: (t: number, last: number) => Record<number, number>,
  contextSize = 2,
): TransducerNet & { contexts: number[][]; joinerCalls: number } {
  const eps = 1e-6;
  const net = {
    contextSize,
    vocabSize,
    contexts: [] as number[][],
    joinerCalls: 0,
    decoder(contexts: BigInt64Array, n: number): Promise<Float32Array> {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const row = Array.from(contexts.subarray(i * contextSize, (i + 1) * contextSize), Number);
        net.contexts.push(row);
        out[i] = row[contextSize - 1]!;
      }
      return Promise.resolve(out);
    },
    joiner(encoderFrame: Float32Array, decoderOut: Float32Array, n: number): Promise<Float32Array> {
      net.joinerCalls++;
      const out = new Float32Array(n * vocabSize);
      for (let i = 0; i < n; i++) {
        const p = probs(encoderFrame[0]!, decoderOut[i]!);
        for (let k = 0; k < vocabSize; k++) out[i * vocabSize + k] = Math.log(p[k] ?? eps);
      }
      return Promise.resolve(out);
    },
  };
  return net;
}

export const frames = (count: number): Float32Array => Float32Array.from({ length: count }, (_, t) => t);
