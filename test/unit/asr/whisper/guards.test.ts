import { describe, expect, it } from 'vitest';
import {
  averageLogProb,
  decodeTokens,
  isSilence,
  logSoftmax,
  noSpeechProbability,
  parseBase64Tokens,
  repetitionCut,
  suppressTokens,
  whisperWords,
  tokenByteSpans,
} from '../../../../main/engines/asr/whisper';

describe('Whisper guards on crafted logits (MODELS.md §5.5, OpenAI decoding)', () => {
  it('no-speech probability is the softmax of the sot row at the no_speech id', () => {
    const row = Float32Array.of(0, 1, 2, 5);
    const z = 1 + Math.E + Math.exp(2) + Math.exp(5);
    expect(noSpeechProbability(row, 3)).toBeCloseTo(Math.exp(5) / z, 9);
    expect(noSpeechProbability(row, 0)).toBeCloseTo(1 / z, 9);
  });

  it('silence = no_speech_prob > 0.6 AND avg_logprob < −1 (a confident transcript overrides)', () => {
    expect(isSilence(0.9, -1.5)).toBe(true);
    expect(isSilence(0.9, -0.2)).toBe(false);
    expect(isSilence(0.5, -3)).toBe(false);
    expect(isSilence(0.61, -1.01)).toBe(true);
    expect(isSilence(0.9, -1.5, { noSpeechThreshold: 0.95, logProbThreshold: -1 })).toBe(false);
  });

  it('avg_logprob divides the sum (eot included) by text tokens + 1', () => {
    expect(averageLogProb(-3, 2)).toBe(-1);
    expect(averageLogProb(-0.5, 0)).toBe(-0.5);
  });

  it('suppresses everything above eot and non-speech tokens, and blank/eot at the first position', () => {
    const eot = 6;
    const row = () => Float32Array.from({ length: 10 }, () => 0);
    const first = row();
    suppressTokens(first, { eot, blankId: 2, nonSpeechTokens: [4], first: true });
    expect(Array.from(first)).toEqual([
      0,
      0,
      -Infinity,
      0,
      -Infinity,
      0,
      -Infinity,
      -Infinity,
      -Infinity,
      -Infinity,
    ]);
    const later = row();
    suppressTokens(later, { eot, blankId: 2, nonSpeechTokens: [4], first: false });
    expect(Array.from(later)).toEqual([0, 0, 0, 0, -Infinity, 0, 0, -Infinity, -Infinity, -Infinity]);
  });

  it('log-softmax keeps banned ids at −Infinity and normalises the rest', () => {
    const lp = logSoftmax(Float32Array.of(1, -Infinity, 1));
    expect(lp[0]).toBeCloseTo(Math.log(0.5), 6);
    expect(lp[1]).toBe(-Infinity);
  });

  it('repetition backstop cuts a looping n-gram back to its first copy', () => {
    expect(repetitionCut([9, 1, 2, 3, 1, 2, 3, 1, 2, 3])).toBe(4);
    expect(repetitionCut([9, 1, 2, 3, 1, 2, 3])).toBeNull(); // two copies: allowed
    expect(repetitionCut([5, 5, 5, 5])).toBeNull(); // "no no no no" stays
    expect(repetitionCut([4, 5, 5, 5, 5, 5, 5, 5, 5])).toBe(2); // 8 × one token
    expect(repetitionCut([7, 1, 2, 1, 2, 1, 2])).toBeNull(); // 3 × a 2-gram: needs 4
    expect(repetitionCut([7, 1, 2, 1, 2, 1, 2, 1, 2])).toBe(3);
    expect(repetitionCut([1, 2, 3, 4, 5, 6, 7, 8])).toBeNull();
  });
});

describe('base64 byte tokens (§5.7)', () => {
  const file = ['VGhl 0', 'IGNhZsM= 1', 'qQ== 2', 'IQ== 3'].join('\n'); // "The", " caf\xC3", "\xA9", "!"

  it('decodes bytes across token boundaries (a split é), once for the whole sequence', () => {
    const tokens = parseBase64Tokens(file);
    expect(decodeTokens(tokens, [0, 1, 2, 3])).toBe('The café!');
    // Decoding token by token would leave two replacement characters instead.
    expect([0, 1, 2, 3].map((id) => decodeTokens(tokens, [id])).join('')).toContain('\uFFFD');
  });

  it('rejects malformed lines and gaps, naming the file', () => {
    expect(() => parseBase64Tokens('VGhl 0\nnot base64! 1', 'x-tokens.txt')).toThrow(/x-tokens\.txt: line 2/);
    expect(() => parseBase64Tokens('VGhl 0\nqQ== 2', 'x-tokens.txt')).toThrow(/rank 1 is missing/);
  });

  it('gives word confidence from the tokens overlapping the word, times by character share', () => {
    const tokens = parseBase64Tokens(file);
    const ids = [0, 1, 2, 3];
    const { bytes, spans } = tokenByteSpans(tokens, ids);
    const words = whisperWords(new TextDecoder().decode(bytes), bytes, spans, [-0.1, -0.2, -3, -0.4], 800);
    expect(words.map((w) => [w.text, w.startMs, w.endMs])).toEqual([
      ['The', 0, 300], // 3 of 8 characters
      ['café!', 300, 800],
    ]);
    expect(words[0]!.confidence).toBeCloseTo(Math.exp(-0.1), 6);
    expect(words[1]!.confidence).toBeCloseTo(Math.exp(-3), 6); // min over " caf\xC3", "\xA9", "!"
  });
});
