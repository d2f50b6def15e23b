#!/usr/bin/env node
// Launcher for the `verbatim` bin: the built CLI when `npm run build` has run, else the TypeScript
// source through tsx (a checkout). Plain CommonJS so it runs on any Node without a build step.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..', '..');
const built = join(root, 'out', 'main', 'cli.js');
const args = existsSync(built)
  ? [built, ...process.argv.slice(2)]
  : ['--import', 'tsx', join(root, 'main', 'cli', 'index.ts'), ...process.argv.slice(2)];
const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: process.cwd() });
process.exit(result.status ?? 1);
