/**
 * The kernel's count of UDP datagrams dropped because a socket's receive buffer was full
 * (`RcvbufErrors` in /proc/net/snmp for IPv4 and /proc/net/snmp6 for IPv6). WebRTC on loopback here runs
 * over ::1, and on the unretransmitted channel each such drop is a lost message (docs/performance.md).
 * Machine-wide: other processes' UDP counts too. Undefined where the files do not exist (not Linux).
 */
import { readFileSync } from 'node:fs';

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
