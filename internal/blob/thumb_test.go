package blob

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
)

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 200, A: 255})
		}
	}
	img.Set(0, 0, color.NRGBA{}) // one transparent pixel
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestThumbnail(t *testing.T) {
	for _, c := range []struct{ w, h, ww, wh int }{
		{1200, 600, ThumbnailSize, ThumbnailSize / 2},
		{300, 900, ThumbnailSize / 3, ThumbnailSize},
		{100, 50, 100, 50}, // never enlarged
		{5000, 1, ThumbnailSize, 1},
	} {
		out, err := Thumbnail(bytes.NewReader(testPNG(t, c.w, c.h)), TypePNG, ThumbnailSize)
		if err != nil {
			t.Fatalf("%dx%d: %v", c.w, c.h, err)
		}
		img, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("%dx%d: the thumbnail is not a JPEG: %v", c.w, c.h, err)
		}
		if got := img.Bounds().Size(); got.X != c.ww || got.Y != c.wh {
			t.Errorf("%dx%d: thumbnail %v, want %dx%d", c.w, c.h, got, c.ww, c.wh)
		}
	}
	for name, c := range map[string]struct {
		data []byte
		mt   string
	}{
		"webp":     {[]byte("RIFF\x00\x00\x00\x00WEBPVP8 "), TypeWebP},
		"pdf":      {[]byte("%PDF-1.4"), TypePDF},
		"not png":  {[]byte("\x89PNG\r\n\x1a\nrubbish"), TypePNG},
		"too many": {hugePNGHeader(t), TypePNG},
	} {
		_, err := Thumbnail(bytes.NewReader(c.data), c.mt, ThumbnailSize)
		var de *domain.Error
		if !errors.As(err, &de) || de.Kind != domain.KindNotFound {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
}

// hugePNGHeader claims a 100 000 × 100 000 canvas.
func hugePNGHeader(t *testing.T) []byte {
	t.Helper()
	b := testPNG(t, 1, 1)
	// IHDR width and height are bytes 16–23.
	copy(b[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	return b
}
