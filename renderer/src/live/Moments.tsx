import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Note, VerbatimApi } from '../../../main/api';
import { formatClock } from '../archive/format';
import { isMarkHotkey } from './status';

type NoteKind = Note['kind'];
type Feedback = { kind: 'ok' | 'error'; text: string } | null;

/**
 * Notes and bookmarks during the meeting, stored at the current meeting time. "Mark moment" (Ctrl/Cmd+M
 * anywhere on the Live page) is one keystroke on purpose: the moment is usually noticed mid-sentence.
 * `now` reads the meeting clock when the action happens, not when the page last rendered.
 */
export function Moments({
  api,
  meetingId,
  now,
}: {
  api: VerbatimApi;
  /** The running meeting; null disables both actions. */
  meetingId: number | null;
  now: () => number;
}) {
  const [text, setText] = useState('');
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [saving, setSaving] = useState(false);

  const add = async (kind: NoteKind, noteText: string): Promise<boolean> => {
    if (meetingId === null) return false;
    const atMs = Math.max(0, Math.round(now()));
    const result = await api.invoke('notes.add', { meetingId, atMs, kind, text: noteText });
    setFeedback(
      result.ok
        ? {
            kind: 'ok',
            text: `${kind === 'bookmark' ? 'Moment marked' : 'Note added'} at ${formatClock(atMs)}`,
          }
        : { kind: 'error', text: `Could not save: ${result.error.message}` },
    );
    return result.ok;
  };

  // The latest `add` for the window-wide hotkey, without re-subscribing on every render.
  const mark = useRef(add);
  useEffect(() => {
    mark.current = add;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isMarkHotkey(e)) return;
      e.preventDefault();
      void mark.current('bookmark', '');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const note = text.trim();
    if (!note) return;
    setSaving(true);
    if (await add('note', note)) setText('');
    setSaving(false);
  };

  const disabled = meetingId === null;
  return (
    <section className="card live-moments" aria-labelledby="moments-title">
      <h2 id="moments-title">Notes</h2>
      <form className="live-note-form" onSubmit={(e) => void submit(e)}>
        <label htmlFor="live-note" className="visually-hidden">
          Note
        </label>
        <input
          id="live-note"
          type="text"
          maxLength={20_000}
          placeholder={disabled ? 'Start a meeting to take notes' : 'Type a note, press Enter'}
          value={text}
          disabled={disabled}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" disabled={disabled || saving || !text.trim()}>
          Add note
        </button>
        <button
          type="button"
          disabled={disabled}
          aria-keyshortcuts="Control+M Meta+M"
          onClick={() => void add('bookmark', '')}
        >
          Mark moment <kbd>Ctrl+M</kbd>
        </button>
      </form>
      <p
        role="status"
        className={feedback?.kind === 'error' ? 'field-error' : 'muted'}
        data-testid="moment-feedback"
      >
        {feedback?.text ?? ''}
      </p>
    </section>
  );
}
