/**
 * Larger receive buffers for wrtc's UDP sockets. wrtc's sockets get the machine's default
 * (`net.core.rmem_default`, 208 KiB on Debian), which about 100 ms of 8 kHz input fills while the
 * receiving process is descheduled; the kernel then drops datagrams, and on the unreliable channel each
 * is a lost message (docs/performance.md, goal 4). Neither wrtc nor RTCConfiguration can set SO_RCVBUF,
 * so this finds the process's UDP sockets in /proc and sets it through a Node `dgram` socket opened on
 * the same descriptor. The kernel caps the request at `net.core.rmem_max` (and doubles it for its own
 * bookkeeping); no privilege is needed.
 */
import dgram from 'node:dgram';
import { socketDescriptors, udpSockets } from './udp-sockets.ts';

/** Asked for each socket: about 4 s of 8 kHz × 64-byte input, where `net.core.rmem_max` allows it. */
export const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

interface DgramHandle {
  recvStop(): number;
}

/** Node's handle under a dgram socket (private: found by its symbol's name, checked before use). */
function handleOf(socket: dgram.Socket): DgramHandle | undefined {
  const symbol = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const state = symbol && (socket as unknown as Record<symbol, { handle?: Partial<DgramHandle> }>)[symbol];
  return typeof state?.handle?.recvStop === 'function' ? (state.handle as DgramHandle) : undefined;
}

/**
 * Sets `fd`'s receive buffer without taking the socket over: binding to an existing descriptor starts
 * reading it, and the read is stopped before the event loop next polls, so wrtc's network thread stays
 * its only reader. The dgram socket is never closed (that would close wrtc's descriptor); it stays
 * idle, a few hundred bytes.
 */
function setReceiveBuffer(fd: number, family: 'udp4' | 'udp6', bytes: number): boolean {
  const socket = dgram.createSocket(family);
  const handle = handleOf(socket);
  try {
    if (!handle) throw new Error('a Node whose dgram differs: leave the socket as it is');
    socket.bind({ fd });
  } catch {
    // Closed since /proc was read, not UDP any more, or already Node's own (libuv refuses a second
    // handle on one descriptor): the unopened handle is closed, which leaves the descriptor alone.
    socket.close();
    return false;
  }
  handle.recvStop();
  socket.on('error', () => {}); // it never reads or sends; nothing it could report is wrtc's business
  try {
    socket.setRecvBufferSize(bytes);
    return true;
  } catch {
    return false; // wrtc's network thread closed the descriptor meanwhile (it runs beside this one)
  }
}

/** Inodes of the sockets already tried, so that each is opened once. */
let tried = new Set<string>();

/** Enlarges the receive buffer of every UDP socket of this process not done yet; returns how many. */
export function enlargeUdpReceiveBuffers(bytes = RECEIVE_BUFFER_BYTES): number {
  const sockets = udpSockets();
  const mine = socketDescriptors('self').filter(({ inode }) => sockets.has(inode));
  let count = 0;
  for (const { fd, inode } of mine) {
    if (!tried.has(inode) && setReceiveBuffer(fd, sockets.get(inode)!.family, bytes)) count++;
  }
  tried = new Set(mine.map(({ inode }) => inode)); // and forget the closed ones
  return count;
}
