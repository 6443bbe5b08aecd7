#!/usr/bin/env node
// The `ferry` command. Ferry's sources are TypeScript; tsx compiles them on the fly so the CLI
// runs from a fresh clone after `npm install` with no separate build step.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
