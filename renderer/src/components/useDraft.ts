import { useState, type ChangeEvent, type KeyboardEvent } from 'react';

/**
 * Text-like settings are edited locally and saved on Enter or when focus leaves, not on every
 * keystroke. While not editing, the control shows the stored value; after a save (accepted or
 * refused) it goes back to showing the stored value, i.e. what the backend answered. Escape
 * abandons the edit.
 */
export function useDraft(stored: string, save: (text: string) => Promise<unknown>) {
  const [draft, setDraft] = useState<string | null>(null);

  const commit = async () => {
    if (draft === null) return;
    if (draft === stored) {
      setDraft(null);
      return;
    }
    const sent = draft;
    await save(sent);
    // Keep anything typed while the save was in flight.
    setDraft((current) => (current === sent ? null : current));
  };

  return {
    value: draft ?? stored,
    onChange: (event: ChangeEvent<HTMLInputElement>) => setDraft(event.target.value),
    onBlur: () => void commit(),
    onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        void commit();
      } else if (event.key === 'Escape' && draft !== null) {
        event.preventDefault();
        setDraft(null);
      }
    },
  };
}
