import { defineConfig, type PluginOption } from 'vite';
import { nodePolyfills } from 'vite-plugin-node-polyfills';

// simple-peer is written for Node streams; the polyfills give the page what it expects
// (Buffer, process, events, stream) without touching our own platform-free code.
const polyfills = (): PluginOption =>
  nodePolyfills({
    include: ['buffer', 'process', 'events', 'stream', 'util'],
    globals: { Buffer: true, process: true, global: true },
  });

/**
 * `vite build`: the web app. `vite build --mode web-api`: the module web apps import (src/web-api,
 * docs/web-api.md), one self-contained ES module dist/ferry-hid.js, built after the app and served by
 * `ferry serve` to any origin. One file, no chunks: a page imports it with one request.
 */
export default defineConfig(({ mode }) =>
  mode === 'web-api'
    ? {
        plugins: [polyfills()],
        build: {
          outDir: 'dist',
          emptyOutDir: false,
          sourcemap: true,
          target: 'es2022',
          copyPublicDir: false,
          minify: true,
          lib: { entry: 'src/web-api/index.ts', formats: ['es'], fileName: () => 'ferry-hid.js' },
          rollupOptions: { output: { inlineDynamicImports: true } },
        },
      }
    : {
        plugins: [polyfills()],
        build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
        server: { port: 5173 },
      },
);
