/**
 * A small Internet in network namespaces, for tests that need real NATs: a `public` router namespace
 * holding the services (the Ferry server, coturn) on 198.18.0.1, and two home networks, each behind its
 * own NAT router namespace that masquerades (nftables) like a home router:
 *
 *   sharer 198.19.1.2 ─ natA [198.19.1.1 | 198.18.1.2] ─┐
 *                                                       public [198.18.1.1, 198.18.2.1; services 198.18.0.1]
 *   receiver 198.19.2.2 ─ natB [198.19.2.1 | 198.18.2.2] ┘
 *
 * Every address is in 198.18.0.0/15 (RFC 2544's benchmarking range) and exists only inside these
 * namespaces: the public router has no route to the home networks (only their routers' public addresses),
 * and its default route ends in a dead-end device inside it, so no packet leaves the machine. IPv6 is off (one address per end keeps ICE simple).
 * Names carry the creating pid; close() removes everything, and so does process exit or SIGINT/SIGTERM;
 * namespaces a crashed run left behind (their pid is gone) are removed by the next run.
 */
import { execFileSync } from 'node:child_process';
import { listNamespaces, removeOrphanNamespaces } from './netns-owner.ts';

export const SERVICES_ADDRESS = '198.18.0.1';
const PREFIX = 'ferry-nat-';

export interface Host {
  /** The namespace to run its programs in (`ip netns exec`). */
  readonly ns: string;
  /** Its own address, on its home network. */
  readonly address: string;
  /** The public address its NAT router gives it. */
  readonly publicAddress: string;
}

