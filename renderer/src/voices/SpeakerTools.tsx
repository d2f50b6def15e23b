import { useId, useState, type FormEvent } from 'react';
import type { ApiError, NameSuggestion, Segment, Speaker } from '../../../main/api';
import { Dialog } from '../archive/Dialog';
import { formatClock } from '../archive/format';
import { speakerName } from '../archive/speakers';
import { describeError } from '../backend/remote';
import { routeHref } from '../routes';
import { useSuggestions, useVoiceAction } from './useVoices';

const TIER_TEXT: Record<NameSuggestion['tier'], string> = {
  sure: 'sure',
  likely: 'likely',
  unsure: 'unsure',
};

/**
 * Speaker tools of the meeting view (issue 7 §3): per speaker, a name suggestion from a remembered
 * voice ("Maybe Ana (likely)") to accept or dismiss, "Save voice…" to remember it, "Merge into…" for a
 * person diarization split in two, and "Split…" for two people it put together. Nothing changes a name
 * without a click.
 */
export function SpeakerTools({
  meetingId,
  speakers,
  segments = [],
}: {
  meetingId: number;
  speakers: Speaker[];
  segments?: Segment[];
}) {
  const { data } = useSuggestions(meetingId);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const [splitting, setSplitting] = useState<Speaker | null>(null);
  if (speakers.length === 0) return null;
  const value = data.state === 'ok' ? data.value : null;
  const suggestionFor = (speakerId: number) =>
    value?.suggestions.find((s) => s.speakerId === speakerId && !dismissed.has(key(s)));

  return (
    <section className="card speaker-tools" aria-labelledby="speaker-tools-heading">
      <h2 id="speaker-tools-heading">Voices</h2>
      {data.state === 'error' && (
        <p className="notice notice-error">Could not load name suggestions. {describeError(data.error)}</p>
      )}
      {value && !value.enabled && value.savable.length > 0 && (
        <p className="field-hint">
          To be offered names from voices you saved, turn on Remember voices in{' '}
          <a href={routeHref('settings')}>Settings</a>.
        </p>
      )}
      <ul className="speaker-tool-list">
        {speakers.map((speaker) => (
          <SpeakerRow
            key={speaker.id}
            speaker={speaker}
            others={speakers.filter((s) => s.id !== speaker.id)}
            suggestion={suggestionFor(speaker.id)}
            canSave={!!value?.enabled && value.savable.includes(speaker.id)}
            onDismiss={(s) => setDismissed((d) => new Set(d).add(key(s)))}
            onSplit={
              segments.filter((s) => s.speakerId === speaker.id).length > 1
                ? () => setSplitting(speaker)
                : null
            }
          />
        ))}
      </ul>
      <SplitDialog
        speaker={splitting}
        segments={splitting ? segments.filter((s) => s.speakerId === splitting.id) : []}
        onClose={() => setSplitting(null)}
      />
    </section>
  );
}

const key = (s: NameSuggestion) => `${s.speakerId}:${s.voiceprintId}`;

