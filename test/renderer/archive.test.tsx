import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { HIGHLIGHT_END as E, HIGHLIGHT_START as S, type SearchHit, type SearchResult } from '../../main/api';
import { groupHitsByMeeting } from '../../renderer/src/archive/group';
import { Snippet, splitSnippet } from '../../renderer/src/archive/snippet';
import { renderApp, resetApp } from './render-app';

afterEach(resetApp);

function hit(id: number, meetingId: number, snippet = 'x'): SearchHit {
  return {
    kind: 'segment',
    id,
    meetingId,
    meetingTitle: `Meeting ${meetingId}`,
    meetingStartedAt: meetingId * 1000,
    startMs: id * 1000,
    endMs: id * 1000 + 500,
    speakerId: null,
    speakerName: 'Ana',
    emotion: null,
    snippet,
    rank: -1,
  };
}

const ok = (hits: SearchHit[]): SearchResult => ({
  ok: true,
  hits,
  notes: [],
  hasMore: false,
  order: 'rank',
  ignored: [],
});

function searchBox(): HTMLInputElement {
  return screen.getByLabelText('Search transcripts and notes');
}

describe('snippets', () => {
  it('splits on the highlight marks and drops unbalanced marks', () => {
    expect(splitSnippet(`the ${S}budget${E} is ${S}late${E}.`)).toEqual([
      { text: 'the ', marked: false },
      { text: 'budget', marked: true },
      { text: ' is ', marked: false },
      { text: 'late', marked: true },
      { text: '.', marked: false },
    ]);
    expect(splitSnippet(`a${E}b${S}c`)).toEqual([
      { text: 'ab', marked: false },
      { text: 'c', marked: true },
    ]);
  });

  it('renders markup inside a snippet as text, never as HTML', () => {
    const { container } = render(<Snippet text={`say ${S}<img src=x onerror=alert(1)>${E} <b>hi</b>`} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(container.querySelector('mark')?.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(container.textContent).toBe('say <img src=x onerror=alert(1)> <b>hi</b>');
  });
});

describe('grouping hits', () => {
  it('groups by meeting in the order of each meeting’s best hit, keeping hit order inside', () => {
    const groups = groupHitsByMeeting([hit(1, 7), hit(2, 3), hit(3, 7), hit(4, 3), hit(5, 9)]);
    expect(groups.map((g) => [g.meetingId, g.hits.map((h) => h.id)])).toEqual([
      [7, [1, 3]],
      [3, [2, 4]],
      [9, [5]],
    ]);
    expect(groups[0]?.title).toBe('Meeting 7');
  });
});

describe('the archive page', () => {
  it('lists meetings newest first with their facts and an Interrupted badge', async () => {
    const { backend } = renderApp({ hash: '#/archive' });
    backend.archive.add({
      title: 'Older',
      startedAt: Date.UTC(2025, 0, 1),
      speakers: ['A'],
      segments: [{ speaker: 0, startMs: 0, endMs: 65_000, text: 'hello' }],
    });
    backend.archive.add({
      title: 'Newer',
      startedAt: Date.UTC(2026, 0, 1),
      status: 'interrupted',
      speakers: ['A', 'B'],
      segments: [
        { speaker: 0, startMs: 0, text: 'a' },
        { speaker: 1, startMs: 2000, text: 'b' },
      ],
    });
    // Nothing was announced: the list is read on mount.
    fireEvent.click(screen.getByRole('link', { name: 'Live' }));
    fireEvent.click(await screen.findByRole('link', { name: 'Archive' }));
    const items = await waitFor(() => {
      const found = document.querySelectorAll('.meeting-item');
      expect(found.length).toBe(2);
      return [...found];
    });
    expect(items.map((item) => item.querySelector('.meeting-link')?.textContent)).toEqual(['Newer', 'Older']);
    expect(items[0]!.textContent).toContain('Interrupted');
    expect(items[0]!.textContent).toContain('2 speakers');
    expect(items[0]!.textContent).toContain('2 segments');
    expect(items[1]!.textContent).toContain('1 min 05 s');
    expect(items[1]!.textContent).not.toContain('Interrupted');
    expect(items[0]!.querySelector('a')?.getAttribute('href')).toMatch(/^#\/meeting\/\d+$/);
  });

  it('searches as you type and shows highlighted hits grouped by meeting, linking to the moment', async () => {
    const { backend } = renderApp({ hash: '#/archive' });
    const first = backend.archive.add({
      title: 'Budget review',
      speakers: ['Ana'],
      segments: [
        { speaker: 0, startMs: 0, text: 'Welcome everyone' },
        { speaker: 0, startMs: 3_723_000, text: 'The budget is late' },
      ],
    });
    fireEvent.change(searchBox(), { target: { value: 'budget' } });
    const marks = await screen.findAllByText('budget', { selector: 'mark' });
    expect(marks).toHaveLength(1);
    const link = marks[0]!.closest('a')!;
    expect(link.getAttribute('href')).toBe(`#/meeting/${first.meeting.id}?t=3723000`);
    expect(link.textContent).toContain('[01:02:03]');
    expect(link.textContent).toContain('Ana');
    expect(screen.getByRole('heading', { level: 3 }).textContent).toContain('Budget review');
    // One request for the whole word, not one per keystroke state seen by the debounce.
    expect(backend.archive.searches.map((p) => p.query)).toEqual(['budget']);
  });

  it('shows the parser’s message for a query it cannot use', async () => {
    renderApp({ hash: '#/archive' });
    fireEvent.change(searchBox(), { target: { value: '"unclosed' } });
    expect(await screen.findByText(/Close the quote/)).toBeTruthy();
  });

  it('never lets a slow reply to an older query overwrite the results of a newer one', async () => {
    const { backend } = renderApp({ hash: '#/archive' });
    let releaseSlow: () => void = () => {};
    backend.archive.onSearch((params) => {
      if (params.query === 'slow') {
        return new Promise((resolve) => {
          releaseSlow = () => resolve(ok([hit(1, 1, `${S}SLOW${E}`)]));
        });
      }
      return ok([hit(2, 2, `${S}FAST${E}`)]);
    });
    fireEvent.change(searchBox(), { target: { value: 'slow' } });
    await waitFor(() => expect(backend.archive.searches).toHaveLength(1));
    fireEvent.change(searchBox(), { target: { value: 'fast' } });
    await screen.findByText('FAST', { selector: 'mark' });
    releaseSlow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByText('SLOW')).toBeNull();
    expect(screen.getByText('FAST', { selector: 'mark' })).toBeTruthy();
  });

  it('maps the filters to search parameters and shows ignored parts', async () => {
    const { backend } = renderApp({ hash: '#/archive' });
    backend.archive.onSearch(() => ({ ...ok([]), ignored: ['NEAR'] }));
    fireEvent.click(screen.getByLabelText('Only low-confidence'));
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-03-02' } });
    await waitFor(() => expect(backend.archive.searches.at(-1)?.from).toBeDefined());
    const params = backend.archive.searches.at(-1)!;
    expect(params.lowConfidence).toBe(true);
    expect(params.query).toBeUndefined();
    expect(params.from).toBe(new Date(2026, 2, 2).getTime());
    expect(await screen.findByText('Ignored: NEAR')).toBeTruthy();
  });

  it('imports each picked file and lists what happened to each', async () => {
    const { backend } = renderApp({ hash: '#/archive' });
    const input = document.querySelector<HTMLInputElement>('input[type=file]')!;
    expect(input.multiple).toBe(true);
    expect(input.accept).toBe('.vtt,.srt,.json');
    const good = new File(['WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello there\n'], 'standup.vtt');
    const bad = new File(['1\nnot a subtitle'], 'broken.srt');
    fireEvent.change(input, { target: { files: [good, bad] } });
    const results = await screen.findByRole('list', { name: 'Import results' });
    await waitFor(() => expect(within(results).getAllByRole('listitem')).toHaveLength(2));
    const [first, second] = within(results).getAllByRole('listitem');
    const link = within(first!).getByRole('link', { name: 'standup' });
    expect(link.getAttribute('href')).toMatch(/^#\/meeting\/\d+$/);
    expect(first!.textContent).toContain('1 segment');
    expect(second!.textContent).toBe('broken.srt: Missing the WEBVTT header. (line 1)');
    expect(backend.archive.get(Number(link.getAttribute('href')!.split('/').pop()))?.meeting.title).toBe(
      'standup',
    );
    // The new meeting shows up in the list (archive.changed).
    await waitFor(() => expect(document.querySelectorAll('.meeting-item')).toHaveLength(1));
  });
});
