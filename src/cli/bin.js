#!/usr/bin/env node
// The `ferry` command. In a clone, tsx runs the TypeScript sources as they are (no build step needed);
// an installed package ships no sources, only the bundle that `npm run build:cli` makes.
import { existsSync } from 'node:fs';

if (existsSync(new URL('./main.ts', import.meta.url))) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
} else {
  await import('../../dist/cli/ferry.mjs');
}
