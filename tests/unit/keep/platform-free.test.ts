/**
 * The receiver page keeps its devices with src/receiver/keep (docs/architecture.md), so that folder must
 * stay platform-free: bundled for the browser, it (and all it imports) needs no Node-only module.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** The platform-free folders (README/HELPERS), and the few receiver files keep/ needs. */
const PLATFORM_FREE = [
  'src/protocol/',
  'src/hid/',
  'src/pipeline/',
  'src/devices/',
  'src/transport/',
  'src/receiver/keep/',
  'src/receiver/hid-device.ts',
  'src/receiver/announced-descriptor.ts',
  'src/receiver/sinks/types.ts',
  'src/receiver/sinks/usb-log.ts',
];

describe('src/receiver/keep', () => {
  it('bundles for the browser: nothing it imports is Node-only', async () => {
    const result = await build({
      entryPoints: ['src/receiver/keep/index.ts'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('src/receiver/keep/device-keeper.ts');
    // A Node builtin would have failed the browser build; what it takes from src/ is platform-free too.
    const ours = inputs.filter((input) => input.startsWith('src/'));
    expect(ours.filter((input) => !PLATFORM_FREE.some((allowed) => input.startsWith(allowed)))).toEqual([]);
  });
});
