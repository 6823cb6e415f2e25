package app

// Importing an office's old ledger (台账) from its own workbook or CSV.
//
// Two steps, nothing written until the second: the preview reads the file
// (internal/tabular: .xlsx from Excel, WPS or LibreOffice, CSV in UTF-8 or
// GBK), finds the header row, maps columns to fields (the mapping the unit
// saved last time, else suggested from the headers, else the caller's), and
// judges every row — unit and type matched by name, code or alias with
// suggestions for near misses, dates in every office form, counts such as
// "约50人", the same checks as a record typed in the ledger
// (checkActivity), closed periods, and duplicates of existing records or of
// an earlier row (same unit, type, day and title). The file is kept in the
// blob store under its SHA-256. The commit names that hash and the mapping,
// judges the rows again, and writes them all in one transaction — or none,
// when any row still has a problem — marked with an import batch that holds
// the file's hash, so the anti-formalism rules tell back-filling from daily
// recording (rule 6 leaves imported records out). Imported records are
// submitted for review: approved still means reviewed.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/tabular"
)

// ImportKindActivities names the activity import's batches and mappings.
const ImportKindActivities = "activities"

// Activity import limits.
const (
	MaxActivityImportBytes = 32 << 20
	MaxActivityImportRows  = 100_000
	// importSampleRows and importMaxProblems bound what a preview answers.
	importSampleRows  = 200
	importMaxProblems = 500
)

// ImportField is one field an import column can fill.
type ImportField struct {
	Key      string   `json:"key"`
	Label    string   `json:"label"`
	Required bool     `json:"required"`
	aliases  []string // other headers offices write for it
}

// ActivityImportFields are the fields of a ledger record, in template order.
var ActivityImportFields = []ImportField{
	{Key: "date", Label: "日期", Required: true, aliases: []string{"活动日期", "时间", "活动时间", "开展时间", "开展日期"}},
	{Key: "org", Label: "单位", aliases: []string{"单位名称", "学校", "组织", "支部", "所在单位", "单位编码", "开展单位"}},
	{Key: "type", Label: "活动类型", Required: true, aliases: []string{"类型", "类别", "活动类别", "项目", "活动形式"}},
	{Key: "title", Label: "标题", Required: true, aliases: []string{"活动名称", "名称", "主题", "活动主题", "活动标题"}},
	{Key: "description", Label: "内容", aliases: []string{"活动内容", "简介", "情况说明", "内容简介", "主要内容"}},
	{Key: "attendance", Label: "参加人数", aliases: []string{"人数", "参与人数", "参会人数", "出席人数", "参加人次"}},
	{Key: "venues", Label: "阵地", aliases: []string{"场所", "宣讲阵地", "活动场所", "宣讲场所"}},
}

// ImportMapping maps a field key to a 0-based column.
type ImportMapping map[string]int

// ActivityImportOptions say how to read a file.
type ActivityImportOptions struct {
	// OrgID is the unit the import is for: rows are matched to units of its
	// subtree, and rows naming no unit are its own.
	OrgID int64 `json:"org_id"`
	// Year completes dates written without one (3月1日); 0: none.
	Year int `json:"year"`
	// Mapping, when set, replaces the saved or suggested one.
	Mapping  ImportMapping `json:"mapping,omitempty"`
	FileName string        `json:"file_name,omitempty"`
}

// ImportRow is one judged row.
type ImportRow struct {
	Line          int                  `json:"line"`
	Input         domain.ActivityInput `json:"input"`
	OrgName       string               `json:"org_name"`
	TypeName      string               `json:"type_name"`
	Duplicate     bool                 `json:"duplicate"`
	DuplicateOf   int64                `json:"duplicate_of,omitempty"`   // an existing record's id
	DuplicateLine int                  `json:"duplicate_line,omitempty"` // an earlier row of the file
	Problems      []ImportProblem      `json:"problems,omitempty"`
}

