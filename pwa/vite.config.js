// Build config: Vue SFCs, the PWA manifest + injectManifest service worker, the dev proxy and Vitest.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { VitePWA } from 'vite-plugin-pwa';
import Components from 'unplugin-vue-components/vite';
import { VantResolver } from '@vant/auto-import-resolver';

// Vant's icon font falls back to a woff on a CDN that an isolated network cannot reach and the CSP
// (font-src 'self' data:) refuses: drop that fallback, the inlined woff2 serves every browser we support.
const REMOTE_FONT_FALLBACK = /,\s*url\((?:https?:)?\/\/[^)]*\)\s*format\(["']woff["']\)/g;

function dropRemoteFontFallbacks() {
  return {
    name: 'drop-remote-font-fallbacks',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes('/node_modules/vant/') || !id.endsWith('.css')) return null;
      return { code: code.replace(REMOTE_FONT_FALLBACK, ''), map: null };
    },
  };
}

export default defineConfig({
  plugins: [
    dropRemoteFontFallbacks(),
    vue(),
    // Vant components are imported where used (with their CSS), so the phone downloads only what we use.
    Components({ resolvers: [VantResolver()], dts: false }),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.js',
      registerType: 'prompt',
      // src/main.js registers the worker from the bundle: no inline registration script under the CSP.
      injectRegister: false,
      includeAssets: ['icons/*.png'],
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,png,svg,webmanifest,woff2}'],
      },
      manifest: {
        name: '安全台账 · 隐患随手拍',
        short_name: '安全台账',
        description: '企业安全隐患随手拍、整改与验收（离线可用）',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#1677ff',
        background_color: '#f7f8fa',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      devOptions: { enabled: false, type: 'module' },
    }),
  ],
  server: {
    proxy: { '/api': 'http://127.0.0.1:5000' },
  },
  test: {
    environment: 'node',
    setupFiles: ['tests/setup.js'],
    include: ['tests/**/*.test.js'],
  },
});
