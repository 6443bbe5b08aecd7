/**
 * Ferry's one server process: the static web app, GET /healthz, and the signaling WebSocket at /signal.
 * It pairs peers and relays their WebRTC signals; it never sees share secrets or device data.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { CLOSE_CODES, encodeMessage, MAX_MESSAGE_BYTES } from '../src/protocol/signaling.ts';
import { clientAddressOf } from './client-address.ts';
import { ClientLedger, type ClientLimits, DEFAULT_CLIENT_LIMITS } from './client-limits.ts';
import { acceptConnection, type ConnectionContext, refuseSocket } from './connection.ts';
import { CROSS_ORIGIN_HEADERS } from './cross-origin.ts';
import { RedisRooms, type RedisStoreOptions } from './redis-rooms.ts';
import { type RoomLimits, Rooms } from './rooms.ts';
import { setSecurityHeaders } from './security-headers.ts';
import type { SessionStore } from './session-store.ts';
import { createStaticHandler, type RequestHandler, sendStatus } from './static.ts';
import {
  type TurnOptions,
  turnIceServers,
  type ValidTurnOptions,
  validateTurnOptions,
} from './turn-credentials.ts';

export interface FerryServerOptions {
  /** 0 picks a free port (tests). */
  port?: number;
  /** Loopback by default: listening on other interfaces must be asked for (`0.0.0.0`). */
  host?: string;
  /** The built web app (Vite's dist/). Without it only /healthz and /signal are served. */
  staticDir?: string;
  maxReceivers?: number;
  maxSessions?: number;
  sessionTtlMs?: number;
  idleTimeoutMs?: number;
  /**
   * Every interval each socket gets a WebSocket ping and an app-level `heartbeat` message (pages cannot
   * see pings); one that answered none of the last two pings is terminated. Default 10 s; the clients
   * reconnect when about three intervals pass without a word (docs/signaling.md, "Heartbeat").
   */
  pingIntervalMs?: number;
  /** Error replies a socket may earn before it is closed. */
  maxBadMessages?: number;
  /** Per-client-address budgets (docs/security.md); the defaults suit normal use. */
  limits?: Partial<ClientLimits>;
  /** A socket that is in no session for this long is closed (4003). */
  connectionIdleMs?: number;
  /** Sockets the whole server holds at most; more are refused with 1013 (the process needs the fds). */
  maxSockets?: number;
  /**
   * Behind a reverse proxy: the request header that carries the client's address (e.g. `X-Forwarded-For`,
   * its last entry). Off by default, since a client reaching the server directly could forge it.
   */
  trustProxy?: string;
  /** Where unexpected errors are logged (default console.error). */
  log?: (message: string, error?: unknown) => void;
  /** STUN/TURN servers the web app should use, served as /config.json (none are needed on one LAN). */
  iceServers?: RTCIceServer[];
  /**
   * A TURN service sharing a secret with this server (coturn `use-auth-secret`): each /config.json
   * response carries its own time-limited credential for it (signaling/turn-credentials.ts).
   */
  turn?: TurnOptions;
  /** Serve HTTPS and WSS (PEM certificate chain and key) instead of plain HTTP. */
  tls?: { cert: Buffer; key: Buffer };
  /** The origin share links and QR codes should use (behind a proxy, or a name others can reach). */
  publicUrl?: string;
  /**
   * Keep sessions, nameplates and relayed signals in this Redis (`redis://host:port`), shared with other
   * server processes, so that peers on different processes pair (docs/signaling.md "Several nodes on
   * Redis"). Without it sessions live in this process's memory.
   */
  redis?: string | RedisStoreOptions;
}

export interface FerryServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MINUTE = 60_000;

