package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/tabular"
)

// File import of a vendor's export (CSV in UTF-8 or GBK, or JSONL), previewed
// then committed, with errors by line; and the manual entry of what a monitor
// saw, with a screenshot as evidence (issue 14 item 1).

const (
	// MaxConcernImportBytes bounds one vendor file.
	MaxConcernImportBytes = 32 << 20
	maxConcernImportItems = 20000
	maxImportErrorsShown  = 50
	previewRows           = 20
)

// ImportLineError is one refused line of a vendor file.
type ImportLineError struct {
	Line  int    `json:"line"`
	Field string `json:"field,omitempty"`
	Msg   string `json:"message"`
}

// ConcernImportPreview is what a vendor file holds, before it is committed.
type ConcernImportPreview struct {
	Format string            `json:"format"` // csv-utf8, csv-gbk, xlsx, jsonl
	Total  int               `json:"total"`
	Items  []IncomingItem    `json:"items"` // the first rows
	Errors []ImportLineError `json:"errors"`
}

// column names a vendor's CSV header may use for each field.
var importColumns = map[string][]string{
	"id":           {"id", "编号", "信息id", "序号", "item_id"},
	"title":        {"title", "标题"},
	"text":         {"text", "content", "body", "正文", "内容", "摘要"},
	"url":          {"url", "link", "链接", "网址", "原文链接"},
	"published_at": {"published_at", "time", "date", "发布时间", "时间", "日期"},
}

var publishedLayouts = []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006/01/02 15:04:05", "2006/01/02 15:04", "2006-01-02", "2006/01/02", "2006年1月2日 15:04", "2006年1月2日"}

// parsePublished reads a publication time in the bureau's zone (unless it
// names its own); "" is no time.
func parsePublished(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range publishedLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time such as 2026-11-02 08:30", s)
}

// ParseVendorFile reads a vendor's export into items and the errors of the
// lines it refuses. It never fails on a line: the caller shows every error.
func ParseVendorFile(data []byte, filename string, loc *time.Location) (ConcernImportPreview, []IncomingItem, error) {
	out := ConcernImportPreview{Items: []IncomingItem{}, Errors: []ImportLineError{}}
	if len(data) > MaxConcernImportBytes {
		return out, nil, domain.Invalid("file", "larger than %d MB", MaxConcernImportBytes>>20)
	}
	lower := strings.ToLower(filename)
	trimmed := bytes.TrimLeft(data, " \t\r\n\xef\xbb\xbf")
	var items []IncomingItem
	add := func(line int, it IncomingItem) {
		c, err := cleanItem(it, "item")
		if err != nil {
			var de *domain.Error
			field, msg := "", err.Error()
			if errors.As(err, &de) {
				field, msg = strings.TrimPrefix(de.Field, "item."), de.Message
			}
			out.Errors = append(out.Errors, ImportLineError{Line: line, Field: field, Msg: msg})
			return
		}
		items = append(items, c)
	}
	if strings.HasSuffix(lower, ".jsonl") || strings.HasSuffix(lower, ".json") || strings.HasSuffix(lower, ".ndjson") || (len(trimmed) > 0 && trimmed[0] == '{') {
		out.Format = "jsonl"
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
		line := 0
		for sc.Scan() {
			line++
			text := bytes.TrimSpace(sc.Bytes())
			if line == 1 {
				text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
			}
			if len(text) == 0 {
				continue
			}
			var raw map[string]any
			if err := json.Unmarshal(text, &raw); err != nil {
				out.Errors = append(out.Errors, ImportLineError{Line: line, Msg: "not a JSON object: " + cutRunes(err.Error(), 120)})
				continue
			}
			get := func(field string) string {
				for _, k := range importColumns[field] {
					if v, ok := raw[k]; ok && v != nil {
						switch x := v.(type) {
						case string:
							return x
						case float64:
							return fmt.Sprintf("%.0f", x)
						}
					}
				}
				return ""
			}
			pub, err := parsePublished(get("published_at"), loc)
			if err != nil {
				out.Errors = append(out.Errors, ImportLineError{Line: line, Field: "published_at", Msg: err.Error()})
				continue
			}
			add(line, IncomingItem{ID: get("id"), URL: get("url"), Title: get("title"), Text: get("text"), PublishedAt: pub})
		}
		if err := sc.Err(); err != nil {
			return out, nil, domain.Invalid("file", "line %d: %v", line+1, err)
		}
	} else {
		sh, err := tabular.Read(data, tabular.Limits{MaxBytes: MaxConcernImportBytes, MaxUnzipped: 256 << 20, MaxRows: maxConcernImportItems, MaxCellRunes: maxItemBodyRunes})
		if err != nil {
			return out, nil, domain.Invalid("file", "%v", err)
		}
		out.Format = sh.Format
		if len(sh.Rows) == 0 {
			return out, nil, domain.Invalid("file", "the file has no header row")
		}
		col := map[string]int{}
		for i, c := range sh.Rows[0].Cells {
			name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(c, "\ufeff")))
			for field, names := range importColumns {
				for _, n := range names {
					if name == n {
						if _, seen := col[field]; !seen {
							col[field] = i
						}
					}
				}
			}
		}
		if _, ok := col["title"]; !ok {
			if _, ok := col["text"]; !ok {
				return out, nil, domain.Invalid("file", "第 %d 行：表头需要“标题”或“正文”列 (title or text)", sh.Rows[0].Line)
			}
		}
		cell := func(r tabular.Row, field string) string {
			if i, ok := col[field]; ok {
				return r.Cell(i)
			}
			return ""
		}
		for _, r := range sh.Rows[1:] {
			pub, err := parsePublished(cell(r, "published_at"), loc)
			if err != nil {
				out.Errors = append(out.Errors, ImportLineError{Line: r.Line, Field: "published_at", Msg: err.Error()})
				continue
			}
			add(r.Line, IncomingItem{ID: cell(r, "id"), URL: cell(r, "url"), Title: cell(r, "title"), Text: cell(r, "text"), PublishedAt: pub})
		}
	}
	if len(items)+len(out.Errors) > maxConcernImportItems {
		return out, nil, domain.Invalid("file", "more than %d items: split the file", maxConcernImportItems)
	}
	out.Total = len(items)
	out.Items = append(out.Items, items[:min(previewRows, len(items))]...)
	if len(out.Errors) > maxImportErrorsShown {
		out.Errors = out.Errors[:maxImportErrorsShown]
	}
	return out, items, nil
}

