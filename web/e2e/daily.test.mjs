// The daily pages (issue 12 §1), in Debian's chromium: the ledger's create
// dialog (placeholders, today's date, evidence chosen before saving), a bad
// period said in Chinese in place of "no records", the record's history by
// name; the system administrator imports accounts from the Excel template
// (preview with row and column problems, then the import and its one-time
// passwords) and edits one; the imported person changes the one-time
// password, then changes it again from the header's user menu; the phone: a
// member lands on 本学期进度, a school admin corrects and resubmits a returned
// record and submits a draft, and the draft of 记一笔 is the account's own.
// Screenshots of each page. Run by e2e/run.sh, which sets ZEREN_URL.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { test, after, before } from 'node:test'
import { base, shots, launch, phone, watchConsole } from './browser.mjs'
import { login, loginWithTotp, serverToday } from './session.mjs'
import { pngPhoto } from './phone-steps.mjs'

let desk
let mobile
const consoleErrors = []
const stamp = Date.now().toString(36)

before(async () => {
  desk = await launch({ width: 1440, height: 900 })
  mobile = await launch(phone)
})

after(async () => {
  await desk?.close()
  await mobile?.close()
})

// A zh-CN page shows no English words (codes such as 2024Q3 aside) and no raw ids.
// Usernames and the titles this run types are data, not interface text.
async function noEnglish(page, where, scope = 'body') {
  const text = await page.locator(scope).first().innerText()
  const words = (text.match(/[A-Za-z]{4,}/g) ?? []).filter(
    (w) => !/^(RFC|TOTP|Microsoft|Authenticator|xlsx|App|Excel)$/i.test(w) && !w.includes(stamp) && !stamp.includes(w) && !/^(sysadmin|imp.*)$/.test(w),
  )
  assert.deepEqual(words, [], `${where} shows English: ${words.join(' ')}`)
}

// api calls the API in the page's session, with its CSRF token.
async function api(page, method, path, body) {
  return page.evaluate(
    async ([m, p, b]) => {
      const me = await (await fetch('/api/v1/auth/me')).json()
      const r = await fetch(p, {
        method: m,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': me.csrf_token ?? '' },
        body: b === undefined ? undefined : JSON.stringify(b),
      })
      return { status: r.status, body: await r.json().catch(() => null) }
    },
    [method, path, body],
  )
}

// xlsx builds a one-sheet workbook of string cells (a stored zip, no compression).
function xlsx(rows) {
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  const col = (j) => String.fromCharCode(65 + j)
  const sheet =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
    rows
      .map((r, i) => `<row r="${i + 1}">${r.map((v, j) => `<c r="${col(j)}${i + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`).join('')}</row>`)
      .join('') +
    '</sheetData></worksheet>'
  const files = {
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml':
      '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="账号名单" sheetId="1" r:id="rId1"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels':
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    'xl/worksheets/sheet1.xml': sheet,
  }
  const locals = []
  const central = []
  let offset = 0
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8')
    const fname = Buffer.from(name, 'utf8')
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x0800, 6) // UTF-8 names
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(fname.length, 26)
    locals.push(local, fname, data)
    const cen = Buffer.alloc(46)
    cen.writeUInt32LE(0x02014b50, 0)
    cen.writeUInt16LE(20, 4)
    cen.writeUInt16LE(20, 6)
    cen.writeUInt16LE(0x0800, 8)
    cen.writeUInt32LE(crc, 16)
    cen.writeUInt32LE(data.length, 20)
    cen.writeUInt32LE(data.length, 24)
    cen.writeUInt16LE(fname.length, 28)
    cen.writeUInt32LE(offset, 42)
    central.push(cen, fname)
    offset += 30 + fname.length + data.length
  }
  const cd = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Object.keys(files).length, 8)
  end.writeUInt16LE(Object.keys(files).length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, end])
}

async function shot(page, name) {
  await page.locator('.el-loading-mask').first().waitFor({ state: 'hidden' }).catch(() => {})
  await page.waitForTimeout(300) // let transitions end
  await page.screenshot({ path: join(shots, name), fullPage: true })
}

