// Bundle budget, run after `vite build` by `npm run build`.
//
// Gzips every emitted JS and CSS file and prints its size. The first desktop
// load — index.html's entry chunk, every chunk it imports statically, their
// CSS, and (to be safe) the chunks of the first screens a user sees: the login
// page, the main layout and the home page — must stay within BUDGET_KB
// gzipped. Reads dist/.vite/manifest.json, then removes it so that the file
// list is not served by the binary.
import { readFileSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const BUDGET_KB = 400
const FIRST_SCREENS = ['src/views/LoginView.vue', 'src/layouts/MainLayout.vue', 'src/views/HomeView.vue']

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

const entries = Object.keys(manifest).filter((k) => manifest[k].isEntry)
const entryFiles = closure(entries)
const firstFiles = closure([...entries, ...FIRST_SCREENS])
const total = (files) => [...files].reduce((sum, f) => sum + (sizes.get(f) ?? gz(f)), 0)

const entryTotal = total(entryFiles)
const firstTotal = total(firstFiles)
console.log(`\nentry chunk + static imports + CSS: ${kb(entryTotal)} gzipped (${entryFiles.size} files)`)
console.log(`first desktop load (that + login, layout, home): ${kb(firstTotal)} gzipped (${firstFiles.size} files)`)
console.log(`budget: ${BUDGET_KB} KB`)

rmSync(join(dist, '.vite'), { recursive: true, force: true })

if (firstTotal > BUDGET_KB * 1024) {
  console.error(`\nbudget: the first desktop load is ${kb(firstTotal)} gzipped, over the ${BUDGET_KB} KB budget`)
  process.exit(1)
}
