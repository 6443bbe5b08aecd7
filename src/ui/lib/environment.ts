/** What the page needs from where it is served: the signaling endpoint (ICE servers: controllers/connection.ts). */

export function signalingUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/signal`;
}

const NAME_KEY = 'ferry.name';
export const DEFAULT_NAME = 'Browser';

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
