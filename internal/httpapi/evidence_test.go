package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
)

func TestEvidence(t *testing.T) {
	e := newEnv(t)
	var limits evidenceLimits
	e.call(req("GET", "/api/v1/evidence-limits", nil), 200).decode(t, &limits)
	if limits.MaxSize != testMaxEvidence || limits.MaxFilesPerActivity != 3 || len(limits.Accepted) == 0 || limits.Accept == "" {
		t.Fatalf("limits: %+v", limits)
	}

	a := e.activity(e.school, "moral_education", "2024-03-01", "四德教育", 20, false)
	b := e.activity(e.school2, "moral_education", "2024-03-02", "四德教育", 20, false)
	photo := pngBytes(3000, 7)
	sum := sha256.Sum256(photo)
	sha := hex.EncodeToString(sum[:])
	const name = "会议纪要 照片.png"

	var got domain.Activity
	e.call(upload(activityPath(a.ID)+"/evidence", name, photo), 201).decode(t, &got)
	if len(got.Evidence) != 1 || got.Evidence[0].SHA256 != sha || got.Evidence[0].MediaType != "image/png" || got.Evidence[0].Filename != name {
		t.Fatalf("attached: %+v", got.Evidence)
	}
	// The same bytes on another activity: one blob, visible as shared.
	e.call(upload(activityPath(b.ID)+"/evidence", "photo.png", photo), 201).decode(t, &got)
	if len(got.Evidence) != 1 || len(got.Evidence[0].SharedWith) != 1 || got.Evidence[0].SharedWith[0] != a.ID {
		t.Fatalf("shared: %+v", got.Evidence)
	}

	var meta struct {
		SHA256     string  `json:"sha256"`
		Size       int64   `json:"size"`
		Activities []int64 `json:"activities"`
	}
	e.call(req("GET", "/api/v1/evidence/"+sha, nil), 200).decode(t, &meta)
	if meta.Size != int64(len(photo)) || len(meta.Activities) != 2 {
		t.Fatalf("metadata: %+v", meta)
	}

	r := e.call(req("GET", "/api/v1/evidence/"+sha+"/content", nil), 200)
	if !bytes.Equal(r.body, photo) {
		t.Fatal("content differs")
	}
	h := r.header
	if h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("ETag") != `"`+sha+`"` ||
		!strings.Contains(h.Get("Cache-Control"), "immutable") {
		t.Fatalf("content headers: %v", h)
	}
	cd := h.Get("Content-Disposition")
	if !strings.HasPrefix(cd, "inline;") || !strings.Contains(cd, "filename*=UTF-8''%E4%BC%9A%E8%AE%AE") || !strings.Contains(cd, `filename="`) {
		t.Fatalf("Content-Disposition: %s", cd)
	}
	if r := e.call(req("GET", "/api/v1/evidence/"+sha+"/content", nil).with("If-None-Match", `"`+sha+`"`), 304); len(r.body) != 0 {
		t.Fatal("304 with a body")
	}

	unknown := strings.Repeat("0", 64)
	e.call(req("GET", "/api/v1/evidence/"+unknown, nil), 404)
	e.call(req("GET", "/api/v1/evidence/"+unknown+"/content", nil), 404)
	if got := e.call(req("GET", "/api/v1/evidence/ABC", nil), 400).errorOf(t); got.Field != "sha" {
		t.Fatalf("bad sha: %+v", got)
	}

	e.call(req("DELETE", fmt.Sprintf("%s/evidence/%s", activityPath(b.ID), sha), nil), 200).decode(t, &got)
	if len(got.Evidence) != 0 {
		t.Fatalf("detached: %+v", got.Evidence)
	}
	e.call(req("DELETE", fmt.Sprintf("%s/evidence/%s", activityPath(b.ID), sha), nil), 404)

	// An Office document is served as an attachment.
	docx := officeZip("word/document.xml")
	e.call(upload(activityPath(b.ID)+"/evidence", "纪要.docx", docx), 201)
	dsum := sha256.Sum256(docx)
	r = e.call(req("GET", "/api/v1/evidence/"+hex.EncodeToString(dsum[:])+"/content", nil), 200)
	if !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment;") || !strings.Contains(r.header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("docx headers: %v", r.header)
	}

	// At most MaxEvidencePerActivity (3) files.
	e.call(upload(activityPath(a.ID)+"/evidence", "2.png", pngBytes(100, 2)), 201)
	e.call(upload(activityPath(a.ID)+"/evidence", "3.png", pngBytes(100, 3)), 201)
	e.unchanged("a fourth file", func() {
		if got := e.call(upload(activityPath(a.ID)+"/evidence", "4.png", pngBytes(100, 4)), 400).errorOf(t); got.Field != "file" {
			t.Fatalf("fourth file: %+v", got)
		}
	})
	e.call(upload(activityPath(999999)+"/evidence", "x.png", pngBytes(100, 5)), 404)
}

// officeZip is the start of a ZIP whose first entry is name, as Office writes.
func officeZip(name string) []byte {
	b := []byte("PK\x03\x04")
	b = append(b, make([]byte, 22)...)
	b = append(b, byte(len(name)), 0, 0, 0)
	b = append(b, name...)
	return append(b, bytes.Repeat([]byte{1}, 600)...)
}

