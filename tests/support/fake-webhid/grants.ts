/**
 * The origin's HID permissions, as Chrome's HidChooserContext keeps them: in the browser profile, not in
 * the page, so a reload (or another tab of the origin) still finds them and getDevices() lists the
 * devices granted before, with no chooser. A device with a serial number gets a persistent permission,
 * keyed by vendor, product and serial; one without gets an ephemeral one, which lasts while the device
 * stays plugged in (unplugging revokes it, see service.ts). The fake keeps them in the origin's
 * localStorage, which a fresh browser context (a fresh profile) starts without, as Chrome's does.
 */
import type { FakeDeviceConfig } from './config.ts';

const KEY = '__ferryFakeHid:grants';

/** How the permission store recognises a device again: what Chrome matches a persistent grant by. */
export function grantKey(config: FakeDeviceConfig): string {
  const { vendorId, productId, serialNumber = '', productName } = config;
  return JSON.stringify([vendorId, productId, serialNumber, productName]);
}

export class GrantStore {
  readonly #granted: Set<string>;

  constructor() {
    this.#granted = new Set(readStored());
  }

  has(config: FakeDeviceConfig): boolean {
    return this.#granted.has(grantKey(config));
  }

  set(config: FakeDeviceConfig, granted: boolean): void {
    if (granted) this.#granted.add(grantKey(config));
    else this.#granted.delete(grantKey(config));
    try {
      localStorage.setItem(KEY, JSON.stringify([...this.#granted]));
    } catch {
      // No storage (an opaque origin): the grant lasts for this document only.
    }
  }
}

function readStored(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((key): key is string => typeof key === 'string') : [];
  } catch {
    return [];
  }
}
