import { describe, expect, it } from 'vitest';
import { buildHotwordGraph, ContextGraph, greedyTokenizer } from '../../../../main/engines/asr/zipformer';
import { parseTokens } from '../../../../main/engines/asr/tokens';
import { tokensTxt, transducerTokenList } from '../../../fixtures/onnx';

const walk = (g: ContextGraph, tokens: number[]) => {
  let state = g.root;
  const scores: number[] = [];
  const matched: string[] = [];
  for (const t of tokens) {
    const step = g.forward(state, t);
    scores.push(step.score);
    if (step.matched) matched.push(step.matched.phrase);
    state = step.state;
  }
  return { scores, matched, state };
};

describe('ContextGraph (sherpa context-graph.cc, non-strict mode)', () => {
  it('gives the per-token bonus along a phrase and returns to the root when it completes', () => {
    const g = new ContextGraph([{ tokens: [1, 2, 3], phrase: 'abc' }], 2);
    const r = walk(g, [1, 2, 3]);
    expect(r.scores).toEqual([2, 2, 2]);
    expect(r.matched).toEqual(['abc']);
    expect(r.state).toBe(g.root);
  });

  it('takes back the partial bonus when the match fails (backoff through the root)', () => {
    const g = new ContextGraph([{ tokens: [1, 2, 3] }], 1.5);
    const r = walk(g, [1, 2, 9]);
    expect(r.scores[0]! + r.scores[1]! + r.scores[2]!).toBeCloseTo(0, 6);
    expect(r.state).toBe(g.root);
  });

  it('follows fail links to the longest suffix that is still a phrase prefix (Aho-Corasick)', () => {
    // Phrases "1 2 3" and "2 4": after 1 2, token 4 fails "1 2 3" but continues "2 4".
    const g = new ContextGraph([{ tokens: [1, 2, 3] }, { tokens: [2, 4], phrase: 'bd' }], 1);
    const r = walk(g, [1, 2, 4]);
    // +1 +1, then the step to "2 4" scores node("2 4") − node("1 2") = 2 − 2: in all, exactly the
    // bonus of the completed "2 4"; a plain trie would have dropped back to the root and scored −2.
    expect(r.scores).toEqual([1, 1, 0]);
    expect(r.matched).toEqual(['bd']);
    expect(r.state).toBe(g.root);
  });

  it('lets a shared prefix take the larger bonus, and a per-phrase boost override the default', () => {
    const g = new ContextGraph([{ tokens: [1, 2], boost: 3 }, { tokens: [1, 5] }], 1);
    expect(g.forward(g.root, 1).score).toBe(3);
    expect(walk(g, [1, 5]).scores).toEqual([3, 1]);
  });

  it('finalize withdraws an open partial match', () => {
    const g = new ContextGraph([{ tokens: [1, 2, 3] }], 1.5);
    const { state } = walk(g, [1, 2]);
    expect(g.finalize(state).score).toBeCloseTo(-3, 6);
    expect(g.finalize(g.root).score).toBeCloseTo(0, 9);
  });
});

describe('buildHotwordGraph (the vocabulary setting)', () => {
  const table = parseTokens(tokensTxt(transducerTokenList(500)));
  it('tokenises phrases with the model tokens, reads the :boost suffix and reports what it cannot cover', () => {
    // In the stub vocabulary '▁D' is 3 and 'E' is 4, so "de" is [3, 4].
    const { graph, skipped } = buildHotwordGraph(['de :4.0', 'zz9', ''], greedyTokenizer(table));
    expect(skipped).toEqual(['zz9']);
    expect(graph!.phraseCount).toBe(1);
    expect(graph!.forward(graph!.root, 3).score).toBe(4);
  });
  it('is null for an empty list', () => {
    expect(buildHotwordGraph([], greedyTokenizer(table)).graph).toBeNull();
  });
});
