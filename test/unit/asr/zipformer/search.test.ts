import { describe, expect, it } from 'vitest';
import {
  bestHypothesis,
  ContextGraph,
  decodeChunk,
  DEFAULT_SEARCH_OPTIONS,
  initialContext,
  newSearchState,
  segmentRestartState,
  type SearchOptions,
} from '../../../../main/engines/asr/zipformer';
import { frames, scriptedNet } from './fake-net';

// Vocabulary: 0 blank, 1 <sos/eos>, 2 <unk>, 3 A, 4 B, 5 C, 6 D, 7 E.
const V = 8;
const [BLANK, UNK, A, B, C, D, E] = [0, 2, 3, 4, 5, 6, 7];
const greedy: SearchOptions = { ...DEFAULT_SEARCH_OPTIONS, method: 'greedy', unkId: UNK };
const beam: SearchOptions = { ...DEFAULT_SEARCH_OPTIONS, method: 'modified_beam_search', unkId: UNK };
const tokensOf = (ys: number[]) => ys.slice(2);

describe('greedy search (MODELS.md §3.8)', () => {
  it('emits at most one symbol per frame, treats <unk> as blank, and times tokens by frame', async () => {
    // After A the model would emit B at once; greedy must still move to the next frame first.
    const script: Record<number, number>[] = [
      { [A]: 0.9, [BLANK]: 0.1 },
      { [BLANK]: 0.8, [B]: 0.2 },
      { [UNK]: 0.7, [BLANK]: 0.3 },
      { [C]: 0.6, [BLANK]: 0.4 },
    ];
    const net = scriptedNet(V, (t, last) =>
      t === 1 && last === A ? { [B]: 0.9, [BLANK]: 0.1 } : script[t]!,
    );
    const state = newSearchState(initialContext(2, 0, 'minus-one'), null);
    await decodeChunk(net, state, frames(4), 4, greedy);
    const h = state.hyps[0]!;
    expect(tokensOf(h.ys)).toEqual([A, B, C]);
    expect(h.timestamps).toEqual([0, 1, 3]);
    expect(h.numTrailingBlanks).toBe(0);
    // The decoder saw the zipformer2 start context first, then the last two tokens (§3.8); the run
    // after C is deferred until a frame needs it.
    expect(net.contexts).toEqual([
      [-1, 0],
      [0, A],
      [A, B],
    ]);
    // Confidence: log_softmax(logit / 2)[token] with temperature 2 (flatter than the raw 0.9).
    const pA = Math.exp(h.tokenLogProbs[0]!);
    expect(pA).toBeLessThan(0.9);
    expect(pA).toBeGreaterThan(0.5);
  });

  it('counts trailing blanks and carries the frame offset across chunks', async () => {
    const net = scriptedNet(V, (t) => (t === 0 ? { [D]: 0.9 } : { [BLANK]: 0.9 }));
    const state = newSearchState([0, 0], null);
    await decodeChunk(net, state, frames(3), 3, greedy);
    await decodeChunk(net, state, frames(2), 2, greedy); // frame values restart at 0 → D again at frame 3
    expect(state.hyps[0]!.timestamps).toEqual([0, 3]);
    expect(state.hyps[0]!.numTrailingBlanks).toBe(1);
    expect(state.frameOffset).toBe(5);
  });

  it('applies blank_penalty to the blank logit only', async () => {
    const net = scriptedNet(V, () => ({ [BLANK]: 0.6, [E]: 0.4 }));
    const plain = newSearchState([-1, 0], null);
    await decodeChunk(net, plain, frames(1), 1, greedy);
    expect(tokensOf(plain.hyps[0]!.ys)).toEqual([]);
    const penalised = newSearchState([-1, 0], null);
    await decodeChunk(net, penalised, frames(1), 1, { ...greedy, blankPenalty: 1 });
    expect(tokensOf(penalised.hyps[0]!.ys)).toEqual([E]);
  });
});

describe('initial context and segment restart (§3.5, §3.8)', () => {
  it('starts zipformer2 at [-1, 0] and v1 at [0, 0]', () => {
    expect(initialContext(2, 0, 'minus-one')).toEqual([-1, 0]);
    expect(initialContext(2, 0, 'blank')).toEqual([0, 0]);
  });
  it('keeps the last context_size entries of ys when something was decoded, else the initial context', () => {
    const init = [-1, 0];
    const s = newSearchState([-1, 0, A, B, C], null);
    s.frameOffset = 40;
    const next = segmentRestartState(s, 2, init, null);
    expect(next.hyps[0]!.ys).toEqual([B, C]);
    expect(next.frameOffset).toBe(0);
    expect(segmentRestartState(newSearchState([-1, 0, A], null), 2, init, null).hyps[0]!.ys).toEqual([0, A]);
    expect(segmentRestartState(newSearchState([-1, 0], null), 2, init, null).hyps[0]!.ys).toEqual([-1, 0]);
  });
});

