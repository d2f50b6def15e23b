/**
 * Line numbers for JSON problems. JSON.parse reports errors inconsistently across V8 versions
 * (sometimes a position, sometimes only the token), and a schema error only has a path, so this
 * small strict scanner finds either the first syntax error or where the value at a path starts.
 */
export interface JsonLocation {
  line: number;
  message?: string;
}

const MAX_DEPTH = 256;

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

export function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line += 1;
  }
  return line;
}

/** Scans `text`; returns the first syntax error, else where the value at `target` starts (if given). */
export function locateJson(text: string, target: readonly PropertyKey[] | null = null): JsonLocation | null {
  let pos = 0;
  let found: number | null = null;
  const path: PropertyKey[] = [];

  const ws = (): void => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos] ?? '')) pos += 1;
  };
  const fail = (message: string): never => {
    throw new JsonSyntaxError(message, pos);
  };
  const atTarget = (): boolean =>
    target !== null &&
    found === null &&
    path.length === target.length &&
    path.every((k, i) => String(k) === String(target[i]));
  const string = (): string => {
    const start = pos;
    pos += 1;
    for (;;) {
      const c = text[pos];
      if (c === undefined) fail('a string is not closed');
      if (c === '"') break;
      if (c === '\\') {
        const e = text[pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/u.test(text.slice(pos + 2, pos + 6))) fail('invalid \\u escape in a string');
          pos += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('invalid escape in a string');
        pos += 2;
        continue;
      }
      if ((c?.charCodeAt(0) ?? 0) < 0x20) fail('a control character (line break?) inside a string');
      pos += 1;
    }
    pos += 1;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    ws();
    if (atTarget()) found = pos;
    const c = text[pos];
    if (c === '{') {
      pos += 1;
      ws();
      if (text[pos] === '}') {
        pos += 1;
        return;
      }
      for (;;) {
        ws();
        if (text[pos] !== '"') fail('expected a property name in double quotes');
        const key = string();
        ws();
        if (text[pos] !== ':') fail(`expected ':' after "${key}"`);
        pos += 1;
        path.push(key);
        value(depth + 1);
        path.pop();
        ws();
        if (text[pos] === ',') {
          pos += 1;
          continue;
        }
        if (text[pos] === '}') {
          pos += 1;
          return;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      pos += 1;
      ws();
      if (text[pos] === ']') {
        pos += 1;
        return;
      }
      for (let index = 0; ; index += 1) {
        path.push(index);
        value(depth + 1);
        path.pop();
        ws();
        if (text[pos] === ',') {
          pos += 1;
          continue;
        }
        if (text[pos] === ']') {
          pos += 1;
          return;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') {
      string();
      return;
    }
    const literal = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/uy;
    literal.lastIndex = pos;
    const m = literal.exec(text);
    if (!m) fail(c === undefined ? 'the file ends too early' : `unexpected ${JSON.stringify(c)}`);
    pos += m?.[0].length ?? 0;
  };

  try {
    value(0);
    ws();
    if (pos < text.length) fail('unexpected text after the end of the document');
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { line: lineAt(text, error.pos), message: error.message };
    throw error;
  }
  return found === null ? null : { line: lineAt(text, found) };
}
