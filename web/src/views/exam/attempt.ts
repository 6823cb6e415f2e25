// Sitting an exam, the same on the phone (Vant) and the desktop (Element
// Plus): what the candidate answered, saved within seconds through the
// account's outbox (IndexedDB, replayed in order, per account), and the time
// left on the SERVER's clock.
//
// The clock: every answer of the server (the attempt, each autosave) carries
// server_now; the page keeps the offset between it and performance.now() —
// a monotonic clock of this page that the device's wall clock does not move —
// and counts down to the attempt's deadline from there. A device clock set
// ahead, behind or changed while sitting changes nothing.
//
// The seq of a save: the server keeps, per question, the answer of the
// highest seq and acknowledges and ignores lower ones, so that a replayed
// older save never overwrites a newer answer. A device's counter would start
// again at 1 after a reload or on another device; milliseconds since the
// attempt started, on the server's clock, go on rising across reloads and
// devices (and never repeat: at least one more than the last seq used).
import { reactive } from 'vue'
import { ApiError } from '@/api/client'
import { outboxFor } from '@/api/outboxes'
import type { Outbox, OutboxEntry } from '@/api/outbox'
import { uuid4 } from '@/api/idempotency'
import { getAttempt, startAttempt, submitAttempt, type Attempt, type AttemptResult, type SaveResult } from './api'

/** A candidate's value: "A" | ["A","C"] | true/false | ["text", …]; null for none. */
export type Value = string | string[] | boolean | null

/** The server's clock as seen from this page. */
export class ServerClock {
  /** server time (ms) − performance.now() at the answer that set it. */
  private offset = 0
  constructor(private readonly mono: () => number = () => performance.now()) {}
  /** Takes the server's time from an answer that has just arrived. */
  sync(serverNow: string): void {
    const ms = Date.parse(serverNow)
    if (!Number.isNaN(ms)) this.offset = ms - this.mono()
  }
  /** The server's time now (ms since the epoch), never the device's clock. */
  now(): number {
    return this.offset + this.mono()
  }
}

/** ms left until deadline on the server's clock (never below 0). */
export function remainingMs(deadline: string, clock: ServerClock): number {
  return Math.max(0, Date.parse(deadline) - clock.now())
}

/** "mm:ss" or "h:mm:ss" of a number of ms, rounded up to the second. */
export function formatRemaining(ms: number): string {
  const s = Math.ceil(ms / 1000)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  const p = (n: number) => String(n).padStart(2, '0')
  return h > 0 ? `${h}:${p(m)}:${p(sec)}` : `${p(m)}:${p(sec)}`
}

/** Whether a value counts as answered (a fill-in with one blank typed counts). */
export function answered(v: Value | undefined): boolean {
  if (v === null || v === undefined) return false
  if (typeof v === 'boolean') return true
  if (typeof v === 'string') return v !== ''
  return v.some((x) => x.trim() !== '')
}

/** The next seq: ms since the attempt started on the server's clock, above the last one used. */
export function nextSeq(startedAt: string, clock: ServerClock, last: number): number {
  return Math.max(last + 1, Math.floor(clock.now() - Date.parse(startedAt)))
}

const answersPath = (id: number) => `/api/v1/attempts/${id}/answers`

/** How long after a change its save is sent (changes meanwhile go with it). */
export const SAVE_DELAY_MS = 1500

export type SaveState = 'saved' | 'pending'

/**
 * One sitting: the paper, the answers, what is saved, the clock. Reactive, so
 * a page renders its fields directly.
 */