test('the ledger: placeholders and today in the create dialog, evidence chosen before saving, the history by name, a bad period said in Chinese', async () => {
  const page = watchConsole(await desk.context.newPage(), consoleErrors)
  await page.goto(base + '/login')
  await login(page, 'xiaoxuexiao')
  await page.waitForURL((u) => u.pathname !== '/login')
  await page.goto(base + '/ledger')
  await page.locator('[data-test=ledger-new]').click()
  const dialog = page.locator('[data-test=activity-dialog]')
  const today = await serverToday(page)
  // The date defaults to today (the server's); the type shows its placeholder, not 0.
  await page.waitForFunction((d) => document.querySelector('[data-test=form-date-item] input')?.value === d, today)
  const typeBox = dialog.locator('[data-test=form-type]')
  assert.doesNotMatch((await typeBox.innerText()).trim(), /^0$/, 'the type field shows no bare 0')
  assert.match(await typeBox.innerText(), /请选择活动类型/)
  await typeBox.click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '“学习强国”集中学习' }).first().click()
  const title = `保存前选佐证 ${stamp}`
  await dialog.locator('input[data-test=form-title]').fill(title)
  await dialog.locator('[data-test=form-attendance-item] input').fill('20')
  // Evidence chosen before the record exists: listed as pending, uploaded at the save.
  await dialog.locator('[data-test=evidence-choose] input[type=file]').setInputFiles({ name: '签到表.png', mimeType: 'image/png', buffer: pngPhoto(320, 240, 3) })
  await dialog.locator('[data-test=evidence-pending-file]').waitFor()
  await dialog.locator('[data-test=evidence-choose] input[type=file]').setInputFiles({ name: '现场.png', mimeType: 'image/png', buffer: pngPhoto(320, 240, 4) })
  assert.equal(await dialog.locator('[data-test=evidence-pending-file]').count(), 2)
  await shot(page, 'daily-ledger-new.png')
  await noEnglish(page, 'the create dialog')
  await dialog.locator('[data-test=form-save-submit]').click()
  await dialog.waitFor({ state: 'hidden' })
  // Stored: submitted, with both files (parallel uploads did not hide one another).
  const found = await api(page, 'GET', `/api/v1/activities?q=${encodeURIComponent(title)}`)
  assert.equal(found.body.items.length, 1)
  assert.equal(found.body.items[0].status, 'submitted')
  assert.equal(found.body.items[0].evidence.length, 2, 'both files chosen before saving are attached')

  // The detail's history names who acted.
  await page.goto(`${base}/ledger?q=${encodeURIComponent(title)}`)
  await page.locator('[data-test=row-title]').first().click()
  const drawer = page.locator('[data-test=detail-drawer]')
  await drawer.locator('[data-test=history-entry]').first().waitFor()
  const history = await drawer.locator('[data-test=detail-changes]').innerText()
  assert.doesNotMatch(history, /operator|xiaoxuexiao/, 'names, not usernames')
  await shot(page, 'daily-ledger-detail.png')
  await page.keyboard.press('Escape')

  // A period that cannot be read: said in Chinese above the list, and the list says so instead of "no records".
  await page.goto(`${base}/ledger?period=abc`)
  await page.locator('[data-test=filter-period-error]').waitFor()
  assert.match(await page.locator('[data-test=filter-period-error]').innerText(), /无法识别的时间“abc”/)
  await page.locator('[data-test=ledger-empty-error]').waitFor()
  assert.doesNotMatch(await page.locator('[data-test=ledger-empty]').innerText(), /暂无|没有记录/)
  await shot(page, 'daily-ledger-bad-period.png')
  await noEnglish(page, 'the ledger with a bad period')
  await page.close()
})

let imported // { username, password }

