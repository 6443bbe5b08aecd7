// The module resolve hook of native-load-register.mjs: reports on stderr each time the process resolves
// one of Ferry's native addons (node-hid, usb), so a test can see which commands load them; with
// FERRY_TEST_UNLOADABLE=<name> that one fails to resolve, as on a machine where it is not installed.
import { writeSync } from 'node:fs';

const NATIVE = new Set(['node-hid', 'usb']);

export async function resolve(specifier, context, next) {
  if (!NATIVE.has(specifier)) return next(specifier, context);
  writeSync(2, `native addon loaded: ${specifier}\n`);
  if (process.env.FERRY_TEST_UNLOADABLE === specifier)
    throw new Error(`Cannot find package '${specifier}' (made unloadable by the test)`);
  return next(specifier, context);
}
