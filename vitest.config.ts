import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // DuckDB, Chromium and moto are real processes; two cores is the machine.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
