import { describe, expect, it, vi } from 'vitest'
import { activityHref, callSnippet, debounce, defaultYear, displayBlocks, separated, errorPosition, figureTooltip, functionList, helpOf, lineCount, offsetOf, recordsHref, wrapLayout } from './helpers'
import type { ReportFigure } from './types'

const fig = (over: Partial<ReportFigure> = {}): ReportFigure => ({
  index: 0,
  expr: 'count(type: "outreach_lecture") | approx',
  value: 86,
  display: '80余',
  unit: '场次',
  query: 'count unit=X period=2024 type=outreach_lecture',
  records: '/ledger?org_id=1&period=2024&type_id=7&status=approved',
  approx: true,
  func: 'count',
  line: 1,
  column: 1,
  digest: '',
  n_records: 0,
  ...over,
})

describe('displayBlocks', () => {
  it('maps blocks to tags and figure spans to links with tooltips', () => {
    const blocks = displayBlocks({
      blocks: [
        { kind: 'title', spans: [{ text: '某县教育局2024年度报告' }] },
        { kind: 'heading1', spans: [{ text: '一、加强组织领导' }] },
        { kind: 'heading2', spans: [{ text: '（一）学习' }] },
        { kind: 'paragraph', spans: [{ text: '开展宣讲' }, { text: '80余', figure: 0 }, { text: '场次。' }] },
        { kind: 'paragraph', spans: [{ text: '【请填写：下一步】' }], slot: 'next_steps', reminder: true },
        { kind: 'signature', spans: [{ text: '某县教育局' }] },
      ],
      figures: [fig()],
    })
    expect(blocks.map((b) => b.tag)).toEqual(['h1', 'h2', 'h3', 'p', 'p', 'p'])
    expect(blocks[4].reminder).toBe(true)
    const parts = blocks[3].parts
    expect(parts.map((p) => p.text).join('')).toBe('开展宣讲80余场次。')
    const f = parts[1]
    expect(f.kind).toBe('figure')
    if (f.kind !== 'figure') throw new Error('unreachable')
    expect(f.href).toBe('/ledger?org_id=1&period=2024&type_id=7&status=approved')
    expect(f.tooltip).toContain('count(type: "outreach_lecture") | approx')
    expect(f.tooltip).toContain('count unit=X')
    expect(f.tooltip).toContain('= 86场次')
  })

  it('finds figures by their index field and shows a dangling span as text', () => {
    const blocks = displayBlocks({
      blocks: [{ kind: 'paragraph', spans: [{ text: '5', figure: 3 }, { text: '9', figure: 7 }] }],
      figures: [fig({ index: 3, display: '5', value: 5, approx: false })],
    })
    expect(blocks[0].parts[0].kind).toBe('figure')
    expect(blocks[0].parts[1]).toEqual({ kind: 'text', text: '9' })
  })
})

describe('recordsHref', () => {
  it('keeps in-app paths and reads bare queries as the ledger', () => {
    expect(recordsHref('/ledger?org_id=1')).toBe('/ledger?org_id=1')
    expect(recordsHref('/problems?org_id=1&period=2024')).toBe('/problems?org_id=1&period=2024')
    expect(recordsHref('?org_id=1')).toBe('/ledger?org_id=1')
    expect(recordsHref('org_id=1&period=2024')).toBe('/ledger?org_id=1&period=2024')
  })
  it('gives no link for nothing or for another site', () => {
    expect(recordsHref('')).toBeNull()
    expect(recordsHref('//evil.example/x')).toBeNull()
    expect(recordsHref('https://evil.example/x')).toBeNull()
    expect(recordsHref('javascript:alert(1)')).toBeNull()
  })
})

describe('figureTooltip', () => {
  it('omits the query when it repeats the expression and the exact value when exact', () => {
    expect(figureTooltip(fig({ query: 'x', expr: 'x', approx: false }))).toBe('x')
  })
})

describe('errorPosition', () => {
  it('reads the position from the message', () => {
    expect(errorPosition('line 3, column 14: unknown filter "aprox"')).toEqual({ line: 3, column: 14, message: 'unknown filter "aprox"' })
    expect(errorPosition('source: line 12, column 1: text before the title')).toEqual({ line: 12, column: 1, message: 'text before the title' })
  })
  it('prefers fields the API carries', () => {
    expect(errorPosition('unknown function "x"', { line: 2, column: 5 })).toEqual({ line: 2, column: 5, message: 'unknown function "x"' })
  })
  it('gives null without a position', () => {
    expect(errorPosition('the database is not available')).toBeNull()
    expect(errorPosition('line 0, column 3: x')).toBeNull()
  })
})

