import { defineConfig } from 'vitest/config';

/** Suites that measure time; see the realtime project below. */
const REALTIME = ['tests/hardware/**/*.test.ts', 'tests/browser/**/*.test.ts', 'tests/**/*.realtime.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 90_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: REALTIME,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Real audio through the shared JACK loopback ports, the wall-clocked fake device and
        // virtual clock, browser latency: one file at a time, after everything else, so nothing
        // competes for the two cores while time is measured.
        extends: true,
        test: { name: 'realtime', include: REALTIME, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
