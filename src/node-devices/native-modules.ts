/**
 * node-hid and usb are native addons: loaded only by `ferry list` and `ferry share <selector>`, on first
 * use, so `npm start`, `ferry receive` and `ferry share --replay` never load one (nor fail where
 * libudev or the prebuilt binary is missing). A failed load names the package and why.
 */
import type * as NodeHid from 'node-hid';
import type * as NodeUsb from 'usb';

export class NativeModuleError extends Error {
  override readonly name = 'NativeModuleError';
  constructor(
    readonly packageName: 'node-hid' | 'usb',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

type HidModule = typeof NodeHid;
type UsbModule = typeof NodeUsb;

let hid: Promise<HidModule> | undefined;
let usb: Promise<UsbModule> | undefined;

function loadFailure(packageName: 'node-hid' | 'usb', job: string) {
  return (error: unknown): never => {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new NativeModuleError(
      packageName,
      `cannot load ${packageName}, which ${job}: ${reason} (reinstall Ferry's dependencies: npm install)`,
      { cause: error },
    );
  };
}

/** CommonJS modules come through `import()` as their exports on `default`. */
function exportsOf<T>(module: T | { default: T }): T {
  const fallback = (module as { default?: T }).default;
  return fallback ?? (module as T);
}

/** The node-hid module, loaded once. Rejects with NativeModuleError. */
export function loadNodeHid(): Promise<HidModule> {
  hid ??= import('node-hid')
    .then((module) => {
      const loaded = exportsOf<HidModule>(module);
      loaded.getHidapiVersion(); // node-hid loads its binary on first use: here, so a failure is ours to name
      return loaded;
    })
    .catch(loadFailure('node-hid', 'reads HID devices'));
  return hid;
}

/** The usb module (libusb), loaded once. Rejects with NativeModuleError. */
export function loadNodeUsb(): Promise<UsbModule> {
  usb ??= import('usb')
    .then((module) => exportsOf<UsbModule>(module))
    .catch(loadFailure('usb', 'reads USB devices'));
  return usb;
}
