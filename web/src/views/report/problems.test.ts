import { describe, expect, it } from 'vitest'
import { checkNote, decisionSummary, ledgerLink, ledgerLocation, maxNoteLength, problemText } from './problems'

const p = (decision: string | null, key = 'k') => ({
  key,
  title: '部分学校理论学习存在空档',
  title_en: 'Schools with no theory study',
  detail: '2024年第二季度，甲校未开展理论学习活动。',
  detail_en: 'In Q2 2024, 1 school held no theory study.',
  decision,
})

describe('ledgerLink', () => {
  it('points the ledger page at the records', () => {
    expect(ledgerLink('org_id=3&period=2024&status=approved&has_evidence=false')).toBe(
      '/ledger?org_id=3&period=2024&status=approved&has_evidence=false',
    )
    expect(ledgerLink('?org_id=3')).toBe('/ledger?org_id=3')
  })
  it('gives nothing for an absence of records', () => {
    expect(ledgerLink('')).toBe('')
  })
})

describe('ledgerLocation', () => {
  it('keeps repeated parameters as lists and decodes values', () => {
    const loc = ledgerLocation('org_id=3&status=approved&status=submitted&created_by=%E5%BC%A0&entered_on=2026-11-29')
    expect(loc).toEqual({
      path: '/ledger',
      query: { org_id: '3', status: ['approved', 'submitted'], created_by: '张', entered_on: '2026-11-29' },
    })
  })
  it('is null without records', () => {
    expect(ledgerLocation('')).toBeNull()
  })
})

describe('problemText', () => {
  it('speaks the interface language, Chinese by default', () => {
    expect(problemText(p(null), 'zh-CN').title).toBe('部分学校理论学习存在空档')
    expect(problemText(p(null), 'en').detail).toBe('In Q2 2024, 1 school held no theory study.')
  })
  it('falls back to Chinese when the English text is missing', () => {
    expect(problemText({ ...p(null), title_en: '' }, 'en').title).toBe('部分学校理论学习存在空档')
  })
})

describe('decisionSummary', () => {
  it('counts each decision', () => {
    expect(decisionSummary([p('accepted'), p('dropped'), p(null), p('accepted')])).toEqual({
      accepted: 2,
      dropped: 1,
      undecided: 1,
    })
    expect(decisionSummary([])).toEqual({ accepted: 0, dropped: 0, undecided: 0 })
  })
})

describe('checkNote', () => {
  it('trims and counts characters, not bytes', () => {
    expect(checkNote('  属实  ')).toEqual({ note: '属实', error: '' })
    expect(checkNote('很'.repeat(maxNoteLength)).error).toBe('')
    expect(checkNote('很'.repeat(maxNoteLength + 1)).error).toBe('tooLong')
  })
})
