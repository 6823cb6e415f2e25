import { describe, expect, it } from 'vitest'
import {
  apiQuery,
  checkUpload,
  emptyFilter,
  filterFromQuery,
  filterToQuery,
  formatSize,
  hasThumbnail,
  isNarrowed,
  pageSizes,
  passThrough,
  sorts,
  statuses,
  thumbnailURL,
  type LedgerFilter,
  type RouteQuery,
  type UploadLimits,
} from './query'

// A small seeded generator, so a failure names a seed that reproduces it.
function rng(seed: number) {
  let s = seed >>> 0
  const next = () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  }
}

const texts = ['宣讲', '中心组 学习', 'a&b=c', '100%', '第二中学?', '#1', 'x+y', '“习语润咸”']
const periods = ['2024', '2024Q3', '2024-09', '2024年秋季学期', '2024-2025学年', '2025SP', '2026-W05']

function randomFilter(seed: number): LedgerFilter {
  const r = rng(seed)
  const f = emptyFilter()
  if (r.chance(0.6)) f.org_id = 1 + r.int(100000)
  if (r.chance(0.5)) f.period = r.pick(periods)
  else {
    if (r.chance(0.4)) f.from = `2024-0${1 + r.int(9)}-1${r.int(10)}`
    if (r.chance(0.4)) f.to = `2025-1${r.int(3)}-2${r.int(9)}`
  }
  if (r.chance(0.4)) f.pillar = r.pick(['leadership', 'theory', 'civility', 'online', 'issues', 'team'])
  const nt = r.int(4)
  for (let i = 0; i < nt; i++) {
    const t = 1 + r.int(40)
    if (!f.type_id.includes(t)) f.type_id.push(t)
  }
  for (const s of statuses) if (r.chance(0.3)) f.status.push(s)
  if (r.chance(0.3)) f.has_evidence = r.chance(0.5)
  if (r.chance(0.4)) f.q = r.pick(texts)
  f.sort = r.pick(sorts)
  f.order = r.chance(0.5) ? 'asc' : 'desc'
  f.page = r.chance(0.5) ? 1 : 1 + r.int(50)
  f.size = r.pick(pageSizes)
  for (const k of passThrough) if (r.chance(0.15)) f.extra[k] = k === 'entered_on' ? '2026-11-28' : r.pick(texts)
  return f
}

// What vue-router does with a query object: through a real URL and back.
function throughURL(q: Record<string, string | string[]>): RouteQuery {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x)
  const back: RouteQuery = {}
  for (const k of new Set(p.keys())) {
    const vs = p.getAll(k)
    back[k] = vs.length === 1 ? vs[0] : vs
  }
  return back
}

describe('ledger filter ⇄ URL query', () => {
  it('round-trips any filter through the URL (1000 random filters)', () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const f = randomFilter(seed)
      expect(filterFromQuery(throughURL(filterToQuery(f))), `seed ${seed}`).toEqual(f)
    }
  })

  it('is stable from the URL side: a query read and written reads the same again', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const q = throughURL(filterToQuery(randomFilter(seed)))
      const once = filterFromQuery(q)
      expect(filterFromQuery(throughURL(filterToQuery(once))), `seed ${seed}`).toEqual(once)
    }
  })

  it('keeps a plain ledger URL plain', () => {
    expect(filterToQuery(emptyFilter())).toEqual({})
    expect(filterFromQuery({})).toEqual(emptyFilter())
  })

  it('opens a dashboard records link exactly', () => {
    const f = filterFromQuery(throughURL({ org_id: '12', period: '2026', type_id: ['3', '5'], status: 'approved' }))
    expect(f.org_id).toBe(12)
    expect(f.period).toBe('2026')
    expect(f.type_id).toEqual([3, 5])
    expect(f.status).toEqual(['approved'])
    const q = new URLSearchParams(apiQuery(f, 99))
    expect(q.get('org_id')).toBe('12')
    expect(q.getAll('type_id')).toEqual(['3', '5'])
    expect(q.getAll('status')).toEqual(['approved'])
    expect(q.get('period')).toBe('2026')
  })

  it('turns a link’s limit and offset into a page', () => {
    const f = filterFromQuery({ limit: '50', offset: '100' })
    expect(f.size).toBe(50)
    expect(f.page).toBe(3)
  })

  it('drops what the API would refuse instead of sending it', () => {
    const f = filterFromQuery({ org_id: 'abc', status: ['finished', 'draft', 'draft'], type_id: ['x', '4', '4'], sort: 'clicks', order: 'up', size: '7', page: '-2', has_evidence: 'maybe', from: '2024/01/01' })
    expect(f).toEqual({ ...emptyFilter(), status: ['draft'], type_id: [4] })
  })

  it('prefers a period to dates, as the API requires one or the other', () => {
    const f = filterFromQuery({ period: '2024', from: '2024-01-01', to: '2024-02-01' })
    expect(f.period).toBe('2024')
    expect(f.from).toBeUndefined()
    expect(new URLSearchParams(apiQuery(f, 1)).has('from')).toBe(false)
  })

  it('sends the own unit when none is chosen, and pages with limit and offset', () => {
    const f = { ...emptyFilter(), page: 4, size: 50 }
    const q = new URLSearchParams(apiQuery(f, 7))
    expect(q.get('org_id')).toBe('7')
    expect(q.get('limit')).toBe('50')
    expect(q.get('offset')).toBe('150')
    const x = new URLSearchParams(apiQuery(f, 7, false))
    expect(x.has('limit') || x.has('offset')).toBe(false)
  })

  it('says whether the filter narrows the list', () => {
    expect(isNarrowed(emptyFilter())).toBe(false)
    expect(isNarrowed({ ...emptyFilter(), org_id: 3 })).toBe(false)
    expect(isNarrowed({ ...emptyFilter(), status: ['draft'] })).toBe(true)
    expect(isNarrowed({ ...emptyFilter(), extra: { created_by: 'xuequ' } })).toBe(true)
  })
})