// ActivityImportPreview is what the preview answers.
type ActivityImportPreview struct {
	FileSHA256 string        `json:"file_sha256"`
	Format     string        `json:"format"`
	Sheet      string        `json:"sheet"`
	HeaderLine int           `json:"header_line"`
	Headers    []string      `json:"headers"`
	Fields     []ImportField `json:"fields"`
	Mapping    ImportMapping `json:"mapping"`
	// MappingSaved says the mapping is the one the unit used last time.
	MappingSaved bool `json:"mapping_saved"`
	Rows         int  `json:"rows"`
	Valid        int  `json:"valid"`
	Invalid      int  `json:"invalid"`
	Duplicates   int  `json:"duplicates"`
	// Sample is the first rows, judged; Problems every problem (bounded).
	Sample         []ImportRow     `json:"sample"`
	Problems       []ImportProblem `json:"problems"`
	ProblemsCapped bool            `json:"problems_capped"`
}

// ActivityImportResult is what a commit answers.
type ActivityImportResult struct {
	BatchID           int64 `json:"batch_id"`
	Imported          int   `json:"imported"`
	SkippedDuplicates int   `json:"skipped_duplicates"`
}

// PreviewActivityImport reads and judges a file without writing a record.
func (a *App) PreviewActivityImport(ctx context.Context, ac domain.Actor, r io.Reader, opt ActivityImportOptions) (ActivityImportPreview, error) {
	if err := ac.Require(domain.PermActivityWrite); err != nil {
		return ActivityImportPreview{}, err
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxActivityImportBytes+1))
	if err != nil {
		return ActivityImportPreview{}, domain.Invalid("file", "could not be read: %v", err)
	}
	if len(data) > MaxActivityImportBytes {
		return ActivityImportPreview{}, domain.TooLarge("file", "文件超过 %d MB，请拆分后再导入", MaxActivityImportBytes>>20)
	}
	j, err := a.judgeImport(ctx, ac, data, opt)
	if err != nil {
		return ActivityImportPreview{}, err
	}
	if a.blobs != nil {
		if _, err := a.blobs.Put(ctx, bytes.NewReader(data), MaxActivityImportBytes); err != nil {
			return ActivityImportPreview{}, err
		}
	}
	return j.preview, nil
}

// CommitActivityImport writes the rows of a previewed file in one
// transaction. skipDuplicates leaves rows judged duplicates out; without it a
// duplicate is a problem like any other. Any problem refuses the whole file.
func (a *App) CommitActivityImport(ctx context.Context, ac domain.Actor, sha string, opt ActivityImportOptions, skipDuplicates bool) (ActivityImportResult, error) {
	if err := ac.Require(domain.PermActivityWrite); err != nil {
		return ActivityImportResult{}, err
	}
	if err := ac.Require(domain.PermActivitySubmit); err != nil {
		return ActivityImportResult{}, err
	}
	// The unit first: a unit outside the actor's scope is not found, whatever
	// the rest of the request holds.
	if err := a.importUnitInScope(ctx, ac, opt.OrgID); err != nil {
		return ActivityImportResult{}, err
	}
	if a.blobs == nil {
		return ActivityImportResult{}, domain.Unavailable(errors.New("no file store"))
	}
	if !blob.ValidSHA(sha) {
		return ActivityImportResult{}, domain.Invalid("file_sha256", "is not a SHA-256 in hex")
	}
	rc, err := a.blobs.Open(ctx, sha)
	if err != nil {
		return ActivityImportResult{}, &domain.Error{Kind: domain.KindNotFound, Field: "file_sha256", Message: "the previewed file is not kept here: preview it again"}
	}
	data, err := io.ReadAll(io.LimitReader(rc, MaxActivityImportBytes+1))
	rc.Close()
	if err != nil {
		return ActivityImportResult{}, err
	}
	j, err := a.judgeImport(ctx, ac, data, opt)
	if err != nil {
		return ActivityImportResult{}, err
	}
	var rows []ImportRow
	skipped := 0
	for _, row := range j.rows {
		if row.Duplicate && skipDuplicates && len(row.Problems) == 0 {
			skipped++
			continue
		}
		if row.Duplicate && !skipDuplicates {
			return ActivityImportResult{}, domain.Invalid("rows", "第 %d 行与已有记录重复：选择跳过重复记录，或删去这一行后再导入", row.Line)
		}
		if len(row.Problems) > 0 {
			p := row.Problems[0]
			return ActivityImportResult{}, domain.Invalid("rows", "第 %d 行 %s：%s（共 %d 行有问题，请先预览并修正）", p.Row, p.Column, p.Message, j.preview.Invalid)
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return ActivityImportResult{Imported: 0, SkippedDuplicates: skipped}, nil
	}
	mapping, _ := json.Marshal(j.preview.Mapping)
	var res ActivityImportResult
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		// Periods closed and units deactivated since the judging refuse the
		// import here, in the transaction that writes.
		if err := a.recheckImport(ctx, tx, ac, rows); err != nil {
			return err
		}
		batch, err := tx.CreateImportBatch(ctx, store.ImportBatch{Kind: ImportKindActivities, OrgID: opt.OrgID,
			FileSHA256: sha, FileName: clipName(opt.FileName), Rows: len(rows), CreatedBy: ac.Name})
		if err != nil {
			return err
		}
		tx.BatchRollups()
		ids := make([]int64, 0, len(rows))
		for _, row := range rows {
			act, err := tx.CreateActivity(ctx, ac.Scope, row.Input, domain.StatusSubmitted, ac.Name)
			if err != nil {
				return fmt.Errorf("第 %d 行: %w", row.Line, err)
			}
			ids = append(ids, act.ID)
		}
		if err := tx.FlushRollups(ctx); err != nil {
			return err
		}
		if err := tx.MarkImported(ctx, batch, ids); err != nil {
			return err
		}
		if err := tx.SaveImportMapping(ctx, opt.OrgID, ImportKindActivities, string(mapping)); err != nil {
			return err
		}
		res = ActivityImportResult{BatchID: batch, Imported: len(ids), SkippedDuplicates: skipped}
		return a.record(ctx, tx, ac, AuditEntry{Type: "activity.import", Target: fmt.Sprintf("import_batch:%d", batch),
			After: map[string]any{"org_id": opt.OrgID, "file_sha256": sha, "rows": len(ids), "skipped_duplicates": skipped}})
	})
	return res, err
}

