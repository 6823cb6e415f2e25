package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
)

// Public-concern items: the stream of stories, a story, the summary, the
// vendor push, file imports and manual entries (issue 14).

func (s *Server) listStories(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	q := app.StoryQuery{OrgID: c.p.int("org_id"), Topic: c.p.str("topic"), MinSeverity: int(c.p.int("severity")),
		From: c.p.date("from"), To: c.p.date("to"), Query: c.p.str("q"), Limit: int(c.p.int("limit")), Offset: int(c.p.int("offset"))}
	res, err := s.app.ListStories(c.ctx(), ac, q)
	if err != nil {
		return err
	}
	return c.reply(page[domain.ConcernStory]{Items: nonNil(res.Stories), Total: res.Total, Limit: q.Limit, Offset: q.Offset})
}

func (s *Server) getStory(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	st, err := s.app.GetStory(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	if st.Items == nil {
		st.Items = []domain.ConcernItem{}
	}
	for i := range st.Items {
		if st.Items[i].Evidence == nil {
			st.Items[i].Evidence = []domain.ConcernEvidence{}
		}
	}
	return c.reply(st)
}

func (s *Server) getConcernSummary(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	res, err := s.app.Summary(c.ctx(), ac, c.p.int("org_id"), c.p.str("period"), c.p.date("date"))
	if err != nil {
		return err
	}
	return c.reply(res)
}

func (s *Server) pushConcernItems(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	var in app.PushInput
	if err := c.decode(&in); err != nil {
		return err
	}
	res, err := s.app.PushItems(c.ctx(), ac, in)
	if err != nil {
		return err
	}
	return c.reply(res)
}

func (s *Server) previewConcernImport(c *call) error {
	buf, name, err := readWorkbookUpload(c, app.MaxConcernImportBytes)
	if err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	res, err := s.app.PreviewConcernImport(c.ctx(), ac, c.p.int("org_id"), name, buf.Bytes())
	if err != nil {
		return err
	}
	return c.reply(res)
}

func (s *Server) commitConcernImport(c *call) error {
	buf, name, err := readWorkbookUpload(c, app.MaxConcernImportBytes)
	if err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	res, err := s.app.CommitConcernImport(c.ctx(), ac, c.p.int("org_id"), name, buf.Bytes())
	if err != nil {
		return err
	}
	return c.reply(res)
}

// createManualConcern reads a multipart form: title, text, url and an
// optional screenshot in `file` (org_id is a query parameter).
func (s *Server) createManualConcern(c *call) error {
	mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return &httpError{status: http.StatusUnsupportedMediaType, code: codeUnsupportedMedia, field: "file",
			message: "send the entry as multipart/form-data (fields org_id, title, text, url and an optional file)"}
	}
	maxFile := s.app.Config().MaxEvidenceSize
	if c.r.ContentLength > maxFile+uploadMargin {
		return blob.TooLarge(maxFile)
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	c.r.Body = http.MaxBytesReader(c.w, c.r.Body, maxFile+uploadMargin)
	mr, err := c.r.MultipartReader()
	if err != nil {
		return domain.Invalid("file", "the upload is not a well-formed multipart/form-data body")
	}
	in := app.ManualInput{OrgID: c.p.int("org_id")}
	var shot io.Reader
	var filename string
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return partError(err, maxFile)
		}
		if part.FormName() == "file" {
			if part.FileName() == "" {
				continue
			}
			// The file comes last: the fields before it are read, and the
			// app streams the file into the blob store.
			filename, shot = part.FileName(), part
			break
		}
		v, err := io.ReadAll(io.LimitReader(part, 64<<10))
		if err != nil {
			return partError(err, maxFile)
		}
		switch part.FormName() {
		case "title":
			in.Title = string(v)
		case "text":
			in.Text = string(v)
		case "url":
			in.URL = string(v)
		}
	}
	st, err := s.app.ManualEntry(c.ctx(), ac, in, filename, shot)
	if err != nil {
		return err
	}
	if st.Items == nil {
		st.Items = []domain.ConcernItem{}
	}
	return c.created(api+"/concern/stories/"+strconv.FormatInt(st.ID, 10), st)
}

func (s *Server) getConcernItemEvidence(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	sha := c.p.str("sha")
	meta, rc, err := s.app.ItemEvidence(c.ctx(), ac, c.p.int("id"), sha)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := c.w.Header()
	h.Set("Content-Type", meta.MediaType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", contentDisposition(dispositionFor(meta.MediaType), sha))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", evidenceCSP)
	h.Set("Content-Length", strconv.FormatInt(meta.Size, 10))
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method == http.MethodHead {
		return nil
	}
	_, err = io.Copy(c.w, rc)
	return err
}
