// First import on purpose: in `electron-vite dev` it starts React Fast Refresh from a module served by
// the dev server, which script-src 'self' allows (the inline <script> the plugin also injects is blocked
// by the CSP). In a production build it is an empty module.
import '@vitejs/plugin-react/preamble';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { VerbatimApi } from '../../main/api';
import { App } from './App';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// Typed as always present (verbatim.d.ts) because the preload guarantees it; checked here anyway so a
// broken preload shows a clear message instead of a blank window.
const api = (window as { verbatim?: VerbatimApi }).verbatim;

createRoot(root).render(
  <StrictMode>
    <App api={api} />
  </StrictMode>,
);