func clipName(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:200])
	}
	if domain.TextLine("file_name", s) != nil {
		return ""
	}
	return s
}

// recheckImport repeats, inside the write, the checks whose answer can
// change between judging and writing.
func (a *App) recheckImport(ctx context.Context, tx *store.Tx, ac domain.Actor, rows []ImportRow) error {
	dates := map[domain.Date]bool{}
	orgs := map[int64]bool{}
	for _, r := range rows {
		dates[r.Input.Date] = true
		orgs[r.Input.OrgID] = true
	}
	for d := range dates {
		if err := a.checkOpen(ctx, tx, d); err != nil {
			return err
		}
	}
	for id := range orgs {
		o, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, id)
		if err != nil {
			return fieldNotFound(err, "org_id")
		}
		if !o.Active {
			return domain.Invalid("org_id", "%s 已撤销，不能再导入记录", o.Name)
		}
	}
	return nil
}

// judged is a file read and judged.
type judged struct {
	preview ActivityImportPreview
	rows    []ImportRow
}

// judgeImport reads the file and judges every row, in one read transaction.
func (a *App) judgeImport(ctx context.Context, ac domain.Actor, data []byte, opt ActivityImportOptions) (judged, error) {
	if opt.Year != 0 && (opt.Year < 1950 || opt.Year > 2100) {
		return judged{}, domain.Invalid("year", "must be between 1950 and 2100")
	}
	if err := a.importUnitInScope(ctx, ac, opt.OrgID); err != nil {
		return judged{}, err
	}
	sh, err := tabular.Read(data, tabular.Limits{MaxBytes: MaxActivityImportBytes, MaxUnzipped: 512 << 20,
		MaxRows: MaxActivityImportRows, MaxCellRunes: domain.MaxDescLen + 100})
	if err != nil {
		return judged{}, importFileError(err)
	}
	var j judged
	err = a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		j, err = a.judgeSheet(ctx, tx, ac, sh, opt)
		return err
	})
	if err != nil {
		return judged{}, err
	}
	sum := sha256.Sum256(data)
	j.preview.FileSHA256 = hex.EncodeToString(sum[:])
	return j, nil
}

// importUnitInScope checks that the import's unit exists in the actor's
// write scope, before anything of the file is read.
func (a *App) importUnitInScope(ctx context.Context, ac domain.Actor, orgID int64) error {
	if orgID <= 0 {
		return domain.Invalid("org_id", "is required: the unit the records belong to")
	}
	return a.st.Read(ctx, func(tx *store.Tx) error {
		_, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, orgID)
		return fieldNotFound(err, "org_id")
	})
}

