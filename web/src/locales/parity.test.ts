import { describe, expect, it } from 'vitest'
import en from './en'
import zh from './zh-CN'

// Every string is translated: zh-CN and en have exactly the same keys, and no
// message is empty.
function keys(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}

function leaves(o: Record<string, unknown>): unknown[] {
  return Object.values(o).flatMap((v) => (v !== null && typeof v === 'object' ? leaves(v as Record<string, unknown>) : [v]))
}

describe('locales', () => {
  it('zh-CN and en have the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort())
  })
  it('mounts every feature file under its name', () => {
    // locales/features/<name>.ts, collected by file name (locales/messages.ts).
    for (const f of ['ledger', 'admin', 'report', 'roster']) {
      expect(Object.keys((zh as Record<string, object>)[f] ?? {}).length, f).toBeGreaterThan(5)
      expect(Object.keys((en as Record<string, object>)[f] ?? {}).length, f).toBeGreaterThan(5)
    }
  })
  it('no message is empty', () => {
    for (const v of [...leaves(zh), ...leaves(en)]) expect(typeof v === 'string' && v.trim() !== '').toBe(true)
  })
})
