import type { AudioFrame } from '../../audio/frames';

/**
 * Merges per-channel frame streams into capture order, as live capture delivers them: the frame with the
 * earliest t first, system before mic at the same t (the echo canceller wants its reference first). A
 * channel that ends early simply stops contributing.
 */
export async function* interleaveByTime(
  streams: ReadonlyArray<AsyncIterable<AudioFrame>>,
): AsyncGenerator<AudioFrame> {
  const iterators = streams.map((s) => s[Symbol.asyncIterator]());
  const heads = await Promise.all(iterators.map((it) => it.next()));
  try {
    for (;;) {
      let pick = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i]!;
        if (head.done) continue;
        if (pick < 0 || comesFirst(head.value, (heads[pick] as IteratorYieldResult<AudioFrame>).value))
          pick = i;
      }
      if (pick < 0) return;
      const frame = (heads[pick] as IteratorYieldResult<AudioFrame>).value;
      heads[pick] = await iterators[pick]!.next();
      yield frame;
    }
  } finally {
    // An early exit (cancel) closes the decoders behind every stream.
    await Promise.all(iterators.map((it) => it.return?.()));
  }
}

function comesFirst(a: AudioFrame, b: AudioFrame): boolean {
  if (a.t !== b.t) return a.t < b.t;
  return a.channel === 'system' && b.channel !== 'system';
}
