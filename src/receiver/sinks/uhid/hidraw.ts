/**
 * Finds the hidraw node of a uhid device by its unique `phys` string. The kernel answers UHID_START
 * before /dev/hidrawN exists (hidraw connects after the driver's start), so callers poll briefly.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

export interface HidrawLookup {
  /** sysfs root, injectable for tests. */
  readonly sysRoot?: string;
  readonly devRoot?: string;
}

async function physOf(ueventPath: string): Promise<string | undefined> {
  try {
    const uevent = await readFile(ueventPath, 'utf8');
    return /^HID_PHYS=(.*)$/m.exec(uevent)?.[1];
  } catch {
    return undefined; // the device went away while we looked
  }
}

export async function findHidrawNode(phys: string, lookup: HidrawLookup = {}): Promise<string | undefined> {
  const sysRoot = lookup.sysRoot ?? '/sys';
  const devRoot = lookup.devRoot ?? '/dev';
  const names = await readdir(`${sysRoot}/class/hidraw`).catch(() => [] as string[]);
  for (const name of names) {
    if ((await physOf(`${sysRoot}/class/hidraw/${name}/device/uevent`)) !== phys) continue;
    const node = `${devRoot}/${name}`;
    return existsSync(node) ? node : undefined;
  }
  return undefined;
}

export async function waitForHidrawNode(phys: string, timeoutMs: number, lookup: HidrawLookup = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const node = await findHidrawNode(phys, lookup);
    if (node || Date.now() >= deadline) return node;
    await delay(10);
  }
}
