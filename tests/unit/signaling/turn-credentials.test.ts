/**
 * TURN REST credentials (the scheme coturn's `use-auth-secret` checks): each /config.json request mints its
 * own time-limited username and password. The password is verified here independently with node:crypto.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MAX_TURN_TTL_SECONDS,
  mintTurnCredential,
  turnIceServers,
  validateTurnOptions,
} from '../../../signaling/turn-credentials.ts';
import { startServer } from './helpers.ts';

const SECRET = 'a shared secret only the server and coturn know';
const NOW_MS = Date.UTC(2030, 0, 1, 12, 0, 0);

function expectedPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

describe('mintTurnCredential', () => {
  it('names the expiry (unix seconds) and a random id, and signs the name with HMAC-SHA1 of the secret', () => {
    const minted = mintTurnCredential(SECRET, 3600, NOW_MS);
    const [expiry, id, ...rest] = minted.username.split(':');
    expect(rest).toEqual([]);
    expect(Number(expiry)).toBe(NOW_MS / 1000 + 3600);
    expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(minted.credential).toBe(expectedPassword(SECRET, minted.username));
    expect(minted.expiresAt).toBe(NOW_MS / 1000 + 3600);
  });

  it('gives every request its own username and password', () => {
    const a = mintTurnCredential(SECRET, 3600, NOW_MS);
    const b = mintTurnCredential(SECRET, 3600, NOW_MS);
    expect(a.username).not.toBe(b.username);
    expect(a.credential).not.toBe(b.credential);
  });

  it('rounds a fractional clock down, so the expiry is whole seconds and never later than asked', () => {
    const minted = mintTurnCredential(SECRET, 60, NOW_MS + 999);
    expect(Number(minted.username.split(':')[0])).toBe(NOW_MS / 1000 + 60);
  });
});

describe('validateTurnOptions', () => {
  it('defaults the lifetime to 12 hours and accepts up to 24 hours', () => {
    expect(validateTurnOptions({ urls: ['turn:turn.example.org:3478'], secret: SECRET }).ttlSeconds).toBe(
      43_200,
    );
    expect(MAX_TURN_TTL_SECONDS).toBe(86_400);
    const longest = { urls: ['turn:turn.example.org'], secret: SECRET, ttlSeconds: 86_400 };
    expect(validateTurnOptions(longest).ttlSeconds).toBe(86_400);
  });

  it.each([
    [{ urls: [], secret: SECRET }, /at least one/],
    [{ urls: ['stun:turn.example.org'], secret: SECRET }, /turn: or turns:/],
    [{ urls: ['turn:'], secret: SECRET }, /host/],
    [{ urls: ['turn:turn.example.org'], secret: '' }, /secret/],
    [{ urls: ['turn:turn.example.org'], secret: SECRET, ttlSeconds: 86_401 }, /24 h/],
    [{ urls: ['turn:turn.example.org'], secret: SECRET, ttlSeconds: 0 }, /positive/],
    [{ urls: ['turn:turn.example.org'], secret: SECRET, ttlSeconds: 1.5 }, /whole/],
  ])('refuses %j', (options, message) => {
    expect(() => validateTurnOptions(options)).toThrow(message);
  });
});

describe('turnIceServers', () => {
  it('lists the TURN URLs with fresh credentials and the same hosts as STUN servers (coturn answers both)', () => {
    const turn = validateTurnOptions({
      urls: [
        'turn:198.18.0.1:3478?transport=udp',
        'turn:198.18.0.1:3478?transport=tcp',
        'turns:t.example:5349',
      ],
      secret: SECRET,
      ttlSeconds: 600,
    });
    const servers = turnIceServers(turn, NOW_MS);
    expect(servers[0]).toEqual({ urls: ['stun:198.18.0.1:3478'] });
    const relay = servers[1] as RTCIceServer;
    expect(relay.urls).toEqual(turn.urls);
    expect(relay.username).toMatch(new RegExp(`^${NOW_MS / 1000 + 600}:`));
    expect(relay.credential).toBe(expectedPassword(SECRET, relay.username as string));
  });
});

describe('/config.json with TURN', () => {
  it('mints credentials per request, after the static ICE servers, and says how long they last', async () => {
    const server = await startServer({
      iceServers: [{ urls: 'stun:stun.example.org' }],
      turn: { urls: ['turn:turn.example.org:3478'], secret: SECRET, ttlSeconds: 900 },
    });
    const before = Math.floor(Date.now() / 1000);
    const first = await (await fetch(`${server.url}/config.json`)).json();
    const second = await (await fetch(`${server.url}/config.json`)).json();
    const after = Math.floor(Date.now() / 1000);

    expect(first.ttlSeconds).toBe(900);
    expect(first.iceServers.slice(0, 2)).toEqual([
      { urls: 'stun:stun.example.org' },
      { urls: ['stun:turn.example.org:3478'] },
    ]);
    const [a, b] = [first.iceServers[2], second.iceServers[2]];
    expect(a.urls).toEqual(['turn:turn.example.org:3478']);
    expect(a.username).not.toBe(b.username);
    const expiry = Number(a.username.split(':')[0]);
    expect(expiry).toBeGreaterThanOrEqual(before + 900);
    expect(expiry).toBeLessThanOrEqual(after + 900);
    expect(a.credential).toBe(expectedPassword(SECRET, a.username));
    expect(JSON.stringify(first)).not.toContain(SECRET);
  });

  it('refuses to start with a bad TURN configuration', async () => {
    await expect(
      startServer({ turn: { urls: ['turn:t.example'], secret: SECRET, ttlSeconds: 100_000 } }),
    ).rejects.toThrow(/24 h/);
  });
});
