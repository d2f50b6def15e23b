import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { renderApp, resetApp } from './render-app';

afterEach(resetApp);

const PAGES = ['Live', 'Archive', 'Review', 'Settings'] as const;

function navLink(name: string): HTMLElement {
  return within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name });
}

function currentMarks(): Record<string, string | null> {
  return Object.fromEntries(PAGES.map((name) => [name, navLink(name).getAttribute('aria-current')]));
}

describe('navigation', () => {
  it('opens on Live, with only Live marked as the current page', () => {
    renderApp();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Live');
    expect(currentMarks()).toEqual({ Live: 'page', Archive: null, Review: null, Settings: null });
  });

  it('switches pages when a nav link is clicked, moves aria-current and focuses the new heading', async () => {
    renderApp();
    for (const name of ['Archive', 'Review', 'Settings', 'Live'] as const) {
      fireEvent.click(navLink(name));
      const heading = await screen.findByRole('heading', { level: 1, name });
      expect(currentMarks()).toEqual(
        Object.fromEntries(PAGES.map((page) => [page, page === name ? 'page' : null])),
      );
      expect(document.activeElement).toBe(heading);
      expect(window.location.hash).toBe(`#/${name.toLowerCase()}`);
      expect(document.title).toBe(`${name} — Verbatim`);
    }
  });

  it('opens the page named in the URL hash and ignores unknown ones', async () => {
    renderApp({ hash: '#/review' });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Review');
    // Start-up does not steal focus from wherever the window put it.
    expect(document.activeElement).toBe(document.body);
    act(() => {
      window.location.hash = '#/nonsense';
    });
    await screen.findByRole('heading', { level: 1, name: 'Live' });
  });

  it('shows each page’s real starting point, not fake content', async () => {
    renderApp();
    expect(screen.getByRole('button', { name: 'Start live captions' })).toBeTruthy();
    fireEvent.click(navLink('Archive'));
    // The archive is built: with nothing in it, it says how to get meetings in.
    expect(await screen.findByText(/No meetings yet/)).toBeTruthy();
    fireEvent.click(navLink('Review'));
    expect(await screen.findByText(/Nothing to review/)).toBeTruthy();
  });
});

describe('status bar', () => {
  it("shows the backend's version and health", async () => {
    renderApp();
    await waitFor(() => expect(screen.getByTestId('status-version').textContent).toBe('Verbatim 9.8.7-test'));
    await waitFor(() => expect(screen.getByTestId('status-backend').textContent).toContain('Backend: ok'));
    expect(screen.getByTestId('status-backend').textContent).toContain('up 2 min');
  });

  it('reports a degraded backend with its problem count', async () => {
    renderApp({ health: { status: 'degraded', problems: ['settings.json was invalid'] } });
    await waitFor(() =>
      expect(screen.getByTestId('status-backend').textContent).toContain('Backend: degraded (1 problem)'),
    );
  });

  it('shows the error code when health cannot be read', async () => {
    const { backend } = renderApp();
    backend.failHealth({ code: 'SHUTTING_DOWN', message: 'The backend is shutting down.' });
    // The health reply may already be in flight; ask again so the failure is what we see.
    fireEvent.click(screen.getByRole('link', { name: 'Settings' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Check again' }));
    await waitFor(() =>
      expect(screen.getByTestId('status-backend').textContent).toContain(
        'Backend: unavailable (SHUTTING_DOWN)',
      ),
    );
    expect(screen.getByTestId('backend-status').textContent).toBe('unavailable');
  });
});

describe('connection banner', () => {
  it('appears when the backend disconnects or restarts and goes away when it is back', async () => {
    const { backend } = renderApp();
    expect(screen.queryByRole('alert')).toBeNull();

    act(() => backend.api.emitLocal('backend.connection', { state: 'disconnected', restarts: 0 }));
    expect(screen.getByRole('alert').textContent).toContain('Disconnected from the Verbatim backend');

    act(() => backend.api.emitLocal('backend.connection', { state: 'restarted', restarts: 2 }));
    expect(screen.getByRole('alert').textContent).toContain(
      'The Verbatim backend restarted (2 restarts so far)',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();

    act(() => backend.api.emitLocal('backend.connection', { state: 'disconnected', restarts: 2 }));
    expect(screen.getByRole('alert')).toBeTruthy();
    act(() => backend.api.emitLocal('backend.connection', { state: 'connected', restarts: 2 }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('without a bridge', () => {
  it('explains that the backend cannot be reached instead of rendering a broken app', () => {
    render(<App api={undefined} />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Verbatim cannot reach its backend');
    expect(screen.queryByRole('navigation')).toBeNull();
  });
});
