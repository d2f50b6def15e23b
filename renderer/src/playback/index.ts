/**
 * Meeting audio for other views. The review queue plays around a span with useSpanPlayer (or
 * createSpanPlayer outside React); mediaUrlFor is the URL a meeting channel's audio is served at.
 */
export { mediaUrlFor, useMediaSources } from './media';
export { createSpanPlayer, useSpanPlayer, DEFAULT_PAD_MS } from './span';
export type { Span, SpanPlayer, SpanPlayerState } from './span';
