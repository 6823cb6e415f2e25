// The phone's 记一笔 draft: the form's fields and its Idempotency-Key, kept
// until the activity is complete. In localStorage, because WeChat's browser
// drops sessionStorage with a page it unloads in the background; under a key
// of the account, so that the next person on a shared phone never sees the
// previous one's draft nor reuses its key; all of them removed at logout.

const prefix = 'zeren.m.log-draft.'

/** The draft store of one account (by id). */
export function draftStore<T>(accountId: number | undefined, storage: Storage = localStorage) {
  const key = `${prefix}${accountId ?? 0}`
  return {
    load(): T | null {
      if (!accountId) return null
      try {
        return JSON.parse(storage.getItem(key) ?? 'null') as T | null
      } catch {
        storage.removeItem(key)
        return null
      }
    },
    save(v: T) {
      if (accountId) storage.setItem(key, JSON.stringify(v))
    },
    clear() {
      storage.removeItem(key)
    },
  }
}

/** Removes every account's draft (at logout), and the sessionStorage draft of older versions. */
export function clearDrafts(storage: Storage = localStorage) {
  for (let i = storage.length - 1; i >= 0; i--) {
    const k = storage.key(i)
    if (k?.startsWith(prefix)) storage.removeItem(k)
  }
  try {
    sessionStorage.removeItem('zeren.m.log-draft')
  } catch {
    /* no sessionStorage */
  }
}
