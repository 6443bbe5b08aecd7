/** Where `ferry serve` finds its web app and the addresses it tells people to open. */
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const ANY = new Set(['0.0.0.0', '::']);

/**
 * The web app built beside this code: `dist/` of a clone (running src/cli/ with tsx), or of an installed
 * package (running the bundle in dist/cli/). An explicit --static wins.
 */
export function findWebApp(explicit?: string): string | undefined {
  const candidates = explicit
    ? [explicit]
    : [new URL('../', import.meta.url), new URL('../../dist/', import.meta.url)].map((url) =>
        fileURLToPath(url),
      );
  return candidates.find((dir) => existsSync(`${dir}/index.html`));
}

function hostInUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * Every URL the server answers on: for a wildcard bind, each interface address (IPv4 first, so the
 * line people copy is the familiar one); for loopback, localhost first (WebHID's secure context).
 */
export function listeningUrls(host: string, port: number, tls: boolean): string[] {
  const scheme = tls ? 'https' : 'http';
  const url = (address: string): string => `${scheme}://${hostInUrl(address)}:${port}`;
  if (LOOPBACK.has(host)) return [url('localhost'), ...(host === 'localhost' ? [] : [url(host)])];
  if (!ANY.has(host)) return [url(host)];
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((info) => info !== undefined && (host === '::' || info.family === 'IPv4'))
    .sort((a, b) => Number(a?.family === 'IPv6') - Number(b?.family === 'IPv6'))
    .map((info) => info?.address ?? '')
    // Link-local IPv6 needs a zone id, which no browser accepts in a URL.
    .filter((address) => address !== '' && !LOOPBACK.has(address) && !address.startsWith('fe80:'));
  return [url('localhost'), ...addresses.map(url)];
}

/** --public-url: an http(s) origin; a path, query or fragment would not survive into links, so refuse it. */
export function parsePublicUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`'${value}' is not a URL (e.g. https://ferry.example)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`'${value}' must be http(s)`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new Error(`'${value}' must be an origin only, without a path, query or fragment`);
  }
  return url;
}
