import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';

/**
 * The built preload (out/preload/index.js from `npm run build`) must run in a sandboxed renderer,
 * where `require` knows only 'electron'. Runs the bundle in a bare VM context with exactly that,
 * so a Node import slipping into main/app/preload.ts or main/api shows up here, not in a blank
 * window. Skipped until the bundle exists.
 */
const bundle = join(__dirname, '..', '..', '..', 'out', 'preload', 'index.js');

describe.runIf(existsSync(bundle))('out/preload/index.js', () => {
  it("needs nothing but 'electron' and exposes only window.verbatim", () => {
    const requested: string[] = [];
    const exposeInMainWorld = vi.fn();
    const send = vi.fn();
    const electron = { contextBridge: { exposeInMainWorld }, ipcRenderer: { on: vi.fn(), send } };
    const module = { exports: {} };
    runInNewContext(readFileSync(bundle, 'utf8'), {
      require: (name: string) => {
        requested.push(name);
        if (name !== 'electron') throw new Error(`a sandboxed preload cannot require '${name}'`);
        return electron;
      },
      module,
      exports: module.exports,
      console,
      setTimeout,
      clearTimeout,
      queueMicrotask,
      structuredClone,
      TextEncoder,
    });
    expect(requested).toEqual(['electron']);
    expect(exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(exposeInMainWorld.mock.calls[0]![0]).toBe('verbatim');
    expect(Object.keys(exposeInMainWorld.mock.calls[0]![1]).sort()).toEqual(['invoke', 'on', 'request']);
    expect(send).toHaveBeenCalledWith('verbatim:hello');
  });
});
