import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ApiError, ReviewItem, ReviewQueue as Queue, ReviewReason } from '../../../main/api';
import { formatClock } from '../archive/format';
import { useApi } from '../backend/context';
import { describeError } from '../backend/remote';
import type { Span } from '../playback/span';

/**
 * The review queue, keyboard first (DESIGN.md "Confidence and review"): a listbox of the spans most
 * likely wrong, the focused one shown with its context, reasons and confidence. The listbox keeps
 * focus; actions go to the backend and the queue is read again (a reviewed span drops out and the
 * next one takes its place). Results are announced in a status line (a polite live region).
 */

const REASON_TEXT: Record<ReviewReason, string> = {
  'low-confidence': 'Low confidence',
  'draft-changed': 'Differs from the live draft',
  'unknown-word': 'Not in your vocabulary',
  'uncertain-speaker': 'Speaker uncertain',
};

export const REVIEW_KEYS =
  'J or ↓ next · K or ↑ previous · Enter accept · E edit · A fix all in meeting · V add to vocabulary · ' +
  'Space play · Ctrl+Z undo';

type Editing = { kind: 'edit' | 'fix-all'; value: string } | null;
type Outcome = { ok: true; message: string } | { ok: false; error: ApiError };

const percent = (c: number | null) => (c === null ? 'unknown' : `${Math.round(c * 100)}%`);

export interface ReviewQueueProps {
  queue: Queue;
  /** Showing one meeting: its title is not repeated on every row. */
  scoped: boolean;
  reload: () => void;
  showMore: () => void;
  /** Plays the audio around a span of a meeting (Space). */
  onPlay: (meetingId: number, span: Span) => void;
  /** What the player says (an error to show), if anything. */
  playError?: string | null;
}

