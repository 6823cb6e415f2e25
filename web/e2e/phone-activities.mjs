// What phone.test.mjs leaves behind, for later browser tests: activities
// logged on the phone by xiaoxuexiao (school admin of D01-S01), submitted and
// titled PHONE_TITLE_PREFIX + '·e2e-<marker>-<n>', each with one photo. A
// district admin (xuequ, D01) can approve one and watch a figure rise by one.
// run.sh runs the test files in name order: a test relying on these must sort
// after phone.test.mjs (e.g. phone~approve.test.mjs or z-….test.mjs).
export const PHONE_TITLE_PREFIX = '手机记一笔'

// phoneActivities lists, with the session of page (logged in as anyone whose
// scope holds D01-S01), the phone-logged activities in a status, newest first.
export async function phoneActivities(page, status = 'submitted') {
  return page.evaluate(
    async ([q, st]) => {
      const r = await fetch(`/api/v1/activities?q=${encodeURIComponent(q)}&status=${st}&sort=created_at&limit=100`, {
        headers: { Accept: 'application/json' },
      })
      if (!r.ok) throw new Error(`phoneActivities: ${r.status}`)
      return (await r.json()).items
    },
    [PHONE_TITLE_PREFIX, status],
  )
}
