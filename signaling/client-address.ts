/**
 * Which client a connection counts against. The socket's peer address, unless the server was told to
 * trust a reverse proxy's header (`--trust-proxy X-Forwarded-For`): then the address the proxy wrote.
 * Headers are never trusted by default, since any client can send them.
 */
import type { IncomingMessage } from 'node:http';
import { isIP, isIPv4 } from 'node:net';

export function clientAddressOf(request: IncomingMessage, trustProxy: string | undefined): string {
  const forwarded = trustProxy === undefined ? undefined : forwardedAddress(request, trustProxy);
  return clientKey(forwarded ?? request.socket.remoteAddress ?? 'unknown');
}

/**
 * The key budgets are kept under: an IPv4 address as is, an IPv6 address by its /64 prefix (one
 * subscriber usually gets a whole /64, so counting single IPv6 addresses would give it 2^64 budgets).
 */
export function clientKey(address: string): string {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').replace(/%.*$/, '');
  if (isIPv4(plain)) return plain;
  const groups = expandIPv6(plain);
  return groups === undefined ? plain : `${groups.slice(0, 4).join(':')}::/64`;
}

/**
 * The last entry of the header: a proxy appends the address it saw, so earlier entries are whatever the
 * client claimed. Undefined when the header is missing or its last entry is not an address.
 */
function forwardedAddress(request: IncomingMessage, header: string): string | undefined {
  const value = request.headers[header.toLowerCase()];
  const joined = Array.isArray(value) ? value.join(',') : value;
  const last = joined?.split(',').at(-1)?.trim();
  if (last === undefined) return undefined;
  const bare = withoutPort(last);
  return isIP(bare) === 0 ? undefined : bare;
}

/** "[2001:db8::1]:443" → "2001:db8::1", "198.51.100.7:5000" → "198.51.100.7". */
function withoutPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed) return bracketed[1] ?? entry;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(entry);
  return v4 ? (v4[1] ?? entry) : entry;
}

/** Eight lowercase four-digit groups, or undefined if `address` is not IPv6. */
function expandIPv6(address: string): string[] | undefined {
  if (isIP(address) !== 6) return undefined;
  const [head = '', tail] = address.toLowerCase().split('::');
  const parts = (text: string) => (text === '' ? [] : text.split(':').flatMap(embeddedIPv4));
  const left = parts(head);
  const right = tail === undefined ? [] : parts(tail);
  const missing = 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right];
  return groups.map((group) => group.padStart(4, '0'));
}

/** "1.2.3.4" at the end of an IPv6 address is two groups. */
function embeddedIPv4(part: string): string[] {
  if (!isIPv4(part)) return [part];
  const [a = 0, b = 0, c = 0, d = 0] = part.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