func TestEvidenceRefused(t *testing.T) {
	e := newEnv(t)
	a := e.activity(e.school, "moral_education", "2024-03-01", "四德教育", 20, false)
	target := activityPath(a.ID) + "/evidence"
	e.unchanged("refused uploads", func() {
		for name, content := range map[string][]byte{
			"page.html":   []byte("<!doctype html><html><script>alert(1)</script></html>"),
			"setup.exe":   append([]byte("MZ"), bytes.Repeat([]byte{0}, 600)...),
			"archive.zip": officeZip("readme.txt"),
			"drawing.png": []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
			"empty.pdf":   {},
		} {
			got := e.call(upload(target, name, content), 400).errorOf(t)
			if got.Code != "invalid" || got.Field != "file" {
				t.Fatalf("%s: %+v", name, got)
			}
		}
		// One byte over the limit: the blob store stops at the limit.
		got := e.call(upload(target, "big.png", pngBytes(testMaxEvidence+1, 9)), 413).errorOf(t)
		if got.Code != "too_large" || got.Field != "file" {
			t.Fatalf("oversize: %+v", got)
		}
		// Far over the limit: refused by Content-Length before reading.
		got = e.call(upload(target, "huge.png", pngBytes(testMaxEvidence+uploadMargin+10, 9)), 413).errorOf(t)
		if got.Code != "too_large" {
			t.Fatalf("huge: %+v", got)
		}
		// Far over the limit without a Content-Length: MaxBytesReader stops it.
		r := upload(target, "huge.png", pngBytes(testMaxEvidence+uploadMargin+10, 9)).as(e.office)
		hr := r.build()
		hr.ContentLength = -1
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, hr)
		if rec.Code != 413 {
			t.Fatalf("chunked huge: %d %s", rec.Code, rec.Body)
		}
		got = e.call(req("POST", target, `{"file":"x"}`), 415).errorOf(t)
		if got.Code != codeUnsupportedMedia {
			t.Fatalf("JSON upload: %+v", got)
		}
		noFile := upload(target, "x.png", pngBytes(100, 1))
		noFile.body = bytes.Replace(noFile.body, []byte(`name="file"`), []byte(`name="other"`), 1)
		if got := e.call(noFile, 400).errorOf(t); got.Field != "file" {
			t.Fatalf("no file field: %+v", got)
		}
		broken := upload(target, "x.png", pngBytes(2000, 1))
		broken.body = broken.body[:1000]
		if got := e.call(broken, 400).errorOf(t); got.Field != "file" {
			t.Fatalf("truncated upload: %+v", got)
		}
	})
}

// activePDF is a PDF whose catalog runs JavaScript when it is opened.
const activePDF = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert\\(document.cookie\\)) >> >>\nendobj\n" +
	"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

// TestEvidenceServedSafely: a photo is shown inline; every other file — a PDF
// carrying /OpenAction /JavaScript first of all — is downloaded, never shown
// by the browser under zeren's origin, and every file is sandboxed.
func TestEvidenceServedSafely(t *testing.T) {
	e := newEnv(t)
	a := e.activity(e.school, "moral_education", "2024-03-01", "四德教育", 20, false)
	for _, f := range []struct {
		name, content, disposition string
	}{
		{"会议纪要.pdf", activePDF, "attachment;"},
		{"照片.png", string(pngBytes(500, 3)), "inline;"},
	} {
		e.call(upload(activityPath(a.ID)+"/evidence", f.name, []byte(f.content)), 201)
		sum := sha256.Sum256([]byte(f.content))
		r := e.call(req("GET", "/api/v1/evidence/"+hex.EncodeToString(sum[:])+"/content", nil), 200)
		h := r.header
		if !strings.HasPrefix(h.Get("Content-Disposition"), f.disposition) {
			t.Errorf("%s: Content-Disposition %q, want %s…", f.name, h.Get("Content-Disposition"), f.disposition)
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s: Content-Security-Policy %q has no sandbox", f.name, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", f.name)
		}
	}
}

// TestEvidenceMalformedPart: a part header the multipart reader cannot parse
// (a NUL or a bare carriage return in the filename) is the client's mistake:
// 400 naming the file, nothing stored.
func TestEvidenceMalformedPart(t *testing.T) {
	e := newEnv(t)
	a := e.activity(e.school, "moral_education", "2024-03-01", "四德教育", 20, false)
	target := activityPath(a.ID) + "/evidence"
	e.unchanged("malformed parts", func() {
		for name, filename := range map[string]string{
			"NUL in the filename":     "a\x00b.png",
			"CR in the filename":      "a\rb.png",
			"control in the filename": "a\x07b.png",
		} {
			got := e.call(upload(target, filename, pngBytes(300, 1)), 400).errorOf(t)
			if got.Code != "invalid" || (got.Field != "file" && got.Field != "filename") {
				t.Fatalf("%s: %+v", name, got)
			}
		}
		// A header line without a colon inside a part.
		r := upload(target, "x.png", pngBytes(300, 1))
		r.body = bytes.Replace(r.body, []byte("Content-Type: application/octet-stream"), []byte("Content-Type application/octet-stream"), 1)
		if got := e.call(r, 400).errorOf(t); got.Field != "file" || !strings.Contains(got.Message, "malformed") {
			t.Fatalf("header without a colon: %+v", got)
		}
	})
}
