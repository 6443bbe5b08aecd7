/**
 * `ferry serve` (and `npm start`, which runs it): the built web app and signaling on one port.
 * Binds to loopback unless told otherwise, because anyone who can reach the port can create sessions.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { createFerryServer } from '../../signaling/server.ts';
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
  redis?: string;
  redisHeartbeatMs?: number;
  redisPrefix?: string;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535');
  }
  return port;
}

function parsePositive(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new InvalidArgumentError('expected a positive integer');
  return number;
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
      'a STUN/TURN server for the web app, e.g. stun:stun.example.org (repeatable)',
      collect,
      [],
    )
    .option(
      '--redis <url>',
      'keep sessions in this Redis (redis://host:port), shared by several ferry serve nodes (env FERRY_REDIS)',
      process.env.FERRY_REDIS,
    )
    .option(
      '--redis-heartbeat-ms <ms>',
      'with --redis: a node silent this long is dead to the others, its peers leave (default 15000)',
      parsePositive,
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
