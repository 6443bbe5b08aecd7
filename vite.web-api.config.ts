import { defineConfig } from 'vite';
import { nodePolyfills } from 'vite-plugin-node-polyfills';

/**
 * The module web apps import (src/web-api, docs/web-api.md): one self-contained ES module,
 * dist/ferry-hid.js, built after the app (same polyfills for simple-peer, see vite.config.ts) and
 * served by `ferry serve` to any origin. One file, no chunks: a page imports it with one request.
 */
export default defineConfig({
  plugins: [
    nodePolyfills({
      include: ['buffer', 'process', 'events', 'stream', 'util'],
      globals: { Buffer: true, process: true, global: true },
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: true,
    target: 'es2022',
    copyPublicDir: false,
    minify: true,
    lib: {
      entry: 'src/web-api/index.ts',
      formats: ['es'],
      fileName: () => 'ferry-hid.js',
    },
    rollupOptions: { output: { inlineDynamicImports: true } },
  },
});
