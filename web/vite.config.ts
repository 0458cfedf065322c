import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The config lives in web/ but is run from the repository root (`npm run build:web`),
// so every path is anchored on this file rather than on the working directory.
const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The portal, and the offline proof verifier as a page of its own (/verify/): no framework,
    // nothing fetched, so it keeps working with the network off.
    rollupOptions: { input: { portal: fileURLToPath(new URL('index.html', import.meta.url)), verify: fileURLToPath(new URL('verify/index.html', import.meta.url)) } },
    // Mantine + React are one ~500 kB vendor bundle; not worth a warning at this stage.
    chunkSizeWarningLimit: 800,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://localhost:3000', changeOrigin: false },
    },
  },
});
