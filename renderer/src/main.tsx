// First import on purpose: in `electron-vite dev` it starts React Fast Refresh from a module served by
// the dev server, which script-src 'self' allows (the inline <script> the plugin also injects is blocked
// by the CSP). In a production build it is an empty module.
import '@vitejs/plugin-react/preamble';
// Before any schema is built (main/api parses DEFAULT_SETTINGS at load): the preload's zod setting lives in
// its own isolated world and does not reach this copy, so the page's zod would probe eval under the CSP.
import '../../main/api/zod-jitless';
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
