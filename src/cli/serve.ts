/**
 * `ferry serve` (and `npm start`, which runs it): the built web app and signaling on one port.
 * Binds to loopback unless told otherwise, because anyone who can reach the port can create sessions.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { createFerryServer } from '../../signaling/server.ts';
import type { TurnOptions } from '../../signaling/turn-credentials.ts';
import { parseIceUrl } from '../transport/index.ts';
import { collect, positiveInt } from './flag-values.ts';
import { findWebApp, listeningUrls, parsePublicUrl } from './serve-addresses.ts';

interface ServeFlags {
  port: number;
  host: string;
  static?: string;
  ice?: string[];
  trustProxy?: string;
  tlsCert?: string;
  tlsKey?: string;
  publicUrl?: URL;
  turnUrl?: string[];
  turnSecret?: string;
  turnTtl?: number;
  redis?: string;
  redisHeartbeatMs?: number;
  redisPrefix?: string;
}

/**
 * `--ice`: STUN only. A TURN server needs credentials, and one password published to every client is what
 * --turn-url's per-client credentials exist to avoid.
 */
function collectStunUrl(value: string, previous: string[] | undefined): string[] {
  if (!/^stuns?:/.test(value)) {
    throw new InvalidArgumentError(
      'expected stun:host[:port]; give a TURN server with --turn-url and --turn-secret',
    );
  }
  try {
    parseIceUrl(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return collect(value, previous);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535');
  }
  return port;
}

/** The TURN service to mint per-client credentials for; the secret preferably from the environment. */
function turnFrom(flags: ServeFlags): TurnOptions | undefined {
  const urls = flags.turnUrl ?? [];
  if (urls.length === 0) return undefined;
  const secret = flags.turnSecret ?? process.env.FERRY_TURN_SECRET;
  if (!secret) throw new Error('--turn-url needs the shared secret: --turn-secret or FERRY_TURN_SECRET');
  return { urls, secret, ttlSeconds: flags.turnTtl };
}

function publicUrlFlag(value: string): URL {
  try {
    return parsePublicUrl(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read the TLS ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

function tlsFrom(flags: ServeFlags): { cert: Buffer; key: Buffer } | undefined {
  if (!flags.tlsCert && !flags.tlsKey) return undefined;
  if (!flags.tlsCert || !flags.tlsKey) throw new Error('--tls-cert and --tls-key go together');
  return { cert: readPem(flags.tlsCert, 'certificate'), key: readPem(flags.tlsKey, 'key') };
}

async function serve(flags: ServeFlags): Promise<void> {
  const staticDir = findWebApp(flags.static);
  if (!staticDir) console.warn('No built web app found (run "npm run build"); serving signaling only.');
  const tls = tlsFrom(flags);
  const server = await createFerryServer({
    port: flags.port,
    host: flags.host,
    staticDir,
    iceServers: (flags.ice ?? []).map((urls) => ({ urls })),
    trustProxy: flags.trustProxy,
    tls,
    publicUrl: flags.publicUrl?.origin,
    turn: turnFrom(flags),
    redis: flags.redis
      ? { url: flags.redis, heartbeatTtlMs: flags.redisHeartbeatMs, keyPrefix: flags.redisPrefix }
      : undefined,
  });
  const [first, ...more] = listeningUrls(flags.host, server.port, tls !== undefined);
  console.log(`Ferry is running at ${first}`);
  for (const url of more) console.log(`  also at ${url}`);
  if (flags.publicUrl) console.log(`  links and QR codes say ${flags.publicUrl.origin}`);
  if (flags.redis) console.log('  sessions are kept in Redis, shared with the other nodes that use it');

  const shutdown = async (signal: string): Promise<void> => {
    console.log(`${signal}: closing sessions and exiting.`);
    await server.close();
    process.exitCode = 0;
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the Ferry web app and its signaling endpoint (/signal)')
    .option(
      '--port <number>',
      'port to listen on (env PORT)',
      parsePort,
      parsePort(process.env.PORT ?? '8080'),
    )
    .option('--host <address>', 'address to bind; 0.0.0.0 or :: accepts other machines', '127.0.0.1')
    .option('--static <dir>', 'the built web app to serve (default: the one built beside this command)')
    .option('--tls-cert <file>', 'serve HTTPS and WSS with this PEM certificate (chain)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option(
      '--public-url <url>',
      'the origin links and QR codes use, e.g. https://ferry.example',
      publicUrlFlag,
    )
    .option(
      '--ice <url>',
      'a STUN server for every client, e.g. stun:stun.example.org (repeatable; TURN goes through --turn-url)',
      collectStunUrl,
      [],
    )
    .option(
      '--turn-url <url>',
      'a TURN server sharing --turn-secret, e.g. turn:turn.example.org:3478 (repeatable); each client gets its own time-limited credential',
      collect,
    )
    .option(
      '--turn-secret <secret>',
      "the TURN server's static-auth-secret (env FERRY_TURN_SECRET, which keeps it off the command line)",
    )
    .option(
      '--turn-ttl <seconds>',
      'how long each TURN credential lasts (default 43200, at most 86400)',
      positiveInt,
    )
    .option(
      '--redis <url>',
      'keep sessions in this Redis (redis://host:port), shared by several ferry serve nodes (env FERRY_REDIS)',
      process.env.FERRY_REDIS,
    )
    .option(
      '--redis-heartbeat-ms <ms>',
      'with --redis: a node silent this long is dead to the others, its peers leave (default 15000)',
      positiveInt,
    )
    .option('--redis-prefix <prefix>', 'with --redis: prefix of every key and channel (default ferry:)')
    .option(
      '--trust-proxy <header>',
      'behind a reverse proxy: take the client address from this header (e.g. X-Forwarded-For, its last entry); only if clients cannot reach the server directly',
    )
    .action(async (flags: ServeFlags) => {
      try {
        await serve(flags);
      } catch (error) {
        process.stderr.write(`ferry: ${(error as Error).message}\n`);
        process.exit(1);
      }
    });
}
