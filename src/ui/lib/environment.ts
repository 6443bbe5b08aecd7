/** What the page needs from where it is served: the signaling endpoint and the ICE servers. */

export function signalingUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/signal`;
}

export interface ServerConfig {
  iceServers: RTCIceServer[];
  /** The origin links and QR codes use, when the server was told one (`ferry serve --public-url`). */
  publicUrl?: string;
}

/**
 * The server publishes STUN/TURN servers and its public origin at /config.json. Without them (a test, a
 * LAN) host candidates still connect peers on one network, so a missing or broken config is not an error.
 */
export async function fetchServerConfig(fetchImpl: typeof fetch = fetch): Promise<ServerConfig> {
  try {
    const response = await fetchImpl('/config.json', { cache: 'no-store' });
    if (!response.ok) return { iceServers: [] };
    const config = (await response.json()) as { iceServers?: unknown; publicUrl?: unknown } | null;
    const servers = config?.iceServers;
    const publicUrl = typeof config?.publicUrl === 'string' ? safeOrigin(config.publicUrl) : undefined;
    return { iceServers: Array.isArray(servers) ? (servers as RTCIceServer[]) : [], publicUrl };
  } catch {
    return { iceServers: [] };
  }
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