export interface TwoNatNet {
  /** The public router, where servers run (listening on SERVICES_ADDRESS). */
  readonly publicNs: string;
  readonly sharer: Host;
  readonly receiver: Host;
  /** Drops UDP between the two NAT routers in the public router (what coturn relays is untouched). */
  blockDirectUdp(): void;
  allowDirectUdp(): void;
  /** How many packets the block dropped so far. */
  droppedUdp(): number;
  close(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

function inNs(ns: string, command: string, args: string[], input?: string): string {
  return execFileSync('ip', ['netns', 'exec', ns, command, ...args], {
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Removes namespaces of earlier runs whose process no longer exists. */
export function removeStaleNamespaces(): void {
  removeOrphanNamespaces(new RegExp(`^${PREFIX}(\\d+)-\\d+-\\w+$`));
}

/** The namespaces this process holds now (for a test to check that close() left none). */
export function namespacesOfThisProcess(): string[] {
  return listNamespaces().filter((name) => name.startsWith(`${PREFIX}${process.pid}-`));
}

let made = 0;

export function createTwoNatNet(): TwoNatNet {
  removeStaleNamespaces();
  const id = `${PREFIX}${process.pid}-${made++}`;
  const ns = { pub: `${id}-pub`, natA: `${id}-nata`, natB: `${id}-natb`, a: `${id}-sharer`, b: `${id}-recv` };
  let closed = false;
  const cleanup = () => {
    if (closed) return;
    closed = true;
    for (const name of Object.values(ns)) {
      try {
        ip('netns', 'del', name); // its interfaces (and their veth peers) go with it
      } catch {
        // never created, or already gone
      }
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', cleanup);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    build(ns);
  } catch (error) {
    cleanup();
    throw error;
  }
  const block = (on: boolean) => {
    const script = on ? blockRules() : 'delete table ip ferry_block\n';
    inNs(ns.pub, 'nft', ['-f', '-'], script);
  };
  return {
    publicNs: ns.pub,
    sharer: { ns: ns.a, address: '198.19.1.2', publicAddress: '198.18.1.2' },
    receiver: { ns: ns.b, address: '198.19.2.2', publicAddress: '198.18.2.2' },
    blockDirectUdp: () => block(true),
    allowDirectUdp: () => block(false),
    droppedUdp: () => {
      const listed = inNs(ns.pub, 'nft', ['list', 'table', 'ip', 'ferry_block']);
      return [...listed.matchAll(/packets (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    },
    close: () => {
      cleanup();
      process.off('exit', cleanup);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

type Names = Record<'pub' | 'natA' | 'natB' | 'a' | 'b', string>;

function build(ns: Names): void {
  for (const name of Object.values(ns)) {
    ip('netns', 'add', name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
    for (const scope of ['all', 'default']) {
      inNs(name, 'sysctl', ['-qw', `net.ipv6.conf.${scope}.disable_ipv6=1`]);
    }
  }
  // Made inside the namespaces, so the interface names need not be unique on the machine.
  link(ns.pub, 'to-a', '198.18.1.1/24', ns.natA, 'wan', '198.18.1.2/24');
  link(ns.pub, 'to-b', '198.18.2.1/24', ns.natB, 'wan', '198.18.2.2/24');
  link(ns.natA, 'lan', '198.19.1.1/24', ns.a, 'eth0', '198.19.1.2/24');
  link(ns.natB, 'lan', '198.19.2.1/24', ns.b, 'eth0', '198.19.2.2/24');
  ip('-n', ns.pub, 'addr', 'add', `${SERVICES_ADDRESS}/32`, 'dev', 'lo');
  // The rest of "the Internet": a default route into a dead end (a veth whose other end, in the same
  // namespace, has no address; no ARP), where packets vanish. Without any route, sending to a peer's
  // private address fails at once (ENETUNREACH) — and coturn ends the whole allocation on such a send
  // error, which no real server with a default route ever sees.
  ip('-n', ns.pub, 'link', 'add', 'upstream', 'type', 'veth', 'peer', 'name', 'void');
  for (const end of ['upstream', 'void']) ip('-n', ns.pub, 'link', 'set', end, 'arp', 'off', 'up');
  ip('-n', ns.pub, 'route', 'add', 'default', 'dev', 'upstream');
  ip('-n', ns.natA, 'route', 'add', 'default', 'via', '198.18.1.1');
  ip('-n', ns.natB, 'route', 'add', 'default', 'via', '198.18.2.1');
  ip('-n', ns.a, 'route', 'add', 'default', 'via', '198.19.1.1');
  ip('-n', ns.b, 'route', 'add', 'default', 'via', '198.19.2.1');
  for (const router of [ns.pub, ns.natA, ns.natB]) inNs(router, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  for (const router of [ns.natA, ns.natB]) inNs(router, 'nft', ['-f', '-'], natRules());
}

function link(nsA: string, nameA: string, addressA: string, nsB: string, nameB: string, addressB: string) {
  ip('-n', nsA, 'link', 'add', nameA, 'type', 'veth', 'peer', 'name', nameB, 'netns', nsB);
  ip('-n', nsA, 'addr', 'add', addressA, 'dev', nameA);
  ip('-n', nsB, 'addr', 'add', addressB, 'dev', nameB);
  ip('-n', nsA, 'link', 'set', nameA, 'up');
  ip('-n', nsB, 'link', 'set', nameB, 'up');
}

/**
 * A home router: the LAN masquerades behind the WAN address (Linux keeps the source port when it can, so
 * hole punching works, as through most home NATs), and nothing from the WAN gets in unless it answers
 * what the LAN sent. Unsolicited packets are dropped before conntrack confirms an entry for them: such an
 * entry (a peer's first check arriving before ours left) would take the tuple our own outgoing packet
 * needs, and masquerade would then pick another port — the NAT would turn symmetric and punching fail.
 */
function natRules(): string {
  return `table ip ferry_nat {
  chain unsolicited {
    type filter hook prerouting priority mangle; policy accept;
    iifname "wan" ct state new drop
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan" masquerade
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    iifname "lan" oifname "wan" accept
    iifname "wan" oifname "lan" ct state established,related accept
  }
}
`;
}

/** The public router drops UDP between the two NATs' public addresses: no direct path, only the relay. */
function blockRules(): string {
  return `table ip ferry_block {
  chain forward {
    type filter hook forward priority filter; policy accept;
    ip saddr 198.18.1.2 ip daddr 198.18.2.2 meta l4proto udp counter drop
    ip saddr 198.18.2.2 ip daddr 198.18.1.2 meta l4proto udp counter drop
  }
}
`;
}
