import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is loaded by Electron from its app:// protocol and over HTTP by the served mode, so every asset URL
// is relative. Nothing is fetched from a CDN or any other network at run time.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // plotly's strict bundle is one ~5 MB chunk, loaded lazily with the first plot.
    chunkSizeWarningLimit: 6000,
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
