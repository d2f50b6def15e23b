import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  type Result,
  type Settings,
  type StorageInfo,
  type VerbatimApi,
} from '../../main/api';
import { App } from '../../renderer/src/App';
import { installFakeMedia, type FakeMedia } from './capture-fakes';
import { startFakeBackend, TEST_INFO } from './fake-backend';
import { openSettings, renderApp, resetApp } from './render-app';

afterEach(resetApp);

/** Not the defaults, so a form that ignored the backend would show different values. */
const STORED: Settings = {
  theme: 'dark',
  fontScale: 1.25,
  language: 'de',
  confidenceThreshold: 0.8,
  echoCancellation: false,
  localSpeakerName: 'Ana',
  vocabulary: ['Verbatim'],
  micDeviceId: null,
  captureSystemAudio: false,
  autoStopMinutes: 30,
  voiceprintsEnabled: true,
  captionsWindow: true,
};

const control = <T extends HTMLElement = HTMLInputElement>(label: string) =>
  screen.getByLabelText(label) as T;
const select = (label: string) => control<HTMLSelectElement>(label);

function formValues() {
  return {
    theme: select('Theme').value,
    fontScale: select('Font size').value,
    language: select('Language').value,
    confidenceThreshold: control('Confidence threshold').value,
    echoCancellation: control('Echo cancellation').checked,
    localSpeakerName: control('Your name').value,
  };
}

