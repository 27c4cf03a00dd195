import { defineConfig } from 'vitest/config';

// Two projects: unit tests stub at the SDK boundary and need nothing running; integration
// tests (*.int.test.ts) share one moto server started by the global setup.
export default defineConfig({
  test: {
    // Once for the whole run: a private temp directory, and a failed run if a test leaves a file in it.
    globalSetup: ['test/support/temp-dir-guard.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts', 'node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
