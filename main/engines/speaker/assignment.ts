/**
 * Maximum-weight bipartite assignment (Hungarian / Kuhn-Munkres, O(n³) on a padded square matrix).
 * Used to map re-clustered speakers onto live labels by overlap, voiceprints onto clusters by
 * similarity, and hypothesis speakers onto reference speakers in the DER tool. n is the number of
 * speakers (tens at most), so the cubic cost is irrelevant.
 */

/** weights[r][c] >= anything; returns for each row the column assigned, or -1 (more rows than columns). */
export function maxWeightAssignment(weights: readonly (readonly number[])[]): number[] {
  const rows = weights.length;
  const cols = rows ? Math.max(...weights.map((r) => r.length)) : 0;
  if (rows === 0) return [];
  if (cols === 0) return new Array<number>(rows).fill(-1);
  const n = Math.max(rows, cols);
  let max = 0;
  for (const r of weights) for (const w of r) if (w > max) max = w;
  // Minimise cost = max − weight; padding cells cost max (weight 0).
  const cost = (i: number, j: number): number => max - (i < rows && j < cols ? (weights[i]![j] ?? 0) : 0);
  // e-maxx formulation, 1-based with a virtual row/column 0.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1);
  const way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost(i0 - 1, j - 1) - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else minv[j]! -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const result = new Array<number>(rows).fill(-1);
  for (let j = 1; j <= n; j++) {
    const i = p[j]! - 1;
    if (i < rows && j - 1 < cols) result[i] = j - 1;
  }
  return result;
}
