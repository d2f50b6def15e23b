/**
 * Zoom's transcripts and many SRT files name the speaker as a "Name: " prefix of the text
 * rather than a voice tag. Taking every "Word:" as a name would turn "Note: ..." into a speaker,
 * so prefixes count only when most cues of the file have one.
 */
const PREFIX = /^([^:.!?,;"<>()[\]{}]{1,40}?):\s+(\S.*)$/u;
const MIN_SHARE = 0.8;

export function splitSpeakerPrefix(text: string): { name: string; text: string } | null {
  const m = PREFIX.exec(text);
  if (!m) return null;
  const name = (m[1] ?? '').trim();
  // A clock time ("10:30 ...") or a long clause is not a name.
  if (!name || /^\d/u.test(name) || name.split(/\s+/u).length > 5) return null;
  return { name, text: m[2] ?? '' };
}

/**
 * Given cues without voice tags, returns for each cue the speaker and text, or null when the file
 * does not use prefixes. A cue without a prefix continues the previous speaker (long turns are
 * split over several cues).
 */
export function applySpeakerPrefixes(
  texts: readonly string[],
): { speaker: string | null; text: string }[] | null {
  if (texts.length === 0) return null;
  const split = texts.map(splitSpeakerPrefix);
  const withPrefix = split.filter((s) => s !== null).length;
  if (withPrefix / texts.length < MIN_SHARE) return null;
  let speaker: string | null = null;
  return texts.map((text, i) => {
    const s = split[i];
    if (s) {
      speaker = s.name;
      return { speaker, text: s.text };
    }
    return { speaker, text };
  });
}
