/**
 * Utterance-level feature normalisation, in place over row-major [numFrames, numBins] features.
 * Sums run in float64 in two passes, so quiet audio does not suffer the float32 cancellation of
 * E[x²] − E[x]² (the sherpa bug fixed in its PR #3857).
 */
import type { Features } from './fbank';

function columnMeans(features: Features): Float64Array {
  const { data, numFrames, numBins } = features;
  const mean = new Float64Array(numBins);
  for (let t = 0; t < numFrames; t++) {
    for (let b = 0; b < numBins; b++) mean[b]! += data[t * numBins + b]!;
  }
  if (numFrames > 0) for (let b = 0; b < numBins; b++) mean[b]! /= numFrames;
  return mean;
}

/** Subtracts each bin's mean over the utterance (speaker models' "global-mean" CMN, MODELS.md §6.3). */
export function subtractUtteranceMean(features: Features): void {
  const { data, numFrames, numBins } = features;
  const mean = columnMeans(features);
  for (let t = 0; t < numFrames; t++) {
    for (let b = 0; b < numBins; b++) data[t * numBins + b]! -= mean[b]!;
  }
}

/**
 * NeMo `per_feature` normalisation as sherpa applies it to Parakeet (MODELS.md §8.1):
 * x = (x − mean) / (std + eps) per bin, std the population standard deviation (sherpa divides by T;
 * NeMo's own preprocessor divides by T − 1: pass `unbiased` for that).
 */
export function normalizePerFeature(features: Features, eps = 1e-5, unbiased = false): void {
  const { data, numFrames, numBins } = features;
  if (numFrames === 0) return;
  const mean = columnMeans(features);
  const scale = new Float64Array(numBins);
  for (let t = 0; t < numFrames; t++) {
    for (let b = 0; b < numBins; b++) {
      const d = data[t * numBins + b]! - mean[b]!;
      scale[b]! += d * d;
    }
  }
  const denominator = unbiased ? Math.max(numFrames - 1, 1) : numFrames;
  for (let b = 0; b < numBins; b++) scale[b] = 1 / (Math.sqrt(scale[b]! / denominator) + eps);
  for (let t = 0; t < numFrames; t++) {
    for (let b = 0; b < numBins; b++) data[t * numBins + b] = (data[t * numBins + b]! - mean[b]!) * scale[b]!;
  }
}
