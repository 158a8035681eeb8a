import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The browser app: built into dist/apps/web-chat/public, which the web-chat server serves.
export default defineConfig({
  root: here('.'),
  plugins: [react()],
  resolve: {
    // The repo's libraries by their public entry point, as tsconfig paths map them.
    alias: [{ find: /^@chat4all\/([a-z-]+)$/, replacement: here('../../../libs/$1/src/index.ts') }],
  },
  build: { outDir: here('../../../dist/apps/web-chat/public'), emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: { port: 5173 },
});