test('the system administrator imports accounts from the template (preview, problems by row and column, one-time passwords) and edits one', async () => {
  const page = watchConsole(await desk.context.newPage(), consoleErrors)
  await loginWithTotp(page, 'sysadmin')
  await page.goto(base + '/admin/users')
  await page.locator('[data-test=users-import]').click()
  const dialog = page.locator('[data-test=import-dialog]')
  // The template downloads, a workbook.
  const download = page.waitForEvent('download')
  await dialog.locator('[data-test=import-template]').click()
  assert.equal((await download).suggestedFilename(), '账号导入模板.xlsx')

  const units = (await api(page, 'GET', '/api/v1/orgs?kind=school&limit=2')).body.items
  const school = units[0]
  const head = ['用户名', '姓名', '单位编码', '单位名称', '手机号']
  const user = `imp${stamp}`
  // A file with problems: the preview lists each by row and column; nothing can be imported.
  const bad = xlsx([head, [user, '导入教师', school.code, '', '138-0000-1111'], ['sysadmin', '重名', school.code, '', ''], [`x${stamp}`, '', '', '不存在的学校', '12']])
  await dialog.locator('[data-test=import-file] input[type=file]').setInputFiles({ name: '账号.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: bad })
  await dialog.locator('[data-test=import-problems]').waitFor()
  const problems = await dialog.locator('[data-test=import-problems]').innerText()
  assert.match(problems, /3\s+用户名/)
  assert.match(problems, /4\s+姓名/)
  assert.match(problems, /4\s+单位名称/)
  assert.ok(await dialog.locator('[data-test=import-confirm]').isDisabled(), 'no import while a row is wrong')
  await shot(page, 'daily-users-import-problems.png')
  await noEnglish(page, 'the import preview', '[data-test=import-dialog]')

  // Corrected: the import creates the accounts and shows their passwords once.
  const good = xlsx([head, [user, '导入教师', school.code, '', '138-0000-1111'], [`${user}b`, '导入教师二', '', school.name, '']])
  await dialog.locator('[data-test=import-file] input[type=file]').setInputFiles({ name: '账号.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: good })
  await dialog.locator('[data-test=import-rows]').waitFor()
  await page.waitForFunction(() => !document.querySelector('[data-test=import-confirm]')?.hasAttribute('disabled'))
  await dialog.locator('[data-test=import-confirm]').click()
  await dialog.locator('[data-test=import-created]').waitFor()
  const passwords = await dialog.locator('[data-test=import-password]').allInnerTexts()
  assert.equal(passwords.length, 2)
  imported = { username: user, password: passwords[0].trim() }
  await shot(page, 'daily-users-import-done.png')
  await dialog.getByRole('button', { name: '关闭', exact: true }).click()

  // Edit the second: name and phone.
  await page.locator('input[data-test=users-search], [data-test=users-search] input').first().fill(`${user}b`)
  await page.locator('[data-test=user-edit]').first().click()
  const edit = page.locator('[data-test=edit-dialog]')
  await edit.locator('input[data-test=edit-name]').fill('导入教师乙')
  await edit.locator('input[data-test=edit-phone]').fill('139-0000-2222')
  await shot(page, 'daily-users-edit.png')
  await edit.locator('[data-test=edit-submit]').click()
  await edit.waitFor({ state: 'hidden' })
  await page.locator('[data-test=users-table]', { hasText: '导入教师乙' }).waitFor()
  assert.match(await page.locator('[data-test=users-table]').innerText(), /139\*{4}2222/)
  await page.close()
})

test('an imported person changes the one-time password, then changes it again from the user menu', async () => {
  assert.ok(imported, 'the import ran')
  const ctx = desk.context
  await ctx.clearCookies()
  const page = watchConsole(await ctx.newPage(), consoleErrors)
  await page.goto(base + '/login')
  await login(page, imported.username, imported.password)
  await page.waitForURL(/\/password/)
  const first = `Daily-${stamp}-1a!`
  const inputs = page.locator('input[type=password]')
  await inputs.nth(0).fill(imported.password)
  await inputs.nth(1).fill(first)
  await inputs.nth(2).fill(first)
  await inputs.nth(2).press('Enter')
  await page.waitForURL((u) => u.pathname !== '/password')
  // From the header: 修改密码.
  await page.locator('[data-test=user-name]').click()
  await page.locator('[data-test=menu-password]').click()
  await page.waitForURL(/\/account\/password/)
  await page.locator('[data-test=password-page]').waitFor()
  await shot(page, 'daily-password.png')
  await noEnglish(page, 'the password page')
  const second = `Daily-${stamp}-2b!`
  await inputs.nth(0).fill(first)
  await inputs.nth(1).fill(second)
  await inputs.nth(2).fill(second)
  await inputs.nth(2).press('Enter')
  await page.waitForURL((u) => !u.pathname.startsWith('/account/password'))
  // The new password logs in.
  await ctx.clearCookies()
  await page.goto(base + '/login')
  await login(page, imported.username, second)
  await page.waitForURL((u) => u.pathname !== '/login')
  await page.close()
})

test('the TOTP enrolment names authenticators that install in mainland China and has a way out', async () => {
  const page = watchConsole(await desk.context.newPage(), consoleErrors)
  await desk.context.clearCookies()
  await page.goto(base + '/login')
  // The leader's first login enrols a second factor only if the demo says so; the verify page of a known admin otherwise.
  await login(page, 'auditadmin')
  await page.waitForURL(/\/totp/)
  if (new URL(page.url()).pathname === '/totp/enrol') {
    assert.match(await page.locator('[data-test=totp-apps]').innerText(), /腾讯身份验证器/)
  }
  await shot(page, 'daily-totp.png')
  await page.locator('[data-test=totp-logout]').click()
  await page.waitForURL(/\/login/)
  await page.close()
})

test('the phone: a member lands on 本学期进度; a school admin resubmits a returned record and submits a draft', async () => {
  // The member cannot record: no page that only says so.
  const ctx = mobile.context
  const page = watchConsole(await ctx.newPage(), consoleErrors, /status of 401/)
  await page.goto(base + '/m/')
  await page.locator('[data-test=username] input').fill('jiaoshi')
  await page.locator('[data-test=password] input').fill('Zeren-Demo-2026')
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((u) => u.pathname === '/m/progress')
  assert.equal(await page.locator('[data-test=tab-log]').count(), 0, 'no 记一笔 tab for a member')
  await page.goto(base + '/m/log')
  await page.waitForURL((u) => u.pathname === '/m/progress')
  await page.locator('[data-test=progress-summary]').waitFor()
  await shot(page, 'daily-phone-member.png')
  await page.goto(base + '/m/me')
  await page.locator('[data-test=me-password]').click()
  await page.waitForURL((u) => u.pathname === '/m/change-password')
  await shot(page, 'daily-phone-password.png')
  await page.goto(base + '/m/me')
  await page.locator('[data-test=logout]').click()
  await page.waitForURL((u) => u.pathname === '/m/login')

  // A school admin: a returned record (returned by the district) and a draft.
  await page.locator('[data-test=username] input').fill('xiaoxuexiao')
  await page.locator('[data-test=password] input').fill('Zeren-Demo-2026')
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((u) => u.pathname === '/m/log')
  const me = (await api(page, 'GET', '/api/v1/auth/me')).body
  const today = await serverToday(page)
  const types = (await api(page, 'GET', '/api/v1/activity-types?active=true')).body.items
  const ty = types.find((x) => !x.expects_attendance && !x.expects_evidence && x.venues.length === 0) ?? types[0]
  const mk = async (title, submit) =>
    (await api(page, 'POST', '/api/v1/activities', { org_id: me.account.org_id, type_id: ty.id, date: today, title, description: '', attendance: ty.expects_attendance ? 10 : 0, venues: ty.venues.slice(0, 1), submit })).body
  const toReturn = await mk(`手机退回 ${stamp}`, true)
  const draft = await mk(`手机草稿 ${stamp}`, false)
  assert.ok(toReturn?.id && draft?.id, 'created the two records')

  const district = watchConsole(await desk.context.newPage(), consoleErrors)
  await desk.context.clearCookies()
  await district.goto(base + '/login')
  await login(district, 'xuequ')
  await district.waitForURL((u) => u.pathname !== '/login')
  const returned = await api(district, 'POST', `/api/v1/activities/${toReturn.id}/return`, { reason: '请补充参加人数' })
  assert.equal(returned.status, 200)
  await district.close()

  await page.goto(base + '/m/progress')
  const row = page.locator('[data-test=recent]', { hasText: `手机退回 ${stamp}` })
  await row.locator('[data-test=recent-reason]').waitFor()
  assert.match(await row.innerText(), /请补充参加人数/)
  await row.click()
  const sheet = page.locator('[data-test=fix-sheet]')
  await sheet.locator('[data-test=fix-reason]').waitFor()
  await sheet.locator('[data-test=fix-title] input').fill(`手机退回已改 ${stamp}`)
  await shot(page, 'daily-phone-fix.png')
  await sheet.locator('[data-test=fix-submit]').click()
  await page.locator('[data-test=recent]', { hasText: `手机退回已改 ${stamp}` }).waitFor()
  const after1 = await api(page, 'GET', `/api/v1/activities/${toReturn.id}`)
  assert.equal(after1.body.status, 'submitted')
  assert.equal(after1.body.title, `手机退回已改 ${stamp}`)

  await page.locator('[data-test=recent]', { hasText: `手机草稿 ${stamp}` }).click()
  await sheet.locator('[data-test=fix-submit]').click()
  await page.waitForFunction(async (id) => (await (await fetch(`/api/v1/activities/${id}`)).json()).status === 'submitted', draft.id)
  await noEnglish(page, 'the phone progress page', '.m-app')

  // The draft of 记一笔 is the account's own, in localStorage, and leaves at logout.
  await page.goto(base + '/m/log')
  await page.locator('[data-test=log-title] input').fill('未完成的草稿')
  await page.waitForFunction((id) => !!localStorage.getItem(`zeren.m.log-draft.${id}`), me.account.id)
  await page.goto(base + '/m/me')
  await page.locator('[data-test=logout]').click()
  await page.waitForURL((u) => u.pathname === '/m/login')
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('zeren.m.log-draft')).length), 0)
  await page.close()
})

test('no console errors on the daily pages', () => {
  const unexpected = consoleErrors.filter((e) => !/Failed to load resource: the server responded with a status of (401|400)/.test(e))
  assert.deepEqual(unexpected, [])
})
