/**
 * A small TCP listener for the USB protocol servers: adapts sockets to PeerLink/PeerHandler, drops a
 * client whose handler throws (a protocol error) without touching the others, and stops reading from
 * a client that does not read our replies.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger, PeerHandler, PeerLink } from './peer-link.ts';

/** Above this many unsent bytes a peer counts as congested and we stop reading its requests. */
const HIGH_WATER_BYTES = 256 * 1024;

/** How long close() waits for clients to close their side before dropping them. */
const CLOSE_GRACE_MS = 500;

export interface TcpEndpoint {
  readonly host: string;
  readonly port: number;
}

/** True for addresses only this machine can reach: the USB protocols have no authentication. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** The address a client should dial: a wildcard bind is reachable under whatever name this host has. */
export function reachableName(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? '<this host>' : host;
}

export type AcceptPeer = (link: PeerLink, remote: string) => PeerHandler;

export class TcpServer {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly endpoint: TcpEndpoint,
  ) {}

  static listen(endpoint: TcpEndpoint, accept: AcceptPeer, logger: Logger): Promise<TcpServer> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(endpoint.port, endpoint.host, () => {
        server.off('error', reject);
        const address = server.address();
        const port = typeof address === 'object' && address !== null ? address.port : endpoint.port;
        const tcp = new TcpServer(server, { host: endpoint.host, port });
        server.on('connection', (socket) => tcp.adopt(socket, accept, logger));
        server.on('error', (error) => logger.warn('[ferry] TCP server error', error));
        resolve(tcp);
      });
    });
  }

  /**
   * Stop listening and let every client go: what the sessions sent last (USB/IP replies with
   * -ESHUTDOWN, usbredir's device_disconnect) is flushed before the FIN, and a client that does not
   * close its side within `graceMs` is destroyed.
   */
  async close(graceMs = CLOSE_GRACE_MS): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const sockets = [...this.sockets];
    for (const socket of sockets) socket.end();
    const gone = sockets.map((socket) => new Promise((resolve) => socket.once('close', resolve)));
    const timer = setTimeout(() => {
      for (const socket of sockets) socket.destroy();
    }, graceMs);
    await Promise.all(gone);
    clearTimeout(timer);
    await closed;
  }

  private adopt(socket: Socket, accept: AcceptPeer, logger: Logger): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    const handler = accept(socketLink(socket), remote);
    socket.on('data', (chunk: Buffer) => {
      try {
        // A plain view (no copy): Buffer's own slice() semantics must not leak into the parsers.
        handler.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch (error) {
        logger.warn(`[ferry] dropping client ${remote}`, error);
        socket.destroy();
      }
    });
    socket.on('drain', () => socket.resume());
    socket.on('error', (error) => logger.warn(`[ferry] client ${remote} failed`, error));
    socket.on('close', () => {
      this.sockets.delete(socket);
      handler.closed();
    });
  }
}

function socketLink(socket: Socket): PeerLink {
  return {
    send(bytes) {
      if (socket.destroyed || socket.writableEnded) return;
      // Backpressure: a peer that does not read its replies stops being read (bounded write buffer).
      if (!socket.write(bytes) && socket.writableLength > HIGH_WATER_BYTES) socket.pause();
    },
    close() {
      if (!socket.destroyed) socket.end();
    },
    get congested() {
      return socket.writableLength > HIGH_WATER_BYTES;
    },
  };
}
