/**
 * A writer for the "newc" cpio format the kernel unpacks as an initramfs (see the kernel's
 * Documentation/driver-api/early-userspace/buffer-format.rst). Pure: builds bytes, touches no files,
 * so device nodes such as /dev/console can be added without root or mknod.
 *
 * Layout, all header fields ASCII hex, 8 digits each:
 *   "070701" ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check
 * then the NUL-terminated name, padded to 4 bytes; then the data, padded to 4 bytes.
 */

export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Uint8Array; mode?: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'chardev'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;
const TRAILER = 'TRAILER!!!';

interface RawEntry {
  name: string;
  mode: number;
  data: Uint8Array;
  rdevMajor: number;
  rdevMinor: number;
}

function toRaw(entry: CpioEntry): RawEntry {
  const name = entry.path.replace(/^\/+/, '');
  const none = new Uint8Array(0);
  switch (entry.kind) {
    case 'dir':
      return { name, mode: S_IFDIR | (entry.mode ?? 0o755), data: none, rdevMajor: 0, rdevMinor: 0 };
    case 'file':
      return { name, mode: S_IFREG | (entry.mode ?? 0o644), data: entry.data, rdevMajor: 0, rdevMinor: 0 };
    case 'symlink':
      return { name, mode: S_IFLNK | 0o777, data: Buffer.from(entry.target), rdevMajor: 0, rdevMinor: 0 };
    case 'chardev':
      return {
        name,
        mode: S_IFCHR | (entry.mode ?? 0o600),
        data: none,
        rdevMajor: entry.major,
        rdevMinor: entry.minor,
      };
  }
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
const pad4 = (n: number): number => (4 - (n % 4)) % 4;

function encodeEntry(raw: RawEntry, ino: number): Buffer[] {
  const nameBytes = Buffer.from(`${raw.name}\0`);
  const fields = [
    ino,
    raw.mode,
    0,
    0,
    1,
    0,
    raw.data.length,
    0,
    0,
    raw.rdevMajor,
    raw.rdevMinor,
    nameBytes.length,
    0,
  ];
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`);
  return [
    header,
    nameBytes,
    Buffer.alloc(pad4(header.length + nameBytes.length)),
    Buffer.from(raw.data),
    Buffer.alloc(pad4(raw.data.length)),
  ];
}

/** Encodes the entries, in order (parents before children), followed by the trailer. */
export function buildCpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const [index, entry] of entries.entries()) parts.push(...encodeEntry(toRaw(entry), index + 1));
  const trailer = { name: TRAILER, mode: 0, data: new Uint8Array(0), rdevMajor: 0, rdevMinor: 0 };
  parts.push(...encodeEntry(trailer, 0));
  return Buffer.concat(parts);
}
