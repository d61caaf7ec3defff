/// <reference types="vitest" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The api serves the built console from EDM_CONSOLE_DIR (bin/edm-dev points it at console/dist).
// `npm run dev` proxies the REST API to a running api (EDM_API_URL, default http://localhost:8080).
const api = process.env.EDM_API_URL ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    // antd is big: keep it in its own long-cached chunk; pages are split per route (React.lazy)
    rollupOptions: {
      output: {
        manualChunks: {
          react: ['react', 'react-dom', 'react-router-dom'],
        },
      },
    },
    chunkSizeWarningLimit: 1500,
    manifest: true,
  },
  server: {
    proxy: { '/v1': api, '/v3': api },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
    // antd components render slowly in jsdom on a busy 2-core machine
    testTimeout: 30_000,
  },
});
