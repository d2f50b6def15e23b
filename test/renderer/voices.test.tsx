import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResultOf, Voiceprint } from '../../main/api';
import { binKind } from '../../renderer/src/voices/EmotionTimeline';
import type { FakeBackend } from './fake-backend';
import type { NewMeeting } from './fake-archive';
import { fakeVoicesOf } from './fake-voices';
import { openSettings, renderApp, resetApp } from './render-app';
import { readRepoFile } from './repo-file';

afterEach(resetApp);

const print = (id: number, name: string, speakerCount = 1): Voiceprint => ({
  id,
  name,
  modelId: 'campplus-192',
  createdAt: 1,
  speakerCount,
});

describe('remembered voices in Settings', () => {
  it('binds the opt-in to settings.voiceprintsEnabled', async () => {
    const { backend } = renderApp({ settings: { voiceprintsEnabled: false } });
    await openSettings();
    const toggle = (await screen.findByLabelText('Remember voices')) as HTMLInputElement;
    expect(toggle.checked).toBe(false);
    fireEvent.click(toggle);
    await waitFor(() => expect(backend.stored.voiceprintsEnabled).toBe(true));
    await waitFor(() => expect(toggle.checked).toBe(true));
    expect(backend.setCalls()).toContainEqual({ voiceprintsEnabled: true });
  });

  it('lists, renames and forgets voiceprints, asking before forgetting', async () => {
    const { backend } = renderApp({ settings: { voiceprintsEnabled: true } });
    const voices = fakeVoicesOf(backend.archive);
    voices.voiceprints.push(print(1, 'Ana', 2), print(2, 'Bob'));
    await openSettings();
    const list = await screen.findByRole('list', { name: 'Saved voiceprints' });
    expect(within(list).getByText('Ana')).toBeTruthy();
    expect(within(list).getByText(/2 speakers/)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Rename the voice of Bob' }));
    const input = screen.getByLabelText('New name for the voice of Bob');
    fireEvent.change(input, { target: { value: 'Roberto' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(within(list).getByText('Roberto')).toBeTruthy());
    // Focus goes back to the Rename button of that row.
    await waitFor(() =>
      expect(document.activeElement).toBe(
        screen.getByRole('button', { name: 'Rename the voice of Roberto' }),
      ),
    );

    fireEvent.click(screen.getByRole('button', { name: 'Forget the voice of Ana' }));
    const dialog = await screen.findByRole('dialog', { name: "Forget Ana's voice?" });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(voices.voiceprints.map((p) => p.name)).toEqual(['Ana', 'Roberto']);
    expect(voices.calls.some((c) => c.method === 'voiceprints.forget')).toBe(false);

    fireEvent.click(screen.getByRole('button', { name: 'Forget the voice of Ana' }));
    const again = await screen.findByRole('dialog', { name: "Forget Ana's voice?" });
    fireEvent.click(within(again).getByRole('button', { name: 'Forget voice' }));
    await waitFor(() => expect(within(list).queryByText('Ana')).toBeNull());
    expect(voices.voiceprints.map((p) => p.name)).toEqual(['Roberto']);
  });

  it('says when there is nothing saved', async () => {
    renderApp();
    await openSettings();
    expect(await screen.findByText('No voices saved.')).toBeTruthy();
  });
});

const CALL: NewMeeting = {
  title: 'Customer call',
  speakers: ['S1', 'S2', 'S3'],
  segments: [
    { speaker: 0, startMs: 0, text: 'Hello there' },
    { speaker: 1, startMs: 3000, text: 'Good to see you' },
    { speaker: 2, startMs: 6000, text: 'Shall we start' },
    { speaker: 0, startMs: 70_000, text: 'Great news' },
  ],
};

async function openCall(
  settings: { voiceprintsEnabled: boolean },
  setup?: (backend: FakeBackend, id: number) => void,
) {
  const app = renderApp({ settings });
  const detail = app.backend.archive.add(CALL);
  const [s1, s2, s3] = detail.speakers;
  setup?.(app.backend, detail.meeting.id);
  act(() => {
    window.location.hash = `#/meeting/${detail.meeting.id}`;
  });
  await screen.findByRole('heading', { level: 1, name: CALL.title });
  return { ...app, detail, s1: s1!, s2: s2!, s3: s3!, voices: fakeVoicesOf(app.backend.archive) };
}

describe('speaker tools in the meeting view', () => {
  it('offers a suggested name to accept, never applying it on its own', async () => {
    const { voices, s1, s2 } = await openCall({ voiceprintsEnabled: true }, (backend, meetingId) => {
      const v = fakeVoicesOf(backend.archive);
      v.voiceprints.push(print(7, 'Ana'), print(8, 'Bob'));
      v.setSuggestions(meetingId, {
        suggestions: [
          {
            speakerId: backend.archive.get(meetingId)!.speakers[0]!.id,
            voiceprintId: 7,
            name: 'Ana',
            similarity: 0.68,
            tier: 'likely',
          },
          {
            speakerId: backend.archive.get(meetingId)!.speakers[1]!.id,
            voiceprintId: 8,
            name: 'Bob',
            similarity: 0.5,
            tier: 'unsure',
          },
        ],
        savable: [],
      });
    });
    const tools = screen.getByRole('region', { name: 'Voices' });
    expect(await within(tools).findByText('Maybe Ana (likely)')).toBeTruthy();
    expect(within(tools).getByText('Maybe Bob (unsure)')).toBeTruthy();
    // Shown, not applied.
    expect(screen.getByRole('button', { name: 'Rename S1' })).toBeTruthy();

    const accept = within(tools).getByRole('button', { name: 'Accept the name Ana for S1' });
    accept.focus();
    expect(document.activeElement).toBe(accept);
    fireEvent.click(accept);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Rename Ana' })).toBeTruthy());
    expect(voices.calls).toContainEqual({
      method: 'speakers.acceptSuggestion',
      params: { speakerId: s1.id, voiceprintId: 7 },
    });
    await waitFor(() => expect(within(tools).queryByText('Maybe Ana (likely)')).toBeNull());
    expect(within(tools).getByText('Voice remembered')).toBeTruthy();

    fireEvent.click(within(tools).getByRole('button', { name: 'Dismiss the suggestion Bob for S2' }));
    expect(within(tools).queryByText('Maybe Bob (unsure)')).toBeNull();
    expect(
      voices.calls.some(
        (c) =>
          c.method === 'speakers.acceptSuggestion' && (c.params as { speakerId: number }).speakerId === s2.id,
      ),
    ).toBe(false);
  });

  it('saves a voice under a name when remembering is on', async () => {
    const { voices, s2 } = await openCall({ voiceprintsEnabled: true }, (backend, meetingId) =>
      fakeVoicesOf(backend.archive).setSuggestions(meetingId, {
        suggestions: [],
        savable: backend.archive
          .get(meetingId)!
          .speakers.slice(0, 2)
          .map((s) => s.id),
      }),
    );
    const tools = screen.getByRole('region', { name: 'Voices' });
    const save = await within(tools).findByRole('button', { name: 'Save the voice of S2' });
    // S3 has no voice sample: nothing to save.
    expect(within(tools).queryByRole('button', { name: 'Save the voice of S3' })).toBeNull();
    fireEvent.click(save);
    const name = within(tools).getByLabelText('Remember as');
    fireEvent.keyDown(name, { key: 'Escape' });
    expect(within(tools).queryByLabelText('Remember as')).toBeNull();

    fireEvent.click(within(tools).getByRole('button', { name: 'Save the voice of S2' }));
    fireEvent.change(within(tools).getByLabelText('Remember as'), { target: { value: 'Carla' } });
    fireEvent.click(within(tools).getByRole('button', { name: 'Save voice' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Rename Carla' })).toBeTruthy());
    expect(voices.calls).toContainEqual({
      method: 'voiceprints.save',
      params: { speakerId: s2.id, name: 'Carla' },
    });
    expect(voices.voiceprints.map((p) => p.name)).toEqual(['Carla']);
  });

  it('points to Settings instead of offering to save while remembering is off', async () => {
    await openCall({ voiceprintsEnabled: false }, (backend, meetingId) =>
      fakeVoicesOf(backend.archive).setSuggestions(meetingId, {
        suggestions: [],
        savable: [backend.archive.get(meetingId)!.speakers[0]!.id],
      }),
    );
    const tools = screen.getByRole('region', { name: 'Voices' });
    expect(await within(tools).findByText(/turn on Remember voices/)).toBeTruthy();
    expect(within(tools).getByRole('link', { name: 'Settings' }).getAttribute('href')).toBe('#/settings');
    expect(within(tools).queryByRole('button', { name: /Save the voice/ })).toBeNull();
  });

  it('merges one speaker into another', async () => {
    const { voices, s1, s3, detail } = await openCall({ voiceprintsEnabled: false });
    const tools = screen.getByRole('region', { name: 'Voices' });
    const merge = within(tools).getByLabelText('Merge S3 into') as HTMLSelectElement;
    const button = within(merge.closest('form')!).getByRole('button', { name: 'Merge' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.change(merge, { target: { value: String(s1.id) } });
    fireEvent.click(button);
    await waitFor(() => expect(within(tools).queryByLabelText('Merge S3 into')).toBeNull());
    expect(voices.calls).toContainEqual({
      method: 'speakers.merge',
      params: { fromSpeakerId: s3.id, intoSpeakerId: s1.id },
    });
    expect(detail.segments.every((s) => s.speakerId !== s3.id)).toBe(true);
    expect(screen.queryByRole('button', { name: 'Rename S3' })).toBeNull();
  });
});

describe('splitting a speaker', () => {
  it('moves the chosen turns to a new speaker, from a dialog', async () => {
    const { voices, s1, detail } = await openCall({ voiceprintsEnabled: false });
    const tools = screen.getByRole('region', { name: 'Voices' });
    // S2 and S3 have one turn each: nothing to split.
    expect(within(tools).queryByRole('button', { name: /^Split S2/ })).toBeNull();
    fireEvent.click(
      within(tools).getByRole('button', { name: 'Split S1: move some turns to a new speaker' }),
    );
    const dialog = await screen.findByRole('dialog', { name: 'Split S1' });
    const move = within(dialog).getByRole('button', { name: 'Move to a new speaker' }) as HTMLButtonElement;
    expect(move.disabled).toBe(true);
    const boxes = within(dialog).getAllByRole('checkbox') as HTMLInputElement[];
    expect(boxes).toHaveLength(2);
    fireEvent.click(within(dialog).getByLabelText(/Great news/));
    expect(move.disabled).toBe(false);
    fireEvent.click(move);
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Split S1' })).toBeNull());
    const moved = detail.segments.find((s) => s.text === 'Great news')!;
    expect(voices.calls).toContainEqual({ method: 'speakers.split', params: { segmentIds: [moved.id] } });
    expect(moved.speakerId).not.toBe(s1.id);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Rename S4' })).toBeTruthy());
  });
});

const bin = (
  startMs: number,
  speechMs: number,
  notable: ResultOf<'meetings.emotions'>['speakers'][number]['bins'][number]['notable'],
  coverage = 0.8,
) => ({
  startMs,
  endMs: startMs + 60_000,
  speechMs,
  coverage,
  signals: notable ? [{ label: notable, share: 0.7, segments: 3, meanScore: 0.8 }] : [],
  notable,
});

describe('emotion timeline', () => {
  it('shows one row of labelled, coloured bins per speaker with a legend, without inline styles', async () => {
    const { s1, s2 } = await openCall({ voiceprintsEnabled: false }, (backend, meetingId) => {
      const [a, b] = backend.archive.get(meetingId)!.speakers;
      fakeVoicesOf(backend.archive).setEmotions(meetingId, {
        binMs: 60_000,
        speakers: [
          {
            speakerId: a!.id,
            speechMs: 9000,
            overall: bin(0, 9000, 'happy'),
            bins: [bin(0, 6000, 'happy'), bin(60_000, 3000, null)],
          },
          {
            speakerId: b!.id,
            speechMs: 2000,
            overall: bin(0, 2000, null, 0.5),
            bins: [bin(0, 2000, null, 0.5), bin(60_000, 0, null, 0)],
          },
          // Speech but no confident tag at all: no row.
          { speakerId: null, speechMs: 1000, overall: bin(0, 1000, null, 0), bins: [bin(0, 1000, null, 0)] },
        ],
      });
    });
    const region = screen.getByRole('region', { name: 'Tone of voice' });
    const rowA = await within(region).findByRole('list', { name: `Tone of voice of ${s1.label} over time` });
    const binsA = within(rowA).getAllByRole('listitem');
    expect(binsA.map((li) => li.className)).toEqual([
      'emotion-bin emotion-happy',
      'emotion-bin emotion-calm',
    ]);
    expect(binsA[0]!.textContent).toContain('happy');
    expect(binsA[1]!.textContent).toContain('neutral/unknown');
    expect(binsA[0]!.getAttribute('title')).toMatch(
      /^0:00–1:00: happy \(80% of speech tagged, happy in 3 segments\)$/,
    );
    const rowB = within(region).getByRole('list', { name: `Tone of voice of ${s2.label} over time` });
    expect(
      within(rowB)
        .getAllByRole('listitem')
        .map((li) => li.className),
    ).toEqual(['emotion-bin emotion-calm', 'emotion-bin emotion-silent']);
    expect(within(region).getAllByRole('list', { name: /Tone of voice of/ })).toHaveLength(2);
    const legend = within(region).getByRole('list', { name: 'Legend' });
    expect(within(legend).getByText('neutral/unknown')).toBeTruthy();
    expect(within(legend).getByText('happy')).toBeTruthy();
    expect(region.querySelectorAll('[style]')).toHaveLength(0);
    expect(screen.getByRole('region', { name: 'Voices' }).querySelectorAll('[style]')).toHaveLength(0);
  });

  it('says so when a meeting has no signals', async () => {
    await openCall({ voiceprintsEnabled: false });
    const region = screen.getByRole('region', { name: 'Tone of voice' });
    expect(await within(region).findByText('No tone-of-voice signals in this meeting.')).toBeTruthy();
  });

  it('colours only notable, non-neutral bins', () => {
    expect(binKind(bin(0, 0, null))).toBe('silent');
    expect(binKind(bin(0, 5000, 'neutral'))).toBe('calm');
    expect(binKind(bin(0, 5000, 'unknown'))).toBe('calm');
    expect(binKind(bin(0, 5000, 'angry'))).toBe('angry');
  });
});

describe('voices.css', () => {
  const css = readRepoFile('renderer/src/voices/voices.css');
  const styles = readRepoFile('renderer/src/styles.css');
  const pair = (source: string, name: string) => {
    const m = new RegExp(`${name}:\\s*light-dark\\((#[0-9a-f]{6}),\\s*(#[0-9a-f]{6})\\)`, 'i').exec(source);
    if (!m) throw new Error(`${name} not found`);
    return [m[1]!, m[2]!] as const;
  };
  const lum = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a: string, b: string) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
    return (hi + 0.05) / (lo + 0.05);
  };

  it('keeps bin labels readable (AA) on every emotion colour in both themes', () => {
    const text = pair(styles, '--text');
    const names = [...css.matchAll(/(--emotion-[a-z]+):/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThanOrEqual(7);
    for (const name of names) {
      const [light, dark] = pair(css, name);
      expect(ratio(text[0], light), `${name} light`).toBeGreaterThanOrEqual(4.5);
      expect(ratio(text[1], dark), `${name} dark`).toBeGreaterThanOrEqual(4.5);
    }
  });
});
