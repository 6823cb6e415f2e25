// Camera photos are 4–12 MB; a phone on a weak signal should not send that.
// Large photos are redrawn on a canvas at most MAX_EDGE pixels on the long
// side, as JPEG, before the upload.

export const MAX_EDGE = 2048
export const JPEG_QUALITY = 0.85
/** Photos at most this large and within MAX_EDGE are sent as they are. */
export const SMALL_ENOUGH = 1024 * 1024

/** The size to draw a w×h image at so that its long side is at most max; never enlarged. */
export function fitWithin(w: number, h: number, max = MAX_EDGE): { width: number; height: number; scaled: boolean } {
  if (w <= 0 || h <= 0) throw new RangeError(`image size ${w}×${h}`)
  const long = Math.max(w, h)
  if (long <= max) return { width: w, height: h, scaled: false }
  const k = max / long
  return { width: Math.max(1, Math.round(w * k)), height: Math.max(1, Math.round(h * k)), scaled: true }
}

/** Whether a photo needs redrawing: too many pixels or too many bytes. */
export function needsDownscale(w: number, h: number, bytes: number, max = MAX_EDGE): boolean {
  return Math.max(w, h) > max || bytes > SMALL_ENOUGH
}

function loadImage(file: Blob): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file)
    const img = new Image()
    img.onload = () => {
      URL.revokeObjectURL(url)
      resolve(img)
    }
    img.onerror = () => {
      URL.revokeObjectURL(url)
      reject(new Error('the image cannot be decoded'))
    }
    img.src = url
  })
}

/**
 * The photo to upload: a JPEG redrawn within MAX_EDGE when the original is
 * large, else the original. A photo the browser cannot decode (HEIC on some
 * phones) or a redraw that came out larger is sent unchanged; the server
 * checks the type and size either way.
 */
export async function downscale(file: File): Promise<File> {
  if (!file.type.startsWith('image/') || file.type === 'image/gif') return file
  let img: HTMLImageElement
  try {
    img = await loadImage(file)
  } catch {
    return file
  }
  const w = img.naturalWidth
  const h = img.naturalHeight
  if (!w || !h || !needsDownscale(w, h, file.size)) return file
  const size = fitWithin(w, h)
  const canvas = document.createElement('canvas')
  canvas.width = size.width
  canvas.height = size.height
  const ctx = canvas.getContext('2d')
  if (!ctx) return file
  ctx.drawImage(img, 0, 0, size.width, size.height)
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY))
  if (!blob || blob.size >= file.size) return file
  const name = file.name.replace(/\.[^.]*$/, '') + '.jpg'
  return new File([blob], name, { type: 'image/jpeg', lastModified: file.lastModified })
}
