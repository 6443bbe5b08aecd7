import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      // Property and fuzz tests run thousands of cases; a loaded 2-core CI machine needs more than 5 s.
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          setupFiles: ['tests/setup/pin-peer-connections.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          // Tests that run a Node sharer in the worker meet the same wrtc finalizer crash as the unit tier.
          setupFiles: ['tests/setup/pin-peer-connections.ts'],
          // Real browsers, processes and WebRTC on a shared 2-core machine: one retry absorbs a rare stall
          // of the environment; a real failure still fails twice. (See docs/performance.md for timing.)
          retry: 1,
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'vm',
          include: ['tests/vm/**/*.test.ts'],
          // A software-emulated guest on a shared machine: one retry absorbs a stall, not a real failure.
          retry: 1,
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
