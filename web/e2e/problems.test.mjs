// Problems found (存在的问题), in Debian's chromium: the office opens the
// bureau's 2025 problems, accepts one with a note (and the decision shows),
// follows the back-filled batch to the ledger and finds exactly the records
// the suggestion counts, then undoes its decision so the demo stays as built.
// Run by e2e/run.sh, which sets ZEREN_URL (the demo county).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch } from './browser.mjs'
import { loginWithTotp } from './session.mjs'

let browser
const consoleErrors = []

before(async () => {
  browser = await launch({ width: 1440, height: 1000 })
})

after(async () => {
  await browser?.close()
})

test('the office accepts a suggested problem and follows its evidence to the ledger', async () => {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage())
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`))
  await loginWithTotp(page, 'bangongshi')
  await page.goto(base + '/reports?org_id=1&period=2025&tab=problems')
  const problems = page.locator('[data-test=problem]')
  await problems.first().waitFor()
  assert.ok((await problems.count()) >= 4, 'the demo suggests problems for 2025')

  // Accept the first with a note.
  const first = problems.first()
  await first.locator('[data-test=problem-accept]').click()
  await page.locator('[data-test=problem-note]').fill('经核实属实，已督促整改')
  await page.locator('[data-test=problem-confirm]').click()
  await first.locator('[data-test=problem-state]').filter({ hasText: '已采纳' }).waitFor()
  assert.match((await first.textContent()) ?? '', /经核实属实，已督促整改/)
  assert.match((await page.locator('[data-test=problems-summary]').textContent()) ?? '', /已采纳 1 条/)
  await page.screenshot({ path: join(shots, 'problems-accepted.png') })

  // Undo, so the demo county stays as built for the other tests.
  await first.locator('[data-test=problem-undo]').click()
  await first.locator('[data-test=problem-state]').filter({ hasText: '待定' }).waitFor()

  // The back-filled batch: its link opens the ledger on exactly its records.
  const batch = problems.filter({ hasText: '集中补录' })
  const detail = (await batch.locator('[data-test=problem-detail]').textContent()) ?? ''
  const n = Number(/录入了.*?(\d+)项活动/.exec(detail)?.[1])
  assert.ok(n >= 10, `the batch counts ${n} records: ${detail}`)
  await batch.locator('[data-test=problem-records]').click()
  await page.waitForURL(/\/ledger\?.*created_by=xiaoxuexiao/)
  await page.getByText(`共 ${n} 条`).first().waitFor()
  await page.screenshot({ path: join(shots, 'problems-backfill-ledger.png') })
  assert.deepEqual(consoleErrors, [])
})
