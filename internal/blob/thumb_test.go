package blob

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
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

// BenchmarkThumbnail12MP draws the thumbnail of a 4000×3000 camera photo.
func BenchmarkThumbnail12MP(b *testing.B) {
	img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	for i := range img.Y {
		img.Y[i] = uint8(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := Thumbnail(bytes.NewReader(buf.Bytes()), TypeJPEG, ThumbnailSize); err != nil {
			b.Fatal(err)
		}
	}
}

// A thumbnail is drawn once and kept; the kept one is served after.
func TestThumbnailsKeepWhatTheyDraw(t *testing.T) {
	ctx := context.Background()
	fs, err := NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	info, err := fs.Put(ctx, bytes.NewReader(testPNG(t, 600, 300)), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(fs.Dir(), "thumbs")
	th := NewThumbnails(dir, 1)
	first, err := th.Get(ctx, fs, info.SHA256, TypePNG)
	if err != nil {
		t.Fatal(err)
	}
	kept := filepath.Join(dir, info.SHA256[:2], info.SHA256+".jpg")
	if b, err := os.ReadFile(kept); err != nil || !bytes.Equal(b, first) {
		t.Fatalf("the thumbnail was not kept at %s: %v", kept, err)
	}
	// Served from what was kept: a marker written there comes back.
	if err := os.WriteFile(kept, []byte("kept"), 0o600); err != nil {
		t.Fatal(err)
	}
	if again, err := th.Get(ctx, fs, info.SHA256, TypePNG); err != nil || string(again) != "kept" {
		t.Fatalf("second Get drew again: %q %v", again[:min(len(again), 8)], err)
	}
	if _, err := th.Get(ctx, fs, "../../etc/passwd", TypePNG); err == nil {
		t.Fatal("an invalid sha was accepted")
	}
}
