import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 20_000,
    // Fail on a promise rejection nobody handled, wherever it happens (SPEC: no unhandled rejections).
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
