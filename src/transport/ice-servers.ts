/**
 * Where peers get their STUN/TURN servers: the signaling server's /config.json (with per-client,
 * time-limited TURN credentials, see signaling/turn-credentials.ts), plus any the user names (`ferry
 * receive --ice`). Platform-free: fetch is injected.
 */

/** What /config.json says; `ttlSeconds` is how long its credentials last (absent: they do not expire). */
export interface IceConfig {
  iceServers: RTCIceServer[];
  ttlSeconds?: number;
}

/** A session's ICE servers: fixed, or read afresh for every new link (credentials expire). */
export type IceServerSource = RTCIceServer[] | (() => RTCIceServer[]);

export function currentIceServers(source: IceServerSource): RTCIceServer[] {
  return typeof source === 'function' ? source() : source;
}

export class IceUrlError extends Error {
  override readonly name = 'IceUrlError';
}

const ICE_URL = /^(stuns?|turns?):(?:([^@]*)@)?([^?@]+)(\?transport=(udp|tcp))?$/;
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:(\d{1,5}))?$/;

/**
 * One `--ice` value: `stun:host[:port]`, or `turn:USER:PASSWORD@host[:port][?transport=udp|tcp]` (also
 * `stuns:`/`turns:`). USER and PASSWORD are percent-encoded where they hold `:`, `@` or `%` (a TURN REST
 * username such as `1767225600:ab` is written `1767225600%3Aab`); the userinfo splits at its first `:`.
 */
export function parseIceUrl(text: string): RTCIceServer {
  const match = ICE_URL.exec(text.trim());
  if (!match) {
    throw new IceUrlError(
      `${text}: expected stun:host[:port] or turn:USER:PASSWORD@host[:port][?transport=udp|tcp]`,
    );
  }
  const [, scheme = '', userinfo, hostPort = '', query = ''] = match;
  const port = HOST_PORT.exec(hostPort)?.[3];
  if (!HOST_PORT.test(hostPort) || (port !== undefined && !validPort(port))) {
    throw new IceUrlError(`${text}: expected a host and optionally a port from 1 to 65535`);
  }
  const urls = `${scheme}:${hostPort}${query}`;
  const isTurn = scheme.startsWith('turn');
  if (!isTurn) {
    if (userinfo !== undefined) throw new IceUrlError(`${text}: a STUN server takes no credentials`);
    if (query !== '') throw new IceUrlError(`${text}: ?transport= is for TURN servers`);
    return { urls };
  }
  if (userinfo === undefined) {
    throw new IceUrlError(`${text}: a TURN server needs credentials: turn:USER:PASSWORD@${hostPort}${query}`);
  }
  const colon = userinfo.indexOf(':');
  if (colon <= 0 || colon === userinfo.length - 1) {
    throw new IceUrlError(`${text}: expected USER:PASSWORD@ before the host, both non-empty`);
  }
  return {
    urls,
    username: decodePart(text, userinfo.slice(0, colon)),
    credential: decodePart(text, userinfo.slice(colon + 1)),
  };
}

/** The server's ICE servers first, then the user's own (duplicates of a URL set dropped). */
export function mergeIceServers(fromServer: RTCIceServer[], fromUser: RTCIceServer[]): RTCIceServer[] {
  const seen = new Set<string>();
  const merged: RTCIceServer[] = [];
  for (const server of [...fromServer, ...fromUser]) {
    const key = JSON.stringify([server.urls, server.username ?? '']);
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(server);
  }
  return merged;
}

/**
 * Reads /config.json leniently: what is not an ICE server with string URLs is dropped, since a broken
 * or missing config must not keep peers on one network (host candidates) from connecting.
 */
export function parseIceConfig(value: unknown): IceConfig {
  const config = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const list = Array.isArray(config.iceServers) ? config.iceServers : [];
  const iceServers = list.filter(isIceServer).map(copyIceServer);
  const ttl = config.ttlSeconds;
  return typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0
    ? { iceServers, ttlSeconds: ttl }
    : { iceServers };
}

/** A server that does not answer in this long is taken to publish no ICE servers: pairing goes on. */
const FETCH_TIMEOUT_MS = 5000;

/** Fetches `url` (a server's /config.json) as JSON; undefined when it cannot be had (down, slow, not JSON). */
export async function fetchConfigBody(url: string, fetchImpl: typeof fetch = fetch): Promise<unknown> {
  try {
    const response = await fetchImpl(url, {
      cache: 'no-store',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!response.ok) return undefined;
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}

/** Fetch again when this share of the credentials' lifetime has passed, well before they expire. */
const REFRESH_AT = 0.5;
/** After a failed renewal, try again this soon (the credentials in hand are still valid for a while). */
const RETRY_MS = 60_000;

/**
 * The ICE servers of a server's /config.json kept fresh: fetched once on start, then again at half
 * their lifetime, so a link made hours into a session still gets a TURN credential coturn accepts. A
 * failed renewal keeps the servers in hand and tries again shortly; a server that publishes no lifetime
 * is fetched once.
 */
export class IceServerFeed {
  private servers: RTCIceServer[] = [];
  /** The latest /config.json as the server sent it (the page also reads its publicUrl). */
  body: unknown;
  private ttlSeconds: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly extra: RTCIceServer[] = [],
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** Resolves once the first fetch is done (it never rejects: no config means host candidates only). */
  async start(): Promise<void> {
    const body = await fetchConfigBody(this.url, this.fetchImpl);
    const config = body === undefined ? undefined : parseIceConfig(body);
    if (config) {
      this.body = body;
      this.servers = config.iceServers;
      this.ttlSeconds = config.ttlSeconds;
    }
    if (this.closed || this.ttlSeconds === undefined) return;
    const ttlMs = this.ttlSeconds * 1000;
    const delay = config ? ttlMs * REFRESH_AT : Math.min(RETRY_MS, ttlMs * REFRESH_AT);
    this.timer = setTimeout(() => void this.start(), delay);
    (this.timer as { unref?: () => void }).unref?.(); // Node: never the reason a process stays up
  }

  /** For session options: the latest servers, read when a link is made. */
  readonly current = (): RTCIceServer[] => mergeIceServers(this.servers, this.extra);

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }
}

function validPort(port: string): boolean {
  const value = Number(port);
  return value >= 1 && value <= 65_535;
}

function decodePart(text: string, part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new IceUrlError(`${text}: bad percent-encoding in the credentials (write % as %25)`);
  }
}

function isIceServer(value: unknown): value is RTCIceServer {
  if (typeof value !== 'object' || value === null) return false;
  const { urls, username, credential } = value as Record<string, unknown>;
  const urlsOk =
    typeof urls === 'string' || (Array.isArray(urls) && urls.every((u) => typeof u === 'string'));
  return urlsOk && optionalString(username) && optionalString(credential);
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

/** Only the fields RTCPeerConnection takes, so nothing else in the config reaches it. */
function copyIceServer(server: RTCIceServer): RTCIceServer {
  const copy: RTCIceServer = { urls: server.urls };
  if (server.username !== undefined) copy.username = server.username;
  if (server.credential !== undefined) copy.credential = server.credential;
  return copy;
}
