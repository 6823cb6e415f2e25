package httpapi

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// previewActivityImport reads an office's workbook (multipart field `file`)
// and answers how every row would be imported; nothing is written.
func (s *Server) previewActivityImport(c *call) error {
	opt := app.ActivityImportOptions{OrgID: c.p.int("org_id"), Year: int(c.p.int("year"))}
	if m := c.p.str("mapping"); m != "" {
		var err error
		if opt.Mapping, err = parseMapping(m); err != nil {
			return err
		}
	}
	buf, name, err := readWorkbookUpload(c, app.MaxActivityImportBytes)
	if err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	opt.FileName = name
	res, err := s.app.PreviewActivityImport(c.ctx(), ac, buf, opt)
	if err != nil {
		return err
	}
	return c.reply(res)
}

// parseMapping reads "date:1,type:3" (field:0-based column).
func parseMapping(s string) (app.ImportMapping, error) {
	m := app.ImportMapping{}
	for _, part := range strings.Split(s, ",") {
		field, col, ok := strings.Cut(strings.TrimSpace(part), ":")
		n, err := strconv.Atoi(col)
		if !ok || err != nil || field == "" {
			return nil, domain.Invalid("mapping", "write it as field:column, e.g. date:0,type:2 (columns counted from 0)")
		}
		if _, dup := m[field]; dup {
			return nil, domain.Invalid("mapping", "names %s twice", field)
		}
		m[field] = n
	}
	return m, nil
}

// activityImportCommit is the body of a commit.
type activityImportCommit struct {
	FileSHA256     string            `json:"file_sha256"`
	OrgID          int64             `json:"org_id"`
	Year           int               `json:"year"`
	Mapping        app.ImportMapping `json:"mapping"`
	FileName       string            `json:"file_name"`
	SkipDuplicates bool              `json:"skip_duplicates"`
}

func (s *Server) commitActivityImport(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	var in activityImportCommit
	if err := c.decode(&in); err != nil {
		return err
	}
	res, err := s.app.CommitActivityImport(c.ctx(), ac, in.FileSHA256,
		app.ActivityImportOptions{OrgID: in.OrgID, Year: in.Year, Mapping: in.Mapping, FileName: in.FileName}, in.SkipDuplicates)
	if err != nil {
		return err
	}
	return c.reply(res)
}

// importSchemas are the component schemas of the import routes.
func importSchemas() obj {
	count := func(desc string) obj { return obj{"type": "integer", "minimum": 0, "description": desc} }
	mapping := obj{"type": "object", "description": "Field key → 0-based column of the file.",
		"additionalProperties": obj{"type": "integer", "minimum": 0}, "propertyNames": obj{"enum": importFieldKeys()}, "maxProperties": len(app.ActivityImportFields)}
	problem := object("One problem of one cell, in the user's words.", obj{
		"row":         obj{"type": "integer", "minimum": 1, "description": "The row as the sheet shows it."},
		"column":      str("The column's header in the file (or the field's label)."),
		"field":       str("The field: date, org, type, title, description, attendance, venues."),
		"message":     str("What is wrong, in Chinese."),
		"suggestions": array("Close names, for a unit or type that matched none.", str("")),
	}, "row", "column", "message")
	return obj{
		"ActivityImportUpload": object("A multipart/form-data upload.", obj{
			"file": obj{"type": "string", "contentMediaType": xlsxType,
				"description": "The office's workbook (.xlsx) or CSV (UTF-8 or GBK), at most 32 MB and 100 000 rows."},
		}, "file"),
		"ImportProblem": problem,
		"ImportField": object("A field a column can fill.", obj{
			"key": str(""), "label": str("Its Chinese name, as the template's header."), "required": boolean(""),
		}, "key", "label", "required"),
		"ImportRow": object("One row, judged.", obj{
			"line":           obj{"type": "integer", "minimum": 1},
			"input":          obj{"type": "object", "description": "The record as it would be written (the fields of ActivityInput; a field the row could not fill is empty)."},
			"org_name":       str(""),
			"type_name":      str(""),
			"duplicate":      boolean("Same unit, type, day and title as an existing record or an earlier row."),
			"duplicate_of":   id("The existing record it repeats."),
			"duplicate_line": obj{"type": "integer", "minimum": 1, "description": "The earlier row it repeats."},
			"problems":       array("", ref("ImportProblem")),
		}, "line", "input", "org_name", "type_name", "duplicate"),
		"ActivityImportPreview": object("How a file would be imported; nothing is written.", obj{
			"file_sha256":     str("The file's SHA-256: the commit names it."),
			"format":          enum("", "xlsx", "csv-utf8", "csv-gbk"),
			"sheet":           str("The sheet read (the first visible one); empty for CSV."),
			"header_line":     obj{"type": "integer", "minimum": 1},
			"headers":         array("", str("")),
			"fields":          array("", ref("ImportField")),
			"mapping":         mapping,
			"mapping_saved":   boolean("The mapping is the one the unit used last time."),
			"rows":            count(""),
			"valid":           count("Rows that would be imported."),
			"invalid":         count("Rows with a problem."),
			"duplicates":      count("Rows repeating a record or an earlier row."),
			"sample":          array("The first 200 rows.", ref("ImportRow")),
			"problems":        array("Every problem, at most 500.", ref("ImportProblem")),
			"problems_capped": boolean("More problems than listed."),
		}, "file_sha256", "format", "sheet", "header_line", "headers", "fields", "mapping", "mapping_saved", "rows", "valid", "invalid", "duplicates", "sample", "problems", "problems_capped"),
		"ActivityImportCommit": object("Import a previewed file.", obj{
			"file_sha256":     str("The preview's `file_sha256`."),
			"org_id":          id("The unit the import is for, as in the preview."),
			"year":            obj{"type": "integer", "minimum": 0, "maximum": 2100, "description": "Completes dates written without a year; 0: none."},
			"mapping":         mapping,
			"file_name":       strMax("", 200),
			"skip_duplicates": boolean("Leave duplicate rows out; without it a duplicate refuses the file."),
		}, "file_sha256", "org_id"),
		"ActivityImportResult": object("A finished import.", obj{
			"batch_id":           id("The import batch: it holds the file's SHA-256, and its records are marked with it."),
			"imported":           count("Records written, submitted for review."),
			"skipped_duplicates": count(""),
		}, "batch_id", "imported", "skipped_duplicates"),
	}
}

func importFieldKeys() []any {
	out := make([]any, len(app.ActivityImportFields))
	for i, f := range app.ActivityImportFields {
		out[i] = f.Key
	}
	return out
}

func (s *Server) getActivityImportTemplate(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.app.ActivityImportTemplate(c.ctx(), ac, c.p.int("org_id"), &buf); err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", xlsxType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", contentDisposition("attachment", "台账导入模板.xlsx"))
	h.Set("Cache-Control", "no-store")
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method == http.MethodHead {
		return nil
	}
	_, err = c.w.Write(buf.Bytes())
	return err
}
