package blob

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"

	"github.com/zeren-edu/zeren/internal/domain"
)

// ThumbnailSize is the longest side of a thumbnail, in pixels: a gallery
// tile shows photos at 120 px, twice that for high-density screens.
const ThumbnailSize = 240

// maxThumbnailPixels refuses to decode images beyond 50 megapixels: a small
// PNG can claim a huge canvas, and decoding it would take gigabytes.
const maxThumbnailPixels = 50_000_000

// HasThumbnail reports whether Thumbnail can draw a file of this media type.
// WebP is not among them: the standard library has no decoder.
func HasThumbnail(mediaType string) bool {
	switch mediaType {
	case TypeJPEG, TypePNG, TypeGIF:
		return true
	}
	return false
}

// Thumbnail draws a photo at most size pixels on its longer side (never
// larger than it is) as a JPEG. It is a different, smaller picture, not the
// file: serving it is not handing out the evidence, so it is not audited as a
// download. Transparent parts are drawn on white. A file it cannot draw
// (another type, unreadable, or over 50 megapixels) is NotFound: there is no
// thumbnail, and the client shows the file's icon instead.
func Thumbnail(r io.Reader, mediaType string, size int) ([]byte, error) {
	if !HasThumbnail(mediaType) {
		return nil, noThumbnail("no thumbnail is drawn of a %s file", mediaType)
	}
	var buf bytes.Buffer
	cfg, _, err := image.DecodeConfig(io.TeeReader(r, &buf))
	if err != nil {
		return nil, noThumbnail("no thumbnail: the picture cannot be read (%v)", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxThumbnailPixels {
		return nil, noThumbnail("no thumbnail: a picture of %d×%d pixels is too large to draw one", cfg.Width, cfg.Height)
	}
	src, err := decodeImage(io.MultiReader(&buf, r), mediaType)
	if err != nil {
		return nil, noThumbnail("no thumbnail: the picture cannot be read (%v)", err)
	}
	dst := scaleDown(src, size)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 82}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// noThumbnail is a 404 with its reason: there is no thumbnail to serve.
func noThumbnail(format string, args ...any) error {
	return &domain.Error{Kind: domain.KindNotFound, Message: fmt.Sprintf(format, args...)}
}

func decodeImage(r io.Reader, mediaType string) (image.Image, error) {
	switch mediaType {
	case TypeJPEG:
		return jpeg.Decode(r)
	case TypePNG:
		return png.Decode(r)
	case TypeGIF:
		return gif.Decode(r)
	}
	return nil, fmt.Errorf("no decoder for %s", mediaType)
}

// scaleDown fits src into size×size, averaging a 4×4 grid of samples for each
// pixel drawn: cheap on a 20-megapixel photo, and smooth enough for a tile.
func scaleDown(src image.Image, size int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if w > size || h > size {
		if w >= h {
			dw, dh = size, max(1, h*size/w)
		} else {
			dw, dh = max(1, w*size/h), size
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	const n = 4
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var r, g, bl, a uint32
			for sy := 0; sy < n; sy++ {
				py := b.Min.Y + ((2*y*n+2*sy+1)*h)/(2*dh*n)
				for sx := 0; sx < n; sx++ {
					px := b.Min.X + ((2*x*n+2*sx+1)*w)/(2*dw*n)
					cr, cg, cb, ca := src.At(px, py).RGBA() // premultiplied, 16 bits
					r, g, bl, a = r+cr, g+cg, bl+cb, a+ca
				}
			}
			r, g, bl, a = r/(n*n), g/(n*n), bl/(n*n), a/(n*n)
			// Over white: c + (1 - alpha) × white, in 16 bits.
			white := 0xffff - a
			dst.SetRGBA(x, y, color.RGBA{uint8((r + white) >> 8), uint8((g + white) >> 8), uint8((bl + white) >> 8), 0xff})
		}
	}
	return dst
}

// Thumbnails draws the thumbnails of a Store's photos, at most parallel at a
// time (a 12-megapixel JPEG takes tens of megabytes and most of a second to
// decode, and a gallery asks for all its photos at once), and keeps each one
// drawn in a directory, so that a photo is drawn once, not at every view.
type Thumbnails struct {
	dir string // "" keeps none
	sem chan struct{}
}

// NewThumbnails keeps thumbnails under dir ("" for none) and draws at most
// parallel (at least 1) at once.
func NewThumbnails(dir string, parallel int) *Thumbnails {
	return &Thumbnails{dir: dir, sem: make(chan struct{}, max(1, parallel))}
}

// Get returns the thumbnail of the blob sha of s, whose media type is
// mediaType, drawing it if it is not kept yet.
func (t *Thumbnails) Get(ctx context.Context, s Store, sha, mediaType string) ([]byte, error) {
	if !HasThumbnail(mediaType) {
		return Thumbnail(nil, mediaType, ThumbnailSize) // the "no thumbnail" error
	}
	if !ValidSHA(sha) {
		return nil, notFound(sha)
	}
	path := ""
	if t.dir != "" {
		path = filepath.Join(t.dir, sha[:2], sha+".jpg")
		if b, err := os.ReadFile(path); err == nil {
			return b, nil
		}
	}
	select {
	case t.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, domain.Unavailable(ctx.Err())
	}
	defer func() { <-t.sem }()
	if path != "" {
		if b, err := os.ReadFile(path); err == nil { // drawn while this one waited
			return b, nil
		}
	}
	rc, err := s.Open(ctx, sha)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	img, err := Thumbnail(rc, mediaType, ThumbnailSize)
	if err != nil || path == "" {
		return img, err
	}
	keep(path, img) // a thumbnail not kept is drawn again next time: no error
	return img, nil
}

// keep writes b to path atomically (a temporary file renamed into place).
func keep(path string, b []byte) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return
	}
	f, err := os.CreateTemp(filepath.Dir(path), "thumb-*")
	if err != nil {
		return
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if werr != nil || cerr != nil || os.Rename(f.Name(), path) != nil {
		_ = os.Remove(f.Name())
	}
}
