import { useState } from 'react';
import type { Settings } from '../../../main/api';
import { useSettings } from '../backend/settings';
import { Field } from '../components/Field';
import { parseVocabulary } from './vocabulary';

/**
 * The vocabulary list (issue 9 item 5): edited as text, saved with the button or Ctrl+Enter (Enter is a new
 * line here). The review queue's "add to vocabulary" writes the same list, so the field shows the stored
 * list again whenever the user is not editing.
 */
export function VocabularyField({ settings }: { settings: Settings }) {
  const { set, saving, errors } = useSettings();
  const stored = settings.vocabulary.join('\n');
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const text = draft ?? stored;

  const save = async () => {
    const parsed = parseVocabulary(text);
    if (!parsed.ok) {
      setProblem(parsed.message);
      return;
    }
    setProblem(null);
    await set('vocabulary', parsed.terms);
    setDraft(null);
  };

  return (
    <Field
      id="setting-vocabulary"
      label="Vocabulary"
      hint={`Names and terms your meetings use, one per line (${settings.vocabulary.length} saved): live captions lean towards them and the review queue does not flag them as unknown.`}
      saving={!!saving.vocabulary}
      error={errors.vocabulary}
    >
      {(a11y) => (
        <>
          <textarea
            {...a11y}
            aria-invalid={problem ? true : a11y['aria-invalid']}
            rows={5}
            spellCheck={false}
            value={text}
            onChange={(e) => {
              setDraft(e.target.value);
              setProblem(null);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void save();
              }
            }}
          />
          {problem && (
            <p className="field-error" role="alert">
              {problem}
            </p>
          )}
          <div className="meeting-actions">
            <button type="button" disabled={draft === null || draft === stored} onClick={() => void save()}>
              Save vocabulary
            </button>
            {draft !== null && draft !== stored && (
              <button
                type="button"
                className="button-quiet"
                onClick={() => {
                  setDraft(null);
                  setProblem(null);
                }}
              >
                Discard changes
              </button>
            )}
          </div>
        </>
      )}
    </Field>
  );
}
