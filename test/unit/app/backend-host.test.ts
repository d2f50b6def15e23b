import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildBackendEnv, createBackendHost, type ChannelLike } from '../../../main/app/backend-host';
import { createRestartPolicy } from '../../../main/app/restart-policy';
import { FakeUtilityProcess, FakeWebContents } from './fake-electron';

type Port = { side: string; n: number };

function setup(options: { maxRestarts?: number; graceMs?: number } = {}) {
  const children: FakeUtilityProcess[] = [];
  let channels = 0;
  const fork = vi.fn((_path: string, _args: string[], _opts: unknown) => {
    const child = new FakeUtilityProcess();
    children.push(child);
    return child;
  });
  const createChannel = (): ChannelLike<Port> => {
    const n = ++channels;
    return { port1: { side: 'backend', n }, port2: { side: 'renderer', n } };
  };
  const host = createBackendHost<Port>({
    modulePath: '/app/out/main/backend.js',
    env: { VERBATIM_DATA_DIR: '/data' },
    fork,
    createChannel,
    restartPolicy: { maxRestarts: options.maxRestarts ?? 3, windowMs: 60_000 },
    graceMs: options.graceMs ?? 1000,
    log: () => {},
  });
  return { host, fork, children };
}

/** A renderer's messages on one channel, as [payload, transferred ports]. */
const sent = (renderer: FakeWebContents, channel: string) =>
  renderer.postMessage.mock.calls.filter((call) => call[0] === channel).map((call) => [call[1], call[2]]);

describe('createBackendHost', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('forks the backend bundle as a named utility process with its configuration', () => {
    const { host, fork } = setup();
    host.start();
    expect(fork).toHaveBeenCalledWith('/app/out/main/backend.js', [], {
      serviceName: 'Verbatim backend',
      env: { VERBATIM_DATA_DIR: '/data' },
      stdio: 'inherit',
    });
    expect(host.state).toBe('running');
  });

  it('gives each renderer its own port pair: port1 to the backend, port2 to the page', () => {
    const { host, children } = setup();
    host.start();
    const a = new FakeWebContents();
    const b = new FakeWebContents();
    host.connect(a as never);
    host.connect(b as never);
    expect(children[0]!.postMessage.mock.calls).toEqual([
      [{ type: 'connect' }, [{ side: 'backend', n: 1 }]],
      [{ type: 'connect' }, [{ side: 'backend', n: 2 }]],
    ]);
    expect(sent(a, 'verbatim:port')).toEqual([[{ restarts: 0 }, [{ side: 'renderer', n: 1 }]]]);
    expect(sent(b, 'verbatim:port')).toEqual([[{ restarts: 0 }, [{ side: 'renderer', n: 2 }]]]);
  });

  it('sends ports to renderers that asked before the backend started', () => {
    const { host, children } = setup();
    const early = new FakeWebContents();
    host.connect(early as never);
    expect(early.postMessage).not.toHaveBeenCalled();
    host.start();
    expect(children[0]!.postMessage).toHaveBeenCalledTimes(1);
    expect(sent(early, 'verbatim:port')).toHaveLength(1);
  });

  it('restarts after an unexpected exit and hands every live renderer a fresh port', () => {
    const { host, fork, children } = setup();
    host.start();
    const live = new FakeWebContents();
    const closed = new FakeWebContents();
    host.connect(live as never);
    host.connect(closed as never);
    closed.destroy();

    children[0]!.emit('exit', 1);
    expect(host.state).toBe('restarting');
    expect(sent(live, 'verbatim:backend-lost')).toEqual([[{ restarts: 1, willRestart: true }, undefined]]);
    expect(fork).toHaveBeenCalledTimes(1);

    vi.advanceTimersByTime(100); // first backoff step
    expect(fork).toHaveBeenCalledTimes(2);
    expect(host.state).toBe('running');
    expect(host.restarts).toBe(1);
    expect(children[1]!.postMessage).toHaveBeenCalledExactlyOnceWith({ type: 'connect' }, [
      { side: 'backend', n: 3 },
    ]);
    expect(sent(live, 'verbatim:port').at(-1)).toEqual([{ restarts: 1 }, [{ side: 'renderer', n: 3 }]]);
    expect(sent(closed, 'verbatim:port')).toHaveLength(1); // only the original one
  });

  it('backs off between restarts and gives up on a crash loop', () => {
    const { host, fork, children } = setup({ maxRestarts: 2 });
    const page = new FakeWebContents();
    host.start();
    host.connect(page as never);

    children[0]!.emit('exit', 1);
    vi.advanceTimersByTime(100);
    children[1]!.emit('exit', 1);
    vi.advanceTimersByTime(199);
    expect(fork).toHaveBeenCalledTimes(2); // second backoff is 200 ms
    vi.advanceTimersByTime(1);
    expect(fork).toHaveBeenCalledTimes(3);

    children[2]!.emit('exit', 1);
    vi.advanceTimersByTime(10_000);
    expect(fork).toHaveBeenCalledTimes(3);
    expect(host.state).toBe('failed');
    expect(sent(page, 'verbatim:backend-lost').at(-1)).toEqual([
      { restarts: 2, willRestart: false },
      undefined,
    ]);

    // A page that asks later learns at once that no backend is coming.
    const late = new FakeWebContents();
    host.connect(late as never);
    expect(sent(late, 'verbatim:backend-lost')).toEqual([[{ restarts: 2, willRestart: false }, undefined]]);
  });

  it('stops gracefully: asks the backend to shut down and does not restart it', async () => {
    const { host, fork, children } = setup();
    host.start();
    const stopped = host.stop();
    expect(children[0]!.postMessage).toHaveBeenCalledWith({ type: 'shutdown' });
    children[0]!.emit('exit', 0);
    await stopped;
    vi.advanceTimersByTime(10_000);
    expect(fork).toHaveBeenCalledTimes(1);
    expect(children[0]!.kill).not.toHaveBeenCalled();
    expect(host.state).toBe('stopped');
  });

  it('kills a backend that ignores the shutdown request', async () => {
    const { host, children } = setup({ graceMs: 500 });
    host.start();
    const stopped = host.stop();
    await vi.advanceTimersByTimeAsync(500);
    expect(children[0]!.kill).toHaveBeenCalled();
    await stopped;
    expect(host.state).toBe('stopped');
  });

  it('treats a failing fork like a crash: retried with backoff, then given up', () => {
    const { host, fork, children } = setup({ maxRestarts: 1 });
    fork.mockImplementationOnce(() => {
      throw new Error('Missing UtilityProcess entry script.');
    });
    expect(() => host.start()).not.toThrow();
    expect(host.state).toBe('restarting');
    vi.advanceTimersByTime(100);
    expect(host.state).toBe('running');
    children[0]!.emit('exit', 1);
    expect(host.state).toBe('failed');
  });

  it('cancels a pending restart when stopped', async () => {
    const { host, fork, children } = setup();
    host.start();
    children[0]!.emit('exit', 1);
    await host.stop();
    vi.advanceTimersByTime(10_000);
    expect(fork).toHaveBeenCalledTimes(1);
  });
});

