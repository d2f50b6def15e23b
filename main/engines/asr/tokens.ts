/**
 * `tokens.txt` parsing and SentencePiece-style detokenisation shared by the k2-fsa/sherpa exports
 * (MODELS.md §3.7; the same file format is used by SenseVoice §4 and the sherpa Whisper export §5.7).
 */

/** U+2581 LOWER ONE EIGHTH BLOCK: SentencePiece's word-boundary mark. */
export const WORD_BOUNDARY = '\u2581';

export interface TokenTable {
  /** id -> symbol; ids not listed in the file are `undefined`. */
  readonly symbols: readonly (string | undefined)[];
  readonly ids: ReadonlyMap<string, number>;
  /** Largest id + 1. */
  readonly size: number;
  readonly blankId: number | null;
  readonly unkId: number | null;
}

export class TokensFormatError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'TokensFormatError';
  }
}

/**
 * Parses `tokens.txt` like sherpa `ReadTokens`: each line is `<symbol> <id>`; after trimming, a line
 * with a single field is an id whose symbol is a literal space (the line was ` <id>`). The symbol is
 * everything before the last whitespace run, so symbols may not contain the separator's whitespace
 * except in that one case. Blank lines are skipped; duplicate ids or symbols are format errors.
 */
export function parseTokens(text: string, file = 'tokens.txt'): TokenTable {
  const symbols: (string | undefined)[] = [];
  const ids = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, lineIndex) => {
    const line = raw.trim();
    if (line === '') return;
    const match = /^(.*?)\s+(\S+)$/.exec(line);
    const symbol = match ? match[1]! : ' ';
    const idText = match ? match[2]! : line;
    if (!/^\d+$/.test(idText)) {
      throw new TokensFormatError(file, `line ${lineIndex + 1}: expected '<symbol> <id>', got '${raw}'`);
    }
    const id = Number(idText);
    if (symbols[id] !== undefined) {
      throw new TokensFormatError(file, `line ${lineIndex + 1}: id ${id} is listed twice`);
    }
    if (ids.has(symbol)) {
      throw new TokensFormatError(file, `line ${lineIndex + 1}: symbol '${symbol}' is listed twice`);
    }
    symbols[id] = symbol;
    ids.set(symbol, id);
  });
  if (ids.size === 0) throw new TokensFormatError(file, 'no tokens (empty file?)');
  return {
    symbols,
    ids,
    size: symbols.length,
    blankId: ids.get('<blk>') ?? ids.get('<blank>') ?? null,
    unkId: ids.get('<unk>') ?? null,
  };
}

/** Whether a symbol starts a new word (SentencePiece `▁` prefix, or a literal space token). */
export function isWordStart(symbol: string): boolean {
  return symbol.startsWith(WORD_BOUNDARY) || symbol.startsWith(' ');
}

/** `<unk>`, `<blk>`, `<sos/eos>` and the like never reach the text (§3.7: `<unk>` is dropped). */
export function isSpecialSymbol(symbol: string): boolean {
  return symbol.length > 2 && symbol.startsWith('<') && symbol.endsWith('>');
}

/**
 * sherpa detokenisation (§3.7): a leading `▁` becomes a space, pieces are concatenated. Unlike sherpa
 * the result is trimmed (AsrHypothesis.text has no leading space) and special symbols are dropped.
 */
export function detokenize(table: TokenTable, tokenIds: readonly number[]): string {
  let text = '';
  for (const id of tokenIds) {
    const symbol = table.symbols[id];
    if (symbol === undefined || isSpecialSymbol(symbol)) continue;
    text += symbol.startsWith(WORD_BOUNDARY) ? ` ${symbol.slice(WORD_BOUNDARY.length)}` : symbol;
  }
  return text.trim().replace(/\s+/g, ' ');
}

/**
 * Splits text into token ids by greedy longest match over the vocabulary, word by word, each word
 * prefixed with `▁` as SentencePiece does. This is NOT SentencePiece's BPE merge order: without
 * `bpe.model` the merges are unknown, so the segmentation can differ from the one the model itself
 * emits for the same word (e.g. `▁NIGHT FALL` vs `▁NIGH TFALL`). Returns null when some character
 * has no piece at all. Case: when the vocabulary has no lower-case letters (the LibriSpeech models,
 * §3.1) the text is upper-cased first.
 */
export function tokenizeGreedy(table: TokenTable, text: string): number[] | null {
  const upperOnly = ![...table.ids.keys()].some((s) => !isSpecialSymbol(s) && /\p{Ll}/u.test(s));
  const normalised = upperOnly ? text.toUpperCase() : text;
  const words = normalised.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  let maxLen = 0;
  for (const s of table.ids.keys()) maxLen = Math.max(maxLen, s.length);
  const out: number[] = [];
  for (const word of words) {
    const piece = WORD_BOUNDARY + word;
    let pos = 0;
    while (pos < piece.length) {
      let found = -1;
      let foundLen = 0;
      for (let len = Math.min(maxLen, piece.length - pos); len > 0; len--) {
        const id = table.ids.get(piece.slice(pos, pos + len));
        if (id !== undefined && !isSpecialSymbol(piece.slice(pos, pos + len))) {
          found = id;
          foundLen = len;
          break;
        }
      }
      if (found < 0) {
        // A bare `▁` is not always a piece; then the first piece of the word goes without it.
        if (pos === 0) {
          pos = WORD_BOUNDARY.length;
          continue;
        }
        return null;
      }
      out.push(found);
      pos += foundLen;
    }
  }
  return out;
}
