/** `npm run test:setup`: every system package any test tier uses, before any tier runs. */
import { ensureSystemPackages } from './ensure-system-packages.ts';

const log = (message: string): void => console.log(`test:setup: ${message}`);

ensureSystemPackages(log).catch((error: unknown) => {
  console.error(`test:setup: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
