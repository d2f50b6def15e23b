import type { EmotionBin, EmotionLabel, Speaker, SpeakerEmotions } from '../../../main/api';
import { speakerName } from '../archive/speakers';
import { describeError } from '../backend/remote';
import { useEmotions } from './useVoices';

/** What a bin shows: a notable emotion, "neutral/unknown" speech, or no speech at all. */
export type BinKind = Exclude<EmotionLabel, 'unknown' | 'neutral'> | 'calm' | 'silent';

const TEXT: Record<BinKind, string> = {
  angry: 'angry',
  disgusted: 'disgusted',
  fearful: 'fearful',
  happy: 'happy',
  sad: 'sad',
  surprised: 'surprised',
  calm: 'neutral/unknown',
  silent: 'no speech',
};

const LEGEND: BinKind[] = ['happy', 'sad', 'angry', 'surprised', 'fearful', 'disgusted', 'calm', 'silent'];

/**
 * Only a bin's `notable` label (a non-neutral label carrying enough of the confidently tagged speech,
 * over several segments: engines/emotion/timeline.ts) gets a colour; everything else that was spoken is
 * "neutral/unknown". A single tagged segment is not enough to colour a minute.
 */
export function binKind(bin: EmotionBin): BinKind {
  if (bin.speechMs <= 0) return 'silent';
  if (bin.notable && bin.notable !== 'neutral' && bin.notable !== 'unknown') return bin.notable;
  return 'calm';
}

/** m:ss, short enough for a tooltip. */
function clock(ms: number): string {
  const total = Math.round(ms / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

function binLength(ms: number): string {
  return ms % 60_000 === 0
    ? ms === 60_000
      ? 'minute'
      : `${ms / 60_000} minutes`
    : `${Math.round(ms / 1000)} seconds`;
}

function binText(bin: EmotionBin): string {
  const kind = binKind(bin);
  const span = `${clock(bin.startMs)}–${clock(bin.endMs)}`;
  if (kind === 'silent') return `${span}: no speech`;
  const tagged = `${Math.round(bin.coverage * 100)}% of speech tagged`;
  const top = bin.signals[0];
  const detail = top ? `, ${top.label} in ${top.segments} segment${top.segments === 1 ? '' : 's'}` : '';
  return `${span}: ${TEXT[kind]} (${tagged}${detail})`;
}

/**
 * Per-speaker emotion over the meeting (issue 7 §4): one row of time bins per speaker, each coloured
 * by class and labelled in text, with a legend. Signals from the voice's tone, not verdicts about people.
 * Widths come from flex layout (equal bins), so no inline style is needed (CSP).
 */
export function EmotionTimeline({ meetingId, speakers }: { meetingId: number; speakers: Speaker[] }) {
  const { data } = useEmotions(meetingId);
  const byId = new Map(speakers.map((s) => [s.id, s]));
  const rows =
    data.state === 'ok' ? data.value.speakers.filter((s) => s.speechMs > 0 && s.overall.coverage > 0) : [];
  return (
    <section className="card emotion-timeline" aria-labelledby="emotion-heading">
      <h2 id="emotion-heading">Tone of voice</h2>
      <p className="field-hint">
        Signals from how things were said, per {binLength(data.state === 'ok' ? data.value.binMs : 60_000)}.
        They can be wrong, and say nothing certain about how anyone felt.
      </p>
      {data.state === 'loading' && <p className="muted">Loading…</p>}
      {data.state === 'error' && (
        <p className="notice notice-error">Could not load the tone of voice. {describeError(data.error)}</p>
      )}
      {data.state === 'ok' && rows.length === 0 && (
        <p className="muted">No tone-of-voice signals in this meeting.</p>
      )}
      {rows.length > 0 && (
        <>
          <ul className="emotion-rows">
            {rows.map((row) => (
              <EmotionRow
                key={row.speakerId ?? 'none'}
                row={row}
                name={speakerName(byId.get(row.speakerId ?? -1))}
              />
            ))}
          </ul>
          <ul className="emotion-legend" aria-label="Legend">
            {LEGEND.map((kind) => (
              <li key={kind}>
                <span className={`emotion-swatch emotion-${kind}`} aria-hidden="true" />
                {TEXT[kind]}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function EmotionRow({ row, name }: { row: SpeakerEmotions; name: string }) {
  const overall = binKind(row.overall);
  return (
    <li className="emotion-row">
      <span className="emotion-who">
        {name}
        <span className="muted"> · overall {TEXT[overall]}</span>
      </span>
      <ol className="emotion-bins" aria-label={`Tone of voice of ${name} over time`}>
        {row.bins.map((bin) => {
          const kind = binKind(bin);
          return (
            <li key={bin.startMs} className={`emotion-bin emotion-${kind}`} title={binText(bin)}>
              <span className="emotion-bin-text" aria-hidden="true">
                {kind === 'silent' ? '' : TEXT[kind]}
              </span>
              <span className="visually-hidden">{binText(bin)}</span>
            </li>
          );
        })}
      </ol>
    </li>
  );
}
