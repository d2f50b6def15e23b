/**
 * sherpa Whisper `<model>-tokens.txt` (MODELS.md §5.7): each line is `<base64 of the token's raw bytes> <rank>`.
 * Special tokens (ids ≥ eot) are not in the file. Text is made by concatenating the bytes of the whole
 * sequence and UTF-8-decoding once, because one character can be split across tokens (sherpa
 * `ApplyBase64Decode`).
 */

export class WhisperTokensError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'WhisperTokensError';
  }
}

export type ByteTokens = readonly (Uint8Array | undefined)[];

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function parseBase64Tokens(text: string, file = 'tokens.txt'): Uint8Array[] {
  const tokens: Uint8Array[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const m = /^(\S+)\s+(\d+)$/.exec(line);
    if (!m || !BASE64.test(m[1]!)) {
      throw new WhisperTokensError(file, `line ${index + 1}: expected '<base64> <rank>', got '${raw}'`);
    }
    const rank = Number(m[2]);
    if (tokens[rank] !== undefined)
      throw new WhisperTokensError(file, `line ${index + 1}: rank ${rank} listed twice`);
    tokens[rank] = new Uint8Array(Buffer.from(m[1]!, 'base64'));
  });
  if (tokens.length === 0) throw new WhisperTokensError(file, 'no tokens (empty file?)');
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === undefined) throw new WhisperTokensError(file, `rank ${i} is missing`);
  }
  return tokens;
}

/** Byte span of each token in the concatenated byte string (special/unknown ids contribute nothing). */
export function tokenByteSpans(
  tokens: ByteTokens,
  ids: readonly number[],
): { bytes: Uint8Array; spans: [number, number][] } {
  let total = 0;
  for (const id of ids) total += tokens[id]?.length ?? 0;
  const bytes = new Uint8Array(total);
  const spans: [number, number][] = [];
  let pos = 0;
  for (const id of ids) {
    const piece = tokens[id];
    const start = pos;
    if (piece) {
      bytes.set(piece, pos);
      pos += piece.length;
    }
    spans.push([start, pos]);
  }
  return { bytes, spans };
}

/** Text of a token sequence: bytes concatenated, then decoded once (invalid sequences become U+FFFD). */
export function decodeTokens(tokens: ByteTokens, ids: readonly number[]): string {
  return new TextDecoder('utf-8').decode(tokenByteSpans(tokens, ids).bytes);
}
