import { beforeEach, describe, expect, it } from 'vitest'
import { clearDrafts, draftStore } from './draft'

describe('the phone draft', () => {
  beforeEach(() => localStorage.clear())
  it('belongs to one account: the next account never reads it', () => {
    draftStore<{ key: string }>(7).save({ key: 'k-of-7' })
    expect(draftStore<{ key: string }>(7).load()).toEqual({ key: 'k-of-7' })
    expect(draftStore<{ key: string }>(8).load()).toBeNull()
  })
  it('is kept without an account id nowhere', () => {
    draftStore(undefined).save({ key: 'x' })
    expect(localStorage.length).toBe(0)
  })
  it('survives in localStorage (not sessionStorage), and logout clears every account’s', () => {
    draftStore(7).save({ a: 1 })
    draftStore(9).save({ a: 2 })
    localStorage.setItem('zeren.locale', 'zh-CN')
    sessionStorage.clear()
    expect(draftStore(7).load()).toEqual({ a: 1 })
    clearDrafts()
    expect(draftStore(7).load()).toBeNull()
    expect(draftStore(9).load()).toBeNull()
    expect(localStorage.getItem('zeren.locale')).toBe('zh-CN')
  })
  it('drops a damaged draft', () => {
    localStorage.setItem('zeren.m.log-draft.7', '{oops')
    expect(draftStore(7).load()).toBeNull()
    expect(localStorage.getItem('zeren.m.log-draft.7')).toBeNull()
  })
})
