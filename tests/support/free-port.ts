import { createServer } from 'node:net';

/**
 * A TCP port on loopback that nothing listens on right now, for a process the test starts that must be
 * told its port up front (QEMU's usb-redir chardev, sshd, caddy, redis-server). Another process could take
 * it before ours does; on a test machine that race has not been seen.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