/**
 * Greedy takes A (0.42) at frame 0, but A leads to a poor continuation, while B (0.38) is followed
 * by a confident blank. Path probabilities: [B] 0.38·0.9 = 0.342, [A, C] 0.42·0.35 = 0.147.
 */
const trap = (t: number, last: number): Record<number, number> => {
  if (t === 0) return { [BLANK]: 0.2, [A]: 0.42, [B]: 0.38 };
  if (last === A) return { [BLANK]: 0.25, [C]: 0.35, [D]: 0.2, [E]: 0.2 };
  if (last === B) return { [BLANK]: 0.9, [C]: 0.1 };
  return { [BLANK]: 0.5, [C]: 0.5 };
};

describe('modified beam search (§3.9)', () => {
  it('finds the path greedy misses, with length-normalised scores', async () => {
    const g = newSearchState([-1, 0], null);
    await decodeChunk(scriptedNet(V, trap), g, frames(2), 2, greedy);
    expect(tokensOf(g.hyps[0]!.ys)).toEqual([A, C]);

    const b = newSearchState([-1, 0], null);
    await decodeChunk(scriptedNet(V, trap), b, frames(2), 2, beam);
    expect(b.hyps.length).toBeLessThanOrEqual(4);
    const best = bestHypothesis(b);
    expect(tokensOf(best.ys)).toEqual([B]);
    expect(best.timestamps).toEqual([0]);
    expect(best.logProb).toBeCloseTo(Math.log(0.38 * 0.9), 3);
  });

  it('keeps at most max_active_paths hypotheses and batches the decoder over them', async () => {
    const net = scriptedNet(V, () => ({ [BLANK]: 0.2, [A]: 0.2, [B]: 0.2, [C]: 0.2, [D]: 0.2 }));
    const s = newSearchState([-1, 0], null);
    await decodeChunk(net, s, frames(3), 3, { ...beam, maxActivePaths: 3 });
    expect(s.hyps).toHaveLength(3);
    expect(net.joinerCalls).toBe(3); // one batched joiner call per frame
  });

  it('merges hypotheses with the same tokens with log-add', async () => {
    // Frame 0: A or blank; frame 1: blank after A, or A after blank → both give ys [A].
    const net = scriptedNet(V, (t, last) =>
      t === 0
        ? { [A]: 0.6, [BLANK]: 0.4 }
        : last === A
          ? { [BLANK]: 0.5, [C]: 0.5 }
          : { [A]: 0.5, [BLANK]: 0.5 },
    );
    const s = newSearchState([-1, 0], null);
    await decodeChunk(net, s, frames(2), 2, { ...beam, maxActivePaths: 4 });
    const a = s.hyps.filter((h) => h.key === '-1,0,3');
    expect(a).toHaveLength(1);
    expect(a[0]!.logProb).toBeCloseTo(Math.log(0.3 + 0.2), 3);
    expect(a[0]!.timestamps).toEqual([0]); // the better path's (first added) timing is kept
  });
});

describe('hotword biasing in beam search', () => {
  // Frame 0 is a close call between D (0.45) and E (0.40); frame 1 a clear C.
  const close = (t: number): Record<number, number> =>
    t === 0 ? { [D]: 0.45, [E]: 0.4, [BLANK]: 0.15 } : { [C]: 0.9, [BLANK]: 0.1 };
  const run = async (graph: ContextGraph | null, script = close) => {
    const s = newSearchState([-1, 0], graph);
    await decodeChunk(scriptedNet(V, script), s, frames(2), 2, { ...beam, contextGraph: graph });
    return tokensOf(bestHypothesis(s, graph).ys);
  };

  it('turns the close call toward the boosted token and changes nothing else', async () => {
    expect(await run(null)).toEqual([D, C]);
    expect(await run(new ContextGraph([{ tokens: [E] }]))).toEqual([E, C]);
  });

  it('does not override a clear decision', async () => {
    const clear = (t: number): Record<number, number> =>
      t === 0 ? { [D]: 0.95, [E]: 0.01, [BLANK]: 0.04 } : { [C]: 0.9, [BLANK]: 0.1 };
    expect(await run(new ContextGraph([{ tokens: [E] }]), clear)).toEqual([D, C]);
  });

  it('does not bias a phrase whose match breaks off (the partial bonus is taken back)', async () => {
    // Hotword E A: after E the audio says C, not A, so E earns nothing in the end.
    expect(await run(new ContextGraph([{ tokens: [E, A] }]))).toEqual([D, C]);
    // The complete phrase E C is boosted.
    expect(await run(new ContextGraph([{ tokens: [E, C] }]))).toEqual([E, C]);
  });
});
