/**
 * Time-limited TURN credentials in the "TURN REST API" scheme that coturn's `use-auth-secret` checks:
 * username `<expiry unix seconds>:<random id>`, password base64(HMAC-SHA1(secret, username)). The server
 * and coturn share only the secret; every /config.json request gets its own pair, so no password is ever
 * common to all clients, and a leaked one stops working at its expiry (coturn refuses a past expiry on
 * every allocation, refresh and permission: a relayed link lasts at most the TTL).
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface TurnOptions {
  /** `turn:` / `turns:` URLs of one TURN service that shares `secret` (e.g. its UDP and TCP transports). */
  urls: string[];
  /** coturn's `static-auth-secret`. */
  secret: string;
  /** How long each credential lasts; default 12 h, at most 24 h. */
  ttlSeconds?: number;
}

export type ValidTurnOptions = Required<TurnOptions>;

export interface TurnCredential {
  username: string;
  credential: string;
  /** Unix seconds; the expiry named in the username. */
  expiresAt: number;
}

export const DEFAULT_TURN_TTL_SECONDS = 12 * 60 * 60;
export const MAX_TURN_TTL_SECONDS = 24 * 60 * 60;

/** A random id keeps two credentials minted in the same second apart; it names no one. */
const ID_BYTES = 12;

export function mintTurnCredential(secret: string, ttlSeconds: number, nowMs = Date.now()): TurnCredential {
  const expiresAt = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiresAt}:${randomBytes(ID_BYTES).toString('base64url')}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt };
}

/**
 * The ICE servers one client gets: the TURN URLs with a fresh credential, preceded by the same hosts as
 * STUN servers (coturn answers STUN on its TURN ports), so a client also learns its public address and can
 * try a direct path before falling back to the relay.
 */
export function turnIceServers(turn: ValidTurnOptions, nowMs = Date.now()): RTCIceServer[] {
  const { username, credential } = mintTurnCredential(turn.secret, turn.ttlSeconds, nowMs);
  const stun = [...new Set(turn.urls.flatMap(stunUrlOf))];
  return [...(stun.length > 0 ? [{ urls: stun }] : []), { urls: turn.urls, username, credential }];
}

/** Checks a TURN configuration once, at startup, and fills in the default lifetime. */
export function validateTurnOptions(turn: TurnOptions): ValidTurnOptions {
  if (turn.urls.length === 0) throw new RangeError('TURN needs at least one turn: URL');
  for (const url of turn.urls) turnHostPort(url);
  if (turn.secret === '') throw new RangeError('TURN needs the shared secret (coturn static-auth-secret)');
  const ttlSeconds = turn.ttlSeconds ?? DEFAULT_TURN_TTL_SECONDS;
  if (!Number.isInteger(ttlSeconds)) throw new RangeError('the TURN credential TTL must be whole seconds');
  if (ttlSeconds <= 0) throw new RangeError('the TURN credential TTL must be positive');
  if (ttlSeconds > MAX_TURN_TTL_SECONDS) {
    throw new RangeError('the TURN credential TTL must be at most 24 h (86400 s)');
  }
  return { urls: [...turn.urls], secret: turn.secret, ttlSeconds };
}

/** `turn:host[:port][?transport=…]` → `host[:port]`; throws for anything else. */
function turnHostPort(url: string): { secure: boolean; hostPort: string } {
  const match = /^(turns?):([^?]*)(\?transport=(udp|tcp))?$/.exec(url);
  if (!match) throw new RangeError(`${url}: a TURN URL is turn: or turns:host[:port][?transport=udp|tcp]`);
  const hostPort = match[2] ?? '';
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(hostPort)) {
    throw new RangeError(`${url}: the TURN URL needs a host (and optionally :port)`);
  }
  return { secure: match[1] === 'turns', hostPort };
}

/** A plain (not TLS) TURN URL's host as a STUN URL; TURN over TLS has no STUN twin on its port. */
function stunUrlOf(url: string): string[] {
  const { secure, hostPort } = turnHostPort(url);
  return secure ? [] : [`stun:${hostPort}`];
}
