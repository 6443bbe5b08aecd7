import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('./fake-webhid.ts', import.meta.url));
/** The name the bundle assigns inside its own wrapper function, so nothing leaks onto `window`. */
const BUNDLE_GLOBAL = '__ferryFakeWebHidBundle';

let cached: Promise<string> | undefined;

/**
 * The fake as one IIFE, built once per process. esbuild comes with tsx; it should be a devDependency
 * of its own (the lead adds it).
 */
export function fakeWebHidScript(): Promise<string> {
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
    if (!output) throw new Error('esbuild produced no output for the fake WebHID bundle');
    return output.text;
  });
  return cached;
}

/** A script for `page.addInitScript` that installs the fake with `config` (any JSON value). */
export async function fakeWebHidInitScript(config: unknown): Promise<string> {
  const bundle = await fakeWebHidScript();
  return `(() => {\n${bundle}\n${BUNDLE_GLOBAL}.installFakeWebHid(${JSON.stringify(config)});\n})();`;
}
