import { describe, expect, it } from 'vitest'
import { MAX_EDGE, SMALL_ENOUGH, fitWithin, needsDownscale } from './downscale'

describe('fitWithin', () => {
  it('scales the long side to the maximum, keeping the aspect ratio', () => {
    expect(fitWithin(4032, 3024)).toEqual({ width: 2048, height: 1536, scaled: true })
    expect(fitWithin(3024, 4032)).toEqual({ width: 1536, height: 2048, scaled: true })
    expect(fitWithin(4000, 4000, 1000)).toEqual({ width: 1000, height: 1000, scaled: true })
  })
  it('never enlarges', () => {
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600, scaled: false })
    expect(fitWithin(MAX_EDGE, 10)).toEqual({ width: MAX_EDGE, height: 10, scaled: false })
  })
  it('keeps a thin panorama at least one pixel high', () => {
    expect(fitWithin(100000, 3)).toEqual({ width: 2048, height: 1, scaled: true })
  })
  it('holds for many sizes: within the box, ratio kept within a pixel', () => {
    for (let w = 1; w < 9000; w += 397) {
      for (let h = 1; h < 9000; h += 419) {
        const r = fitWithin(w, h)
        expect(Math.max(r.width, r.height)).toBeLessThanOrEqual(MAX_EDGE)
        if (r.scaled) {
          expect(Math.max(r.width, r.height)).toBe(MAX_EDGE)
          const k = MAX_EDGE / Math.max(w, h)
          expect(Math.abs(r.width - w * k)).toBeLessThanOrEqual(1)
          expect(Math.abs(r.height - h * k)).toBeLessThanOrEqual(1)
        }
      }
    }
  })
  it('refuses an empty image', () => {
    expect(() => fitWithin(0, 10)).toThrow(RangeError)
  })
})

describe('needsDownscale', () => {
  it('redraws large or heavy photos only', () => {
    expect(needsDownscale(4032, 3024, 500_000)).toBe(true)
    expect(needsDownscale(1600, 1200, SMALL_ENOUGH + 1)).toBe(true)
    expect(needsDownscale(1600, 1200, 300_000)).toBe(false)
  })
})
