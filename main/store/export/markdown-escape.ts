/**
 * Escaping for transcript text placed in Markdown: backslash before the characters that would
 * start emphasis, code, links, HTML or our low-confidence marks, and before line starts that
 * would turn a line into a heading, list or quote. CommonMark allows a backslash before any
 * ASCII punctuation, so the text reads the same once rendered.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>~|]/g, (c) => `\\${c}`)
    .replace(/={2,}/g, (run) => run.replace(/=/g, '\\='))
    .replace(/^(\s*)([#+-])/gmu, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/gmu, '$1\\$2');
}
