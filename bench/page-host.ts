/**
 * Builds the bench page (bench/page/) with esbuild and serves it on loopback with COOP/COEP headers, so
 * the page is cross-origin isolated and its pacer Worker may sleep with Atomics.wait.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { installFakeWebHid } from '../tests/support/install-fake.ts';
import { BENCH_HID } from './device.ts';
import type { BenchWindow } from './page/api.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

async function bundle(entry: string, inject: string[] = []): Promise<string> {
  const result = await build({
    entryPoints: [here(entry)],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'chrome120',
    platform: 'browser',
    inject: inject.map(here),
    define: { global: 'globalThis', 'process.env.NODE_DEBUG': 'false' },
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild produced nothing for ${entry}`);
  return output.text;
}

export interface PageHost {
  url: string;
  open(browser: Browser): Promise<Page>;
  close(): Promise<void>;
}

export async function startPageHost(): Promise<PageHost> {
  const [page, worker] = await Promise.all([
    bundle('./page/entry.ts', ['./page/node-globals.ts']),
    bundle('./page/pacer-worker.ts'),
  ]);
  const files: Record<string, [string, string]> = {
    '/': [
      'text/html',
      '<!doctype html><meta charset="utf-8"><title>ferry bench</title><script src="/bench.js"></script>',
    ],
    '/bench.js': ['text/javascript', page],
    '/pacer-worker.js': ['text/javascript', worker],
  };
  const server: Server = createServer((request, response) => {
    const file = files[request.url ?? '/'];
    response.writeHead(file ? 200 : 404, {
      'content-type': file?.[0] ?? 'text/plain',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    response.end(file?.[1] ?? 'not found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    async open(browser) {
      const tab = await browser.newPage();
      tab.on('pageerror', (error) => console.error(`page: ${error.message}`));
      await installFakeWebHid(tab, BENCH_HID);
      await tab.goto(url);
      await tab.waitForFunction(() => (window as unknown as Partial<BenchWindow>).ferryBench !== undefined);
      return tab;
    },
    close: () => new Promise((done) => server.close(() => done())),
  };
}