// importFileError turns a tabular refusal into the API's error.
func importFileError(err error) error {
	var te *tabular.Error
	if errors.As(err, &te) {
		if te.Row > 0 {
			return domain.Invalid(fmt.Sprintf("rows[%d]", te.Row), "%s", te.Error())
		}
		return domain.Invalid("file", "%s", te.Error())
	}
	return domain.Invalid("file", "%v", err)
}

// judgeSheet finds the header and mapping and judges every row.
func (a *App) judgeSheet(ctx context.Context, tx *store.Tx, ac domain.Actor, sh tabular.Sheet, opt ActivityImportOptions) (judged, error) {
	home, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, opt.OrgID)
	if err != nil {
		return judged{}, fieldNotFound(err, "org_id")
	}
	hi := findImportHeader(sh.Rows)
	if hi < 0 {
		return judged{}, domain.Invalid("file", "找不到表头：前 10 行里没有“日期”“活动类型”“标题”这样的列名；请把列名放在数据上方的一行")
	}
	header := sh.Rows[hi]
	if err := sh.MergedBelow(header.Line); err != nil {
		return judged{}, importFileError(err)
	}
	p := ActivityImportPreview{Format: sh.Format, Sheet: sh.Name, HeaderLine: header.Line, Fields: ActivityImportFields}
	for _, c := range header.Cells {
		p.Headers = append(p.Headers, tabular.Clean(c))
	}
	switch {
	case opt.Mapping != nil:
		p.Mapping = opt.Mapping
	default:
		if saved, ok, err := tx.ImportMapping(ctx, opt.OrgID, ImportKindActivities); err != nil {
			return judged{}, err
		} else if ok && json.Unmarshal([]byte(saved), &p.Mapping) == nil && mappingFits(p.Mapping, p.Headers) {
			p.MappingSaved = true
		} else {
			p.Mapping = suggestMapping(p.Headers)
		}
	}
	if err := checkMapping(p.Mapping, len(p.Headers)); err != nil {
		return judged{}, err
	}

	// Names: the units of the import's subtree in the actor's write scope,
	// and the active types.
	units, _, err := tx.ListOrgs(ctx, domain.Scope{Roots: ac.Scope.Roots}, store.OrgFilter{Under: opt.OrgID, Limit: 100_000})
	if err != nil {
		return judged{}, err
	}
	byID := map[int64]domain.OrgUnit{}
	var unitNames []tabular.Name
	for _, u := range units {
		byID[u.ID] = u
		unitNames = append(unitNames, tabular.Name{ID: u.ID, Name: u.Name, Code: u.Code, Aliases: u.Aliases})
	}
	types, err := tx.ListTypes(ctx, "", true)
	if err != nil {
		return judged{}, err
	}
	typeByID := map[int64]domain.ActivityType{}
	var typeNames []tabular.Name
	for _, t := range types {
		typeByID[t.ID] = t
		typeNames = append(typeNames, tabular.Name{ID: t.ID, Name: t.Name, Code: t.Code})
	}
	unitMatch, typeMatch := tabular.NewMatcher(unitNames), tabular.NewMatcher(typeNames)
	today := a.Today()
	closed := map[domain.Date]error{}
	label := func(field string) string {
		for _, f := range ActivityImportFields {
			if f.Key == field {
				if col, ok := p.Mapping[field]; ok && col >= 0 && col < len(p.Headers) && p.Headers[col] != "" {
					return p.Headers[col]
				}
				return f.Label
			}
		}
		return field
	}

	var rows []ImportRow
	for _, r := range sh.Rows[hi+1:] {
		cell := func(field string) string {
			col, ok := p.Mapping[field]
			if !ok || col < 0 {
				return ""
			}
			return tabular.Clean(r.Cell(col))
		}
		row := ImportRow{Line: r.Line}
		bad := func(field, format string, args ...any) {
			row.Problems = append(row.Problems, ImportProblem{Row: r.Line, Column: label(field), Field: field, Message: fmt.Sprintf(format, args...)})
		}
		in := domain.ActivityInput{OrgID: home.ID}
		if v := cell("org"); v != "" {
			id, ok, sug := unitMatch.Match(v)
			if ok {
				in.OrgID = id
			} else {
				bad("org", "“%s”不是%s的下属单位", clip(v), home.Name)
				row.Problems[len(row.Problems)-1].Suggestions = sug
			}
		}
		org, okOrg := byID[in.OrgID]
		if okOrg && !org.Active {
			bad("org", "%s 已撤销", org.Name)
			okOrg = false
		}
		row.OrgName = org.Name
		var typ domain.ActivityType
		if v := cell("type"); v == "" {
			bad("type", "活动类型为空")
		} else if id, ok, sug := typeMatch.Match(v); ok {
			typ = typeByID[id]
			in.TypeID, row.TypeName = id, typ.Name
		} else {
			bad("type", "“%s”不是在用的活动类型", clip(v))
			row.Problems[len(row.Problems)-1].Suggestions = sug
		}
		if d, err := tabular.ParseDate(cell("date"), opt.Year); err != nil {
			bad("date", "%s", err.Error())
		} else if d.After(today) {
			bad("date", "%s 在今天之后：只能记录已开展的活动", d)
		} else {
			in.Date = d
			cerr, seen := closed[d]
			if !seen {
				cerr = a.checkOpen(ctx, tx, d)
				closed[d] = cerr
			}
			if cerr != nil {
				bad("date", "%s", errMessage(cerr))
			}
		}
		// The title as typed (trimmed): NFKC would turn its full-width
		// punctuation (：，) into ASCII.
		in.Title = strings.TrimSpace(r.Cell(colOf(p.Mapping, "title")))
		if in.Title == "" {
			bad("title", "标题为空")
		} else if n := utf8.RuneCountInString(in.Title); n > domain.MaxTitleLen {
			bad("title", "标题 %d 字，超过 %d 字", n, domain.MaxTitleLen)
		}
		in.Description = strings.TrimSpace(r.Cell(colOf(p.Mapping, "description")))
		if n, err := tabular.ParseCount(cell("attendance")); err != nil {
			bad("attendance", "%s", err.Error())
		} else {
			in.Attendance = n
		}
		if v := cell("venues"); v != "" {
			for _, part := range strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune("、,，;；/ ", r) }) {
				tag, ok := venueTag(part)
				if !ok {
					bad("venues", "“%s”不是阵地（可写：机关、校园、课堂、社区、线上）", clip(part))
					continue
				}
				in.Venues = append(in.Venues, tag)
			}
		}
		if len(row.Problems) == 0 && okOrg && typ.ID != 0 {
			checked, err := checkActivity(in, org, typ, today)
			if err != nil {
				var de *domain.Error
				field := "rows"
				if errors.As(err, &de) {
					field = map[string]string{"org_id": "org", "type_id": "type"}[de.Field]
					if field == "" {
						field = de.Field
					}
				}
				bad(field, "%s", errMessage(err))
			} else {
				in = checked
			}
		}
		row.Input = in
		rows = append(rows, row)
	}

	// Duplicates: of existing records, and of an earlier row of the file.
	if err := markDuplicates(ctx, tx, rows); err != nil {
		return judged{}, err
	}
	p.Rows = len(rows)
	for _, row := range rows {
		switch {
		case len(row.Problems) > 0:
			p.Invalid++
			for _, pr := range row.Problems {
				if len(p.Problems) >= importMaxProblems {
					p.ProblemsCapped = true
					break
				}
				p.Problems = append(p.Problems, pr)
			}
		case row.Duplicate:
			p.Duplicates++
		default:
			p.Valid++
		}
		if len(p.Sample) < importSampleRows {
			p.Sample = append(p.Sample, row)
		}
	}
	if p.Sample == nil {
		p.Sample = []ImportRow{}
	}
	if p.Problems == nil {
		p.Problems = []ImportProblem{}
	}
	return judged{preview: p, rows: rows}, nil
}

