// Vite build of the review console, served by the API at /console (src/console/console-routes.ts).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Hashed file names: the server caches assets as immutable.
    assetsDir: 'assets',
    // No inline data: URLs for scripts; the CSP allows only this server's files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    // The review page is one bundle; the other pages are lazy chunks loaded when first opened.
    chunkSizeWarningLimit: 1024,
  },
});
