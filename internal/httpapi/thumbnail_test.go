package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// realPNG is a decodable w×h picture.
func realPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	return decodablePNG(w, h)
}

// decodablePNG is a w×h picture that image/png reads back.
func decodablePNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y), B: 90, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// downloads counts the audit trail's evidence downloads of sha.
func (e *env) downloads(sha string) int {
	e.t.Helper()
	n := 0
	ctx := context.Background()
	if err := e.st.Read(ctx, func(tx *store.Tx) error {
		return tx.EachAudit(ctx, func(r store.AuditRow) error {
			if r.Type == "evidence.download" && r.Target == "evidence:"+sha {
				n++
			}
			return nil
		})
	}); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// Issue #9: a gallery's thumbnail is a small picture, not the file, and
// showing it is not audited as a download; fetching the file still is. A
// reader of another school gets neither.
func TestEvidenceThumbnailIsNotADownload(t *testing.T) {
	e := newEnv(t)
	a := e.activity(e.school, "moral_education", "2024-03-01", "四德教育", 20, false)
	photo := realPNG(t, 800, 600)
	sum := sha256.Sum256(photo)
	sha := hex.EncodeToString(sum[:])
	e.call(upload(activityPath(a.ID)+"/evidence", "合影.png", photo), 201)

	r := e.call(req("GET", "/api/v1/evidence/"+sha+"/thumbnail", nil), 200)
	if r.header.Get("Content-Type") != "image/jpeg" || r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("thumbnail headers: %v", r.header)
	}
	img, err := jpeg.Decode(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("the thumbnail is not a JPEG: %v", err)
	}
	if got := img.Bounds().Size(); got.X != 240 || got.Y != 180 {
		t.Fatalf("thumbnail of 800×600 is %v, want 240×180", got)
	}
	e.call(req("GET", "/api/v1/evidence/"+sha+"/thumbnail", nil).with("If-None-Match", r.header.Get("ETag")), 304)
	if n := e.downloads(sha); n != 0 {
		t.Fatalf("showing the thumbnail wrote %d download events", n)
	}

	e.call(req("GET", "/api/v1/evidence/"+sha+"/content", nil), 200)
	if n := e.downloads(sha); n != 1 {
		t.Fatalf("downloading the file wrote %d download events, want 1", n)
	}

	// Another school's secretary: 404 for the thumbnail, as for the file,
	// also when asking with the ETag.
	other := e.newSession("li.s2", "李书记", e.school2, domain.RoleSchoolAdmin)
	e.call(req("GET", "/api/v1/evidence/"+sha+"/thumbnail", nil).as(other), 404)
	e.call(req("GET", "/api/v1/evidence/"+sha+"/thumbnail", nil).as(other).with("If-None-Match", r.header.Get("ETag")), 404)

	// A file that is not a photo has no thumbnail.
	doc := officeZip("word/document.xml")
	e.call(upload(activityPath(a.ID)+"/evidence", "纪要.docx", doc), 201)
	dsum := sha256.Sum256(doc)
	e.call(req("GET", "/api/v1/evidence/"+hex.EncodeToString(dsum[:])+"/thumbnail", nil), 404)
}