export async function createFerryServer(options: FerryServerOptions = {}): Promise<FerryServer> {
  const sessionTtlMs = options.sessionTtlMs ?? 10 * MINUTE;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60 * MINUTE;
  const limits = clientLimits(options.limits);
  const roomLimits: RoomLimits = {
    maxReceivers: options.maxReceivers ?? 4,
    maxSessions: options.maxSessions ?? 10_000,
    maxSessionsPerOwner: limits.sessionsPerAddress,
    sessionTtlMs,
    idleTimeoutMs,
  };
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const rooms: SessionStore =
    options.redis === undefined
      ? new Rooms(roomLimits)
      : await RedisRooms.connect(roomLimits, redisOptions(options.redis), log);
  const ledger = new ClientLedger(limits);
  const context: ConnectionContext = {
    rooms,
    ledger,
    maxBadMessages: options.maxBadMessages ?? 20,
    connectionIdleMs: options.connectionIdleMs ?? MINUTE,
    maxBufferedBytes: 1024 * 1024,
    log,
  };
  const serveStatic = options.staticDir === undefined ? undefined : createStaticHandler(options.staticDir);
  const config = clientConfig(
    { iceServers: options.iceServers ?? [], publicUrl: options.publicUrl },
    options.turn && validateTurnOptions(options.turn),
  );
  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    setSecurityHeaders(response);
    handleHttp(request, response, rooms, serveStatic, config).catch(() => response.destroy());
  };
  const server = options.tls ? createTlsServer(options.tls, onRequest) : createServer(onRequest);
  // Slow or stalled request headers (an upgrade included) must not hold sockets for Node's default minute.
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;
  const wss = new WebSocketServer({ server, path: '/signal', maxPayload: MAX_MESSAGE_BYTES });
  const maxSockets = options.maxSockets ?? 20_000;
  wss.on('connection', (socket, request) => {
    try {
      if (wss.clients.size > maxSockets) {
        const refusal = { message: 'the server has too many connections; try again later' };
        refuseSocket(socket, context, 'server-full', refusal, CLOSE_CODES.serverBusy);
        return;
      }
      acceptConnection(socket, clientAddressOf(request, options.trustProxy), context);
    } catch (error) {
      log('signaling: dropping a connection after an unexpected error', error);
      socket.terminate();
    }
  });
  wss.on('error', (error) => log('signaling: WebSocket server error', error));

  // Sweep often enough that expiry lands within about a quarter of the shortest limit.
  const sweepEveryMs = Math.max(10, Math.min(sessionTtlMs, idleTimeoutMs, MINUTE) / 4);
  const timers = [
    setInterval(() => {
      Promise.resolve(rooms.sweep()).catch((error) => log('signaling: sweeping sessions failed', error));
      ledger.sweep();
    }, sweepEveryMs),
    startHeartbeat(wss, options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS),
  ];
  for (const timer of timers) timer.unref();

  const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1').catch(async (error) => {
    await rooms.close?.();
    throw error;
  });
  return {
    url: `${options.tls ? 'https' : 'http'}://${urlHost(options.host ?? '127.0.0.1')}:${port}`,
    port,
    async close() {
      for (const timer of timers) clearInterval(timer);
      await closeSockets(wss);
      wss.close();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections(); // idle keep-alive HTTP clients would otherwise hold close() open
      });
      await rooms.close?.();
    },
  };
}

async function handleHttp(
  request: IncomingMessage,
  response: ServerResponse,
  rooms: SessionStore,
  serveStatic: RequestHandler | undefined,
  config: () => string,
): Promise<void> {
  const path = (request.url ?? '/').split('?', 1)[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') return sendStatus(response, 405);
  if (path === '/healthz') {
    response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    response.end(JSON.stringify({ ok: true, sessions: rooms.size }));
    return;
  }
  if (path === '/config.json') {
    // Read by the web-api module from other origins too (cross-origin.ts).
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      ...CROSS_ORIGIN_HEADERS,
    });
    response.end(config());
    return;
  }
  if (path === '/signal') return sendStatus(response, 426); // plain GET on the WebSocket endpoint
  if (serveStatic === undefined) return sendStatus(response, 404);
  await serveStatic(request, response);
}

