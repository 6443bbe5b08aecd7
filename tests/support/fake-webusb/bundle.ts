import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('./install.ts', import.meta.url));
const BUNDLE_GLOBAL = '__ferryFakeWebUsbBundle';

let cached: Promise<string> | undefined;

/** The fake navigator.usb as one IIFE, built once per process (like tests/support/bundle-fake.ts). */
export function fakeWebUsbScript(): Promise<string> {
  cached ??= build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: BUNDLE_GLOBAL,
    target: 'chrome120',
    platform: 'browser',
    logLevel: 'silent',
  }).then((result) => {
    const output = result.outputFiles[0];
    if (!output) throw new Error('esbuild produced no output for the fake WebUSB bundle');
    return output.text;
  });
  return cached;
}

/** A script for `page.addInitScript` that installs the fake with `config` (JSON). */
export async function fakeWebUsbInitScript(config: unknown = {}): Promise<string> {
  const bundle = await fakeWebUsbScript();
  return `(() => {\n${bundle}\n${BUNDLE_GLOBAL}.installFakeWebUsb(${JSON.stringify(config)});\n})();`;
}
