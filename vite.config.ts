import { defineConfig } from 'vite';
import { nodePolyfills } from 'vite-plugin-node-polyfills';

// simple-peer is written for Node streams; the polyfills give the page what it expects
// (Buffer, process, events, stream) without touching our own platform-free code.
export default defineConfig({
  plugins: [
    nodePolyfills({
      include: ['buffer', 'process', 'events', 'stream', 'util'],
      globals: { Buffer: true, process: true, global: true },
    }),
  ],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: { port: 5173 },
});
