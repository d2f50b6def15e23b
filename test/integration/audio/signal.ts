/** Shared by the audio integration tests: alignment and correlation of two signals. */

/** Normalised correlation of a[aStart..aStart+n) with b[bStart..). */
export function correlation(
  a: Float32Array,
  b: Float32Array,
  aStart: number,
  bStart: number,
  n: number,
): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[aStart + i] ?? 0;
    const y = b[bStart + i] ?? 0;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa && bb ? ab / Math.sqrt(aa * bb) : 0;
}

/**
 * The lag (b relative to a, in samples, within [-maxLag, maxLag]) that maximises correlation over a
 * window of `n` samples starting at `start` in a: coarse (every 8th lag on a decimated window), then fine.
 */
export function bestLag(a: Float32Array, b: Float32Array, start: number, n: number, maxLag: number): number {
  let best = -Infinity;
  let bestAt = 0;
  const score = (lag: number, step: number) => {
    if (start + lag < 0) return -Infinity;
    let ab = 0;
    let bb = 0;
    for (let i = 0; i < n; i += step) {
      const y = b[start + lag + i] ?? 0;
      ab += a[start + i]! * y;
      bb += y * y;
    }
    return bb ? ab / Math.sqrt(bb) : -Infinity;
  };
  for (let lag = -maxLag; lag <= maxLag; lag += 8) {
    const s = score(lag, 4);
    if (s > best) [best, bestAt] = [s, lag];
  }
  const coarse = bestAt;
  best = -Infinity;
  for (let lag = coarse - 8; lag <= coarse + 8; lag++) {
    const s = score(lag, 1);
    if (s > best) [best, bestAt] = [s, lag];
  }
  return bestAt;
}

export function concatFrames(frames: Array<{ samples: Float32Array }>): Float32Array {
  const out = new Float32Array(frames.reduce((n, f) => n + f.samples.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f.samples, at);
    at += f.samples.length;
  }
  return out;
}

/** Repeats speech (with 300 ms pauses) until it lasts `seconds`. */
export function loopTo(speech: Float32Array, seconds: number, rate = 16000): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  const gap = Math.round(0.3 * rate);
  for (let at = 0; at < out.length; at += speech.length + gap)
    out.set(speech.subarray(0, out.length - at), at);
  return out;
}
