import type { ApiError, Speaker } from '../../../main/api';
import { describeError } from '../backend/remote';
import { useInlineEdit } from '../components/useInlineEdit';
import { speakerClass, speakerColour, speakerName } from './speakers';

/** Who spoke, each with a Rename button; a rename applies to every turn of that speaker. */
export function Participants({
  speakers,
  rename,
}: {
  speakers: Speaker[];
  rename: (speakerId: number, displayName: string | null) => Promise<ApiError | null>;
}) {
  if (speakers.length === 0) return <p className="muted">No speakers were identified.</p>;
  return (
    <ul className="participants">
      {speakers.map((speaker) => (
        <Participant key={speaker.id} speaker={speaker} rename={rename} />
      ))}
    </ul>
  );
}

function Participant({
  speaker,
  rename,
}: {
  speaker: Speaker;
  rename: (speakerId: number, displayName: string | null) => Promise<ApiError | null>;
}) {
  const name = speakerName(speaker);
  const colour = speakerColour(speaker);
  // An empty name gives the speaker back its machine label.
  const { draft, setDraft, stop, commit, onKeyDown, error, input, trigger } = useInlineEdit((text) =>
    text === name ? null : rename(speaker.id, text === '' ? null : text),
  );

  return (
    <li className="participant">
      {draft === null ? (
        <>
          <span
            className={`speaker-name ${speakerClass(speaker.id)}`}
            style={colour ? { color: colour } : undefined}
          >
            {name}
          </span>
          {speaker.displayName !== null && speaker.displayName !== speaker.label && (
            <span className="muted participant-label">({speaker.label})</span>
          )}
          <button
            ref={trigger}
            type="button"
            className="button-quiet button-small"
            aria-label={`Rename ${name}`}
            onClick={() => setDraft(name)}
          >
            Rename
          </button>
        </>
      ) : (
        <span className="field-row">
          <input
            ref={input}
            type="text"
            aria-label={`New name for ${name}`}
            value={draft}
            maxLength={80}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={onKeyDown}
            aria-invalid={error ? true : undefined}
          />
          <button type="button" className="button-small" onClick={() => void commit()}>
            Save
          </button>
          <button type="button" className="button-quiet button-small" onClick={stop}>
            Cancel
          </button>
        </span>
      )}
      {error && (
        <p className="field-error" role="alert">
          {describeError(error)}
        </p>
      )}
    </li>
  );
}
