import { defineConfig } from 'vitest/config';

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
          exclude: ['tests/hardware/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Real audio: every suite plays into the same JACK loopback ports, so one file at a time,
        // after everything else (nothing else loads the machine while latency is measured).
        extends: true,
        test: {
          name: 'hardware',
          include: ['tests/hardware/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
