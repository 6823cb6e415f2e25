package blob

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/zeren-edu/zeren/internal/domain"
)

// SniffLen is how many leading bytes Sniff needs to decide; it looks at no more.
const SniffLen = 512

// Media types of the accepted kinds.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeGIF  = "image/gif"
	TypeWebP = "image/webp"
	TypePDF  = "application/pdf"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	TypeDOC  = "application/msword"
	TypeXLS  = "application/vnd.ms-excel"
)

// FileKind is one kind of evidence file zeren accepts.
type FileKind struct {
	MediaType     string   `json:"media_type"`
	Extensions    []string `json:"extensions"` // lower case, with the dot; the first is the usual one
	Description   string   `json:"description"`
	DescriptionZH string   `json:"description_zh"`
}

// AcceptedDescription names the accepted kinds in plain words, for messages
// shown before and after an upload. AcceptedDescriptionZH is the same in Chinese.
const (
	AcceptedDescription   = "photos (JPEG, PNG, GIF, WebP), PDF files and Office documents (Word .docx/.doc, Excel .xlsx/.xls, PowerPoint .pptx)"
	AcceptedDescriptionZH = "图片（JPEG、PNG、GIF、WebP）、PDF 文件和 Office 文档（Word：.docx/.doc，Excel：.xlsx/.xls，PowerPoint：.pptx）"
)

func acceptedKinds() []FileKind {
	return []FileKind{
		{TypeJPEG, []string{".jpg", ".jpeg"}, "JPEG photo", "JPEG 图片"},
		{TypePNG, []string{".png"}, "PNG image", "PNG 图片"},
		{TypeGIF, []string{".gif"}, "GIF image", "GIF 图片"},
		{TypeWebP, []string{".webp"}, "WebP image", "WebP 图片"},
		{TypePDF, []string{".pdf"}, "PDF document", "PDF 文件"},
		{TypeDOCX, []string{".docx"}, "Word document", "Word 文档"},
		{TypeXLSX, []string{".xlsx"}, "Excel workbook", "Excel 表格"},
		{TypePPTX, []string{".pptx"}, "PowerPoint presentation", "PowerPoint 演示文稿"},
		{TypeDOC, []string{".doc"}, "Word 97–2003 document", "Word 97–2003 文档"},
		{TypeXLS, []string{".xls"}, "Excel 97–2003 workbook", "Excel 97–2003 表格"},
	}
}

// Accepted returns the kinds of file Sniff accepts, so the API and the web app
// can explain the limits before an upload. The slice is a fresh copy.
func Accepted() []FileKind { return acceptedKinds() }

// AcceptAttr returns the accepted extensions and media types as the value of
// an HTML <input type="file" accept="…"> attribute.
func AcceptAttr() string {
	var parts []string
	for _, k := range acceptedKinds() {
		parts = append(parts, k.Extensions...)
		parts = append(parts, k.MediaType)
	}
	return strings.Join(parts, ",")
}

