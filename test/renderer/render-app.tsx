import { cleanup, render, screen, type RenderResult } from '@testing-library/react';
import type { Health, Settings } from '../../main/api';
import { App } from '../../renderer/src/App';
import { startFakeBackend, type FakeBackend } from './fake-backend';

let running: FakeBackend[] = [];

/** Installs a fake backend as window.verbatim (the renderer's only door) and renders the app. */
export function renderApp(
  options: { settings?: Partial<Settings>; health?: Partial<Health>; hash?: string } = {},
): { backend: FakeBackend; view: RenderResult } {
  window.location.hash = options.hash ?? '';
  const backend = startFakeBackend(options.settings, options.health);
  running.push(backend);
  window.verbatim = backend.api;
  const view = render(<App api={window.verbatim} />);
  return { backend, view };
}

/** Opens the Settings page and waits until the backend's values are on screen. */
export async function openSettings(): Promise<void> {
  screen.getByRole('link', { name: 'Settings' }).click();
  await screen.findByLabelText('Theme');
}

export function resetApp(): void {
  cleanup();
  for (const backend of running) backend.close();
  running = [];
  const root = document.documentElement;
  delete root.dataset.theme;
  root.style.removeProperty('--font-scale');
  window.location.hash = '';
}
