// How a candidate's value or a key reads on a page: "A", "A、C", 正确/错误,
// fill-in texts joined (alternatives "甲|乙" shown as 甲 / 乙).
export function valueText(v: unknown, words: { right: string; wrong: string; none: string }): string {
  if (v === null || v === undefined || v === '') return words.none
  if (v === true) return words.right
  if (v === false) return words.wrong
  if (Array.isArray(v)) {
    const xs = v.map((x) => String(x).split('|').join(' / ')).filter((x) => x.trim() !== '')
    return xs.length ? xs.join('、') : words.none
  }
  return String(v)
}