describe('offsetOf', () => {
  it('counts columns in characters, offsets in UTF-16 units', () => {
    const src = '# 标题\n𠀀一{{ x }}\nabc'
    // line 2, column 3 is "{" after the astral 𠀀 (2 UTF-16 units) and 一
    expect(offsetOf(src, 2, 3)).toBe('# 标题\n'.length + 3)
    expect(src.slice(offsetOf(src, 2, 3), offsetOf(src, 2, 3) + 2)).toBe('{{')
    expect(offsetOf(src, 1, 1)).toBe(0)
    expect(offsetOf(src, 3, 3)).toBe(src.length - 1)
  })
  it('clamps past the end', () => {
    expect(offsetOf('ab\ncd', 9, 9)).toBe(5)
    expect(offsetOf('ab\ncd', 1, 99)).toBe(2)
  })
  it('lineCount counts lines', () => {
    expect(lineCount('a\nb\n')).toBe(3)
    expect(lineCount('')).toBe(1)
  })
})

describe('defaultYear', () => {
  it('is last year until October, this year in November and December', () => {
    expect(defaultYear('2025-01-15')).toBe('2024')
    expect(defaultYear('2025-10-31')).toBe('2024')
    expect(defaultYear('2025-11-01')).toBe('2025')
    expect(defaultYear('2025-12-31')).toBe('2025')
  })
})

describe('functions', () => {
  it('reads any wrapper, drops compare, sorts, and builds a snippet with required arguments', () => {
    const list = functionList({
      items: [
        { name: 'units', doc: 'd', unit: '个', args: [{ name: 'kind', kind: 'string', required: true }, { name: 'types', kind: 'list' }, { name: 'compare', kind: 'string' }] },
        { name: 'count', doc: 'd', args: [{ name: 'type', kind: 'string' }] },
        { nope: 1 },
      ],
    })
    expect(list.map((f) => f.name)).toEqual(['count', 'units'])
    expect(list[1].args.map((a) => a.name)).toEqual(['kind', 'types'])
    expect(callSnippet(list[1])).toBe('{{ units(kind: "") }}')
    expect(callSnippet(list[0])).toBe('{{ count() }}')
    expect(functionList([{ name: 'a', doc: '', args: [] }]).length).toBe(1)
    expect(functionList(null)).toEqual([])
  })
})

describe('debounce', () => {
  it('calls once after the calls stop, and cancel drops it', () => {
    vi.useFakeTimers()
    const f = vi.fn()
    const d = debounce(f, 100)
    d(1)
    d(2)
    vi.advanceTimersByTime(99)
    expect(f).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(f).toHaveBeenCalledExactlyOnceWith(2)
    d(3)
    d.cancel()
    vi.advanceTimersByTime(200)
    expect(f).toHaveBeenCalledTimes(1)
    vi.useRealTimers()
  })
})

describe('activityHref', () => {
  it('searches the ledger of the unit for the title', () => {
    expect(activityHref(3, '“习语润咸”宣讲 & 座谈')).toBe('/ledger?org_id=3&q=%E2%80%9C%E4%B9%A0%E8%AF%AD%E6%B6%A6%E5%92%B8%E2%80%9D%E5%AE%A3%E8%AE%B2+%26+%E5%BA%A7%E8%B0%88')
  })
})

describe('helpOf', () => {
  const count = { name: 'count', doc: 'number of activities', label: '场次', doc_zh: '活动场次' }
  it('shows the Chinese name and help in zh-CN and the English help elsewhere', () => {
    expect(helpOf(count, 'zh-CN')).toEqual({ label: '场次', doc: '活动场次' })
    expect(helpOf(count, 'en')).toEqual({ label: '', doc: 'number of activities' })
  })
  it('falls back to the English help when a server sends no Chinese', () => {
    expect(helpOf({ doc: 'x' }, 'zh-CN')).toEqual({ label: '', doc: 'x' })
  })
})

describe('wrapLayout', () => {
  it('numbers each logical line once, its gutter row as tall as the line wraps', () => {
    // line 1 one row, line 2 wraps to three rows, line 3 empty, line 4 two rows
    const { rows, tops } = wrapLayout([20, 60, 0, 40], 20)
    expect(rows).toEqual([1, 3, 1, 2])
    expect(tops).toEqual([0, 20, 80, 100])
  })
  it('puts an error on a line after a wrapped one below the wrapped rows', () => {
    const { tops } = wrapLayout([20, 20 * 5, 20], 20)
    expect(tops[2]).toBe(120) // not 40, where it would be without soft wrap
  })
  it('rounds sub-pixel heights and treats unmeasured lines as one row', () => {
    expect(wrapLayout([19.6, 40.4, 0], 20).rows).toEqual([1, 2, 1])
  })
})

describe('separated', () => {
  it('puts thousands separators into a figure, and nothing else', () => {
    expect(separated('12345')).toBe('12,345')
    expect(separated('1234567场次')).toBe('1,234,567场次')
    expect(separated('1234.56')).toBe('1,234.56')
    expect(separated('12.3456%')).toBe('12.3456%')
    expect(separated('999')).toBe('999')
    expect(separated('1,234')).toBe('1,234')
    expect(separated('共 20000 人')).toBe('共 20,000 人')
  })
})
