/**
 * Hotword biasing for modified beam search: an Aho-Corasick prefix tree of boosted token sequences,
 * a port of sherpa-onnx `ContextGraph` (context-graph.cc) in its non-strict mode, which is what
 * `OnlineTransducerModifiedBeamSearchDecoder` uses.
 *
 * Every token that extends a partial match earns that phrase's per-token bonus. When the next token
 * does not continue the match, the search follows fail links to the longest suffix that is still a
 * prefix of some phrase, and the score of the step is `node_score(new) − node_score(old)`: the
 * bonus of the abandoned partial match is taken back. When a whole phrase is matched the bonus is
 * kept and the state returns to the root. `finalize` takes back a partial match still open at the
 * end of a segment, so an unfinished prefix cannot win the segment on bonus alone.
 */
import { tokenizeGreedy, type TokenTable } from '../tokens';

/** sherpa `--hotwords-score` default. */
export const DEFAULT_HOTWORD_BOOST = 1.5;

export interface ContextNode {
  readonly token: number;
  tokenScore: number;
  nodeScore: number;
  outputScore: number;
  level: number;
  isEnd: boolean;
  phrase: string;
  readonly next: Map<number, ContextNode>;
  fail: ContextNode | null;
  /** Nearest end node along the fail chain (a phrase ending here as a suffix), if any. */
  output: ContextNode | null;
}

export interface HotwordPhrase {
  tokens: readonly number[];
  /** Per-token bonus; 0 or absent = the graph's default. */
  boost?: number;
  phrase?: string;
}

export interface ContextStep {
  score: number;
  state: ContextNode;
  /** The phrase completed by this step (sherpa's `matched_node`), if any. */
  matched: ContextNode | null;
}

function node(token: number, tokenScore: number, nodeScore: number, level: number): ContextNode {
  return {
    token,
    tokenScore,
    nodeScore,
    outputScore: 0,
    level,
    isEnd: false,
    phrase: '',
    next: new Map(),
    fail: null,
    output: null,
  };
}

export class ContextGraph {
  readonly root: ContextNode = node(-1, 0, 0, 0);
  readonly phraseCount: number;

  constructor(
    phrases: readonly HotwordPhrase[],
    readonly defaultBoost = DEFAULT_HOTWORD_BOOST,
  ) {
    this.root.fail = this.root;
    let count = 0;
    for (const p of phrases) {
      if (p.tokens.length === 0) continue;
      count++;
      const score = p.boost && p.boost !== 0 ? p.boost : defaultBoost;
      let cur = this.root;
      p.tokens.forEach((token, j) => {
        const last = j === p.tokens.length - 1;
        let child = cur.next.get(token);
        if (!child) {
          child = node(token, score, cur.nodeScore + score, j + 1);
          child.isEnd = last;
          child.outputScore = last ? child.nodeScore : 0;
          if (last) child.phrase = p.phrase ?? '';
          cur.next.set(token, child);
        } else {
          // Shared prefix: the larger bonus wins (sherpa Build).
          child.tokenScore = Math.max(score, child.tokenScore);
          child.nodeScore = cur.nodeScore + child.tokenScore;
          child.isEnd = last || child.isEnd;
          child.outputScore = child.isEnd ? child.nodeScore : 0;
          if (last) child.phrase = p.phrase ?? child.phrase;
        }
        cur = child;
      });
    }
    this.phraseCount = count;
    this.fillFailOutput();
  }

  private fillFailOutput(): void {
    const queue: ContextNode[] = [];
    for (const child of this.root.next.values()) {
      child.fail = this.root;
      queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const cur = queue[head]!;
      for (const [token, child] of cur.next) {
        let fail: ContextNode = cur.fail!;
        for (;;) {
          const hit = fail.next.get(token);
          if (hit) {
            fail = hit;
            break;
          }
          if (fail === this.root) break;
          fail = fail.fail!;
        }
        child.fail = fail;
        let output: ContextNode | null = fail;
        while (output && output !== this.root && !output.isEnd) output = output.fail;
        child.output = output && output !== this.root && output.isEnd ? output : null;
        // A phrase that ends here as a suffix also counts as an output of this node (sherpa).
        child.outputScore += child.output ? child.output.outputScore : 0;
        queue.push(child);
      }
    }
  }

  /** sherpa `ForwardOneStep(state, token, strict_mode = false)`. */
  forward(state: ContextNode, token: number): ContextStep {
    let next: ContextNode;
    let score: number;
    const direct = state.next.get(token);
    if (direct) {
      next = direct;
      score = direct.tokenScore;
    } else {
      let n: ContextNode = state === this.root ? this.root : state.fail!;
      while (!n.next.has(token) && n !== this.root) n = n.fail!;
      next = n.next.get(token) ?? n;
      // Taking back the abandoned partial match (negative unless the suffix scores as much).
      score = next.nodeScore - state.nodeScore;
    }
    const matched = next.isEnd ? next : next.output;
    if (next.outputScore !== 0) {
      // Non-strict mode: a completed phrase (here or as a suffix) keeps its bonus, back to the root.
      const output = next.isEnd ? next.nodeScore : (next.output?.nodeScore ?? next.nodeScore);
      return { score: score + output - next.nodeScore, state: this.root, matched };
    }
    return { score, state: next, matched };
  }

  /** sherpa `Finalize`: withdraw the bonus of a partial match still open. */
  finalize(state: ContextNode): { score: number; state: ContextNode } {
    return { score: -state.nodeScore, state: this.root };
  }
}

/**
 * Parses the user's vocabulary setting: one phrase per entry, optionally ending in ` :<boost>`
 * (sherpa's hotwords-file syntax, e.g. `KUBERNETES :3.0`), tokenised with `tokenize`. Entries that
 * cannot be tokenised are reported in `skipped` rather than silently biasing something else.
 */
export function buildHotwordGraph(
  entries: readonly string[],
  tokenize: (text: string) => number[] | null,
  defaultBoost = DEFAULT_HOTWORD_BOOST,
): { graph: ContextGraph | null; skipped: string[] } {
  const phrases: HotwordPhrase[] = [];
  const skipped: string[] = [];
  for (const entry of entries) {
    const m = /^(.*?)\s+:(-?\d+(?:\.\d+)?)\s*$/.exec(entry.trim());
    const text = (m ? m[1]! : entry).trim();
    if (text === '') continue;
    const tokens = tokenize(text);
    if (!tokens || tokens.length === 0) {
      skipped.push(entry);
      continue;
    }
    phrases.push({ tokens, boost: m ? Number(m[2]) : undefined, phrase: text });
  }
  return { graph: phrases.length ? new ContextGraph(phrases, defaultBoost) : null, skipped };
}

/** Tokeniser for hotwords without `bpe.model`: greedy longest match over tokens.txt (see tokens.ts). */
export function greedyTokenizer(table: TokenTable): (text: string) => number[] | null {
  return (text) => tokenizeGreedy(table, text);
}
