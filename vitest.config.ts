import { defineConfig } from 'vitest/config';

// Tests are CPU-bound (searches, exact verification); on a loaded 2-core CI machine a test that takes
// 2 s alone can take 10 s, so the per-test limit is generous. Tests still check results, not time.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
