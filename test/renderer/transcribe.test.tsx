/**
 * The meeting view's "Transcribe now" against the fake transcribe handlers (real protocol server): it is
 * offered only for a finished meeting with audio and no transcript, shows the job's progress and time
 * left as events come, cancels, picks up a job started elsewhere, and reports failures.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Meeting } from '../../main/api';
import { TranscribeButton } from '../../renderer/src/archive/TranscribeButton';
import { ApiProvider } from '../../renderer/src/backend/context';
import { startFakeBackend, type FakeBackend } from './fake-backend';
import { transcribeFake } from './fake-transcribe';

let backend: FakeBackend | null = null;
afterEach(() => {
  cleanup();
  backend?.close();
  backend = null;
});

function mount(props: { hasAudio?: boolean; hasTranscript?: boolean; status?: Meeting['status'] } = {}) {
  backend = startFakeBackend();
  const fake = transcribeFake();
  const view = render(
    <ApiProvider api={backend.api}>
      <TranscribeButton
        meetingId={7}
        hasAudio={props.hasAudio ?? true}
        hasTranscript={props.hasTranscript ?? false}
        status={props.status ?? 'done'}
      />
    </ApiProvider>,
  );
  return { fake, view };
}

const bar = () => screen.getByRole('progressbar', { name: 'Transcription progress' }) as HTMLProgressElement;

describe('TranscribeButton', () => {
  it('starts a job, shows progress with the time left, and cancels it', async () => {
    const { fake } = mount();
    fireEvent.click(await screen.findByRole('button', { name: 'Transcribe now' }));
    await screen.findByRole('button', { name: 'Cancel transcription' });
    expect(fake.calls).toEqual([['transcribe.start', 7]]);
    expect(screen.getByText(/Transcribing… 0% · estimating time left/)).toBeTruthy();

    act(() => fake.progress(7, 15_000, 90_000));
    await screen.findByText('Transcribing… 25% · about 1 min 30 s left');
    expect(bar().value).toBe(25);
    act(() => fake.progress(7, 30_000, 30_000));
    await screen.findByText(/50%/);

    fireEvent.click(screen.getByRole('button', { name: 'Cancel transcription' }));
    await screen.findByText(/Transcription cancelled; what was transcribed so far is kept/);
    expect(fake.calls.at(-1)).toEqual(['transcribe.cancel', 7]);
    expect(screen.queryByRole('progressbar')).toBeNull();
    // Nothing was transcribed yet: it can be started again.
    expect(screen.getByRole('button', { name: 'Transcribe now' })).toBeTruthy();
  });

  it('says when the job is done, and when it failed', async () => {
    const { fake } = mount();
    fireEvent.click(await screen.findByRole('button', { name: 'Transcribe now' }));
    await screen.findByRole('progressbar');
    act(() => fake.finish(7, 'done'));
    await screen.findByText('Transcription finished.');
    expect(screen.queryByRole('button')).toBeNull();

    // A second job of the same meeting fails.
    act(() => {
      fake.jobs.set(7, { meetingId: 7, state: 'running', processedMs: 0, totalMs: 60_000, etaMs: null });
      fake.finish(7, 'failed', 'No speech recognition model is installed.');
    });
    expect((await screen.findByRole('alert')).textContent).toBe('No speech recognition model is installed.');
    expect(screen.getByRole('button', { name: 'Transcribe now' })).toBeTruthy();
  });

  it('shows a job started elsewhere (queued) when it mounts, then its progress', async () => {
    backend = startFakeBackend();
    transcribeFake().queue(7);
    render(
      <ApiProvider api={backend.api}>
        <TranscribeButton meetingId={7} hasAudio hasTranscript status="done" />
      </ApiProvider>,
    );
    await screen.findByText('Waiting for another transcription to finish…');
    expect(screen.getByRole('button', { name: 'Cancel transcription' })).toBeTruthy();
    act(() => transcribeFake().progress(7, 6000, 54_000));
    await waitFor(() => expect(bar().value).toBe(10));
  });

  it('is not offered without audio, with a transcript, or while the meeting is recording', async () => {
    for (const props of [{ hasAudio: false }, { hasTranscript: true }, { status: 'recording' as const }]) {
      const { view } = mount(props);
      // Let the status query answer.
      await act(async () => {
        await backend!.api.invoke('transcribe.status', {});
      });
      expect(view.container.textContent).toBe('');
      cleanup();
      backend!.close();
      backend = null;
    }
  });

  it('offers to continue a meeting that was cut short (interrupted) even with a transcript', async () => {
    const { fake } = mount({ hasTranscript: true, status: 'interrupted' });
    fireEvent.click(await screen.findByRole('button', { name: 'Continue transcription' }));
    await screen.findByRole('progressbar');
    expect(fake.calls).toEqual([['transcribe.start', 7]]);
  });

  it('reports a refused start', async () => {
    const { fake } = mount();
    fake.failNext({ code: 'INVALID_PARAMS', message: 'Meeting 7 has no recorded audio to transcribe.' });
    fireEvent.click(await screen.findByRole('button', { name: 'Transcribe now' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /Could not start the transcription\. INVALID_PARAMS: Meeting 7 has no recorded audio/,
    );
  });
});