describe('settings page', () => {
  it("shows the backend's settings, app info and health", async () => {
    renderApp({ settings: STORED });
    await openSettings();
    expect(formValues()).toEqual({
      theme: 'dark',
      fontScale: '1.25',
      language: 'de',
      confidenceThreshold: '0.8',
      echoCancellation: false,
      localSpeakerName: 'Ana',
    });
    expect(select('Font size').selectedOptions[0]?.textContent).toBe('125%');
    await waitFor(() => expect(screen.getByTestId('app-version').textContent).toBe(TEST_INFO.version));
    expect(screen.getByTestId('data-dir').textContent).toBe(TEST_INFO.dataDir);
    expect(screen.getByText(TEST_INFO.versions.node)).toBeTruthy();
    expect(screen.getByText('Not running in Electron')).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('backend-status').textContent).toBe('ok'));
    expect(screen.getByText('2 min')).toBeTruthy();
  });

  it('lists health problems reported by the backend', async () => {
    renderApp({
      health: { status: 'degraded', problems: ['settings.json was invalid; defaults are in use.'] },
    });
    await openSettings();
    await waitFor(() => expect(screen.getByTestId('backend-status').textContent).toBe('degraded'));
    expect(screen.getByText('settings.json was invalid; defaults are in use.')).toBeTruthy();
  });

  it('offers a font size the backend holds even when it is not one of the usual steps', async () => {
    renderApp({ settings: { fontScale: 1.1 } });
    await openSettings();
    expect(select('Font size').value).toBe('1.1');
    expect(select('Font size').selectedOptions[0]?.textContent).toBe('110%');
  });

  it('sends only the changed field and shows what the backend stored', async () => {
    const { backend } = renderApp({ settings: STORED });
    await openSettings();

    fireEvent.change(select('Language'), { target: { value: 'fr' } });
    await waitFor(() => expect(select('Language').value).toBe('fr'));

    fireEvent.change(select('Font size'), { target: { value: '1.5' } });
    await waitFor(() => expect(select('Font size').value).toBe('1.5'));

    fireEvent.click(control('Echo cancellation'));
    await waitFor(() => expect(control('Echo cancellation').checked).toBe(true));

    fireEvent.change(control('Confidence threshold'), { target: { value: '0.75' } });
    fireEvent.keyDown(control('Confidence threshold'), { key: 'Enter' });
    await waitFor(() => expect(backend.stored.confidenceThreshold).toBe(0.75));

    // The backend trims names; the field must show the stored "Bea", not the typed "  Bea  ".
    fireEvent.change(control('Your name'), { target: { value: '  Bea  ' } });
    fireEvent.blur(control('Your name'));
    await waitFor(() => expect(control('Your name').value).toBe('Bea'));

    expect(backend.setCalls()).toEqual([
      { language: 'fr' },
      { fontScale: 1.5 },
      { echoCancellation: true },
      { confidenceThreshold: 0.75 },
      { localSpeakerName: '  Bea  ' },
    ]);
    expect(control('Confidence threshold').value).toBe('0.75');
  });

  it('leaves the other settings as they were when one field changes', async () => {
    const { backend } = renderApp({ settings: STORED });
    await openSettings();
    fireEvent.change(select('Theme'), { target: { value: 'light' } });
    await waitFor(() => expect(select('Theme').value).toBe('light'));
    expect(backend.stored).toEqual({ ...STORED, theme: 'light' });
    expect(formValues()).toEqual({
      theme: 'light',
      fontScale: '1.25',
      language: 'de',
      confidenceThreshold: '0.8',
      echoCancellation: false,
      localSpeakerName: 'Ana',
    });
  });

  it('does not show a change before the backend confirms it', async () => {
    const { backend } = renderApp({ settings: STORED });
    await openSettings();
    const release = backend.holdSets();
    fireEvent.change(select('Language'), { target: { value: 'ja' } });
    await waitFor(() => expect(backend.setCalls()).toEqual([{ language: 'ja' }]));
    expect(select('Language').value).toBe('de');
    expect(screen.getByText('Saving…')).toBeTruthy();
    act(release);
    await waitFor(() => expect(select('Language').value).toBe('ja'));
    expect(screen.queryByText('Saving…')).toBeNull();
  });

  it("shows the backend's validation error and keeps the stored value", async () => {
    const { backend } = renderApp({ settings: STORED });
    await openSettings();
    const field = control('Confidence threshold');
    fireEvent.change(field, { target: { value: '1.5' } });
    fireEvent.keyDown(field, { key: 'Enter' });

    const alert = await screen.findByRole('alert');
    // INVALID_PARAMS comes from the real server's schema check, with the failing field named.
    expect(alert.textContent).toMatch(
      /^INVALID_PARAMS: Invalid params for 'settings.set'\. \(confidenceThreshold: /,
    );
    expect(field.value).toBe('0.8');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')).toContain(alert.id);
    expect(backend.stored.confidenceThreshold).toBe(0.8);

    // A later successful save of the same field clears the error.
    fireEvent.change(field, { target: { value: '0.5' } });
    fireEvent.blur(field);
    await waitFor(() => expect(field.value).toBe('0.5'));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(field.getAttribute('aria-invalid')).toBeNull();
  });

  it('shows a failed save with its error code and message and leaves the control unchanged', async () => {
    const { backend } = renderApp({ settings: STORED });
    await openSettings();
    backend.failNextSet({ code: 'IO_ERROR', message: 'Could not save settings: disk full' });
    fireEvent.click(control('Echo cancellation'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('IO_ERROR: Could not save settings: disk full');
    expect(control('Echo cancellation').checked).toBe(false);
  });

  it('abandons an empty or non-numeric threshold instead of sending it', async () => {
    const { backend } = renderApp({ settings: STORED });
    await openSettings();
    const field = control('Confidence threshold');
    fireEvent.change(field, { target: { value: '' } });
    fireEvent.blur(field);
    await waitFor(() => expect(field.value).toBe('0.8'));
    expect(backend.setCalls()).toEqual([]);
  });

  it('Escape abandons an edit of the name', async () => {
    const { backend } = renderApp({ settings: STORED });
    await openSettings();
    const field = control('Your name');
    fireEvent.change(field, { target: { value: 'Someone else' } });
    fireEvent.keyDown(field, { key: 'Escape' });
    expect(field.value).toBe('Ana');
    fireEvent.blur(field);
    await Promise.resolve();
    expect(backend.setCalls()).toEqual([]);
  });

  it("follows 'settings.changed' events from the backend", async () => {
    const { backend } = renderApp({ settings: STORED });
    await openSettings();
    act(() =>
      backend.server.emit('settings.changed', {
        ...DEFAULT_SETTINGS,
        theme: 'light',
        language: 'nl',
        echoCancellation: true,
        localSpeakerName: 'Chris',
      }),
    );
    await waitFor(() => expect(control('Your name').value).toBe('Chris'));
    expect(formValues()).toEqual({
      theme: 'light',
      fontScale: '1',
      language: 'nl',
      confidenceThreshold: '0.9',
      echoCancellation: true,
      localSpeakerName: 'Chris',
    });
    // Applied by an effect, which may run just after the DOM update waitFor saw.
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('light'));
  });

  it('reads the settings again after the backend restarts', async () => {
    const { backend } = renderApp({ settings: STORED });
    await openSettings();
    backend.replaceStored({ ...STORED, language: 'ko' });
    act(() => backend.api.emitLocal('backend.connection', { state: 'restarted', restarts: 1 }));
    await waitFor(() => expect(select('Language').value).toBe('ko'));
  });

  it('binds the captions window checkbox to settings.captionsWindow', async () => {
    const label = 'Show a small captions window while recording';
    const { backend } = renderApp({ settings: { ...STORED, captionsWindow: false } });
    await openSettings();
    expect(control(label).checked).toBe(false);
    fireEvent.click(control(label));
    await waitFor(() => expect(control(label).checked).toBe(true));
    expect(backend.setCalls()).toEqual([{ captionsWindow: true }]);
    expect(backend.stored).toEqual({ ...STORED, captionsWindow: true });

    // Switched off elsewhere (another window, or the backend): the box follows.
    act(() => backend.server.emit('settings.changed', { ...STORED, captionsWindow: false }));
    await waitFor(() => expect(control(label).checked).toBe(false));
  });
});