func colOf(m ImportMapping, field string) int {
	if c, ok := m[field]; ok {
		return c
	}
	return -1
}

func clip(s string) string {
	r := []rune(s)
	if len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}

// venueTag reads a venue by its Chinese label (机关, 进校园 …) or its tag.
func venueTag(s string) (string, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "进")
	for tag, name := range domain.VenueNames {
		if s == name || strings.EqualFold(s, tag) {
			return tag, true
		}
	}
	return "", false
}

// markDuplicates flags rows that repeat an existing record or an earlier row.
func markDuplicates(ctx context.Context, tx *store.Tx, rows []ImportRow) error {
	var from, to domain.Date
	orgSet := map[int64]bool{}
	for _, r := range rows {
		if r.Input.Date.IsZero() {
			continue
		}
		if from.IsZero() || r.Input.Date.Before(from) {
			from = r.Input.Date
		}
		if to.IsZero() || r.Input.Date.After(to) {
			to = r.Input.Date
		}
		orgSet[r.Input.OrgID] = true
	}
	if from.IsZero() {
		return nil
	}
	orgs := make([]int64, 0, len(orgSet))
	for id := range orgSet {
		orgs = append(orgs, id)
	}
	sort.Slice(orgs, func(i, j int) bool { return orgs[i] < orgs[j] })
	existing, err := tx.ExistingRecords(ctx, orgs, from, to)
	if err != nil {
		return err
	}
	firstLine := map[store.ExistingKey]int{}
	for i := range rows {
		r := &rows[i]
		if r.Input.Date.IsZero() || r.Input.TypeID == 0 {
			continue
		}
		k := store.ExistingKey{OrgID: r.Input.OrgID, TypeID: r.Input.TypeID, Date: r.Input.Date.String(), Title: r.Input.Title}
		if id, ok := existing[k]; ok {
			r.Duplicate, r.DuplicateOf = true, id
		} else if line, ok := firstLine[k]; ok {
			r.Duplicate, r.DuplicateLine = true, line
		} else {
			firstLine[k] = r.Line
		}
	}
	return nil
}

