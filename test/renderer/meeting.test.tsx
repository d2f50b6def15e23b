import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { transcriptRows, rowAt } from '../../renderer/src/archive/turns';
import type { NewMeeting } from './fake-archive';
import { renderApp, resetApp } from './render-app';

/**
 * jsdom does no layout: give the transcript box a 600 px viewport and each row 40 px, and let
 * scrollTo move scrollTop and fire 'scroll' as a browser would, so the virtualizer has something
 * to compute with.
 */
const saved: [object, string, PropertyDescriptor | undefined][] = [];
function stub(target: object, key: string, descriptor: PropertyDescriptor) {
  saved.push([target, key, Object.getOwnPropertyDescriptor(target, key)]);
  Object.defineProperty(target, key, { configurable: true, ...descriptor });
}
beforeAll(() => {
  const tops = new WeakMap<Element, number>();
  stub(HTMLElement.prototype, 'clientHeight', {
    get(this: HTMLElement) {
      return this.classList.contains('transcript') ? 600 : 0;
    },
  });
  // The content height is what the virtualizer set on the inner box.
  stub(HTMLElement.prototype, 'scrollHeight', {
    get(this: HTMLElement) {
      const inner = this.firstElementChild as HTMLElement | null;
      return this.classList.contains('transcript') && inner ? parseFloat(inner.style.height) || 0 : 0;
    },
  });
  stub(HTMLElement.prototype, 'offsetHeight', {
    get(this: HTMLElement) {
      return this.classList.contains('transcript-row') ? 40 : 0;
    },
  });
  stub(HTMLElement.prototype, 'scrollTop', {
    get(this: HTMLElement) {
      return tops.get(this) ?? 0;
    },
    set(this: HTMLElement, value: number) {
      tops.set(this, value);
    },
  });
  stub(HTMLElement.prototype, 'scrollTo', {
    value(this: HTMLElement, options: ScrollToOptions) {
      this.scrollTop = options.top ?? 0;
      this.dispatchEvent(new Event('scroll'));
    },
  });
});
afterAll(() => {
  for (const [target, key, descriptor] of saved.reverse()) {
    if (descriptor) Object.defineProperty(target, key, descriptor);
    else delete (target as Record<string, unknown>)[key];
  }
});
afterEach(resetApp);

const STANDUP: NewMeeting = {
  title: 'Stand-up',
  speakers: ['SPEAKER_00', 'SPEAKER_01'],
  segments: [
    { speaker: 0, startMs: 0, text: 'Good morning all', confidences: [0.99, 0.5, 0.95] },
    { speaker: 0, startMs: 2000, text: 'let us start' },
    { speaker: 1, startMs: 4000, text: 'I shipped the importer', emotion: 'happy' },
    { speaker: 1, startMs: 6000, text: 'no blockers', emotion: 'neutral' },
    { speaker: 0, startMs: 8000, text: 'thanks' },
  ],
};

async function openMeeting(meeting: NewMeeting, hashSuffix = '') {
  const app = renderApp();
  const detail = app.backend.archive.add(meeting);
  act(() => {
    window.location.hash = `#/meeting/${detail.meeting.id}${hashSuffix}`;
  });
  await screen.findByRole('heading', { level: 1, name: meeting.title });
  return { ...app, detail };
}

const turnSpeakers = () => screen.queryAllByTestId('turn-speaker').map((el) => el.textContent);

describe('transcript rows', () => {
  it('starts a new turn only when the speaker changes', () => {
    const segments = STANDUP.segments.map((s, i) => ({
      speakerId: s.speaker,
      channel: 'mic',
      startMs: s.startMs,
      endMs: s.startMs + 1500,
      id: i,
    }));
    const rows = transcriptRows(segments as never);
    expect(rows.map((r) => [r.turnStart, r.turn])).toEqual([
      [true, 0],
      [false, 0],
      [true, 1],
      [false, 1],
      [true, 2],
    ]);
    // A moment inside a segment, in a pause after one, and before the first.
    expect(rowAt(rows, 4200)).toBe(2);
    expect(rowAt(rows, 5800)).toBe(2);
    expect(rowAt(rows, 0)).toBe(0);
  });
});