// PreviewConcernImport reads a vendor file for a unit in the actor's write
// scope without storing anything.
func (a *App) PreviewConcernImport(ctx context.Context, ac domain.Actor, orgID int64, filename string, data []byte) (ConcernImportPreview, error) {
	if err := a.checkImportUnit(ctx, ac, orgID); err != nil {
		return ConcernImportPreview{}, err
	}
	p, _, err := ParseVendorFile(data, filename, a.clock.Location())
	return p, err
}

func (a *App) checkImportUnit(ctx context.Context, ac domain.Actor, orgID int64) error {
	if err := ac.Require(domain.PermConcernManage); err != nil {
		return err
	}
	return a.st.Read(ctx, func(tx *store.Tx) error {
		_, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, orgID)
		return fieldNotFound(err, "org_id")
	})
}

// CommitConcernImport stores a vendor file's items under the unit's file
// source, a batch of at most 1000 per transaction; a file with any refused
// line stores nothing (the preview lists the lines to fix).
func (a *App) CommitConcernImport(ctx context.Context, ac domain.Actor, orgID int64, filename string, data []byte) (IngestResult, error) {
	if err := a.checkImportUnit(ctx, ac, orgID); err != nil {
		return IngestResult{}, err
	}
	p, items, err := ParseVendorFile(data, filename, a.clock.Location())
	if err != nil {
		return IngestResult{}, err
	}
	if len(p.Errors) > 0 {
		e := p.Errors[0]
		return IngestResult{}, domain.Invalid("file", "第 %d 行 %s：%s（共 %d 处错误，请先预览并修正）", e.Line, e.Field, e.Msg, len(p.Errors))
	}
	if len(items) == 0 {
		return IngestResult{}, domain.Invalid("file", "the file holds no items")
	}
	var srcID int64
	if err := a.st.Write(ctx, func(tx *store.Tx) error {
		var err error
		srcID, err = tx.SourceOfKind(ctx, orgID, domain.SourceFile, "厂商导出文件", ac.Name)
		return err
	}); err != nil {
		return IngestResult{}, err
	}
	total := IngestResult{ItemIDs: []int64{}, StoryIDs: []int64{}}
	for start := 0; start < len(items); start += maxIngestBatch {
		res, err := a.ingestBatch(ctx, ac, srcID, items[start:min(start+maxIngestBatch, len(items))], "", "concern.import", nil)
		if err != nil {
			return total, err
		}
		total.Received += res.Received
		total.Accepted += res.Accepted
		total.Duplicates += res.Duplicates
		total.NewStories += res.NewStories
		total.Matched += res.Matched
		total.ItemIDs = append(total.ItemIDs, res.ItemIDs...)
		for _, s := range res.StoryIDs {
			if !containsInt64(total.StoryIDs, s) {
				total.StoryIDs = append(total.StoryIDs, s)
			}
		}
	}
	return total, nil
}

