import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Builds the web app from web/ into web/dist, which the API server serves with an SPA fallback. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  // `npx vite --config web/vite.config.ts` next to `npm start`: same-origin API calls through the proxy.
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
