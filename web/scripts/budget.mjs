// Bundle budget, run after `vite build` by `npm run build`.
//
// Gzips every emitted JS and CSS file and prints its size, then measures the
// real landing pages, every chunk they load counted (static imports, CSS, and
// the chunks they load themselves once shown, like the dashboard's chart):
// - a reader's first visit, login → dashboard (index.html's entry, the login
//   page, the main layout, the dashboard and its trend chart): at most
//   BUDGET_KB gzipped (the aim is AIM_KB);
// - a branch secretary's first screen on the phone, login → 记一笔 (m.html's
//   entry, the login and log pages): at most PHONE_BUDGET_KB, and no Element Plus.
// Reads dist/.vite/manifest.json, then removes it so that the file list is
// not served by the binary.
import { readFileSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const BUDGET_KB = 400
const AIM_KB = 300
const FIRST_SCREENS = ['src/views/LoginView.vue', 'src/layouts/MainLayout.vue', 'src/views/DashboardView.vue']
// Chunks a first screen loads by itself once it shows (dynamic imports that always run).
const LOADED_AFTER = { 'src/views/DashboardView.vue': ['src/views/dashboard/TrendChart.vue'] }
const PHONE_BUDGET_KB = 150
const PHONE_FIRST_SCREENS = ['src/mobile/views/LoginPage.vue', 'src/mobile/views/LogPage.vue']

const dist = new URL('../dist/', import.meta.url).pathname
const manifestPath = join(dist, '.vite', 'manifest.json')
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length
const kb = (n) => (n / 1024).toFixed(1).padStart(7) + ' KB'

// Every emitted asset, largest first.
const assets = readdirSync(join(dist, 'assets')).filter((f) => /\.(js|css)$/.test(f))
const sizes = new Map(assets.map((f) => [`assets/${f}`, gz(`assets/${f}`)]))
console.log('gzipped sizes of the built JS and CSS:')
for (const [f, n] of [...sizes].sort((a, b) => b[1] - a[1])) console.log(`${kb(n)}  ${f}`)

// The static import closure of some manifest keys, with their CSS.
function closure(keys) {
  const files = new Set()
  const seen = new Set()
  const walk = (key) => {
    if (seen.has(key)) return
    seen.add(key)
    const chunk = manifest[key]
    if (!chunk) throw new Error(`budget: ${key} is not in the manifest`)
    files.add(chunk.file)
    for (const c of chunk.css ?? []) files.add(c)
    for (const i of chunk.imports ?? []) walk(i)
  }
  keys.forEach(walk)
  return files
}

// The desktop entry is index.html; the phone entry m.html is measured apart.
const entries = Object.keys(manifest).filter((k) => manifest[k].isEntry && k !== 'm.html')
const entryFiles = closure(entries)
const firstFiles = closure([...entries, ...FIRST_SCREENS, ...FIRST_SCREENS.flatMap((k) => LOADED_AFTER[k] ?? [])])
const total = (files) => [...files].reduce((sum, f) => sum + (sizes.get(f) ?? gz(f)), 0)

const entryTotal = total(entryFiles)
const firstTotal = total(firstFiles)
console.log(`\nentry chunk + static imports + CSS: ${kb(entryTotal)} gzipped (${entryFiles.size} files)`)
console.log(`a reader's first visit, login → dashboard (that + login, layout, dashboard, trend chart): ${kb(firstTotal)} gzipped (${firstFiles.size} files)`)
console.log(`budget: ${BUDGET_KB} KB (aim: ${AIM_KB} KB)`)

const phoneFiles = closure(['m.html'])
const phoneTotal = total(phoneFiles)
const phoneFirst = closure(['m.html', ...PHONE_FIRST_SCREENS])
const phoneFirstTotal = total(phoneFirst)
console.log(`\nphone entry (m.html entry + static imports + CSS): ${kb(phoneTotal)} gzipped (${phoneFiles.size} files)`)
console.log(`phone first screen, login → 记一笔 (that + login and log pages): ${kb(phoneFirstTotal)} gzipped (${phoneFirst.size} files)`)
console.log(`phone budget: ${PHONE_BUDGET_KB} KB`)
// The phone bundle must not drag Element Plus in through a shared import.
const elementPlus = [...phoneFirst].filter((f) => {
  const text = readFileSync(join(dist, f), 'utf8')
  return text.includes('ElMessage') || text.includes('--el-color-primary')
})

rmSync(join(dist, '.vite'), { recursive: true, force: true })

let failed = false
// No asset may load anything from outside (a closed intranet has no CDN).
const cdn = [...sizes.keys()].filter((f) => /\/\/at\.alicdn\.com|\/\/cdn\.jsdelivr|\/\/unpkg\.com/.test(readFileSync(join(dist, f), 'utf8')))
if (cdn.length > 0) {
  console.error(`\nbudget: these assets name a CDN: ${cdn.join(', ')}`)
  failed = true
}
if (firstTotal > BUDGET_KB * 1024) {
  console.error(`\nbudget: a reader's first visit (login → dashboard) is ${kb(firstTotal)} gzipped, over the ${BUDGET_KB} KB budget`)
  failed = true
}
if (phoneFirstTotal > PHONE_BUDGET_KB * 1024) {
  console.error(`\nbudget: the phone's first screen (login → 记一笔) is ${kb(phoneFirstTotal)} gzipped, over the ${PHONE_BUDGET_KB} KB budget`)
  failed = true
}
// The icon font was replaced by inline SVG (scripts/vant-icons.mjs): no font may come back.
const fonts = [...phoneFirst].filter((f) => /@font-face[^}]*vant-icon|data:font\//.test(readFileSync(join(dist, f), 'utf8')))
if (fonts.length > 0) {
  console.error(`\nbudget: the phone pages load an icon font again: ${fonts.join(', ')}`)
  failed = true
}
if (elementPlus.length > 0) {
  console.error(`\nbudget: the phone pages load Element Plus code: ${elementPlus.join(', ')}`)
  failed = true
}
if (failed) process.exit(1)
