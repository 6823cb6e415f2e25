// Shared set-up of the browser tests: Debian's chromium with the flags this
// closed network needs, a fresh profile per file, and where screenshots go.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

export const base = process.env.ZEREN_URL ?? 'http://127.0.0.1:8080'
export const shots = new URL('./screenshots/', import.meta.url).pathname
mkdirSync(shots, { recursive: true })

// launch starts chromium with a fresh profile; close() ends it and removes the profile.
export async function launch(viewport) {
  const profile = mkdtempSync(join(tmpdir(), 'zeren-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport,
    locale: 'zh-CN',
  })
  return {
    context,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
