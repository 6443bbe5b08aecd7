/**
 * `npm start` / `npm run serve`: serve the built web app and signaling on one port.
 * Binds to loopback unless told otherwise, because anyone who can reach the port can create sessions.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createFerryServer } from './server.ts';

interface CliOptions {
  port: number;
  host: string;
  static: string;
  ice: string[];
  trustProxy?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535');
  }
  return port;
}

const options = new Command()
  .name('ferry-server')
  .description('Serve the Ferry web app and its signaling endpoint (/signal)')
  .option('--port <number>', 'port to listen on (env PORT)', parsePort, parsePort(process.env.PORT ?? '8080'))
  .option('--host <address>', 'address to bind; use 0.0.0.0 to accept other machines', '127.0.0.1')
  .option('--static <dir>', 'built web app to serve', 'dist')
  .option(
    '--ice <url>',
    'a STUN/TURN server for the web app, e.g. stun:stun.example.org (repeatable)',
    collect,
    [],
  )
  .option(
    '--trust-proxy <header>',
    'behind a reverse proxy: take the client address from this header (e.g. X-Forwarded-For, its last entry); only if clients cannot reach the server directly',
  )
  .parse()
  .opts<CliOptions>();

const hasApp = existsSync(join(options.static, 'index.html'));
if (!hasApp) console.warn(`No web app in ${options.static}/ (run "npm run build"); serving signaling only.`);

const server = await createFerryServer({
  port: options.port,
  host: options.host,
  staticDir: hasApp ? options.static : undefined,
  iceServers: options.ice.map((urls) => ({ urls })),
  trustProxy: options.trustProxy,
});
const shownHost = ['127.0.0.1', '::1', '0.0.0.0', '::'].includes(options.host) ? 'localhost' : options.host;
console.log(`Ferry is running at http://${shownHost}:${server.port}`);

async function shutdown(signal: string): Promise<void> {
  console.log(`${signal}: closing sessions and exiting.`);
  await server.close();
  process.exitCode = 0;
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
