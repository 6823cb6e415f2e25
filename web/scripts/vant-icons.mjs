// The phone's icons as inline SVG, in place of Vant's icon font.
//
// Vant draws every icon with one font (vant/es/icon/index.css: a 34 KB
// woff2 inlined as base64, and a rule per glyph for ~260 icons) while the
// phone pages show about a dozen: those the pages name and those Vant's own
// components draw (a nav bar's back arrow, a field's clear button, the
// uploader's camera and delete, the toast's tick and cross, a cell's arrow).
// vantIconCSS rewrites that file: the font and the glyph rules go, and each
// icon below becomes a CSS mask of an SVG drawn in currentColor, so
// <van-icon name="edit" color="…" size="…"> works as before. An icon not
// listed here draws nothing: add it here when a page starts using it.

const stroke = (body) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="#000" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`

/** Icon name → SVG (24×24, drawn in black: it is used as a mask). */
export const icons = {
  arrow: stroke('<path d="M9 5l7 7-7 7"/>'),
  'arrow-left': stroke('<path d="M15 5l-7 7 7 7"/>'),
  'arrow-down': stroke('<path d="M5 9l7 7 7-7"/>'),
  'arrow-up': stroke('<path d="M5 15l7-7 7 7"/>'),
  cross: stroke('<path d="M6 6l12 12M18 6L6 18"/>'),
  close: stroke('<path d="M6 6l12 12M18 6L6 18"/>'),
  clear: stroke('<circle cx="12" cy="12" r="9"/><path d="M9 9l6 6M15 9l-6 6"/>'),
  success: stroke('<path d="M5 12.5l4.5 4.5L19 7"/>'),
  fail: stroke('<path d="M6 6l12 12M18 6L6 18"/>'),
  checked: stroke('<circle cx="12" cy="12" r="10"/><path d="M7 12.5l3.5 3.5L17 9"/>'),
  edit: stroke('<path d="M4 20h4L19 9l-4-4L4 16z"/><path d="M13 7l4 4"/>'),
  'chart-trending-o': stroke('<path d="M4 4v16h16"/><path d="M7 15l4-4 3 3 5-6"/>'),
  'user-o': stroke('<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4 3.6-6 8-6s8 2 8 6"/>'),
  'photo-o': stroke('<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3 16l5-5 4 4 3-3 6 6"/><circle cx="16" cy="9" r="1.5"/>'),
  photograph: stroke('<path d="M4 8h3l2-3h6l2 3h3v11H4z"/><circle cx="12" cy="13" r="3.5"/>'),
  replay: stroke('<path d="M20 12a8 8 0 1 1-2.34-5.66"/><path d="M20 4v5h-5"/>'),
  description: stroke('<path d="M6 3h8l4 4v14H6z"/><path d="M9 12h6M9 16h6"/>'),
  'clock-o': stroke('<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>'),
}

const uri = (svg) => `url("data:image/svg+xml,${encodeURIComponent(svg).replace(/'/g, '%27')}")`

/** The rules that draw the icons above: each sets its SVG, one rule masks with it. */
export function iconRules() {
  const names = Object.keys(icons)
  const own = names.map((n) => `.van-icon-${n}{--zeren-icon:${uri(icons[n])}}`).join('')
  const m = 'var(--zeren-icon) center/100% 100% no-repeat'
  const common = `${names.map((n) => `.van-icon-${n}:before`).join(',')}{content:"";width:1em;height:1em;vertical-align:-0.125em;background-color:currentColor;-webkit-mask:${m};mask:${m}}`
  return own + common
}

/** vant/es/icon/index.css without the font and its glyphs, with the SVG icons. */
export function vantIconCSS(css) {
  const out = css.replace(/@font-face\s*\{[^}]*\}/g, '').replace(/\.van-icon-[a-z0-9-]+:before\s*\{\s*content:\s*"[^"]*"\s*\}/g, '')
  return out + iconRules()
}
