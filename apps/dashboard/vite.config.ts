import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv } from 'vite';

const here = (path: string): string => decodeURIComponent(new URL(path, import.meta.url).pathname);

/**
 * Built into the server's static assets (`apps/server/dist/ui`, served at `/ui`). `npm run dev -w
 * apps/dashboard` serves it with hot reload and proxies the API to a running server
 * (`KUBENTLY_DEV_API`, default http://127.0.0.1:8080).
 */
export default defineConfig(({ mode }) => {
  const api = loadEnv(mode, here('.'), 'KUBENTLY_')['KUBENTLY_DEV_API'] ?? 'http://127.0.0.1:8080';
  return {
    base: '/ui/',
    plugins: [react()],
    resolve: {
      alias: { '@kubently/protocol': here('../../packages/protocol/src/index.ts') },
    },
    build: {
      outDir: here('../server/dist/ui'),
      emptyOutDir: true,
      target: 'es2022',
      reportCompressedSize: false,
    },
    server: {
      proxy: Object.fromEntries(['/v1', '/a2a', '/.well-known'].map((path) => [path, api])),
    },
  };
});
