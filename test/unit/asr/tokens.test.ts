import { describe, expect, it } from 'vitest';
import {
  detokenize,
  isWordStart,
  parseTokens,
  tokenizeGreedy,
  TokensFormatError,
  WORD_BOUNDARY,
} from '../../../main/engines/asr/tokens';
import { tokensTxt, transducerTokenList } from '../../fixtures/onnx';

const B = WORD_BOUNDARY;

describe('parseTokens (sherpa ReadTokens, MODELS.md §3.7)', () => {
  it('maps ids and symbols both ways and finds <blk> and <unk>', () => {
    const t = parseTokens(tokensTxt(transducerTokenList(500)));
    expect(t.size).toBe(500);
    expect(t.symbols[0]).toBe('<blk>');
    expect(t.symbols[3]).toBe(`${B}D`);
    expect(t.ids.get(`${B}D`)).toBe(3);
    expect(t.blankId).toBe(0);
    expect(t.unkId).toBe(2);
  });

  it('reads a line holding only an id as the space symbol, and tolerates CRLF and blank lines', () => {
    const t = parseTokens(`<blk> 0\r\n \t7\r\n\r\na 1\n`);
    expect(t.symbols[7]).toBe(' ');
    expect(t.ids.get(' ')).toBe(7);
    expect(t.symbols[1]).toBe('a');
    expect(t.size).toBe(8);
    expect(t.unkId).toBeNull();
  });

  it('keeps symbols with inner text intact and takes the last field as the id', () => {
    const t = parseTokens(`<sos/eos> 1\n${B}HELLO 5\n`);
    expect(t.symbols[1]).toBe('<sos/eos>');
    expect(t.symbols[5]).toBe(`${B}HELLO`);
  });

  it('rejects malformed lines, duplicate ids and empty files with the file name', () => {
    expect(() => parseTokens('a b\n', 'x/tokens.txt')).toThrow(/x\/tokens.txt: line 1/);
    expect(() => parseTokens('a 1\nb 1\n')).toThrow(/id 1 is listed twice/);
    expect(() => parseTokens('\n\n')).toThrow(TokensFormatError);
  });
});

describe('detokenize', () => {
  const t = parseTokens(`<blk> 0\n<sos/eos> 1\n<unk> 2\n${B}AFTER 3\n${B}E 4\nAR 5\nLY 6\n`);
  it('turns a leading ▁ into a space, trims, and drops <unk>', () => {
    expect(detokenize(t, [3, 4, 2, 5, 6])).toBe('AFTER EARLY');
  });
  it('marks word starts', () => {
    expect(isWordStart(`${B}E`)).toBe(true);
    expect(isWordStart('AR')).toBe(false);
    expect(isWordStart(' ')).toBe(true);
  });
});

describe('tokenizeGreedy (hotwords without bpe.model)', () => {
  const t = parseTokens(
    `<blk> 0\n<sos/eos> 1\n<unk> 2\n${B}NIGHT 3\nFALL 4\n${B}N 5\nIGHT 6\nF 7\nA 8\nL 9\n${B}THE 10\n`,
  );
  it('takes the longest piece first, word by word, upper-casing for an upper-case vocabulary', () => {
    expect(tokenizeGreedy(t, 'nightfall')).toEqual([3, 4]);
    expect(tokenizeGreedy(t, 'the nightfall')).toEqual([10, 3, 4]);
  });
  it('returns null when a character has no piece', () => {
    expect(tokenizeGreedy(t, 'nightfallz')).toBeNull();
    expect(tokenizeGreedy(t, '   ')).toBeNull();
  });
});
