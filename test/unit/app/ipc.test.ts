import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { isTrustedSender, registerIpc } from '../../../main/app/ipc';

const mainFrame = (url: string) => ({ url, parent: null });

describe('isTrustedSender', () => {
  it('trusts only our own top-level frame', () => {
    expect(isTrustedSender({ senderFrame: mainFrame('app://verbatim/index.html') })).toBe(true);
    expect(isTrustedSender({ senderFrame: mainFrame('https://evil.example/') })).toBe(false);
    expect(isTrustedSender({ senderFrame: { url: 'app://verbatim/index.html', parent: {} } })).toBe(false);
    expect(isTrustedSender({ senderFrame: null })).toBe(false);
  });
});

describe('registerIpc', () => {
  it('hands validated hellos to onHello and ignores the rest', () => {
    const ipcMain = new EventEmitter();
    const onHello = vi.fn();
    const off = registerIpc({ ipcMain: ipcMain as never, onHello, log: () => {} });
    const good = { id: 1 };
    const bad = { id: 2 };
    ipcMain.emit('verbatim:hello', { senderFrame: mainFrame('app://verbatim/index.html'), sender: good });
    ipcMain.emit('verbatim:hello', { senderFrame: mainFrame('https://evil.example/'), sender: bad });
    ipcMain.emit('verbatim:hello', { senderFrame: { url: 'app://verbatim/', parent: {} }, sender: bad });
    expect(onHello.mock.calls).toEqual([[good]]);
    off();
    ipcMain.emit('verbatim:hello', { senderFrame: mainFrame('app://verbatim/index.html'), sender: good });
    expect(onHello).toHaveBeenCalledTimes(1);
  });
});