export function useAttempt(account: number) {
  const clock = new ServerClock()
  const box: Outbox = outboxFor(account)
  const state = reactive({
    attempt: null as Attempt | null,
    answers: {} as Record<string, Value>,
    /** Per question: its last change is on the server, or still on this device. */
    saves: {} as Record<string, SaveState>,
    /** ms left, refreshed every second by the page's tick(). */
    remaining: 0,
    deadline: '',
    result: null as AttemptResult | null,
    /** Entries waiting in the outbox (answers not yet on the server). */
    waiting: 0,
    /** The last send failed (no network, the server busy): what waits stays on this device for now. */
    stuck: false,
    /** The server refused a save for good (the time is up, the attempt closed). */
    refused: null as unknown,
  })
  let lastSeq = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  // The seq of each question's latest change: only the ack of that seq marks it saved.
  const latest = new Map<string, number>()

  const stop = box.on({
    onSent(batch, answer) {
      const mine = batch.filter((e) => e.kind === 'answers' && e.path === answersPath(state.attempt?.id ?? 0))
      if (mine.length === 0) return
      const r = answer as SaveResult
      if (r?.server_now) clock.sync(r.server_now)
      if (r?.deadline) state.deadline = r.deadline
      for (const e of mine)
        for (const a of (e.body as { answers: { question_id: number; seq: number }[] }).answers)
          if (latest.get(String(a.question_id)) === a.seq) state.saves[String(a.question_id)] = 'saved'
    },
    onDropped(e, err) {
      if (e.kind === 'answers' && e.path === answersPath(state.attempt?.id ?? 0)) state.refused = err
    },
    onPending: (n) => (state.waiting = n),
  })

  function take(a: Attempt) {
    clock.sync(a.server_now)
    state.attempt = a
    state.deadline = a.deadline
    state.answers = { ...(a.answers as Record<string, Value>) }
    state.saves = {}
    for (const k of Object.keys(state.answers)) state.saves[k] = 'saved'
    state.result = a.result ?? null
    tick()
  }

  /** Saves still on this device (a reload while offline) are shown over the server's. */
  async function overlayQueued() {
    const a = state.attempt
    if (!a) return
    const queued: OutboxEntry[] = (await box.entries()).filter((e) => e.path === answersPath(a.id))
    for (const e of queued)
      for (const x of (e.body as { answers: { question_id: number; value: Value; seq: number }[] }).answers) {
        state.answers[String(x.question_id)] = x.value
        state.saves[String(x.question_id)] = 'pending'
        latest.set(String(x.question_id), x.seq)
        lastSeq = Math.max(lastSeq, x.seq)
      }
    state.waiting = queued.length
  }

  /** Sends what waits first (answers of a previous page), then loads the attempt as the server has it. */
  async function open(attemptId: number) {
    await box.flush().catch(() => undefined)
    take(await getAttempt(attemptId))
    await overlayQueued()
  }

  /** Starts (or resumes: the server answers the open attempt) an exam. */
  async function start(examId: number) {
    await box.flush().catch(() => undefined)
    take(await startAttempt(examId))
    await overlayQueued()
  }

  function tick() {
    state.remaining = state.deadline ? remainingMs(state.deadline, clock) : 0
  }

  /** The candidate changed an answer: queued on the device at once, sent within SAVE_DELAY_MS. */
  async function set(questionId: number, value: Value) {
    const a = state.attempt
    if (!a || a.state !== 'open') return
    const k = String(questionId)
    state.answers[k] = value
    state.saves[k] = 'pending'
    const seq = nextSeq(a.started_at, clock, lastSeq)
    lastSeq = seq
    latest.set(k, seq)
    await box.enqueue({
      kind: 'answers',
      method: 'PUT',
      path: answersPath(a.id),
      body: { answers: [{ question_id: questionId, value, seq }] },
      replaces: `answer:${a.id}:${questionId}`,
    })
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      void flush()
    }, SAVE_DELAY_MS)
  }

  async function flush() {
    const r = await box.flush().catch(() => ({ sent: 0, pending: -1 }))
    state.stuck = r.pending !== 0
    return r
  }

  /** Sends what waits now (the page is being hidden or left). */
  function saveNow() {
    if (timer) {
      clearTimeout(timer)
      timer = null
    }
    return flush()
  }

  // One key per sitting: a submission sent twice (a double tap, a retry
  // after a lost answer) is the same submission.
  let submitKey = ''
  /**
   * Submits after every saved answer reached the server; refuses (a network
   * error) while some are still only on this device, so that nothing answered
   * is left behind.
   */
  async function submit(): Promise<AttemptResult> {
    const a = state.attempt
    if (!a) throw new Error('no attempt')
    const r = await saveNow()
    const left = (await box.entries()).filter((e) => e.path === answersPath(a.id)).length
    if (r.pending !== 0 && left > 0) throw new ApiError(0, { code: 'network', message: 'answers are still on this device' })
    if (!submitKey) submitKey = uuid4()
    const res = await submitAttempt(a.id, submitKey)
    state.result = res
    a.state = res.state
    return res
  }

  function dispose() {
    stop()
    if (timer) clearTimeout(timer)
  }

  return { state, clock, open, start, set, tick, saveNow, submit, dispose }
}