// findImportHeader returns the index of the header row: the first of the top
// ten rows naming at least two fields.
func findImportHeader(rows []tabular.Row) int {
	for i := 0; i < len(rows) && i < 10; i++ {
		n := 0
		for _, c := range rows[i].Cells {
			if importFieldOf(c) != "" {
				n++
			}
		}
		if n >= 2 {
			return i
		}
	}
	return -1
}

// importFieldOf names the field a header cell stands for, or "".
func importFieldOf(header string) string {
	h := strings.NewReplacer(" ", "", "*", "", "（必填）", "", "(必填)", "", "：", "", ":", "").Replace(tabular.Clean(header))
	if h == "" {
		return ""
	}
	for _, f := range ActivityImportFields {
		if h == f.Label {
			return f.Key
		}
		for _, a := range f.aliases {
			if h == a {
				return f.Key
			}
		}
	}
	return ""
}

// suggestMapping maps each field to the first column whose header names it.
func suggestMapping(headers []string) ImportMapping {
	m := ImportMapping{}
	for i, h := range headers {
		if f := importFieldOf(h); f != "" {
			if _, taken := m[f]; !taken {
				m[f] = i
			}
		}
	}
	return m
}

// mappingFits reports whether a saved mapping still reads this file: every
// mapped column exists and still carries a header.
func mappingFits(m ImportMapping, headers []string) bool {
	if len(m) == 0 {
		return false
	}
	for _, col := range m {
		if col < 0 || col >= len(headers) || headers[col] == "" {
			return false
		}
	}
	return true
}

// checkMapping refuses a mapping that names unknown fields or columns, maps
// one column twice, or leaves a required field out.
func checkMapping(m ImportMapping, columns int) error {
	if len(m) > len(ActivityImportFields) {
		return domain.Invalid("mapping", "has %d fields; there are %d", len(m), len(ActivityImportFields))
	}
	used := map[int]string{}
	for field, col := range m {
		known := false
		for _, f := range ActivityImportFields {
			known = known || f.Key == field
		}
		if !known {
			return domain.Invalid("mapping."+clip(field), "is not a field of a record")
		}
		if col < 0 || col >= columns {
			return domain.Invalid("mapping."+field, "column %d is not in the file (it has %d)", col+1, columns)
		}
		if other, dup := used[col]; dup {
			return domain.Invalid("mapping."+field, "column %s is already mapped to %s", tabular.ColumnName(col), other)
		}
		used[col] = field
	}
	for _, f := range ActivityImportFields {
		if _, ok := m[f.Key]; f.Required && !ok {
			return domain.Invalid("mapping."+f.Key, "请为“%s”选择一列", f.Label)
		}
	}
	return nil
}

// errMessage is an error's message without its field (the problem already
// names the column).
func errMessage(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return err.Error()
}
