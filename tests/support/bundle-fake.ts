import { initScript, pageBundle } from './bundle-for-page.ts';

const BUNDLE_GLOBAL = '__ferryFakeWebHidBundle';

/** The fake navigator.hid as one IIFE, built once per process. */
export const fakeWebHidScript = pageBundle(new URL('./fake-webhid.ts', import.meta.url), BUNDLE_GLOBAL);

/** A script for `page.addInitScript` that installs the fake with `config` (any JSON value). */
export async function fakeWebHidInitScript(config: unknown): Promise<string> {
  return initScript(await fakeWebHidScript(), BUNDLE_GLOBAL, 'installFakeWebHid', config);
}
