/**
 * ICE servers: `ferry receive --ice` values (with TURN credentials), the lenient reading of a server's
 * /config.json, merging the two, and the feed that renews the server's credentials before they expire.
 */
import { describe, expect, it, vi } from 'vitest';
import { collectIceServer } from '../../../src/receiver/ice-flag.ts';
import {
  IceServerFeed,
  IceUrlError,
  mergeIceServers,
  parseIceConfig,
  parseIceUrl,
} from '../../../src/transport/index.ts';

describe('parseIceUrl (--ice)', () => {
  it.each([
    ['stun:stun.example.org', { urls: 'stun:stun.example.org' }],
    ['stun:198.18.0.1:3478', { urls: 'stun:198.18.0.1:3478' }],
    ['stuns:[2001:db8::1]:5349', { urls: 'stuns:[2001:db8::1]:5349' }],
    [
      'turn:alice:s3cret@turn.example.org:3478?transport=udp',
      { urls: 'turn:turn.example.org:3478?transport=udp', username: 'alice', credential: 's3cret' },
    ],
    [
      // A TURN REST username holds ':' (percent-encoded); a base64 password may hold '/', '+' and '='.
      'turns:1767225600%3Aab12:q+/9Zw==@turn.example.org',
      { urls: 'turns:turn.example.org', username: '1767225600:ab12', credential: 'q+/9Zw==' },
    ],
    ['turn:u:pa:ss@t.example', { urls: 'turn:t.example', username: 'u', credential: 'pa:ss' }],
    ['turn:u%40x:p%25@t.example', { urls: 'turn:t.example', username: 'u@x', credential: 'p%' }],
  ])('reads %s', (text, expected) => {
    expect(parseIceUrl(text)).toEqual(expected);
  });

  it.each([
    ['http://stun.example.org', /expected stun:host/],
    ['stun:', /expected stun:host/],
    ['stun:u:p@stun.example.org', /no credentials/],
    ['stun:stun.example.org?transport=udp', /for TURN/],
    ['turn:turn.example.org', /needs credentials/],
    ['turn:alice@turn.example.org', /USER:PASSWORD/],
    ['turn::pw@turn.example.org', /USER:PASSWORD/],
    ['turn:alice:@turn.example.org', /USER:PASSWORD/],
    ['turn:a:b@turn.example.org:0', /port from 1 to 65535/],
    ['turn:a:b@turn.example.org:70000', /port from 1 to 65535/],
    ['turn:a:b@turn.example.org?transport=sctp', /expected stun:host/],
    ['turn:a:%zz@turn.example.org', /percent-encoding/],
    ['turn:a:b@bad_host', /host/],
  ])('refuses %s', (text, message) => {
    expect(() => parseIceUrl(text)).toThrow(IceUrlError);
    expect(() => parseIceUrl(text)).toThrow(message);
  });

  it('is a usage error for the CLI, collected in order', () => {
    const servers = collectIceServer('turn:a:b@t.example', collectIceServer('stun:s.example'));
    expect(servers.map((server) => server.urls)).toEqual(['stun:s.example', 'turn:t.example']);
    expect(() => collectIceServer('turn:t.example')).toThrow(
      expect.objectContaining({ code: 'commander.invalidArgument' }),
    );
  });
});

describe('parseIceConfig (/config.json)', () => {
  it('keeps ICE servers with string URLs and credentials, only their ICE fields, and the TTL', () => {
    const config = parseIceConfig({
      iceServers: [
        { urls: 'stun:s.example' },
        { urls: ['turn:t.example'], username: '1:a', credential: 'p', extra: 'dropped' },
        { urls: 7 },
        { urls: 'turn:t.example', username: 5 },
        null,
        'stun:x',
      ],
      ttlSeconds: 600,
    });
    expect(config).toEqual({
      iceServers: [
        { urls: 'stun:s.example' },
        { urls: ['turn:t.example'], username: '1:a', credential: 'p' },
      ],
      ttlSeconds: 600,
    });
  });

  it.each([[null], [[]], ['x'], [{ iceServers: 'no' }], [{ iceServers: [], ttlSeconds: -1 }]])(
    'reads %j as no ICE servers and no TTL',
    (value) => {
      expect(parseIceConfig(value)).toEqual({ iceServers: [] });
    },
  );
});

describe('mergeIceServers', () => {
  it("puts the server's first, then the user's, each URL set once", () => {
    const fromServer = [{ urls: 'stun:a' }, { urls: ['turn:t'], username: 'x', credential: 'y' }];
    const fromUser = [{ urls: 'stun:a' }, { urls: 'stun:b' }];
    expect(mergeIceServers(fromServer, fromUser)).toEqual([...fromServer, { urls: 'stun:b' }]);
  });
});

describe('IceServerFeed', () => {
  function serving(...bodies: unknown[]): typeof fetch {
    let calls = 0;
    return (async () => {
      const body = bodies[Math.min(calls++, bodies.length - 1)];
      if (body instanceof Error) throw body;
      return new Response(JSON.stringify(body), { status: 200 });
    }) as unknown as typeof fetch;
  }

  it('fetches once, merges the extra servers, and renews at half the TTL', async () => {
    vi.useFakeTimers();
    try {
      const first = { iceServers: [{ urls: 'turn:t', username: '1:a', credential: 'p1' }], ttlSeconds: 100 };
      const second = { iceServers: [{ urls: 'turn:t', username: '2:b', credential: 'p2' }], ttlSeconds: 100 };
      const feed = new IceServerFeed('/config.json', [{ urls: 'stun:mine' }], serving(first, second));
      await feed.start();
      expect(feed.current()).toEqual([...first.iceServers, { urls: 'stun:mine' }]);
      await vi.advanceTimersByTimeAsync(49_000);
      expect(feed.current()[0]?.username).toBe('1:a');
      await vi.advanceTimersByTimeAsync(1_000);
      expect(feed.current()[0]?.username).toBe('2:b');
      feed.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the servers in hand when a renewal fails, and tries again a minute later', async () => {
    vi.useFakeTimers();
    try {
      const first = { iceServers: [{ urls: 'turn:t', username: '1:a', credential: 'p1' }], ttlSeconds: 7200 };
      const later = { iceServers: [{ urls: 'turn:t', username: '3:c', credential: 'p3' }], ttlSeconds: 7200 };
      const feed = new IceServerFeed('/config.json', [], serving(first, new TypeError('down'), later));
      await feed.start();
      await vi.advanceTimersByTimeAsync(3600_000); // the renewal at half the lifetime fails
      expect(feed.current()[0]?.username).toBe('1:a');
      await vi.advanceTimersByTimeAsync(60_000);
      expect(feed.current()[0]?.username).toBe('3:c');
      feed.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('treats an unreachable or broken server as no ICE servers, keeping the extra ones', async () => {
    const down = new IceServerFeed('/config.json', [{ urls: 'stun:mine' }], serving(new TypeError('down')));
    await down.start();
    expect(down.current()).toEqual([{ urls: 'stun:mine' }]);
    const bad = (async () => new Response('not json', { status: 200 })) as unknown as typeof fetch;
    const broken = new IceServerFeed('/config.json', [], bad);
    await broken.start();
    expect(broken.current()).toEqual([]);
  });
});
