import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles a test-only module (a fake device API) into one IIFE for `page.addInitScript`, once per
 * process. `globalName` is assigned inside the script's own wrapper, so nothing leaks onto `window`.
 */
export function pageBundle(entry: URL, globalName: string): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= build({
      entryPoints: [fileURLToPath(entry)],
      bundle: true,
      write: false,
      format: 'iife',
      globalName,
      target: 'chrome120',
      platform: 'browser',
      logLevel: 'silent',
    }).then((result) => {
      const output = result.outputFiles[0];
      if (!output) throw new Error(`esbuild produced no output for ${entry.pathname}`);
      return output.text;
    });
    return cached;
  };
}

/** An init script that runs the bundle and calls `install(config)` on what it exports. */
export function initScript(bundle: string, globalName: string, install: string, config: unknown): string {
  return `(() => {\n${bundle}\n${globalName}.${install}(${JSON.stringify(config)});\n})();`;
}