describe('upload checks', () => {
  const limits: UploadLimits = {
    max_size: 20 << 20,
    max_files_per_activity: 3,
    accepted: [
      { media_type: 'image/jpeg', extensions: ['.jpg', '.jpeg'] },
      { media_type: 'image/png', extensions: ['.png'] },
      { media_type: 'application/pdf', extensions: ['.pdf'] },
    ],
  }

  it('accepts a file within the limits, whatever the case of its extension', () => {
    expect(checkUpload({ name: '现场照片.JPG', size: 1 << 20 }, limits, 0)).toBeNull()
    expect(checkUpload({ name: 'a.b.pdf', size: 20 << 20 }, limits, 2)).toBeNull()
  })

  it('refuses a file over the size limit, naming both sizes', () => {
    const p = checkUpload({ name: '视频.png', size: (20 << 20) + 1 }, limits, 0)
    expect(p?.key).toBe('tooLarge')
    expect(p?.params.max).toBe('20 MB')
  })

  it('refuses a type that is not accepted, listing the accepted ones', () => {
    for (const name of ['会议记录.docx', 'noextension', 'photo.png.exe', '.jpg.zip']) {
      const p = checkUpload({ name, size: 100 }, limits, 0)
      expect(p?.key, name).toBe('badType')
      expect(p?.params.types).toBe('.jpg .jpeg .png .pdf')
    }
  })

  it('refuses one file more than an activity holds, and an empty file', () => {
    expect(checkUpload({ name: 'a.jpg', size: 10 }, limits, 3)?.key).toBe('tooMany')
    expect(checkUpload({ name: 'a.jpg', size: 0 }, limits, 0)?.key).toBe('empty')
  })

  it('agrees with the size limit at every boundary (property)', () => {
    const r = rng(42)
    for (let i = 0; i < 500; i++) {
      const max = 1 + r.int(50 << 20)
      const size = 1 + r.int(2 * max)
      const p = checkUpload({ name: 'x.png', size }, { ...limits, max_size: max }, 0)
      expect(p === null, `size ${size} max ${max}`).toBe(size <= max)
    }
  })

  it('formats sizes as people read them', () => {
    expect(formatSize(20 << 20)).toBe('20 MB')
    expect(formatSize(1536)).toBe('1.5 KB')
    expect(formatSize(12)).toBe('12 B')
  })
})

describe('evidence thumbnails', () => {
  it('shows photos the server draws through the thumbnail URL, never the audited content URL', () => {
    const sha = 'a'.repeat(64)
    expect(thumbnailURL(sha)).toBe(`/api/v1/evidence/${sha}/thumbnail`)
    for (const t of ['image/jpeg', 'image/png', 'image/gif']) expect(hasThumbnail(t)).toBe(true)
    for (const t of ['image/webp', 'application/pdf', 'text/plain']) expect(hasThumbnail(t)).toBe(false)
  })
})