// Magic numbers.
var (
	magicJPEG = []byte{0xFF, 0xD8, 0xFF}
	magicPNG  = []byte("\x89PNG\r\n\x1a\n")
	magicGIF7 = []byte("GIF87a")
	magicGIF9 = []byte("GIF89a")
	magicPDF  = []byte("%PDF-")
	magicZip  = []byte("PK\x03\x04")
	magicOLE  = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// sniffMedia recognises photos and PDF by the same signatures as the
// standard library's http.DetectContentType (WHATWG MIME sniffing), written
// out here because engines do not import net/http (see .golangci.yml).
func sniffMedia(head []byte) string {
	switch {
	case bytes.HasPrefix(head, magicJPEG):
		return TypeJPEG
	case bytes.HasPrefix(head, magicPNG):
		return TypePNG
	case bytes.HasPrefix(head, magicGIF7), bytes.HasPrefix(head, magicGIF9):
		return TypeGIF
	case len(head) >= 14 && string(head[0:4]) == "RIFF" && string(head[8:14]) == "WEBPVP":
		return TypeWebP
	case bytes.HasPrefix(head, magicPDF):
		return TypePDF
	}
	return ""
}

// Sniff decides the media type of a file from its first bytes (head; at most
// SniffLen are looked at) and, for Office documents, its filename. Only the
// kinds listed by Accepted pass; anything else (programs, web pages, SVG,
// scripts, plain archives, text) is refused with a domain.KindInvalid error on
// field "file" that names what is accepted.
//
// Photos and PDF are recognised by content alone, whatever their extension.
// Office documents are ZIP (.docx/.xlsx/.pptx) or OLE (.doc/.xls) containers,
// the same containers other files use (.zip, .jar, .msi), so for them the
// extension must match as well, and a ZIP must begin with an Office part
// ([Content_Types].xml, _rels/, docProps/ or customXml/, or the folder —
// word/, xl/, ppt/ — of the application its extension names). Office writers
// start their packages with one of these; a document that starts otherwise is
// refused with a message saying so. This is tested on packages built with
// archive/zip in both Microsoft's and LibreOffice's entry order, not yet on
// files saved by every writer (WPS, LibreOffice, excelize): check a few real
// ones when the upload endpoint lands.
//
// A content check cannot rule out polyglot files (a valid GIF that is also
// something else); the HTTP layer must serve evidence with the media type
// returned here, "X-Content-Type-Options: nosniff", a sandboxing
// Content-Security-Policy and, for anything but images (PDF included: it can
// carry JavaScript), "Content-Disposition: attachment".
func Sniff(head []byte, filename string) (string, error) {
	if len(head) > SniffLen {
		head = head[:SniffLen]
	}
	if len(head) == 0 {
		return "", reject("is empty")
	}
	ext := extension(filename)

	if mt := sniffMedia(head); mt != "" {
		return mt, nil
	}

	switch {
	case bytes.HasPrefix(head, magicZip):
		want, ok := ooxmlByExt[ext]
		if !ok {
			return "", reject("is a ZIP archive; archives are not accepted, upload the files inside it one by one")
		}
		name, ok := firstZipEntry(head)
		if !ok {
			return "", reject("is not a complete %s document", strings.ToUpper(ext[1:]))
		}
		if !ooxmlFirstEntry(name, want.dir) {
			return "", reject("is named %s but is not %s", ext, want.what)
		}
		return want.mediaType, nil

	case bytes.HasPrefix(head, magicOLE):
		switch ext {
		case ".doc":
			return TypeDOC, nil
		case ".xls":
			return TypeXLS, nil
		}
		return "", reject("is an old-style Office or installer file that is not a .doc or .xls")
	}
	return "", reject("is %s", describeRejected(head))
}

type ooxml struct {
	mediaType string
	dir       string // the application's own part folder
	what      string // with its article, for messages
}

var ooxmlByExt = map[string]ooxml{
	".docx": {TypeDOCX, "word/", "a Word document"},
	".xlsx": {TypeXLSX, "xl/", "an Excel workbook"},
	".pptx": {TypePPTX, "ppt/", "a PowerPoint presentation"},
}

// firstZipEntry returns the name of the first entry of a ZIP from its local
// file header: signature (4), version, flags, method, time, date (2 each), CRC
// and sizes (4 each), name length (2) at offset 26, extra length (2), name at 30.
func firstZipEntry(head []byte) (string, bool) {
	const fixed = 30
	if len(head) < fixed {
		return "", false
	}
	n := int(binary.LittleEndian.Uint16(head[26:28]))
	if n == 0 || fixed+n > len(head) {
		return "", false
	}
	return string(head[fixed : fixed+n]), true
}

// ooxmlFirstEntry reports whether name can open an Office Open XML package of
// the application whose part folder is dir: a package-level part, or a part of
// that application (not of another one: a renamed .xlsx is not a .docx).
func ooxmlFirstEntry(name, dir string) bool {
	switch {
	case name == "[Content_Types].xml",
		strings.HasPrefix(name, "_rels/"),
		strings.HasPrefix(name, "docProps/"),
		strings.HasPrefix(name, "customXml/"),
		strings.HasPrefix(name, dir):
		return true
	}
	return false
}

// extension returns the lower-case extension of a filename that may carry a
// Unix or Windows path.
func extension(filename string) string {
	if i := strings.LastIndexAny(filename, `/\`); i >= 0 {
		filename = filename[i+1:]
	}
	i := strings.LastIndexByte(filename, '.')
	if i < 0 {
		return ""
	}
	return strings.ToLower(filename[i:])
}

// describeRejected says in plain words what a refused file looks like.
func describeRejected(head []byte) string {
	trimmed := bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n\f")
	lower := bytes.ToLower(trimmed[:min(len(trimmed), 256)])
	has := func(prefixes ...string) bool {
		for _, p := range prefixes {
			if bytes.HasPrefix(head, []byte(p)) {
				return true
			}
		}
		return false
	}
	switch {
	case has("MZ"):
		return "a Windows program"
	case has("\x7fELF", "\xca\xfe\xba\xbe", "\xcf\xfa\xed\xfe", "\xce\xfa\xed\xfe"):
		return "a program"
	case has("#!"):
		return "a script"
	case bytes.Contains(lower, []byte("<svg")):
		return "an SVG drawing, which can carry scripts; save it as PNG"
	case isHTML(lower):
		return "a web page (HTML)"
	case bytes.HasPrefix(lower, []byte("<?xml")):
		return "an XML file"
	case has("BM", "II*\x00", "MM\x00*", "\x00\x00\x01\x00", "8BPS") ||
		len(head) >= 12 && string(head[4:8]) == "ftyp" && (string(head[8:11]) == "hei" || string(head[8:11]) == "avi" || string(head[8:12]) == "mif1"):
		return "an image in a format that is not accepted; save it as JPEG or PNG"
	case len(head) >= 8 && string(head[4:8]) == "ftyp",
		has("\x1a\x45\xdf\xa3", "ID3", "OggS", "fLaC", "RIFF", "\x00\x00\x01\xba", "FLV"):
		return "a video or sound file"
	case has("\x1f\x8b", "Rar!\x1a\x07", "7z\xbc\xaf\x27\x1c", "BZh", "\xfd7zXZ\x00"):
		return "a compressed archive; upload the files inside it one by one"
	case isText(trimmed):
		return "a text file"
	}
	return "a file of a kind that is not accepted"
}

// htmlTags open an HTML document, as in WHATWG MIME sniffing.
var htmlTags = []string{"<!doctype html", "<html", "<head", "<script", "<iframe", "<h1", "<div",
	"<font", "<table", "<a", "<style", "<title", "<b", "<body", "<br", "<p", "<!--"}

func isHTML(lower []byte) bool {
	for _, t := range htmlTags {
		if bytes.HasPrefix(lower, []byte(t)) {
			rest := lower[len(t):]
			if t == "<!--" || len(rest) == 0 || rest[0] == ' ' || rest[0] == '>' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r' || rest[0] == '/' {
				return true
			}
		}
	}
	return false
}

// isText reports whether b looks like UTF-8 text: no control bytes other than
// whitespace, and valid UTF-8 but for a rune cut off at the end.
func isText(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b || c == 0x7f {
			return false
		}
	}
	return validUTF8Prefix(b)
}

// validUTF8Prefix reports whether b is UTF-8, allowing a rune cut off at the end.
func validUTF8Prefix(b []byte) bool {
	if utf8.Valid(b) {
		return true
	}
	for k := 1; k < utf8.UTFMax && k <= len(b); k++ {
		if tail := b[len(b)-k:]; utf8.RuneStart(tail[0]) && !utf8.FullRune(tail) {
			return utf8.Valid(b[:len(b)-k])
		}
	}
	return false
}

func reject(format string, args ...any) error {
	e := domain.Invalid("file", format, args...)
	e.Message += "; only " + AcceptedDescription + " are accepted"
	return e
}

// PutFile reads the first SniffLen bytes of r, checks them with Sniff, and
// only then stores the whole content in s. It returns the blob's Info and the
// media type. Refused kinds store nothing.
func PutFile(ctx context.Context, s Store, r io.Reader, filename string, limit int64) (Info, string, error) {
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return Info{}, "", err
	}
	head = head[:n]
	mt, err := Sniff(head, filename)
	if err != nil {
		return Info{}, "", err
	}
	info, err := s.Put(ctx, io.MultiReader(bytes.NewReader(head), r), limit)
	if err != nil {
		return Info{}, "", err
	}
	return info, mt, nil
}
