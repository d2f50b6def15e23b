import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ApiError } from '../../../main/api';

/**
 * Edit-in-place for one text value (a title, a speaker's or a voice's name): a button swaps in a field,
 * Enter saves, Escape cancels; focus goes into the field (text selected) and back to the button after.
 * `save` gets the trimmed text and returns null when there is nothing to save (unchanged, or refused as
 * empty), else the pending result: an error keeps the field open with it, success closes it.
 */
export function useInlineEdit(save: (text: string) => Promise<ApiError | null> | null) {
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const editing = draft !== null;
  const wasEditing = useRef(false);

  useEffect(() => {
    if (editing) input.current?.select();
    else if (wasEditing.current) trigger.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  const stop = () => {
    setDraft(null);
    setError(null);
  };

  const commit = async () => {
    if (draft === null) return;
    const pending = save(draft.trim());
    if (pending === null) return stop();
    setSaving(true);
    const failure = await pending;
    setSaving(false);
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

  return {
    draft,
    setDraft,
    editing,
    start: setDraft,
    stop,
    commit,
    onKeyDown,
    error,
    saving,
    input,
    trigger,
  };
}
