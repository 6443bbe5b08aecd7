/**
 * A Linux process's UDP sockets, read from /proc: which of its file descriptors are UDP sockets, of
 * which family, and how many datagrams each dropped at a full receive buffer. Empty off Linux.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface UdpSocket {
  readonly family: 'udp4' | 'udp6';
  /** Datagrams the kernel dropped because this socket's receive buffer was full (cumulative). */
  readonly drops: number;
}

const TABLES = [
  { path: '/proc/net/udp', family: 'udp4' },
  { path: '/proc/net/udp6', family: 'udp6' },
] as const;

function readLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(1);
  } catch {
    return [];
  }
}

/** Every UDP socket of this network namespace, by inode. */
export function udpSockets(): Map<string, UdpSocket> {
  const sockets = new Map<string, UdpSocket>();
  for (const { path, family } of TABLES) {
    for (const line of readLines(path)) {
      const columns = line.trim().split(/\s+/);
      // sl local remote st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
      if (columns.length >= 13) sockets.set(columns[9]!, { family, drops: Number(columns[12]) });
    }
  }
  return sockets;
}

/** The socket file descriptors of process `pid` ('self' for this one), with each socket's inode. */
export function socketDescriptors(pid: number | 'self'): { fd: number; inode: string }[] {
  let names: string[];
  try {
    names = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${name}`));
      return match ? [{ fd: Number(name), inode: match[1]! }] : [];
    } catch {
      return []; // closed meanwhile
    }
  });
}
