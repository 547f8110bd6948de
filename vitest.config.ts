import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // CLI tests spawn the built binary; give a slow CI machine room without hiding hangs.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Commands run on fixtures/seed-review itself must leave it as it is: no derived-state cache
    // is written during tests unless a test turns it on (in its own temp copy).
    env: { LITSCREEN_NO_CACHE: '1' },
  },
});
