// 台账导入 in Debian's chromium: a school admin opens the wizard from the
// ledger's toolbar, uploads a CSV written here with one bad row (a type no
// catalog has), sees the problem by row and column and the import refused,
// uploads the corrected file, imports, and follows the link to the ledger's
// records of the import (its batch). Run by e2e/run.sh, which sets ZEREN_URL.
//
// The demo server is shared by every e2e file of a run: the records written
// here carry titles no other file uses.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch, watchConsole } from './browser.mjs'
import { login, serverToday } from './session.mjs'

let browser
const consoleErrors = []

before(async () => {
  browser = await launch({ width: 1440, height: 900 })
})

after(async () => {
  await browser?.close()
})

async function apiGet(page, path) {
  return page.evaluate(async (p) => (await fetch(p, { credentials: 'same-origin' })).json(), path)
}

function csv(rows) {
  return Buffer.from(rows.map((r) => r.join(',')).join('\r\n') + '\r\n', 'utf8')
}

async function upload(page, name, buffer) {
  await page.locator('[data-test=import-file] input[type=file]').setInputFiles({ name, mimeType: 'text/csv', buffer })
}

test('a school admin imports a CSV after fixing a bad row', async () => {
  const page = watchConsole(await browser.context.newPage(), consoleErrors)
  await page.goto(base + '/login')
  await login(page, 'xiaoxuexiao')
  await page.waitForURL((u) => u.pathname !== '/login')
  await page.goto(base + '/ledger')
  await page.locator('[data-test=ledger-import]').click()
  await page.waitForURL(base + '/ledger/import')
  assert.equal(await page.title().then((s) => s.includes('台账导入')), true)
  // The unit is the school's own: the template can be downloaded at once.
  await page.locator('[data-test=import-template]').waitFor()

  const today = await serverToday(page)
  const types = await apiGet(page, '/api/v1/activity-types')
  const type = types.items.find((x) => x.active)
  assert.ok(type, 'the catalog has an active type')
  const [y, m, d] = today.split('-').map(Number)
  const header = ['活动日期', '活动类别', '标题', '参与人数']
  const good1 = [`${y}/${m}/${d}`, type.name, '导入测试国旗下讲话', '约50人']
  const good2 = [`${y}年${m}月${d}日`, type.name, '导入测试主题班会', '30人次']
  const bad = [...good2]
  bad[1] = '不存在的活动类别'

  await upload(page, '旧台账.csv', csv([header, good1, bad]))
  const problems = page.locator('[data-test=import-problems]')
  await problems.waitFor()
  assert.match(await problems.textContent(), /第 3 行 活动类别：/)
  assert.match(await page.locator('[data-test=import-invalid]').textContent(), /有问题 1 行/)
  assert.match(await page.locator('[data-test=import-header-line]').textContent(), /第 1 行是表头/)
  // The columns were recognised from the office's own headers.
  assert.match(await page.locator('[data-test=import-map-title]').textContent(), /C：标题/)
  assert.equal(await page.locator('[data-test=import-confirm]').isDisabled(), true)
  // A zh-CN page shows no English and no raw codes (the file's own name aside).
  const text = (await page.locator('[data-test=ledger-import]').innerText()).replaceAll('旧台账.csv', '')
  assert.doesNotMatch(text, /[A-Za-z]{3,}/, text)
  await page.screenshot({ path: join(shots, 'ledger-import-problems.png'), fullPage: true })

  // The corrected file: no problem, two rows to import.
  await upload(page, '旧台账.csv', csv([header, good1, good2]))
  await page.locator('[data-test=import-problems]').waitFor({ state: 'detached' })
  assert.match(await page.locator('[data-test=import-valid]').textContent(), /可导入 2 行/)

  // Giving the title's column to 内容 leaves 标题 unmapped: said, and no import.
  const pick = async (field, label) => {
    await page.locator(`[data-test=import-map-${field}]`).click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: label }).click()
    // The list closes before the next select opens its own.
    await page.locator('.el-select-dropdown__item:visible').first().waitFor({ state: 'hidden' })
  }
  await pick('description', 'C：标题')
  await page.locator('[data-test=import-unmapped]').filter({ hasText: '标题' }).waitFor()
  assert.equal(await page.locator('[data-test=import-confirm]').isDisabled(), true)
  // Mapping it back checks the file again with the chosen columns.
  const again = page.waitForRequest((r) => r.url().includes('/imports/activities/preview') && new URL(r.url()).searchParams.get('mapping') === 'date:0,type:1,title:2,attendance:3')
  await pick('title', 'C：标题')
  await again
  await page.locator('[data-test=import-unmapped]').waitFor({ state: 'detached' })
  const confirm = page.locator('[data-test=import-confirm]')
  assert.equal(await confirm.isDisabled(), false)
  assert.match(await confirm.textContent(), /确认导入 2 条/)
  await confirm.click()
  const done = page.locator('[data-test=import-done]')
  await done.waitFor()
  assert.match(await done.textContent(), /已导入 2 条记录/)

  await page.locator('[data-test=import-view-ledger]').click()
  await page.waitForURL((u) => u.pathname === '/ledger' && !!u.searchParams.get('import_batch') && !!u.searchParams.get('org_id'))
  const batch = new URL(page.url()).searchParams.get('import_batch')
  // The ledger shows the import's chip and exactly its two records.
  await page.locator('[data-test=filter-extra]').filter({ hasText: '导入批次' }).waitFor()
  const listed = await apiGet(page, `/api/v1/activities?import_batch=${batch}&limit=10`)
  assert.equal(listed.total, 2)
  assert.ok(listed.items.every((a) => a.status === 'submitted'))
  assert.deepEqual(listed.items.map((a) => a.title).sort(), [good2[2], good1[2]].sort())

  // The same file again: both rows are duplicates now, and import only when skipped.
  await page.goto(base + '/ledger/import')
  await upload(page, '旧台账.csv', csv([header, good1, good2]))
  await page.locator('[data-test=import-duplicates]').filter({ hasText: '重复 2 行' }).waitFor()
  assert.equal(await page.locator('[data-test=import-dup]').count(), 2)
  assert.equal(await page.locator('[data-test=import-confirm]').isDisabled(), true)
  await page.locator('[data-test=import-skip]').click()
  assert.equal(await page.locator('[data-test=import-confirm]').isDisabled(), true, 'nothing left to import')
})

test('no unexpected console errors', () => {
  const unexpected = consoleErrors.filter((e) => !/\/login: Failed to load resource: the server responded with a status of 401/.test(e))
  assert.deepEqual(unexpected, [])
})
