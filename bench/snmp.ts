/**
 * The kernel's count of UDP datagrams dropped because a socket's receive buffer was full
 * (`RcvbufErrors` in /proc/net/snmp for IPv4 and /proc/net/snmp6 for IPv6). WebRTC on loopback here runs
 * over ::1, and on the unretransmitted channel each such drop is a lost message (docs/performance.md).
 * Machine-wide: other processes' UDP counts too. Undefined where the files do not exist (not Linux).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { socketDescriptors, udpSockets } from '../src/headless/index.ts';

function field(path: string, pattern: RegExp): number | undefined {
  try {
    const match = pattern.exec(readFileSync(path, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function udpRcvbufErrors(): number | undefined {
  const v6 = field('/proc/net/snmp6', /^Udp6RcvbufErrors\s+(\d+)/m);
  // /proc/net/snmp has a header line of names and a line of values for each protocol.
  let v4: number | undefined;
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n');
    const header = lines.findIndex((line) => line.startsWith('Udp: InDatagrams'));
    const names = lines[header]?.split(/\s+/) ?? [];
    const values = lines[header + 1]?.split(/\s+/) ?? [];
    const at = names.indexOf('RcvbufErrors');
    if (header >= 0 && at > 0) v4 = Number(values[at]);
  } catch {
    v4 = undefined;
  }
  if (v6 === undefined && v4 === undefined) return undefined;
  return (v6 ?? 0) + (v4 ?? 0);
}

/** This process's descendants (Chromium's processes, the receiver children), from /proc/<pid>/stat. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid …; comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

export interface SocketDrops {
  /** Datagrams dropped at a full receive buffer on the given receiver process's UDP sockets. */
  receiver: number;
  /** The same on every other UDP socket of this bench's process tree (Chromium's network service). */
  others: number;
}

/**
 * Receive-buffer drops counted per socket (/proc/net/udp* `drops`), on this bench's own sockets only, so
 * other work on the machine does not count. Cumulative over each socket's life: take differences.
 * Undefined off Linux.
 */
export function benchSocketDrops(receiverPid: number | undefined): SocketDrops | undefined {
  if (!existsSync('/proc/net/udp6')) return undefined;
  const sockets = udpSockets();
  const sum = (pid: number) =>
    socketDescriptors(pid).reduce((total, { inode }) => total + (sockets.get(inode)?.drops ?? 0), 0);
  const result: SocketDrops = { receiver: 0, others: 0 };
  for (const pid of descendants(process.pid)) {
    if (pid === receiverPid) result.receiver += sum(pid);
    else result.others += sum(pid);
  }
  return result;
}
