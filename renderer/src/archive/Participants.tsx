import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ApiError, Speaker } from '../../../main/api';
import { describeError } from '../backend/remote';
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
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const colour = speakerColour(speaker);

  useEffect(() => {
    if (draft !== null) input.current?.select();
    else if (returnFocus.current) {
      returnFocus.current = false;
      button.current?.focus();
    }
  }, [draft !== null]); // eslint-disable-line react-hooks/exhaustive-deps -- only on entering/leaving edit mode

  const stop = () => {
    returnFocus.current = true;
    setDraft(null);
    setError(null);
  };
  const commit = async () => {
    if (draft === null) return;
    const text = draft.trim();
    if (text === name) return stop();
    // An empty name gives the speaker back its machine label.
    const failure = await rename(speaker.id, text === '' ? null : text);
    if (failure) setError(failure);
    else stop();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      void commit();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      stop();
    }
  };

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
            ref={button}
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
