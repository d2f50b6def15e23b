import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FakeBackend } from './fake-backend';
import { renderApp, resetApp } from './render-app';

afterEach(() => {
  resetApp();
  vi.restoreAllMocks();
});

/** Three flagged words in two meetings: "cuba" (0.3), "budged" (0.5), "Fridey" (0.7). */
function seed(backend: FakeBackend) {
  const planning = backend.archive.add({
    title: 'Planning',
    speakers: ['Ana'],
    segments: [
      {
        speaker: 0,
        startMs: 1000,
        text: 'we deploy to cuba today',
        confidences: [0.99, 0.99, 0.99, 0.3, 0.99],
      },
      { speaker: 0, startMs: 4000, text: 'the budged is fine', confidences: [0.99, 0.5, 0.99, 0.99] },
    ],
  });
  const retro = backend.archive.add({
    title: 'Retro',
    speakers: ['Bo'],
    segments: [{ speaker: 0, startMs: 2000, text: 'ship it Fridey', confidences: [0.99, 0.99, 0.7] }],
  });
  return { planning: planning.meeting.id, retro: retro.meeting.id };
}

async function openReview(hash = '#/review') {
  const { backend } = renderApp({ hash: '#/archive' });
  const ids = seed(backend);
  act(() => {
    window.location.hash = hash;
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
  const list = await screen.findByRole('listbox', { name: /spans to review/i });
  return { backend, ids, list };
}

const focusedText = (list: HTMLElement) => {
  const id = list.getAttribute('aria-activedescendant');
  const option = within(list)
    .getAllByRole('option')
    .find((o) => o.id === id);
  return option?.querySelector('.review-option-text')?.textContent ?? null;
};
const status = () => screen.getByRole('status');
const press = (target: HTMLElement, key: string, init: KeyboardEventInit = {}) =>
  act(() => {
    fireEvent.keyDown(target, { key, ...init });
  });

async function searchHits(backend: FakeBackend, query: string): Promise<number[]> {
  const result = await backend.api.invoke('search.query', { query });
  return result.ok && result.value.ok ? result.value.hits.map((h) => h.id) : [];
}

describe('review page', () => {
  it('walks three flagged words by keyboard, accepts, edits (search follows) and undoes', async () => {
    const { backend, ids, list } = await openReview();
    expect(
      within(list)
        .getAllByRole('option')
        .map((o) => o.querySelector('.review-option-text')?.textContent),
    ).toEqual(['cuba', 'budged', 'Fridey']);
    expect(screen.getByText(/0 reviewed · 3 to review/)).toBeTruthy();
    expect(screen.getByText(/J or ↓ next/)).toBeTruthy();
    list.focus();
    expect(focusedText(list)).toBe('cuba');
    press(list, 'j');
    expect(focusedText(list)).toBe('budged');
    press(list, 'ArrowDown');
    expect(focusedText(list)).toBe('Fridey');
    press(list, 'ArrowDown'); // stays on the last
    expect(focusedText(list)).toBe('Fridey');
    press(list, 'k');
    expect(focusedText(list)).toBe('budged');
    // The focused span is shown with its context, reasons and confidence.
    const detail = screen.getByRole('region', { name: 'Focused span' });
    expect(detail.textContent).toContain('the budged is fine');
    expect(detail.textContent).toContain('Low confidence');
    expect(detail.textContent).toContain('budged 50%');

    press(list, 'Enter');
    await waitFor(() => expect(status().textContent).toBe('Accepted “budged”.'));
    await waitFor(() => expect(within(list).getAllByRole('option')).toHaveLength(2));
    // The next span took the accepted one's place.
    expect(focusedText(list)).toBe('Fridey');
    expect(screen.getByText(/1 reviewed · 2 to review/)).toBeTruthy();
    expect(backend.archive.get(ids.planning)!.segments[1]!.words[1]!.reviewedAt).not.toBeNull();
    expect(document.activeElement).toBe(list);

    press(list, 'ArrowUp');
    expect(focusedText(list)).toBe('cuba');
    press(list, 'e');
    const input = await screen.findByRole('textbox', { name: /correct “cuba”/i });
    expect(document.activeElement).toBe(input);
    fireEvent.change(input, { target: { value: 'Kuba' } });
    press(input, 'Enter');
    await waitFor(() => expect(status().textContent).toBe('Changed “cuba” to “Kuba”.'));
    expect(backend.archive.get(ids.planning)!.segments[0]!.text).toBe('we deploy to Kuba today');
    const segmentId = backend.archive.get(ids.planning)!.segments[0]!.id;
    expect(await searchHits(backend, 'kuba')).toEqual([segmentId]);
    expect(await searchHits(backend, 'cuba')).toEqual([]);
    await waitFor(() => expect(within(list).getAllByRole('option')).toHaveLength(1));

    press(list, 'z', { ctrlKey: true });
    await waitFor(() => expect(status().textContent).toBe('Undid the last change.'));
    await waitFor(() => expect(within(list).getAllByRole('option')).toHaveLength(2));
    expect(focusedText(list)).toBe('cuba');
    expect(await searchHits(backend, 'cuba')).toEqual([segmentId]);
  });

  it('cancels an edit with Escape, fixes all occurrences, adds to the vocabulary and plays the span', async () => {
    const { backend, ids, list } = await openReview();
    list.focus();
    press(list, 'F2');
    const input = await screen.findByRole('textbox', { name: /correct “cuba”/i });
    fireEvent.change(input, { target: { value: 'nope' } });
    press(input, 'Escape');
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(status().textContent).toBe('Edit cancelled.');
    expect(document.activeElement).toBe(list);
    expect(backend.archive.get(ids.planning)!.segments[0]!.text).toBe('we deploy to cuba today');

    press(list, 'j');
    press(list, 'a');
    const fix = await screen.findByRole('textbox', { name: /replace every “budged” in this meeting/i });
    fireEvent.change(fix, { target: { value: 'budget' } });
    press(fix, 'Enter');
    await waitFor(() => expect(status().textContent).toBe('Changed 1 occurrence of “budged” to “budget”.'));
    expect(backend.archive.get(ids.planning)!.segments[1]!.text).toBe('the budget is fine');

    await waitFor(() => expect(focusedText(list)).toBe('Fridey'));
    press(list, 'v');
    await waitFor(() => expect(status().textContent).toBe('Added “Fridey” to the vocabulary.'));
    expect(backend.stored.vocabulary).toEqual(['Fridey']);
    press(list, 'z', { ctrlKey: true });
    await waitFor(() => expect(status().textContent).toBe('Removed “Fridey” from the vocabulary again.'));
    expect(backend.stored.vocabulary).toEqual([]);

    // Space plays the meeting's audio around the span (the playback helper's span player).
    const play = vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    vi.spyOn(HTMLMediaElement.prototype, 'pause').mockImplementation(() => undefined);
    press(list, ' ');
    expect(play).toHaveBeenCalledTimes(1);
    const audio = play.mock.contexts[0] as HTMLAudioElement;
    expect(audio.getAttribute('src')).toBe(`media/${ids.retro}/mic`);
    expect(audio.currentTime).toBeCloseTo(1.5, 3); // 2000 ms minus half a second of lead-in
  });

  it('opens on one meeting from #/review?meeting=N and widens to all meetings', async () => {
    const { backend } = renderApp({ hash: '#/archive' });
    const seeded = seed(backend);
    act(() => {
      window.location.hash = `#/review?meeting=${seeded.retro}`;
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    const list = await screen.findByRole('listbox');
    expect(
      within(list)
        .getAllByRole('option')
        .map((o) => o.querySelector('.review-option-text')?.textContent),
    ).toEqual(['Fridey']);
    expect(screen.getByRole('navigation', { name: 'Review scope' }).textContent).toContain(
      'This meeting: Retro',
    );
    act(() => {
      screen.getByRole('link', { name: 'All meetings' }).click();
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    await waitFor(() => expect(within(screen.getByRole('listbox')).getAllByRole('option')).toHaveLength(3));
  });

  it('says so when there is nothing to review, and undo still works from there', async () => {
    const { list } = await openReview('#/review');
    list.focus();
    press(list, 'Enter');
    await waitFor(() => expect(within(list).getAllByRole('option')).toHaveLength(2));
    press(list, 'Enter');
    await waitFor(() => expect(within(list).getAllByRole('option')).toHaveLength(1));
    press(list, 'Enter');
    const empty = await screen.findByText(/Nothing left to review: every flagged word has been checked/);
    await waitFor(() => expect(document.activeElement).toBe(empty));
    press(empty, 'z', { ctrlKey: true });
    await waitFor(() => expect(screen.getByRole('listbox')).toBeTruthy());
    expect(within(screen.getByRole('listbox')).getAllByRole('option')).toHaveLength(1);
  });
});
