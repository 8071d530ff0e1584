import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // REFRAME_TEST_TIME_SCALE: test:asan runs several times slower (test/support/util.ts).
    testTimeout: 20_000 * Math.max(1, Number(process.env.REFRAME_TEST_TIME_SCALE) || 1),
    // Fail on a promise rejection nobody handled, wherever it happens (SPEC: no unhandled rejections).
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