describe('appearance', () => {
  it('applies the stored theme and font scale to <html> and follows changes', async () => {
    renderApp({ settings: STORED });
    const root = document.documentElement;
    await waitFor(() => expect(root.dataset.theme).toBe('dark'));
    expect(root.style.getPropertyValue('--font-scale')).toBe('1.25');

    await openSettings();
    fireEvent.change(select('Theme'), { target: { value: 'light' } });
    await waitFor(() => expect(root.dataset.theme).toBe('light'));
    fireEvent.change(select('Theme'), { target: { value: 'system' } });
    await waitFor(() => expect(root.dataset.theme).toBe('system'));
    fireEvent.change(select('Font size'), { target: { value: '2' } });
    await waitFor(() => expect(root.style.getPropertyValue('--font-scale')).toBe('2'));
  });

  it('leaves <html> alone until the backend has answered', () => {
    renderApp({ settings: STORED });
    expect(document.documentElement.dataset.theme).toBeUndefined();
    expect(document.documentElement.style.getPropertyValue('--font-scale')).toBe('');
  });
});

describe('audio devices', () => {
  let media: FakeMedia | null = null;
  afterEach(() => {
    media?.restore();
    media = null;
  });

  it('lists the microphones and stores the choice, the system audio toggle and the auto-stop time', async () => {
    media = installFakeMedia();
    const { backend } = renderApp({ settings: STORED });
    await openSettings();
    const microphone = select('Microphone');
    await waitFor(() =>
      expect([...microphone.options].map((o) => o.textContent)).toEqual([
        'System default',
        'USB headset',
        'Built-in microphone',
      ]),
    );
    expect(microphone.value).toBe('');
    fireEvent.change(microphone, { target: { value: 'usb' } });
    await waitFor(() => expect(backend.stored.micDeviceId).toBe('usb'));
    expect(select('Microphone').value).toBe('usb');
    fireEvent.change(select('Microphone'), { target: { value: '' } });
    await waitFor(() => expect(backend.stored.micDeviceId).toBeNull());

    expect(control('Record system audio').checked).toBe(false);
    fireEvent.click(control('Record system audio'));
    await waitFor(() => expect(control('Record system audio').checked).toBe(true));

    const autoStop = control('Stop after silence (minutes)');
    expect(autoStop.value).toBe('30');
    fireEvent.change(autoStop, { target: { value: '45' } });
    fireEvent.keyDown(autoStop, { key: 'Enter' });
    await waitFor(() => expect(backend.stored.autoStopMinutes).toBe(45));
    expect(backend.setCalls()).toEqual([
      { micDeviceId: 'usb' },
      { micDeviceId: null },
      { captureSystemAudio: true },
      { autoStopMinutes: 45 },
    ]);
  });

  it('shows a stored microphone that is not connected, and follows plug-in', async () => {
    media = installFakeMedia();
    renderApp({ settings: { ...STORED, micDeviceId: 'dock' } });
    await openSettings();
    await waitFor(() =>
      expect(select('Microphone').selectedOptions[0]?.textContent).toMatch(/Not connected/),
    );
    act(() => media!.plug({ deviceId: 'dock', label: 'Dock microphone' }));
    await waitFor(() => expect(select('Microphone').selectedOptions[0]?.textContent).toBe('Dock microphone'));
  });

  it('previews the chosen microphone level on request and releases it afterwards', async () => {
    media = installFakeMedia();
    const contexts: Array<{ closed: boolean }> = [];
    class FakeAudioContext {
      closed = false;
      constructor() {
        contexts.push(this);
      }
      createAnalyser() {
        return {
          fftSize: 0,
          // A steady signal at 0.1 RMS: -20 dBFS.
          getFloatTimeDomainData: (out: Float32Array) => out.fill(0.1),
        };
      }
      createMediaStreamSource() {
        return { connect: () => undefined };
      }
      close() {
        this.closed = true;
        return Promise.resolve();
      }
    }
    const g = globalThis as Record<string, unknown>;
    g.AudioContext = FakeAudioContext;
    try {
      renderApp({ settings: { ...STORED, micDeviceId: 'builtin' } });
      await openSettings();
      fireEvent.click(await screen.findByRole('button', { name: 'Test microphone' }));
      const meter = await screen.findByRole('meter', { name: 'Microphone test level' });
      await waitFor(() => expect(Number(meter.getAttribute('value'))).toBeCloseTo(-20, 3));
      expect(screen.getByText('-20 dBFS')).toBeTruthy();
      expect(media.getUserMedia.mock.calls.at(-1)![0].audio.deviceId).toEqual({ exact: 'builtin' });
      const track = media.micTracks.at(-1)!;
      fireEvent.click(screen.getByRole('button', { name: 'Stop test' }));
      await waitFor(() => expect(track.readyState).toBe('ended'));
      expect(contexts.every((c) => c.closed)).toBe(true);
      expect(screen.queryByRole('meter', { name: 'Microphone test level' })).toBeNull();
    } finally {
      delete g.AudioContext;
    }
  });

  it('refuses an auto-stop time out of range with the backend’s error', async () => {
    renderApp({ settings: STORED });
    await openSettings();
    const autoStop = control('Stop after silence (minutes)');
    fireEvent.change(autoStop, { target: { value: '0' } });
    fireEvent.keyDown(autoStop, { key: 'Enter' });
    expect(await screen.findByRole('alert')).toBeTruthy();
    await waitFor(() => expect(control('Stop after silence (minutes)').value).toBe('30'));
  });
});

