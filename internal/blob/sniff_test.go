package blob

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
)

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.Set(i, i, color.RGBA{200, 30, 30, 255})
	}
	return img
}

func encodePNG(t testing.TB) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, testImage()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t testing.TB) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeGIF(t testing.TB) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipOf builds a ZIP whose entries are written in the given order.
func zipOf(t testing.TB, names ...string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, n := range names {
		f, err := w.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte("<?xml version=\"1.0\"?><x/>")); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A WebP file: RIFF header, size, "WEBP", then a VP8L chunk header.
var webp = []byte("RIFF\x24\x00\x00\x00WEBPVP8L\x18\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")

var ole = append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)

func TestSniff(t *testing.T) {
	msOffice := func(app string) []byte {
		return zipOf(t, "[Content_Types].xml", "_rels/.rels", "docProps/app.xml", app+"/document.xml")
	}
	libreOffice := zipOf(t, "_rels/.rels", "docProps/core.xml", "word/document.xml", "[Content_Types].xml")
	appFirst := zipOf(t, "xl/workbook.xml", "[Content_Types].xml")

	ok := []struct {
		name     string
		head     []byte
		filename string
		want     string
	}{
		{"jpeg", encodeJPEG(t), "会议照片.jpg", TypeJPEG},
		{"jpeg named png", encodeJPEG(t), "photo.png", TypeJPEG},
		{"jpeg no extension", encodeJPEG(t), "photo", TypeJPEG},
		{"png", encodePNG(t), "签到表.PNG", TypePNG},
		{"gif", encodeGIF(t), "a.gif", TypeGIF},
		{"webp", webp, "a.webp", TypeWebP},
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), "纪要.pdf", TypePDF},
		{"docx", msOffice("word"), "纪要.docx", TypeDOCX},
		{"docx with windows path", msOffice("word"), `C:\Users\张三\Desktop\纪要.DOCX`, TypeDOCX},
		{"docx from libreoffice", libreOffice, "a.docx", TypeDOCX},
		{"xlsx", msOffice("xl"), "台账.xlsx", TypeXLSX},
		{"xlsx, application part first", appFirst, "台账.xlsx", TypeXLSX},
		{"pptx", msOffice("ppt"), "课件.pptx", TypePPTX},
		{"doc", ole, "旧文件.doc", TypeDOC},
		{"xls", ole, "旧台账.xls", TypeXLS},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			got, err := Sniff(c.head, c.filename)
			if err != nil || got != c.want {
				t.Fatalf("Sniff = %q, %v; want %q", got, err, c.want)
			}
		})
	}

	bad := []struct {
		name     string
		head     []byte
		filename string
		says     string // part of the message
	}{
		{"empty", nil, "a.jpg", "empty"},
		{"windows exe", append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 100)...), "setup.exe", "Windows program"},
		{"exe named jpg", append([]byte("MZ\x90\x00\x03"), make([]byte, 100)...), "photo.jpg", "Windows program"},
		{"elf", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"), "a.pdf", "program"},
		{"shell script", []byte("#!/bin/sh\nrm -rf /\n"), "a.docx", "script"},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "a.pdf", "web page"},
		{"html with bom", []byte("\xef\xbb\xbf<html><body>x</body></html>"), "a.png", "web page"},
		{"svg", []byte(`<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "a.svg", "SVG"},
		{"bare svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "a.png", "SVG"},
		{"xml", []byte(`<?xml version="1.0"?><root/>`), "a.xml", "XML"},
		{"text", []byte("just some notes"), "a.txt", "text file"},
		{"chinese text cut mid-rune", []byte("会议纪要")[:11], "a.txt", "text file"},
		{"bmp", append([]byte("BM"), make([]byte, 60)...), "a.bmp", "image in a format"},
		{"heic photo", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), "IMG_0001.HEIC", "save it as JPEG"},
		{"mp4 video", []byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2"), "a.mp4", "video"},
		{"wav", []byte("RIFF\x24\x00\x00\x00WAVEfmt "), "a.wav", "video or sound"},
		{"rar", []byte("Rar!\x1a\x07\x01\x00"), "a.rar", "compressed archive"},
		{"binary junk", []byte{0x00, 0x01, 0x02, 0x03}, "a.bin", "not accepted"},
		{"gzip", []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00"), "a.tar.gz", "compressed archive"},
		{"plain zip", zipOf(t, "readme.txt"), "a.zip", "ZIP archive"},
		{"plain zip named docx", zipOf(t, "payload.exe", "[Content_Types].xml"), "a.docx", "not a Word document"},
		{"opendocument named docx", zipOf(t, "mimetype", "content.xml"), "a.docx", "not a Word document"},
		{"xlsx named docx", zipOf(t, "xl/workbook.xml"), "a.docx", "not a Word document"},
		{"docx without extension", zipOf(t, "[Content_Types].xml"), "document", "ZIP archive"},
		{"jar", zipOf(t, "META-INF/MANIFEST.MF"), "a.jar", "ZIP archive"},
		{"truncated zip", []byte("PK\x03\x04\x14\x00"), "a.docx", "not a complete"},
		{"zip header with name past head", append([]byte("PK\x03\x04"), append(make([]byte, 22), 0xff, 0xff, 0, 0)...), "a.xlsx", "not a complete"},
		{"ole named msi", ole, "setup.msi", "installer"},
		{"ole named ppt", ole, "a.ppt", "not a .doc or .xls"},
		{"ole named docx", ole, "a.docx", "not a .doc or .xls"},
		{"jpeg-like prefix too short", []byte{0xFF, 0xD8}, "a.jpg", "not accepted"},
		{"pdf without dash", []byte("%PDF"), "a.pdf", "text file"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			got, err := Sniff(c.head, c.filename)
			if err == nil {
				t.Fatalf("Sniff = %q, want an error", got)
			}
			var de *domain.Error
			if !errors.As(err, &de) || de.Kind != domain.KindInvalid || de.Field != "file" {
				t.Fatalf("err = %#v, want domain invalid on field file", err)
			}
			if !strings.Contains(de.Message, c.says) {
				t.Errorf("message %q does not say %q", de.Message, c.says)
			}
			if !strings.Contains(de.Message, AcceptedDescription) {
				t.Errorf("message %q does not name the accepted kinds", de.Message)
			}
		})
	}
}

func TestSniffLooksOnlyAtHead(t *testing.T) {
	// Bytes past SniffLen must not change the answer.
	head := append(encodePNG(t), make([]byte, 4*SniffLen)...)
	if got, err := Sniff(head, "a.png"); err != nil || got != TypePNG {
		t.Fatalf("Sniff = %q, %v", got, err)
	}
	long := append(bytes.Repeat([]byte("a"), SniffLen), []byte("<svg>")...)
	if _, err := Sniff(long, "a.txt"); err == nil || strings.Contains(err.Error(), "SVG") {
		t.Fatalf("Sniff looked past SniffLen: %v", err)
	}
}

func TestAccepted(t *testing.T) {
	kinds := Accepted()
	if len(kinds) != 10 {
		t.Fatalf("Accepted() has %d kinds, want 10", len(kinds))
	}
	seen := map[string]bool{}
	for _, k := range kinds {
		if k.MediaType == "" || k.Description == "" || k.DescriptionZH == "" || len(k.Extensions) == 0 {
			t.Errorf("incomplete kind %+v", k)
		}
		for _, e := range k.Extensions {
			if !strings.HasPrefix(e, ".") || strings.ToLower(e) != e || seen[e] {
				t.Errorf("bad or duplicate extension %q", e)
			}
			seen[e] = true
		}
	}
	kinds[0].Extensions[0] = ".exe"
	if Accepted()[0].Extensions[0] == ".exe" {
		t.Error("Accepted() shares its slices with callers")
	}
	attr := AcceptAttr()
	for _, want := range []string{".jpg", ".docx", ".xls", TypePDF, TypeWebP} {
		if !strings.Contains(attr, want) {
			t.Errorf("AcceptAttr() = %q lacks %q", attr, want)
		}
	}
}

func TestPutFile(t *testing.T) {
	ctx := context.Background()
	s := newFS(t)
	content := encodePNG(t)
	info, mt, err := PutFile(ctx, s, bytes.NewReader(content), "a.png", 0)
	if err != nil || mt != TypePNG || info.SHA256 != shaOf(content) || info.Size != int64(len(content)) {
		t.Fatalf("PutFile = %+v, %q, %v", info, mt, err)
	}
	// Larger than the head: the whole content is stored.
	big := append(encodeJPEG(t), bytes.Repeat([]byte{0}, 10*SniffLen)...)
	info, mt, err = PutFile(ctx, s, bytes.NewReader(big), "a.jpg", 0)
	if err != nil || mt != TypeJPEG || info.SHA256 != shaOf(big) {
		t.Fatalf("PutFile(big) = %+v, %q, %v", info, mt, err)
	}
	before := files(t, s.Dir())
	if _, _, err := PutFile(ctx, s, strings.NewReader("<html></html>"), "a.png", 0); !domain.IsKind(err, domain.KindInvalid) {
		t.Fatalf("PutFile(html) err = %v", err)
	}
	if _, _, err := PutFile(ctx, s, bytes.NewReader(big), "a.jpg", 1000); !domain.IsKind(err, domain.KindTooLarge) {
		t.Fatalf("PutFile over limit err = %v", err)
	}
	if after := files(t, s.Dir()); len(after) != len(before) {
		t.Fatalf("refused files were stored: %v", after)
	}
}

// sniffMedia must agree with net/http's sniffer on the accepted photo and PDF
// kinds; it exists only because engines do not import net/http.
func agreesWithHTTP(t *testing.T, head []byte) {
	t.Helper()
	if len(head) > SniffLen {
		head = head[:SniffLen]
	}
	ct := http.DetectContentType(head)
	switch ct {
	case TypeJPEG, TypePNG, TypeGIF, TypeWebP, TypePDF:
	default:
		ct = ""
	}
	if got := sniffMedia(head); got != ct {
		t.Fatalf("sniffMedia(%q) = %q, http.DetectContentType says %q", head, got, ct)
	}
}

func TestSniffMediaAgreesWithHTTP(t *testing.T) {
	for _, head := range [][]byte{
		encodeJPEG(t), encodePNG(t), encodeGIF(t), webp, []byte("%PDF-1.4"), []byte("%PDF"),
		[]byte("RIFF\x00\x00\x00\x00WEBPVP"), []byte("RIFF\x00\x00\x00\x00WEBP"), []byte("GIF88a"),
		[]byte("\xFF\xD8"), ole, zipOf(t, "a"), []byte("<html>"), nil,
	} {
		agreesWithHTTP(t, head)
	}
}

func FuzzSniff(f *testing.F) {
	f.Add(encodePNG(f), "a.png")
	f.Add(encodeJPEG(f), "a.jpg")
	f.Add(webp, "a.webp")
	f.Add(ole, "a.doc")
	f.Add(zipOf(f, "[Content_Types].xml", "word/document.xml"), "a.docx")
	f.Add([]byte("PK\x03\x04"), "a.xlsx")
	f.Add([]byte("<svg/>"), "a.svg")
	f.Add([]byte{}, "")
	f.Fuzz(func(t *testing.T, head []byte, filename string) {
		agreesWithHTTP(t, head)
		mt, err := Sniff(head, filename)
		if err != nil {
			if mt != "" || !domain.IsKind(err, domain.KindInvalid) {
				t.Fatalf("Sniff = %q, %v", mt, err)
			}
			return
		}
		found := false
		for _, k := range Accepted() {
			found = found || k.MediaType == mt
		}
		if !found {
			t.Fatalf("Sniff accepted %q, which is not in Accepted()", mt)
		}
	})
}
