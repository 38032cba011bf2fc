import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The API server the development server forwards to (`vexil serve` defaults to it).
const apiTarget = process.env.VEXIL_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  plugins: [react()],
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/healthz': { target: apiTarget },
      '/readyz': { target: apiTarget },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 700,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    // A guard against hangs, not a speed check: on a 2-core machine busy with builds
    // (load 13) a user-event test of the rule editor took over 30 s.
    testTimeout: 300_000,
  },
});