// ManualInput is what a monitor saw, entered by hand.
type ManualInput struct {
	OrgID int64  `json:"org_id"`
	Title string `json:"title"`
	Text  string `json:"text"`
	URL   string `json:"url"`
}

// ManualEntry records what a monitor saw for a unit in their own scope
// (concern.read: it is the monitor's job), with an optional screenshot
// stored as evidence. The entry is an item of the unit's manual source and
// goes through the pipeline like any other.
func (a *App) ManualEntry(ctx context.Context, ac domain.Actor, in ManualInput, filename string, shot io.Reader) (domain.ConcernStory, error) {
	if err := ac.Require(domain.PermConcernRead); err != nil {
		return domain.ConcernStory{}, err
	}
	item, err := cleanItem(IncomingItem{ID: "manual-" + randomToken()[:16], URL: in.URL, Title: in.Title, Text: in.Text}, "entry")
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) {
			c := *de
			c.Field = strings.TrimPrefix(c.Field, "entry.")
			return domain.ConcernStory{}, &c
		}
		return domain.ConcernStory{}, err
	}
	if strings.TrimSpace(in.Title) == "" {
		return domain.ConcernStory{}, domain.Invalid("title", "what was seen needs a title")
	}
	var srcID int64
	if err := a.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, in.OrgID); err != nil {
			return fieldNotFound(err, "org_id")
		}
		var err error
		srcID, err = tx.SourceOfKind(ctx, in.OrgID, domain.SourceManual, "人工报送", ac.Name)
		return err
	}); err != nil {
		return domain.ConcernStory{}, err
	}
	var info blob.Info
	var mediaType string
	filename = strings.TrimSpace(filename)
	if shot != nil {
		if err := domain.ValidateName("filename", filename, 255); err != nil {
			return domain.ConcernStory{}, err
		}
		if info, mediaType, err = blob.PutFile(ctx, a.blobs, shot, filename, a.cfg.MaxEvidenceSize); err != nil {
			return domain.ConcernStory{}, err
		}
	}
	res, err := a.ingestBatch(ctx, ac, srcID, []IncomingItem{item}, ac.Name, "concern.manual", func(tx *store.Tx, res IngestResult) error {
		if shot == nil || len(res.ItemIDs) == 0 {
			return nil
		}
		if err := tx.PutEvidenceBlob(ctx, info.SHA256, info.Size, mediaType); err != nil {
			return err
		}
		return tx.AttachItemEvidence(ctx, res.ItemIDs[0], info.SHA256, filename)
	})
	if err != nil {
		return domain.ConcernStory{}, err
	}
	if len(res.StoryIDs) == 0 {
		return domain.ConcernStory{}, domain.Conflict("title", "this entry was already recorded")
	}
	// The story may be routed to a named unit outside the monitor's scope;
	// the entry is then shown to whom it concerns, and the monitor sees the
	// story only if it also reads that unit.
	out := domain.ConcernStory{ID: res.StoryIDs[0], Units: []domain.UnitRef{}}
	err = a.st.Read(ctx, func(tx *store.Tx) error {
		s, err := tx.GetStory(ctx, ac.Scope, res.StoryIDs[0])
		if err == nil {
			out = s
		}
		return nil
	})
	return out, err
}
