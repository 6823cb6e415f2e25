package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
)

// uploadMargin is what a multipart body may carry beyond the file itself:
// boundaries and part headers, a few hundred bytes in practice.
const uploadMargin = 64 << 10

func (s *Server) attachEvidence(c *call) error {
	mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return &httpError{status: http.StatusUnsupportedMediaType, code: codeUnsupportedMedia, field: "file",
			message: "upload the file as multipart/form-data, in the field \"file\""}
	}
	maxFile := s.app.Config().MaxEvidenceSize
	if c.r.ContentLength > maxFile+uploadMargin {
		// Refuse before reading a byte: the client said how much it will send.
		return blob.TooLarge(maxFile)
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	// The body is streamed part by part to the blob store, never held in
	// memory; MaxBytesReader stops a client that sends more than it said.
	c.r.Body = http.MaxBytesReader(c.w, c.r.Body, maxFile+uploadMargin)
	mr, err := c.r.MultipartReader()
	if err != nil {
		return domain.Invalid("file", "the upload is not a well-formed multipart/form-data body")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return domain.Invalid("file", "is required: send the file in the multipart field \"file\"")
		}
		if err != nil {
			return partError(err, maxFile)
		}
		if part.FormName() != "file" {
			// Other fields are ignored, but read, to reach the next part.
			if _, err := io.Copy(io.Discard, part); err != nil {
				return partError(err, maxFile)
			}
			continue
		}
		name := part.FileName()
		if name == "" {
			return domain.Invalid("file", "has no filename; send it as a file, not as a text field")
		}
		a, err := s.app.AttachEvidence(c.ctx(), ac, c.p.int("id"), name, part)
		if err != nil {
			return uploadError(err, maxFile)
		}
		return c.reply(a)
	}
}

// partError turns a failure to read the multipart body itself — a malformed
// part header (a NUL or a bare line break in a filename), a broken boundary, a
// body cut short — into a client error: nothing of the server has run yet, so
// every such failure is the request's.
func partError(err error, maxFile int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return blob.TooLarge(maxFile)
	}
	var pe textproto.ProtocolError
	if errors.As(err, &pe) {
		return domain.Invalid("file", "a part header of the upload is malformed (a control character in the filename?); send a well-formed multipart/form-data body")
	}
	return domain.Invalid("file", "the upload ended early or is not well-formed multipart/form-data")
}

// uploadError turns the failure of a streamed upload into a client error when
// it is one: a body over the limit, or a body that is not multipart.
func uploadError(err error, maxFile int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return blob.TooLarge(maxFile)
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	var pe textproto.ProtocolError
	if errors.As(err, &pe) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, multipart.ErrMessageTooLarge) ||
		strings.Contains(err.Error(), "multipart") {
		return domain.Invalid("file", "the upload ended early or is not well-formed multipart/form-data")
	}
	return err
}

func (s *Server) detachEvidence(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	a, err := s.app.DetachEvidence(c.ctx(), ac, c.p.int("id"), c.p.str("sha"))
	if err != nil {
		return err
	}
	return c.reply(a)
}

func (s *Server) getEvidence(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	b, err := s.app.GetEvidence(c.ctx(), ac, c.p.str("sha"))
	if err != nil {
		return err
	}
	return c.reply(b)
}

// evidenceCSP lets a browser show a photo and nothing else: the served file
// is a sandboxed document that runs no script, whatever it carries. It is
// the same for every file; non-image files are also downloaded rather than
// shown (dispositionFor), since a PDF viewer would refuse the sandbox and a
// PDF can carry JavaScript (/OpenAction … /JavaScript).
const evidenceCSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"