export function ReviewQueue({ queue, scoped, reload, showMore, onPlay, playError }: ReviewQueueProps) {
  const api = useApi();
  const { items } = queue;
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const [fallbackIndex, setFallbackIndex] = useState(0);
  const [editing, setEditing] = useState<Editing>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ text: string; error: boolean }>({ text: '', error: false });
  const listRef = useRef<HTMLUListElement>(null);
  const emptyRef = useRef<HTMLParagraphElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  // Spans acted on, most recent last: undo puts the focus back on the one it restores.
  const acted = useRef<string[]>([]);

  // focusedId is the span the user is on. When it leaves the list (reviewed), the one that took its place
  // (same index) is shown focused; focusedId stays, so an undo that brings the span back lands on it.
  const found = items.findIndex((item) => item.id === focusedId);
  const index = found >= 0 ? found : Math.min(fallbackIndex, items.length - 1);
  const focused: ReviewItem | undefined = items[index];
  // Remember where the focused span is, for when it goes (state adjusted during render, React's pattern
  // for state derived from props).
  if (found >= 0 && found !== fallbackIndex) setFallbackIndex(found);

  // After an action the queue is read again and the list (or the "nothing left" note) may have been
  // replaced: focus goes back to whichever is there, so the keyboard keeps working.
  const refocus = useRef(false);
  useEffect(() => {
    if (!refocus.current) return;
    refocus.current = false;
    (listRef.current ?? emptyRef.current)?.focus();
  }, [items]);

  useEffect(() => {
    if (!focused) return;
    document.getElementById(optionId(focused))?.scrollIntoView?.({ block: 'nearest' });
  }, [focused]);

  useEffect(() => {
    if (editing) inputRef.current?.focus();
  }, [editing]);

  const announce = (text: string, error = false) => setStatus({ text, error });
  const move = (to: number) => {
    const at = Math.max(0, Math.min(items.length - 1, to));
    const next = items[at];
    if (!next) return;
    setFocusedId(next.id);
    setFallbackIndex(at);
  };

  const run = useCallback(
    async (action: () => Promise<Outcome>) => {
      setBusy(true);
      const outcome = await action();
      setBusy(false);
      if (outcome.ok) announce(outcome.message);
      else announce(describeError(outcome.error), true);
      refocus.current = true;
      reload();
      (listRef.current ?? emptyRef.current)?.focus();
    },
    [reload],
  );

  const accept = (item: ReviewItem) =>
    run(async () => {
      const r = await api.invoke('review.accept', { segmentId: item.segmentId, ords: item.ords });
      if (!r.ok) return r;
      acted.current.push(item.id);
      return { ok: true, message: `Accepted “${item.text}”.` };
    });

  const save = (item: ReviewItem, edit: NonNullable<Editing>) => {
    const value = edit.value.trim();
    setEditing(null);
    if (!value) {
      announce('Nothing changed: the correction was empty.', true);
      listRef.current?.focus();
      return;
    }
    void run(async () => {
      if (edit.kind === 'edit') {
        const r = await api.invoke('review.correct', {
          segmentId: item.segmentId,
          ords: item.ords,
          text: value,
        });
        if (!r.ok) return r;
        acted.current.push(item.id);
        return { ok: true, message: `Changed “${item.text}” to “${value}”.` };
      }
      const r = await api.invoke('review.fixAll', { meetingId: item.meetingId, from: item.text, to: value });
      if (!r.ok) return r;
      acted.current.push(item.id);
      const n = r.value.words;
      return {
        ok: true,
        message: `Changed ${n} ${n === 1 ? 'occurrence' : 'occurrences'} of “${item.text}” to “${value}”.`,
      };
    });
  };

  const addToVocabulary = (item: ReviewItem) =>
    run(async () => {
      const r = await api.invoke('review.addToVocabulary', { word: item.text });
      if (!r.ok) return r;
      if (r.value.added) acted.current.push(item.id);
      return {
        ok: true,
        message: r.value.added
          ? `Added “${item.text}” to the vocabulary.`
          : `“${item.text}” is already in the vocabulary.`,
      };
    });

  const undo = () =>
    run(async () => {
      const r = await api.invoke('review.undo', {});
      if (!r.ok) return r;
      if (!r.value.undone) return { ok: true, message: 'Nothing to undo.' };
      const restored = acted.current.pop();
      if (restored) setFocusedId(restored);
      const what =
        r.value.kind === 'vocabulary'
          ? `Removed “${r.value.word ?? ''}” from the vocabulary again.`
          : 'Undid the last change.';
      return { ok: true, message: what };
    });

  const startEdit = (item: ReviewItem, kind: 'edit' | 'fix-all') => {
    if (kind === 'fix-all' && item.ords.length > 1) {
      announce('Fix all works on one word; edit this span instead (E).', true);
      return;
    }
    setEditing({ kind, value: item.text });
  };

  const play = (item: ReviewItem) =>
    onPlay(item.meetingId, { startMs: item.startMs, endMs: item.endMs, channel: item.channel });

  // Undo works wherever focus is in the queue, also once the last span is gone (the list with it).
  const onQueueKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (busy || editing) return;
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'z') {
      event.preventDefault();
      void undo();
    }
  };

  const onListKey = (event: KeyboardEvent<HTMLUListElement>) => {
    if (busy || editing) return;
    const key = event.key;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const handled = (fn: () => void) => {
      event.preventDefault();
      fn();
    };
    switch (key) {
      case 'j':
      case 'J':
      case 'ArrowDown':
        return handled(() => move(index + 1));
      case 'k':
      case 'K':
      case 'ArrowUp':
        return handled(() => move(index - 1));
      case 'Home':
        return handled(() => move(0));
      case 'End':
        return handled(() => move(items.length - 1));
    }
    if (!focused) return;
    switch (key) {
      case 'Enter':
        return handled(() => void accept(focused));
      case 'e':
      case 'E':
      case 'F2':
        return handled(() => startEdit(focused, 'edit'));
      case 'a':
      case 'A':
        return handled(() => startEdit(focused, 'fix-all'));
      case 'v':
      case 'V':
        return handled(() => void addToVocabulary(focused));
      case ' ':
        return handled(() => play(focused));
    }
  };

  const onEditKey = (event: KeyboardEvent<HTMLInputElement>) => {
    event.stopPropagation();
    if (!focused || !editing) return;
    if (event.key === 'Enter') {
      event.preventDefault();
      save(focused, editing);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setEditing(null);
      announce('Edit cancelled.');
      listRef.current?.focus();
    }
  };

  const flagged = queue.reviewed + queue.remaining;
  return (
    <div className="review" onKeyDown={onQueueKey}>
      <div className="review-progress">
        <progress max={Math.max(1, flagged)} value={queue.reviewed} aria-label="Review progress" />
        <span>
          {queue.reviewed} reviewed · {queue.remaining} to review
          {queue.total > 0 ? ` (${queue.total} ${queue.total === 1 ? 'span' : 'spans'})` : ''}
          {queue.capped ? ' and more: the strongest candidates are shown first' : ''}
        </span>
      </div>
      <p className="review-keys" id="review-keys">
        {REVIEW_KEYS}
      </p>
      <p className={status.error ? 'review-status review-status-error' : 'review-status'} role="status">
        {status.text}
      </p>
      {items.length === 0 ? (
        <p className="review-empty" ref={emptyRef} tabIndex={-1}>
          {queue.reviewed > 0
            ? `Nothing left to review${scoped ? ' in this meeting' : ''}: every flagged word has been checked.`
            : `Nothing to review${scoped ? ' in this meeting' : ''}: no word is flagged as likely wrong.`}{' '}
          <button type="button" disabled={busy} onClick={() => void undo()}>
            Undo the last change
          </button>
        </p>
      ) : (
        <div className="review-layout">
          <ul
            ref={listRef}
            className="review-list"
            role="listbox"
            aria-label="Spans to review, most likely wrong first"
            aria-describedby="review-keys"
            aria-activedescendant={focused ? optionId(focused) : undefined}
            aria-busy={busy}
            tabIndex={0}
            onKeyDown={onListKey}
          >
            {items.map((item, i) => (
              <li
                key={item.id}
                id={optionId(item)}
                role="option"
                aria-selected={i === index}
                className={i === index ? 'review-option review-option-focused' : 'review-option'}
                onClick={() => {
                  move(i);
                  listRef.current?.focus();
                }}
              >
                <span className="review-option-text">{item.text}</span>
                <span className="review-option-meta">
                  {scoped ? '' : `${item.meetingTitle || 'Untitled meeting'} · `}
                  {formatClock(item.startMs)} · {percent(item.confidence)}
                </span>
              </li>
            ))}
          </ul>
          {focused && (
            <section className="review-detail" aria-label="Focused span">
              <p className="review-context">
                {focused.before && <span className="review-context-side">{focused.before} </span>}
                {editing ? (
                  <input
                    ref={inputRef}
                    className="review-input"
                    aria-label={
                      editing.kind === 'edit'
                        ? `Correct “${focused.text}”: Enter saves, Escape cancels`
                        : `Replace every “${focused.text}” in this meeting with: Enter saves, Escape cancels`
                    }
                    value={editing.value}
                    onChange={(e) => setEditing({ ...editing, value: e.target.value })}
                    onKeyDown={onEditKey}
                    onBlur={() => setEditing(null)}
                  />
                ) : (
                  <mark className="review-span">{focused.text}</mark>
                )}
                {focused.after && <span className="review-context-side"> {focused.after}</span>}
              </p>
              <dl className="review-facts">
                <dt>Why</dt>
                <dd>
                  <ul className="review-reasons">
                    {focused.reasons.map((reason) => (
                      <li key={reason} className="review-reason">
                        {REASON_TEXT[reason]}
                        {reason === 'draft-changed' && focused.draftText ? `: “${focused.draftText}”` : ''}
                      </li>
                    ))}
                  </ul>
                </dd>
                <dt>Confidence</dt>
                <dd>
                  {focused.words.map((w) => `${w.text} ${percent(w.confidence)}`).join(', ')} · likely wrong:{' '}
                  {Math.round(focused.score * 100)}%
                </dd>
                <dt>Where</dt>
                <dd>
                  {focused.meetingTitle || 'Untitled meeting'} at {formatClock(focused.startMs)}
                  {focused.speaker ? ` · ${focused.speaker}` : ''}
                </dd>
              </dl>
              {playError && <p className="review-status-error">{playError}</p>}
              <div className="review-actions">
                <button type="button" disabled={busy} onClick={() => void accept(focused)}>
                  Accept
                </button>
                <button type="button" disabled={busy} onClick={() => startEdit(focused, 'edit')}>
                  Edit
                </button>
                <button
                  type="button"
                  disabled={busy || focused.ords.length > 1}
                  onClick={() => startEdit(focused, 'fix-all')}
                >
                  Fix all in meeting
                </button>
                <button type="button" disabled={busy} onClick={() => void addToVocabulary(focused)}>
                  Add to vocabulary
                </button>
                <button type="button" onClick={() => play(focused)}>
                  Play
                </button>
                <button type="button" disabled={busy} onClick={() => void undo()}>
                  Undo
                </button>
              </div>
            </section>
          )}
        </div>
      )}
      {queue.total > items.length && (
        <button type="button" className="review-more" onClick={showMore}>
          Show more ({queue.total - items.length} left)
        </button>
      )}
    </div>
  );
}

function optionId(item: ReviewItem): string {
  return `review-span-${item.id.replace(/[^0-9a-z-]/giu, '-')}`;
}
