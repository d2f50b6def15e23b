/**
 * Embedding arithmetic shared by the extractor, the diarizer and voiceprints. Everything compares
 * L2-normalised vectors with cosine similarity (MODELS.md §6.4), so "cosine" here is a dot product
 * of unit vectors and "distance" is max(0, 1 − cos) as sherpa's clustering uses (§6.5 step 5).
 */

export type Embedding = Float32Array;

export function l2Norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/** A unit-length copy; null for a zero / non-finite vector (no direction to compare). */
export function l2Normalize(v: ArrayLike<number>): Embedding | null {
  const n = l2Norm(v);
  if (!(n > 1e-12) || !Number.isFinite(n)) return null;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / n;
  return out;
}

/** Cosine similarity; inputs need not be normalised. Throws on a dimension mismatch (mixed models). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`embedding dimensions differ: ${a.length} vs ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  const d = Math.sqrt(na * nb);
  return d > 0 ? dot / d : 0;
}

export function cosineDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.max(0, 1 - cosine(a, b));
}

/**
 * Direction of the (weighted) mean of unit vectors: the centroid of a cluster. Summing unit
 * vectors and renormalising is the "running mean of normalised embeddings" of the live diarizer.
 */
export function meanDirection(vectors: readonly ArrayLike<number>[], weights?: readonly number[]): Embedding {
  if (vectors.length === 0) throw new RangeError('meanDirection of no vectors');
  const dim = vectors[0]!.length;
  const sum = new Float64Array(dim);
  vectors.forEach((v, k) => {
    if (v.length !== dim) throw new RangeError(`embedding dimensions differ: ${dim} vs ${v.length}`);
    const w = weights?.[k] ?? 1;
    const n = l2Norm(v) || 1;
    for (let i = 0; i < dim; i++) sum[i]! += (w * v[i]!) / n;
  });
  return l2Normalize(sum) ?? new Float32Array(dim);
}
