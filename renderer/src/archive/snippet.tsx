import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../../main/api';

export interface SnippetPart {
  text: string;
  marked: boolean;
}

/**
 * Splits a search snippet on the backend's highlight marks (control characters stored text never
 * contains). Each part becomes a text node, so whatever the transcript says — markup included — is
 * shown as text and never parsed as HTML. A stray or unbalanced mark is dropped rather than shown.
 */
export function splitSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let marked = false;
  let text = '';
  const flush = () => {
    if (text !== '') {
      const last = parts[parts.length - 1];
      if (last && last.marked === marked) last.text += text;
      else parts.push({ text, marked });
    }
    text = '';
  };
  for (const char of snippet) {
    if (char === HIGHLIGHT_START || char === HIGHLIGHT_END) {
      flush();
      marked = char === HIGHLIGHT_START;
    } else {
      text += char;
    }
  }
  flush();
  return parts;
}

export function Snippet({ text }: { text: string }) {
  return (
    <>
      {splitSnippet(text).map((part, index) =>
        part.marked ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>,
      )}
    </>
  );
}
