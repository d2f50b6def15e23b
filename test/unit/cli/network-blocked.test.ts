/**
 * Issue 8 acceptance: a whole `verbatim transcribe` (import, pipeline, archive, export) runs with outbound
 * network blocked and succeeds without trying to connect anywhere. Node's outbound paths are patched to
 * throw and count: every TCP/TLS connection goes through net.Socket.prototype.connect, and the public
 * entry points (net.connect/createConnection, tls.connect, http(s).request/get, dns.lookup) are patched
 * too so an attempt is caught where it starts.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { transcribeCommand } from '../../../main/cli/commands/transcribe';
import { EXIT } from '../../../main/cli/exit-codes';
import { fakeLoader, readArchive, tempDataDir } from '../transcribe/fixture';
import { cliHarness, toneFile } from './harness';

type Patchable = Record<string, unknown>;
const attempts: string[] = [];
const saved: Array<[Patchable, string, unknown]> = [];

function block(target: object, key: string, name: string) {
  const t = target as Patchable;
  saved.push([t, key, t[key]]);
  t[key] = (...args: unknown[]) => {
    attempts.push(`${name} ${JSON.stringify(args[0] ?? null)?.slice(0, 80)}`);
    throw new Error(`network blocked by the test: ${name}`);
  };
}

beforeEach(() => {
  attempts.length = 0;
  block(net.Socket.prototype, 'connect', 'net.Socket#connect');
  block(net, 'connect', 'net.connect');
  block(net, 'createConnection', 'net.createConnection');
  block(tls, 'connect', 'tls.connect');
  block(http, 'request', 'http.request');
  block(http, 'get', 'http.get');
  block(https, 'request', 'https.request');
  block(https, 'get', 'https.get');
  block(dns, 'lookup', 'dns.lookup');
});
afterEach(() => {
  for (const [target, key, value] of saved.splice(0).reverse()) target[key] = value;
});

describe('transcribe with outbound network blocked', () => {
  it('the block works: a connection attempt throws and is counted', () => {
    expect(() => net.connect({ host: '127.0.0.1', port: 9 })).toThrow(/network blocked/);
    expect(() => new net.Socket().connect(9, '127.0.0.1')).toThrow(/network blocked/);
    expect(attempts).toHaveLength(2);
  });

  it('a whole transcribe succeeds and never tries to connect', async () => {
    const tmp = await tempDataDir();
    const h = await cliHarness(join(tmp.dir, 'data'), fakeLoader());
    try {
      const out = join(tmp.dir, 'meeting.json');
      const code = await transcribeCommand(h.ctx, await toneFile(tmp.dir), { export: 'json', out });
      expect(code, h.err.join('\n')).toBe(EXIT.OK);
      const meetingId = Number(/meeting (\d+)/.exec(h.out.join('\n'))?.[1]);
      expect(readArchive(h.ctx.dataDir, (s) => s.segments.list(meetingId)).length).toBeGreaterThan(3);
      expect(attempts).toEqual([]);
    } finally {
      await h.backend.shutdown();
      await tmp.remove();
    }
  });
});
