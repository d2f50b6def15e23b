import { z } from 'zod';

/**
 * Imported first by every browser-side entry (preload, renderer, dev bridge), before any schema is built. zod probes `new Function` to
 * speed up object parsing; under the app's CSP (no 'unsafe-eval') Chromium reports that probe as
 * a CSP violation even though zod catches it. jitless skips the probe. zod keeps this setting on
 * globalThis, so the renderer's own zod copy on the same page gets it too.
 */
z.config({ jitless: true });
