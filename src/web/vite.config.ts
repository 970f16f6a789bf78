import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webDir = new URL('.', import.meta.url).pathname;
const outDir = new URL('../../dist/web/', import.meta.url).pathname;

/** The console: built from src/web into dist/web, which `lethe serve` serves at `/` (history routing). */
export default defineConfig({
  root: webDir,
  base: '/',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // No inline scripts or styles: the server's Content-Security-Policy allows only 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
});
