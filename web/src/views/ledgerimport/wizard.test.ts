import { describe, expect, it } from 'vitest'
import { canCommit, columnLetter, headerOptions, ledgerQuery, mappingParam, previewURL, remap, templateHref, unmappedRequired, type ImportField, type ImportPreview } from './wizard'

const fields: ImportField[] = [
  { key: 'date', label: '日期', required: true },
  { key: 'org', label: '单位', required: false },
  { key: 'type', label: '活动类型', required: true },
  { key: 'title', label: '标题', required: true },
]

function preview(p: Partial<ImportPreview>): ImportPreview {
  return {
    file_sha256: 'ab',
    format: 'csv-utf8',
    sheet: '',
    header_line: 1,
    headers: [],
    fields,
    mapping: {},
    mapping_saved: false,
    rows: 0,
    valid: 0,
    invalid: 0,
    duplicates: 0,
    sample: [],
    problems: [],
    problems_capped: false,
    ...p,
  }
}

describe('mappingParam', () => {
  it('writes field:col in the order of the fields, whatever the object order', () => {
    expect(mappingParam({ title: 4, date: 1, type: 3 }, fields)).toBe('date:1,type:3,title:4')
  })
  it('keeps a field the list does not name, and column 0', () => {
    expect(mappingParam({ venues: 6, date: 0 }, fields)).toBe('date:0,venues:6')
  })
  it('is empty for no mapping', () => {
    expect(mappingParam({}, fields)).toBe('')
  })
})

describe('previewURL', () => {
  it('leaves out an empty year and mapping', () => {
    expect(previewURL(7, null, '')).toBe('/api/v1/imports/activities/preview?org_id=7')
    expect(previewURL(7, 0, '')).toBe('/api/v1/imports/activities/preview?org_id=7')
  })
  it('encodes the mapping', () => {
    expect(previewURL(7, 2024, 'date:1,type:3')).toBe('/api/v1/imports/activities/preview?org_id=7&year=2024&mapping=date%3A1%2Ctype%3A3')
  })
})

describe('remap', () => {
  it('sets a field and frees the column from the field that had it', () => {
    expect(remap({ date: 1, type: 3 }, 'title', 3)).toEqual({ date: 1, title: 3 })
  })
  it('moves a field to another column', () => {
    expect(remap({ date: 1, type: 3 }, 'date', 2)).toEqual({ date: 2, type: 3 })
  })
  it('unmaps a field when cleared', () => {
    expect(remap({ date: 1, type: 3 }, 'date', null)).toEqual({ type: 3 })
    expect(remap({ date: 1, type: 3 }, 'date', undefined)).toEqual({ type: 3 })
  })
  it('never gives one column to two fields', () => {
    let m = {}
    for (const [f, c] of [['date', 0], ['type', 0], ['title', 1], ['org', 1], ['date', 1]] as const) m = remap(m, f, c)
    const cols = Object.values(m)
    expect(new Set(cols).size).toBe(cols.length)
    expect(m).toEqual({ type: 0, date: 1 })
  })
})

describe('columns', () => {
  it('letters columns as Excel does', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnLetter)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA'])
  })
  it('names each choice by letter and header', () => {
    expect(headerOptions(['活动日期', ' ', '学校 '])).toEqual([
      { value: 0, label: 'A：活动日期' },
      { value: 1, label: 'B' },
      { value: 2, label: 'C：学校' },
    ])
  })
  it('finds the required fields no column fills', () => {
    expect(unmappedRequired(fields, { date: 0, org: 1 }).map((f) => f.key)).toEqual(['type', 'title'])
  })
})

describe('canCommit', () => {
  it('refuses without a preview, with an invalid row, or with nothing to write', () => {
    expect(canCommit(null, true)).toBe(false)
    expect(canCommit(preview({ rows: 3, valid: 2, invalid: 1 }), true)).toBe(false)
    expect(canCommit(preview({ rows: 1, duplicates: 1 }), true)).toBe(false)
  })
  it('takes duplicates only when they are skipped', () => {
    const p = preview({ rows: 3, valid: 2, duplicates: 1 })
    expect(canCommit(p, false)).toBe(false)
    expect(canCommit(p, true)).toBe(true)
    expect(canCommit(preview({ rows: 2, valid: 2 }), false)).toBe(true)
  })
})

describe('links', () => {
  it('opens the ledger on the records of the import', () => {
    expect(ledgerQuery(12, 7)).toEqual({ org_id: '12', import_batch: '7' })
  })
  it('addresses the unit’s template', () => {
    expect(templateHref(12)).toBe('/api/v1/imports/activities/template?org_id=12')
  })
})
