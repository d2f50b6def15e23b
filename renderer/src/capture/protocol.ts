/** Shared by the capture worklet and the page that hosts it (type-only on the page side except the name). */
export const WORKLET_PROCESSOR = 'verbatim-capture';

/** What the processor posts: one 20 ms frame, or a one-off error. */
export type WorkletMessage =
  { kind: 'frame'; seq: number; t: number; samples: Float32Array } | { kind: 'error'; message: string };

/** What the page posts to the processor. */
export type WorkletCommand = { kind: 'stop' };

/** One 20 ms frame at 16 kHz as the capture engines produce it (the backend's frame minus channel). */
export interface CapturedFrame {
  seq: number;
  t: number;
  samples: Float32Array;
}
