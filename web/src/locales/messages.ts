// The messages of every feature, collected by file name: features/<name>.ts
// default-exports { zh, en } and is mounted under the key <name>
// (t('<name>.…')), so a new feature adds its file and edits no shared one.
type FeatureMessages = { zh: Record<string, unknown>; en: Record<string, unknown> }

const files = import.meta.glob<{ default: FeatureMessages }>('./features/*.ts', { eager: true })

/** Each feature's messages in one language, keyed by the feature's file name. */
export function featureMessages(lang: keyof FeatureMessages): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {}
  for (const [file, mod] of Object.entries(files)) {
    out[file.replace(/^\.\/features\/|\.ts$/g, '')] = mod.default[lang]
  }
  return out
}
