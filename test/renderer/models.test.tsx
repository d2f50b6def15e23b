import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createApiClient,
  createMemoryPair,
  type ClientMessage,
  type PayloadOf,
  type ServerMessage,
} from '../../main/api';
import { createBackendServer, type Handlers } from '../../main/backend/server';
import { ApiProvider } from '../../renderer/src/backend/context';
import { ModelsSection } from '../../renderer/src/settings/ModelsSection';
import { createFakeModels } from './fake-models';

function setup() {
  let emitProgress: (p: PayloadOf<'models.progress'>) => void = () => {};
  let emitChanged: (ids: string[]) => void = () => {};
  const models = createFakeModels({ progress: (p) => emitProgress(p), changed: (ids) => emitChanged(ids) });
  const server = createBackendServer(models.handlers as unknown as Handlers, { log: () => undefined });
  emitProgress = (p) => server.emit('models.progress', p);
  emitChanged = (ids) => server.emit('models.changed', { ids });
  const [clientSide, serverSide] = createMemoryPair<ClientMessage, ServerMessage>();
  server.connect(serverSide);
  const api = createApiClient(clientSide);
  render(
    <ApiProvider api={api}>
      <ModelsSection />
    </ApiProvider>,
  );
  return { models, api };
}

const step = (received: number): PayloadOf<'models.progress'> => ({
  modelId: 'sensevoice-small-int8',
  file: 'model.int8.onnx',
  fileIndex: 1,
  fileCount: 2,
  phase: 'downloading',
  received,
  total: 1000,
  bytesPerSecond: 250_000,
});

afterEach(() => cleanup());

describe('Settings > Models', () => {
  it('shows each model with the status the backend reports', async () => {
    setup();
    const silero = await screen.findByTestId('model-silero-vad-v5.1.2');
    expect(within(silero).getByText('Installed and verified')).toBeTruthy();
    const sense = screen.getByTestId('model-sensevoice-small-int8');
    expect(within(sense).getByText('Not installed')).toBeTruthy();
    // npm-shipped files cannot be removed, only downloaded copies.
    expect(within(silero).queryByRole('button', { name: /Remove/ })).toBeNull();
  });

  it('shows download progress from events, then the new status', async () => {
    const { models } = setup();
    const gate = models.scriptFetch('sensevoice-small-int8', [step(250), step(600)]);
    const row = await screen.findByTestId('model-sensevoice-small-int8');
    act(() =>
      within(row)
        .getByRole('button', { name: /Download/ })
        .click(),
    );
    const bar = await within(row).findByRole('progressbar', { name: 'Downloading file 1 of 2' });
    await waitFor(() => expect(bar.getAttribute('value')).toBe('60'));
    expect(within(row).getByText(/File 1\/2: 60% · 250 kB\/s/)).toBeTruthy();
    act(() => gate.release());
    await waitFor(() => expect(within(row).getByText('Installed and verified')).toBeTruthy());
    expect(within(row).queryByRole('progressbar')).toBeNull();
    expect(screen.getByRole('status').textContent).toMatch(/1 file\(s\) downloaded and verified/);
  });

  it('cancels a download in flight', async () => {
    const { models } = setup();
    models.scriptFetch('sensevoice-small-int8', [step(100)]);
    const row = await screen.findByTestId('model-sensevoice-small-int8');
    act(() =>
      within(row)
        .getByRole('button', { name: /Download/ })
        .click(),
    );
    const cancel = await within(row).findByRole('button', { name: 'Cancel' });
    act(() => cancel.click());
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/CANCELLED/));
    expect(within(row).getByText('Not installed')).toBeTruthy();
  });

  it('removes a downloaded model', async () => {
    const { models } = setup();
    models.rows[1]!.status = 'verified';
    models.rows[1]!.location = 'user';
    const row = await screen.findByTestId('model-sensevoice-small-int8');
    act(() =>
      within(row)
        .getByRole('button', { name: /Remove/ })
        .click(),
    );
    await waitFor(() => expect(within(row).getByText('Not installed')).toBeTruthy());
  });
});