describe('buildBackendEnv', () => {
  it('adds the VERBATIM_* configuration to the base environment', () => {
    expect(
      buildBackendEnv(
        { PATH: '/bin', VERBATIM_DATA_DIR: 'stale' },
        { dataDir: '/d', appVersion: '1.0.0', electronVersion: '45.4.1' },
      ),
    ).toEqual({
      PATH: '/bin',
      VERBATIM_DATA_DIR: '/d',
      VERBATIM_APP_VERSION: '1.0.0',
      VERBATIM_ELECTRON_VERSION: '45.4.1',
    });
  });
});

describe('createRestartPolicy', () => {
  it('doubles the delay up to the cap and forgets crashes outside the window', () => {
    const policy = createRestartPolicy({
      maxRestarts: 10,
      windowMs: 1000,
      baseDelayMs: 100,
      maxDelayMs: 500,
    });
    const delays = [0, 1, 2, 3, 4].map((t) => policy.next(t));
    expect(delays.map((d) => (d.restart ? d.delayMs : -1))).toEqual([100, 200, 400, 500, 500]);
    expect(policy.next(5000)).toEqual({ restart: true, delayMs: 100 });
  });

  it('refuses once maxRestarts crashes fall within the window', () => {
    const policy = createRestartPolicy({ maxRestarts: 2, windowMs: 1000 });
    expect(policy.next(0).restart).toBe(true);
    expect(policy.next(10).restart).toBe(true);
    expect(policy.next(20).restart).toBe(false);
    expect(policy.next(1015).restart).toBe(true); // the first crash has left the window
  });
});
