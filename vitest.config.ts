import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// Workspace packages resolve to their TypeScript sources in tests; the built `dist/` is what the
// integration and e2e suites run as real processes.
const alias = {
  '@kubently/protocol': here('./packages/protocol/src/index.ts'),
  '@kubently/policy': here('./packages/policy/src/index.ts'),
  '@kubently/diagnosis': here('./packages/diagnosis/src/index.ts'),
  '@kubently/agent': here('./packages/agent/src/index.ts'),
  '@kubently/notify': here('./packages/notify/src/index.ts'),
  '@kubently/server': here('./apps/server/src/index.ts'),
  '@kubently/executor': here('./apps/executor/src/index.ts'),
  '@kubently/cli': here('./apps/cli/src/index.ts'),
  '@kubently/testbed': here('./testbed/src/index.ts'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: [
            '{packages,apps}/*/test/**/*.test.ts',
            'testbed/test/**/*.test.ts',
            'test/unit/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['**/*.e2e.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['./test/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
