import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // CLI tests spawn the built binary; give a slow CI machine room without hiding hangs.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
