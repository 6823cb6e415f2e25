import { describe, expect, it } from 'vitest'
import { messages } from './locales'

// Every phone string is translated: zh-CN and en have the same keys, the
// same {placeholders}, and no empty message.
function flat(o: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  return Object.entries(o).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' ? flat(v as Record<string, unknown>, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, unknown]],
  )
}
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('phone locales', () => {
  const zh = new Map(flat(messages['zh-CN']))
  const en = new Map(flat(messages.en))
  it('zh-CN and en have the same keys', () => {
    expect([...en.keys()].sort()).toEqual([...zh.keys()].sort())
  })
  it('no message is empty and placeholders match', () => {
    for (const [k, v] of zh) {
      expect(typeof v === 'string' && v.trim() !== '', k).toBe(true)
      const e = en.get(k)
      expect(typeof e === 'string' && e.trim() !== '', k).toBe(true)
      expect(placeholders(e as string), k).toEqual(placeholders(v as string))
    }
  })
  it('carries a message for every error code the client knows', () => {
    for (const code of ['network', 'unauthorized', 'invalid', 'forbidden', 'not_found', 'conflict', 'too_large', 'unavailable', 'internal']) {
      expect(zh.has(`errors.${code}`), code).toBe(true)
    }
  })
})

describe('phone page titles', () => {
  it('every page names a title both languages carry', async () => {
    const { routes } = await import('./router')
    const zh = new Map(flat(messages['zh-CN']))
    const en = new Map(flat(messages.en))
    const pages = routes.filter((r) => r.component)
    // login, password, step, the three tabs, the own password change, rectification, new stories,
    // duties, the leader's covered units, notifications, the exams (list, sitting)
    expect(pages.length).toBe(14)
    for (const r of pages) {
      const key = String(r.meta?.title ?? '')
      expect(zh.has(key) && en.has(key), `${r.path} ${key}`).toBe(true)
    }
  })
})
