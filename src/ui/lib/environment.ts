/** What the page needs from where it is served: the signaling endpoint and the ICE servers. */

export function signalingUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/signal`;
}

/**
 * The server may publish STUN/TURN servers at /config.json. Without them (a test, a LAN) host candidates
 * still connect peers on one network, so a missing or broken config is not an error.
 */
export async function fetchIceServers(fetchImpl: typeof fetch = fetch): Promise<RTCIceServer[]> {
  try {
    const response = await fetchImpl('/config.json', { cache: 'no-store' });
    if (!response.ok) return [];
    const config: unknown = await response.json();
    const servers = (config as { iceServers?: unknown } | null)?.iceServers;
    return Array.isArray(servers) ? (servers as RTCIceServer[]) : [];
  } catch {
    return [];
  }
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
