import { defaultNameFor } from './default-name.ts';

/** What the page needs from where it is served: the signaling endpoint, the public URL (ICE servers: controllers/connection.ts). */

export function signalingUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/signal`;
}

/**
 * The origin links and QR codes use, when the server was told one (`ferry serve --public-url`), from its
 * /config.json (which controllers/connection.ts fetches with the ICE servers); only an http(s) origin.
 */
export function publicUrlOf(config: unknown): string | undefined {
  const value = (typeof config === 'object' && config !== null ? config : {}) as { publicUrl?: unknown };
  return typeof value.publicUrl === 'string' ? safeOrigin(value.publicUrl) : undefined;
}

function safeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** A link only this computer can open: a phone or another machine cannot reach localhost. */
export function isLocalOnlyLink(link: string): boolean {
  try {
    const host = new URL(link).hostname;
    return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}

const NAME_KEY = 'ferry.name';
/** "Chrome on Linux" and the like (lib/default-name.ts): better than one name for every browser. */
export const DEFAULT_NAME = defaultNameFor(globalThis.navigator?.userAgent ?? '');

/** The name peers see; remembered per browser. localStorage can throw (privacy modes), hence the guards. */
export function loadName(): string {
  try {
    return localStorage.getItem(NAME_KEY)?.trim() || DEFAULT_NAME;
  } catch {
    return DEFAULT_NAME;
  }
}

export function saveName(name: string): void {
  try {
    localStorage.setItem(NAME_KEY, name.trim().slice(0, 64));
  } catch {
    // Not remembered this time; the name still applies to this page.
  }
}
