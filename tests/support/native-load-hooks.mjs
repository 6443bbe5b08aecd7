// The module resolve hook of native-load-register.mjs: reports on stderr each time the process resolves
// one of Ferry's native addons (node-hid, usb), so a test can see which commands load them.
import { writeSync } from 'node:fs';

const NATIVE = new Set(['node-hid', 'usb']);

export async function resolve(specifier, context, next) {
  if (NATIVE.has(specifier)) writeSync(2, `native addon loaded: ${specifier}\n`);
  return next(specifier, context);
}
