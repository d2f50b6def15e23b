import { useState, type FormEvent } from 'react';
import type { ApiError, Note } from '../../../main/api';
import { describeError } from '../backend/remote';
import { meetingHref } from '../routes';
import { formatClock } from './format';

/** The user's notes on a meeting: meeting notes (no time) and bookmarks at a moment. */
export function Notes({
  meetingId,
  notes,
  add,
  remove,
}: {
  meetingId: number;
  notes: Note[];
  add: (text: string) => Promise<ApiError | null>;
  remove: (noteId: number) => Promise<ApiError | null>;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() === '') return;
    setBusy(true);
    const failure = await add(text.trim());
    setBusy(false);
    setError(failure);
    if (!failure) setText('');
  };
  const onDelete = async (noteId: number) => {
    setError(await remove(noteId));
  };

  return (
    <>
      {notes.length === 0 ? (
        <p className="muted">No notes yet.</p>
      ) : (
        <ul className="notes">
          {notes.map((note) => (
            <li key={note.id} className="note">
              {note.atMs !== null && (
                <a className="timestamp" href={meetingHref(meetingId, note.atMs)}>
                  [{formatClock(note.atMs)}]
                </a>
              )}
              <span className="note-text">{note.text}</span>
              <button
                type="button"
                className="button-quiet button-small"
                aria-label={`Delete note: ${note.text.slice(0, 40)}`}
                onClick={() => void onDelete(note.id)}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="note-form" onSubmit={(event) => void onSubmit(event)}>
        <label htmlFor="new-note">Add a note</label>
        <textarea
          id="new-note"
          rows={2}
          maxLength={20_000}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit" disabled={busy || text.trim() === ''}>
          Add note
        </button>
      </form>
      {error && (
        <p className="field-error" role="alert">
          {describeError(error)}
        </p>
      )}
    </>
  );
}
