// `node --import` this (tests/e2e/list-cli.test.ts) to hear of every native addon the process loads.
import { register } from 'node:module';

register('./native-load-hooks.mjs', import.meta.url);
