/**
 * Keys a page asked for that no locale has, collected in
 * window.__zerenMissingKeys for the browser tests: vue-i18n's own warnings
 * are stripped from production builds, so without this a missing key would
 * show its raw name on screen and no test would notice. Shared by the desktop
 * and phone apps (this module imports nothing, so the phone bundle stays small).
 */
export function recordMissingKey(locale: string, key: string): void {
  if (typeof window === 'undefined') return
  const w = window as unknown as { __zerenMissingKeys?: string[] }
  ;(w.__zerenMissingKeys ??= []).push(`${locale}:${key}`)
}
