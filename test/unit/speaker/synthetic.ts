/** Synthetic embeddings for the pure-logic tests: noisy unit vectors around chosen directions. */
import { l2Normalize, type Embedding } from '../../../main/engines/speaker';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

/** Unit vector along axis `k` of a `dim`-space, plus Gaussian-ish noise of size `noise`. */
export function around(k: number, noise: number, rand: () => number, dim = 16): Embedding {
  const v = new Float32Array(dim);
  v[k] = 1;
  for (let i = 0; i < dim; i++) v[i]! += noise * (rand() + rand() + rand() - 1.5);
  return l2Normalize(v)!;
}

/** A unit vector with cosine exactly `c` to axis 0 (in the axis-0/axis-1 plane). */
export function atCosine(c: number, dim = 16): Embedding {
  const v = new Float32Array(dim);
  v[0] = c;
  v[1] = Math.sqrt(Math.max(0, 1 - c * c));
  return v;
}
