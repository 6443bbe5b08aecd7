/** Where the signaling server and the web app are, from `--signal` or from the share link itself. */
export interface Endpoints {
  /** The WebSocket endpoint, e.g. ws://localhost:8080/signal */
  signalUrl: string;
  /** The web app's origin, used to print share links, e.g. http://localhost:8080 */
  appOrigin: string;
}

export const DEFAULT_SERVER = 'http://localhost:8080';

export function endpointsFrom(server: string): Endpoints {
  const url = new URL(server);
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  const httpOrigin = `${secure ? 'https' : 'http'}://${url.host}`;
  const path = url.protocol.startsWith('ws') && url.pathname !== '/' ? url.pathname : '/signal';
  return { signalUrl: `${secure ? 'wss' : 'ws'}://${url.host}${path}`, appOrigin: httpOrigin };
}