/**
 * The body of /config.json: the static ICE servers (and the public URL), then, with TURN, a credential
 * minted for this one request (never cached: no two clients share a password) and how long it lasts, so
 * clients renew it.
 */
function clientConfig(
  base: { iceServers: RTCIceServer[]; publicUrl: string | undefined },
  turn: ValidTurnOptions | undefined,
): () => string {
  if (turn === undefined) {
    const fixed = JSON.stringify(base);
    return () => fixed;
  }
  return () =>
    JSON.stringify({
      ...base,
      iceServers: [...base.iceServers, ...turnIceServers(turn)],
      ttlSeconds: turn.ttlSeconds,
    });
}

function redisOptions(redis: string | RedisStoreOptions): RedisStoreOptions {
  return typeof redis === 'string' ? { url: redis } : redis;
}

/** The defaults with the given overrides; a limit that is not a positive number is a configuration error. */
function clientLimits(overrides: Partial<ClientLimits> = {}): ClientLimits {
  const limits: ClientLimits = { ...DEFAULT_CLIENT_LIMITS };
  for (const [key, value] of Object.entries(overrides) as Array<[keyof ClientLimits, never]>) {
    if (value !== undefined) limits[key] = value;
  }
  for (const [key, value] of Object.entries(limits)) {
    const numbers = typeof value === 'number' ? [value] : [value.burst, value.perMinute];
    if (!numbers.every((n) => Number.isFinite(n) && n > 0)) {
      throw new RangeError(`limits.${key} must be positive numbers`);
    }
  }
  return limits;
}

const DEFAULT_PING_INTERVAL_MS = 10_000;

/**
 * Pings unanswered before a socket is terminated. Two, not one: after a short outage TCP's backed-off
 * retransmission can hold a pong back for about as long as the outage, and a socket dropped here costs
 * the peer its place (the others hear 'peer-left'); the client's own watchdog waits longer still.
 */
const MISSED_PINGS_TO_TERMINATE = 2;

/**
 * Pings every socket each interval and terminates the ones that answered none of the last two pings (a
 * peer whose network went away is noticed within two to three intervals). Each socket also hears a
 * `heartbeat` on connecting and every interval, the only liveness a page can observe.
 */
function startHeartbeat(wss: WebSocketServer, intervalMs: number): NodeJS.Timeout {
  const missed = new WeakMap<WebSocket, number>();
  const heartbeat = encodeMessage({ type: 'heartbeat', intervalMs });
  const beat = (socket: WebSocket) => socket.send(heartbeat, () => {}); // a failure: 'close' follows
  wss.on('connection', (socket) => {
    missed.set(socket, 0);
    socket.on('pong', () => missed.set(socket, 0));
    beat(socket);
  });
  return setInterval(() => {
    for (const socket of wss.clients) {
      const unanswered = missed.get(socket) ?? 0;
      if (unanswered >= MISSED_PINGS_TO_TERMINATE) socket.terminate();
      else if (socket.readyState === socket.OPEN) {
        missed.set(socket, unanswered + 1);
        socket.ping(undefined, undefined, () => {}); // a failed ping means a dead socket: 'close' follows
        beat(socket);
      }
    }
  }, intervalMs);
}

/** Closes every socket politely, then terminates those that have not finished closing shortly after. */
async function closeSockets(wss: WebSocketServer): Promise<void> {
  const sockets = [...wss.clients];
  const closed = sockets.map((socket) => new Promise((done) => socket.once('close', done)));
  for (const socket of sockets) socket.close(CLOSE_CODES.serverShutdown, 'server shutting down');
  const grace = new Promise((done) => setTimeout(done, 500).unref());
  await Promise.race([Promise.all(closed), grace]);
  for (const socket of sockets) socket.terminate();
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