describe('data folder and disk use', () => {
  const USAGE: StorageInfo = {
    dataDir: '/home/ana/.config/Verbatim/data',
    archiveBytes: 3 * 1024 * 1024,
    recordingsBytes: 1536 * 1024 * 1024,
    modelsBytes: 700 * 1024 * 1024,
    freeBytes: 42 * 1024 ** 3,
    diskBytes: 250 * 1024 ** 3,
  };

  /** The shared fake backend does not model system.storage: this test answers it in front of it. */
  function renderWithStorage(answers: Array<Result<StorageInfo>>) {
    const backend = startFakeBackend(STORED);
    const calls: unknown[] = [];
    const api: VerbatimApi = Object.assign(Object.create(backend.api) as VerbatimApi, {
      invoke: ((method: string, params: unknown, options?: unknown) => {
        if (method !== 'system.storage')
          return backend.api.invoke(method as never, params as never, options as never);
        calls.push(params);
        return Promise.resolve(answers[Math.min(calls.length, answers.length) - 1]);
      }) as VerbatimApi['invoke'],
    });
    window.verbatim = api;
    render(<App api={api} />);
    return { backend, calls };
  }

  it('shows where the data lives and what each part takes, and measures again on request', async () => {
    const { backend, calls } = renderWithStorage([
      { ok: true, value: USAGE },
      { ok: true, value: { ...USAGE, recordingsBytes: 2 * 1024 ** 3, freeBytes: null } },
    ]);
    try {
      await openSettings();
      await waitFor(() => expect(screen.getByTestId('storage-recordings').textContent).toBe('1.5 GB'));
      expect(screen.getByTestId('storage-data-dir').textContent).toBe(USAGE.dataDir);
      expect(screen.getByTestId('storage-archive').textContent).toBe('3.0 MB');
      expect(screen.getByTestId('storage-models').textContent).toBe('700 MB');
      expect(screen.getByTestId('storage-total').textContent).toBe('2.2 GB');
      expect(screen.getByTestId('storage-free').textContent).toBe('42 GB of 250 GB');
      fireEvent.click(screen.getByRole('button', { name: 'Measure again' }));
      await waitFor(() => expect(screen.getByTestId('storage-recordings').textContent).toBe('2.0 GB'));
      expect(screen.getByTestId('storage-free').textContent).toBe('Unknown');
      expect(calls).toEqual([{}, {}]);
    } finally {
      backend.close();
    }
  });

  it('says when the folder could not be measured', async () => {
    const { backend } = renderWithStorage([
      { ok: false, error: { code: 'IO_ERROR', message: 'permission denied' } },
    ]);
    try {
      await openSettings();
      expect(await screen.findByText(/Could not measure the data folder/)).toBeTruthy();
      expect(screen.getByText(/permission denied/)).toBeTruthy();
    } finally {
      backend.close();
    }
  });

  it('saves the vocabulary one term per line, without blanks or repeats, and refuses an over-long term', async () => {
    const { backend } = renderApp({ settings: STORED });
    await openSettings();
    const box = control<HTMLTextAreaElement>('Vocabulary');
    expect(box.value).toBe('Verbatim');
    const save = screen.getByRole('button', { name: 'Save vocabulary' });
    expect((save as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(box, { target: { value: `Verbatim\n\n  Kubernetes \nkubernetes\n${'x'.repeat(101)}` } });
    fireEvent.click(save);
    expect((await screen.findByText(/at most 100 characters \(line 5\)/)).getAttribute('role')).toBe('alert');
    expect(backend.setCalls()).toEqual([]);

    fireEvent.change(box, { target: { value: 'Verbatim\n\n  Kubernetes \nkubernetes\nAna  María' } });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await waitFor(() =>
      expect(backend.setCalls()).toEqual([{ vocabulary: ['Verbatim', 'Kubernetes', 'Ana María'] }]),
    );
    await waitFor(() => expect(box.value).toBe('Verbatim\nKubernetes\nAna María'));
  });
});
