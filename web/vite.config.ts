import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { VantResolver } from '@vant/auto-import-resolver'
import { defineConfig } from 'vitest/config'
// @ts-expect-error a plain ES module of the build scripts, without types
import { vantIconCSS } from './scripts/vant-icons.mjs'

// Element Plus is imported on demand: the resolver turns each <el-…> used in a
// template into an import of that component and its CSS (the full bundle is
// far over the 400 KB first-load budget).
export default defineConfig({
  plugins: [
    vue(),
    // Vant (the phone pages, m.html) the same way: each <van-…> imports its component and CSS.
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' }), VantResolver({ importStyle: 'css' })], dts: false }),
    {
      // Vant's icon font (34 KB gzipped for the dozen icons the phone shows,
      // and a CDN copy the intranet does not have) is replaced by inline SVG
      // drawn as CSS masks: scripts/vant-icons.mjs.
      name: 'zeren-vant-svg-icons',
      enforce: 'pre',
      transform(code, id) {
        if (!/vant[\\/]es[\\/]icon[\\/]index\.css/.test(id)) return null
        return vantIconCSS(code)
      },
    },
    {
      // emptyOutDir removes dist/.keep, which `go build` needs (go:embed all:dist).
      name: 'zeren-keep',
      closeBundle() {
        writeFileSync(fileURLToPath(new URL('./dist/.keep', import.meta.url)), '')
      },
    },
  ],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true, // read (then removed) by scripts/budget.mjs
    chunkSizeWarningLimit: 1000,
    // Two pages: the desktop app and the phone pages (/m/), which share the
    // API client and the session store but not Element Plus.
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        m: fileURLToPath(new URL('./m.html', import.meta.url)),
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
    // Component tests mount Element Plus and Vant: Vite (not Node) must load the
    // style modules their on-demand imports bring, as Node cannot import CSS.
    server: { deps: { inline: [/element-plus[\\/]es[\\/]components[\\/][^\\/]+[\\/]style/, /element-plus[\\/]theme-chalk/, /vant[\\/]es[\\/][^\\/]+[\\/]style/] } },
  },
})
