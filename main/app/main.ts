/** Electron main-process entry (bundled to out/main/index.js). */
import { startVerbatim } from './lifecycle';

startVerbatim({ mainDir: __dirname });
