import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { defineConfig } from 'vitest/config'

// Element Plus is imported on demand: the resolver turns each <el-…> used in a
// template into an import of that component and its CSS (the full bundle is
// far over the 400 KB first-load budget).
export default defineConfig({
  plugins: [
    vue(),
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
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
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
  },
})