describe('the meeting view', () => {
  it('shows the transcript by speaker turns with timestamps and non-neutral emotion badges', async () => {
    await openMeeting(STANDUP);
    await waitFor(() => expect(screen.getAllByTestId('segment')).toHaveLength(5));
    expect(turnSpeakers()).toEqual(['SPEAKER_00', 'SPEAKER_01', 'SPEAKER_00']);
    const turns = screen.getAllByTestId('segment').filter((el) => el.classList.contains('turn-start'));
    expect(turns.map((el) => el.querySelector('.turn-head .timestamp')?.textContent)).toEqual([
      '[00:00:00]',
      '[00:00:04]',
      '[00:00:08]',
    ]);
    expect(screen.getAllByText('happy')).toHaveLength(1);
    expect(screen.queryByText('neutral')).toBeNull();
  });

  it('underlines words under the confidence threshold and names their confidence', async () => {
    await openMeeting(STANDUP);
    const low = await waitFor(() => {
      const found = document.querySelectorAll('.word-low');
      expect(found).toHaveLength(1);
      return found[0]!;
    });
    expect(low.textContent).toBe('morning');
    expect(low.getAttribute('title')).toBe('Confidence 50%');
    expect(screen.getAllByTestId('segment')[0]!.textContent).toContain('Good morning all');
  });

  it('renames a speaker everywhere in the transcript', async () => {
    const { backend } = await openMeeting(STANDUP);
    fireEvent.click(await screen.findByRole('button', { name: 'Rename SPEAKER_00' }));
    const input = screen.getByLabelText('New name for SPEAKER_00');
    fireEvent.change(input, { target: { value: 'Ana' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(turnSpeakers()).toEqual(['Ana', 'SPEAKER_01', 'Ana']));
    expect(backend.archive.get(1)?.speakers[0]?.displayName).toBe('Ana');
    expect(screen.getByRole('button', { name: 'Rename Ana' })).toBeTruthy();
  });

  it('edits the title: Enter saves, Escape cancels', async () => {
    const { backend, detail } = await openMeeting(STANDUP);
    fireEvent.click(screen.getByRole('button', { name: 'Edit title' }));
    let input = screen.getByLabelText('Meeting title');
    fireEvent.change(input, { target: { value: 'Never saved' } });
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Stand-up');
    fireEvent.click(screen.getByRole('button', { name: 'Edit title' }));
    input = screen.getByLabelText('Meeting title');
    fireEvent.change(input, { target: { value: 'Daily stand-up' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await screen.findByRole('heading', { level: 1, name: 'Daily stand-up' });
    expect(backend.archive.get(detail.meeting.id)?.meeting.title).toBe('Daily stand-up');
  });

  it('adds and deletes notes', async () => {
    const { backend, detail } = await openMeeting(STANDUP);
    fireEvent.change(screen.getByLabelText('Add a note'), { target: { value: 'Follow up on blockers' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add note' }));
    await screen.findByText('Follow up on blockers');
    expect(backend.archive.get(detail.meeting.id)?.notes).toMatchObject([{ atMs: null, kind: 'note' }]);
    fireEvent.click(screen.getByRole('button', { name: /^Delete note/ }));
    await waitFor(() => expect(screen.queryByText('Follow up on blockers')).toBeNull());
    expect(backend.archive.get(detail.meeting.id)?.notes).toEqual([]);
  });

  it('deletes the meeting only after confirmation, then returns to the archive', async () => {
    const { backend, detail } = await openMeeting(STANDUP);
    fireEvent.click(screen.getByRole('button', { name: 'Delete meeting…' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete this meeting?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(backend.archive.get(detail.meeting.id)).toBeDefined();
    fireEvent.click(screen.getByRole('button', { name: 'Delete meeting…' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete meeting' }));
    await screen.findByRole('heading', { level: 1, name: 'Archive' });
    expect(backend.archive.get(detail.meeting.id)).toBeUndefined();
  });

  it('exports in the chosen format with the Markdown options and downloads the file', async () => {
    const { backend, detail } = await openMeeting(STANDUP);
    const createObjectURL = vi.fn(() => 'blob:fake');
    const revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL }));
    try {
      fireEvent.click(screen.getByRole('button', { name: 'Export…' }));
      const dialog = screen.getByRole('dialog', { name: 'Export meeting' });
      fireEvent.click(within(dialog).getByLabelText('Emotion tags'));
      fireEvent.click(within(dialog).getByLabelText('Mark low-confidence words'));
      fireEvent.click(within(dialog).getByRole('button', { name: 'Export' }));
      await within(dialog).findByText('Saved Stand-up.md');
      expect(backend.archive.exports).toEqual([
        {
          meetingId: detail.meeting.id,
          format: 'markdown',
          options: expect.objectContaining({ emotions: false, lowConfidenceThreshold: 0 }),
        },
      ]);
      expect(click).toHaveBeenCalledTimes(1);
      const anchor = click.mock.contexts[0] as HTMLAnchorElement;
      expect(anchor.download).toBe('Stand-up.md');
      expect(anchor.getAttribute('href')).toBe('blob:fake');
      const blob = (createObjectURL.mock.calls[0] as unknown as [Blob])[0];
      expect(await blob.text()).toBe('# Stand-up\n');
    } finally {
      click.mockRestore();
      vi.unstubAllGlobals();
    }
  });

  it('keeps a 10,000-segment transcript virtualized and opens it at the requested moment', async () => {
    const segments = Array.from({ length: 10_000 }, (_, i) => ({
      speaker: Math.floor(i / 3) % 2,
      startMs: i * 2000,
      endMs: i * 2000 + 1800,
      text: `segment number ${i}`,
    }));
    await openMeeting({ title: 'Marathon', speakers: ['A', 'B'], segments }, `?t=${7000 * 2000 + 500}`);
    const target = await waitFor(() => {
      const found = document.querySelector('.segment-target');
      expect(found).not.toBeNull();
      return found!;
    });
    expect(target.textContent).toContain('segment number 7000');
    expect(target.getAttribute('aria-current')).toBe('true');
    const rendered = screen.getAllByTestId('segment').length;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(100);
    expect(screen.queryByText('segment number 0')).toBeNull();
  });
});