func (s *Server) getEvidenceContent(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	sha := c.p.str("sha")
	meta, rc, err := s.app.OpenEvidence(c.ctx(), ac, sha)
	if err != nil {
		return err
	}
	defer rc.Close()
	filename := sha
	if len(meta.Activities) > 0 {
		// The blob has no name of its own; it carries the name it was first
		// attached with, in the reader's scope.
		if a, err := s.app.GetActivity(c.ctx(), ac, meta.Activities[0]); err == nil {
			for _, e := range a.Evidence {
				if e.SHA256 == sha {
					filename = e.Filename
					break
				}
			}
		}
	}
	h := c.w.Header()
	h.Set("Content-Type", meta.MediaType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", contentDisposition(dispositionFor(meta.MediaType), filename))
	h.Set("ETag", `"`+sha+`"`)
	// Content addressing makes the bytes behind a sha immutable; private
	// because what a reader may see depends on their scope.
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	h.Set("Content-Security-Policy", evidenceCSP)
	if rs, ok := rc.(io.ReadSeeker); ok {
		// ServeContent answers If-None-Match (304) and Range requests.
		http.ServeContent(c.w, c.r, "", time.Time{}, rs)
		return nil
	}
	if match := c.r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, `"`+sha+`"`) {
		c.w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Length", strconv.FormatInt(meta.Size, 10))
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method == http.MethodHead {
		return nil
	}
	_, err = io.Copy(c.w, rc)
	return err
}

// getEvidenceThumbnail serves a photo's thumbnail. It is derived from the
// immutable content, so it is cached like it, under its own ETag.
func (s *Server) getEvidenceThumbnail(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	sha := c.p.str("sha")
	etag := `"` + sha + `-thumb"`
	if match := c.r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		// Still check the reader may see it: a 304 must not confirm what a 404 hides.
		if _, err := s.app.GetEvidence(c.ctx(), ac, sha); err != nil {
			return err
		}
		c.w.WriteHeader(http.StatusNotModified)
		return nil
	}
	img, err := s.app.EvidenceThumbnail(c.ctx(), ac, sha)
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", blob.TypeJPEG)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	h.Set("Content-Security-Policy", evidenceCSP)
	h.Set("Content-Length", strconv.Itoa(len(img)))
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method == http.MethodHead {
		return nil
	}
	_, err = c.w.Write(img)
	return err
}

// dispositionFor shows photos in the browser and downloads every other file.
// An evidence file is whatever a user uploaded: a PDF with /OpenAction
// /JavaScript or an Office file with macros, shown inline, would run in the
// reader's browser or plugin under zeren's origin. Downloaded, it is opened
// by the reader's own program, like any mail attachment.
func dispositionFor(mediaType string) string {
	switch mediaType {
	case blob.TypeJPEG, blob.TypePNG, blob.TypeGIF, blob.TypeWebP:
		return "inline"
	}
	return "attachment"
}

// contentDisposition builds the header with an ASCII fallback filename and the
// real one RFC 5987-encoded, which browsers prefer: Chinese names survive.
func contentDisposition(kind, filename string) string {
	var fallback strings.Builder
	for _, r := range filename {
		switch {
		case r < 0x20 || r >= 0x7f || r == '"' || r == '\\' || r == '/' || r == ';' || r == '%':
			fallback.WriteByte('_')
		default:
			fallback.WriteRune(r)
		}
	}
	return fmt.Sprintf(`%s; filename="%s"; filename*=UTF-8''%s`, kind, fallback.String(), rfc5987(filename))
}

// rfc5987 percent-encodes everything but RFC 5987's attr-char.
func rfc5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte("!#$&+-.^_`|~", ch) >= 0 {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}

// evidenceLimits tells clients what they may upload before they try.
type evidenceLimits struct {
	MaxSize             int64           `json:"max_size"`
	MaxSizeMB           float64         `json:"max_size_mb"`
	MaxFilesPerActivity int             `json:"max_files_per_activity"`
	Accepted            []blob.FileKind `json:"accepted"`
	Accept              string          `json:"accept"`
	Description         string          `json:"description"`
	DescriptionZH       string          `json:"description_zh"`
}

func (s *Server) getEvidenceLimits(c *call) error {
	cfg := s.app.Config()
	return c.reply(evidenceLimits{
		MaxSize:             cfg.MaxEvidenceSize,
		MaxSizeMB:           float64(cfg.MaxEvidenceSize) / (1 << 20),
		MaxFilesPerActivity: cfg.MaxEvidencePerActivity,
		Accepted:            blob.Accepted(),
		Accept:              blob.AcceptAttr(),
		Description:         blob.AcceptedDescription,
		DescriptionZH:       blob.AcceptedDescriptionZH,
	})
}
