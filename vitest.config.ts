import { defineConfig } from 'vitest/config';

// Three tiers: unit (pure, no I/O), integration (real SQLite and PostgreSQL), e2e (Playwright, see
// playwright.config.ts). Integration files end in `.int.test.ts` and loop over testDialects().
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          exclude: ['src/**/*.int.test.ts', 'src/web/**']
        }
      },
      {
        // The web UI's pure helpers (form parsing, agenda times): no Kit runtime, no I/O.
        test: {
          name: 'web',
          include: ['src/web/**/*.test.ts']
        }
      },
      {
        test: {
          name: 'integration',
          include: ['src/**/*.int.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          env: { NODE_ENV: 'test' }
        }
      }
    ]
  }
});
