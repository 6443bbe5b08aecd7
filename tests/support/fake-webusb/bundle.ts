import { initScript, pageBundle } from '../bundle-for-page.ts';

const BUNDLE_GLOBAL = '__ferryFakeWebUsbBundle';

/** The fake navigator.usb as one IIFE, built once per process. */
export const fakeWebUsbScript = pageBundle(new URL('./install.ts', import.meta.url), BUNDLE_GLOBAL);

/** A script for `page.addInitScript` that installs the fake with `config` (JSON). */
export async function fakeWebUsbInitScript(config: unknown = {}): Promise<string> {
  return initScript(await fakeWebUsbScript(), BUNDLE_GLOBAL, 'installFakeWebUsb', config);
}
