/**
 * Every system program any test tier (unit, e2e, vm) or the bench runs, and the Debian package that
 * provides it: the one declared list. `npm run test:setup` installs whatever is missing before any
 * tier runs, and the VM harness checks the same list, so a fresh machine needs nothing installed by hand.
 * (Found by reading every spawn/execFile/existsSync of a system path in tests/ and bench/; a unit test
 * keeps that true: tests/unit/setup/system-packages.test.ts.)
 */
export interface SystemRequirement {
  /** The file that must exist. */
  readonly path: string;
  /** The Debian package that ships it. */
  readonly pkg: string;
  /** Who needs it, for the log and the docs. */
  readonly usedBy: string;
}

export const SYSTEM_REQUIREMENTS: readonly SystemRequirement[] = [
  { path: '/usr/bin/chromium', pkg: 'chromium', usedBy: 'e2e, vm and bench: real headless Chromium' },
  { path: '/usr/sbin/usbip', pkg: 'usbip', usedBy: 'unit, e2e and vm: the real USB/IP client' },
  { path: '/usr/bin/qemu-system-x86_64', pkg: 'qemu-system-x86', usedBy: 'vm: the guest machine' },
  { path: '/bin/busybox', pkg: 'busybox-static', usedBy: 'vm: the guest initramfs' },
  { path: '/usr/sbin/depmod', pkg: 'kmod', usedBy: 'vm: module index of the guest kernel' },
  { path: '/usr/bin/dpkg-deb', pkg: 'dpkg', usedBy: 'vm: unpacks the guest kernel package' },
  { path: '/usr/bin/apt-get', pkg: 'apt', usedBy: 'vm: downloads the guest kernel package' },
  { path: '/usr/bin/apt-cache', pkg: 'apt', usedBy: 'vm: finds the current guest kernel package' },
  { path: '/usr/bin/gcc', pkg: 'gcc', usedBy: 'vm: builds the static C helpers in tests/vm/' },
  {
    path: '/usr/lib/x86_64-linux-gnu/libc.a',
    pkg: 'libc6-dev',
    usedBy: 'vm: static linking of those helpers',
  },
  // The impairment wire (bench/impair/, tests/e2e/impair-wire.test.ts): namespaces, TAP devices, its loop.
  {
    path: '/usr/sbin/ip',
    pkg: 'iproute2',
    usedBy: 'e2e and bench: network namespaces of the impairment wire and the two-NAT test',
  },
  {
    path: '/usr/sbin/tc',
    pkg: 'iproute2',
    usedBy: 'vm: outages inside the guest (tests/vm/guest-network.ts: netem, run over the 9p root)',
  },
  {
    path: '/usr/bin/ss',
    pkg: 'iproute2',
    usedBy: "unit: a socket's receive buffer (tests/unit/headless/receive-buffers.test.ts)",
  },
  {
    path: '/usr/sbin/sysctl',
    pkg: 'procps',
    usedBy: 'e2e and bench: IPv6 off, IP forwarding inside those namespaces',
  },
  {
    path: '/usr/bin/python3',
    pkg: 'python3',
    usedBy: 'e2e and bench: the impairment wire (bench/impair/wire.py)',
  },
  {
    path: '/usr/bin/openssl',
    pkg: 'openssl',
    usedBy: 'e2e: self-signed certificates for ferry serve --tls-cert',
  },
  {
    path: '/usr/bin/caddy',
    pkg: 'caddy',
    usedBy: 'e2e: the reverse proxy in front of ferry serve (docs/deploy/Caddyfile)',
  },
  // The TURN and two-NAT tests (tests/support/coturn.ts, netns.ts): coturn, and NAT routers with nftables.
  {
    path: '/usr/bin/turnserver',
    pkg: 'coturn',
    usedBy: 'e2e: the real TURN server (turn-coturn, two-nats)',
  },
  {
    path: '/usr/sbin/nft',
    pkg: 'nftables',
    usedBy: 'e2e: the NAT routers and the UDP block of the two-NAT test',
  },
  {
    path: '/usr/bin/redis-server',
    pkg: 'redis-server',
    usedBy: 'unit and bench: the Redis that several ferry serve nodes share',
  },
  // docs/deploy.md's `ssh -R` quickest path (tests/e2e/ssh-tunnel.test.ts): its own sshd and the client.
  { path: '/usr/sbin/sshd', pkg: 'openssh-server', usedBy: 'e2e: the SSH server of the ssh -R tunnel test' },
  { path: '/usr/bin/ssh', pkg: 'openssh-client', usedBy: 'e2e: the ssh -R tunnel itself' },
  { path: '/usr/bin/ssh-keygen', pkg: 'openssh-client', usedBy: 'e2e: throwaway keys of the tunnel test' },
  // ferry receive --capture (tests/e2e/capture-cli.test.ts, tests/unit/capture/): Wireshark's dissectors read the pcapng back.
  { path: '/usr/bin/tshark', pkg: 'tshark', usedBy: 'unit and e2e: decodes the usbmon pcapng of --capture' },
  // The native addons of ferry list / ferry share <selector> (docs/dependencies.md): prebuilt binaries from
  // the npm tarballs that link these system libraries (usb 2 bundles its own libusb; node-hid's does not).
  {
    path: '/usr/lib/x86_64-linux-gnu/libusb-1.0.so.0',
    pkg: 'libusb-1.0-0',
    usedBy: "e2e and vm: node-hid's hidraw binding links it (ferry list, ferry share <selector>)",
  },
  {
    path: '/usr/lib/x86_64-linux-gnu/libudev.so.1',
    pkg: 'libudev1',
    usedBy: 'e2e and vm: the node-hid and usb bindings link it (ferry list, ferry share <selector>)',
  },
  // The guest runs the host's own programs over 9p: `pkill` stops the in-guest receiver.
  { path: '/usr/bin/pkill', pkg: 'procps', usedBy: 'vm: in-guest scripts' },
];

/** The packages whose files are missing on this machine, each once. */
export function missingPackages(
  exists: (path: string) => boolean,
  requirements: readonly SystemRequirement[] = SYSTEM_REQUIREMENTS,
): string[] {
  return [...new Set(requirements.filter((r) => !exists(r.path)).map((r) => r.pkg))];
}
