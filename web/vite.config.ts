import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built to web/dist and served by the Nest app at / (same origin as /api). `npm run dev` proxies
// the API to a registry running on port 3000.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/api': 'http://localhost:3000', '/health': 'http://localhost:3000' } },
});
