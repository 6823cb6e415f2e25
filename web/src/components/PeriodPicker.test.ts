import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createApp, h, nextTick, ref, type App } from 'vue'
import { i18n } from '@/i18n'
import PeriodPicker from './PeriodPicker.vue'

// The period box in a DOM: typing applies nothing; Enter or leaving the box does.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

let app: App | null = null
const el = document.createElement('div')
const value = ref('2026')
const applied: string[] = []

beforeAll(async () => {
  document.body.appendChild(el)
  app = createApp({
    render: () =>
      h(PeriodPicker, {
        modelValue: value.value,
        'onUpdate:modelValue': (v: string) => {
          applied.push(v)
          value.value = v
        },
      }),
  })
  app.use(i18n)
  app.mount(el)
  await nextTick()
})
afterAll(() => app?.unmount())

const input = () => el.querySelector('input') as HTMLInputElement
async function type(s: string) {
  for (let i = 1; i <= s.length; i++) {
    input().value = s.slice(0, i)
    input().dispatchEvent(new Event('input'))
    await nextTick()
  }
}

describe('PeriodPicker', () => {
  it('applies a typed period on Enter, not on each keystroke', async () => {
    await type('2025Q3')
    expect(applied).toEqual([])
    input().dispatchEvent(new KeyboardEvent('keyup', { key: 'Enter' }))
    await nextTick()
    expect(applied).toEqual(['2025Q3'])
  })

  it('applies on blur, trimmed, and not again when nothing changed', async () => {
    await type(' 2024FA ')
    expect(applied).toEqual(['2025Q3'])
    input().dispatchEvent(new Event('blur'))
    await nextTick()
    expect(applied).toEqual(['2025Q3', '2024FA'])
    input().dispatchEvent(new Event('blur'))
    input().dispatchEvent(new KeyboardEvent('keyup', { key: 'Enter' }))
    await nextTick()
    expect(applied).toEqual(['2025Q3', '2024FA'])
  })
})