function SpeakerRow({
  speaker,
  others,
  suggestion,
  canSave,
  onDismiss,
  onSplit,
}: {
  speaker: Speaker;
  others: Speaker[];
  suggestion: NameSuggestion | undefined;
  canSave: boolean;
  onDismiss: (s: NameSuggestion) => void;
  /** Opens the split dialog; null when the speaker has too few segments to split. */
  onSplit: (() => void) | null;
}) {
  const act = useVoiceAction();
  const id = useId();
  const name = speakerName(speaker);
  const [error, setError] = useState<ApiError | null>(null);
  const [saveDraft, setSaveDraft] = useState<string | null>(null);
  const [mergeTarget, setMergeTarget] = useState('');
  const run = async (call: Promise<ApiError | null>) => {
    const failure = await call;
    setError(failure);
    return failure === null;
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const text = saveDraft?.trim() ?? '';
    if (!text) return;
    if (await run(act('voiceprints.save', { speakerId: speaker.id, name: text }))) setSaveDraft(null);
  };
  const merge = async (event: FormEvent) => {
    event.preventDefault();
    const into = Number(mergeTarget);
    if (!into) return;
    if (await run(act('speakers.merge', { fromSpeakerId: speaker.id, intoSpeakerId: into })))
      setMergeTarget('');
  };

  return (
    <li className="speaker-tool">
      <span className="speaker-tool-name">{name}</span>
      {speaker.voiceprintId !== null && <span className="badge">Voice remembered</span>}
      {suggestion && (
        <span className="suggestion-group">
          <span className={`suggestion suggestion-${suggestion.tier}`}>
            Maybe {suggestion.name} ({TIER_TEXT[suggestion.tier]})
          </span>
          <button
            type="button"
            className="button-small"
            aria-label={`Accept the name ${suggestion.name} for ${name}`}
            onClick={() =>
              void run(
                act('speakers.acceptSuggestion', {
                  speakerId: speaker.id,
                  voiceprintId: suggestion.voiceprintId,
                }),
              )
            }
          >
            Accept
          </button>
          <button
            type="button"
            className="button-quiet button-small"
            aria-label={`Dismiss the suggestion ${suggestion.name} for ${name}`}
            onClick={() => onDismiss(suggestion)}
          >
            Dismiss
          </button>
        </span>
      )}
      {canSave &&
        (saveDraft === null ? (
          <button
            type="button"
            className="button-quiet button-small"
            aria-label={`Save the voice of ${name}`}
            onClick={() => setSaveDraft(speaker.displayName ?? '')}
          >
            Save voice…
          </button>
        ) : (
          <form className="field-row" onSubmit={(event) => void save(event)}>
            <label htmlFor={`${id}-save`}>Remember as</label>
            <input
              id={`${id}-save`}
              type="text"
              value={saveDraft}
              maxLength={80}
              autoFocus
              onChange={(event) => setSaveDraft(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Escape') {
                  event.preventDefault();
                  setSaveDraft(null);
                }
              }}
            />
            <button type="submit" className="button-small" disabled={!saveDraft.trim()}>
              Save voice
            </button>
            <button type="button" className="button-quiet button-small" onClick={() => setSaveDraft(null)}>
              Cancel
            </button>
          </form>
        ))}
      {others.length > 0 && (
        <form className="field-row speaker-merge" onSubmit={(event) => void merge(event)}>
          <select
            aria-label={`Merge ${name} into`}
            value={mergeTarget}
            onChange={(event) => setMergeTarget(event.target.value)}
          >
            <option value="">Merge into…</option>
            {others.map((other) => (
              <option key={other.id} value={String(other.id)}>
                {speakerName(other)}
              </option>
            ))}
          </select>
          <button type="submit" className="button-quiet button-small" disabled={!mergeTarget}>
            Merge
          </button>
        </form>
      )}
      {onSplit && (
        <button
          type="button"
          className="button-quiet button-small"
          aria-label={`Split ${name}: move some turns to a new speaker`}
          onClick={onSplit}
        >
          Split…
        </button>
      )}
      {error && (
        <p className="field-error" role="alert">
          {describeError(error)}
        </p>
      )}
    </li>
  );
}

/** Pick the turns that are someone else; they move to a new speaker (S<n>) the user can then name. */
function SplitDialog({
  speaker,
  segments,
  onClose,
}: {
  speaker: Speaker | null;
  segments: Segment[];
  onClose: () => void;
}) {
  const act = useVoiceAction();
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const [error, setError] = useState<ApiError | null>(null);
  const name = speakerName(speaker ?? undefined);
  const close = () => {
    setChosen(new Set());
    setError(null);
    onClose();
  };
  const toggle = (id: number, on: boolean) =>
    setChosen((c) => {
      const next = new Set(c);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const split = async (event: FormEvent) => {
    event.preventDefault();
    const failure = await act('speakers.split', { segmentIds: [...chosen] });
    if (failure) setError(failure);
    else close();
  };
  return (
    <Dialog open={speaker !== null} title={`Split ${name}`} titleId="split-speaker-title" onClose={close}>
      <form onSubmit={(event) => void split(event)}>
        <fieldset>
          <legend>Turns spoken by someone else</legend>
          <ul className="split-turns">
            {segments.map((segment) => (
              <li key={segment.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={chosen.has(segment.id)}
                    onChange={(event) => toggle(segment.id, event.target.checked)}
                  />{' '}
                  <span className="timestamp">{formatClock(segment.startMs)}</span> {segment.text}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        {error && (
          <p className="field-error" role="alert">
            {describeError(error)}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button-quiet" onClick={close}>
            Cancel
          </button>
          <button type="submit" disabled={chosen.size === 0 || chosen.size === segments.length}>
            Move to a new speaker
          </button>
        </div>
      </form>
    </Dialog>
  );
}
