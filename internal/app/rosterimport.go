package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// Importing a team's members from an Excel workbook (.xlsx).
//
// The first sheet is read. Its header row (the first of the top five rows that
// has a 姓名 cell; a title row above it is fine) names the columns, in any
// order:
//
//	姓名      required
//	角色      required: 队长, 副队长, 成员 (or 队员), 联络员
//	单位编码  the member's unit by code, or
//	单位名称  by name; both empty: the team's own unit
//	职务      optional
//	手机号    optional: 138-1234-5678, 13812345678 or a landline 0915-1234567
//	加入日期  optional, default today: 2024-03-01, 2024/3/1, 2024年3月1日 or an Excel date
//
// Other columns (备注…) are ignored; empty rows are skipped. The import is all
// or nothing: any bad row refuses the whole file, and the error lists every
// problem found with its row number as Excel shows it and its column
// ("第 5 行 角色：未知角色“队员长”…"); the error's field names the first
// one in the API's words ("rows[5].role"). A person (name and unit) twice in
// the file, or already a current member of the team, is such a problem.

// Import limits.
const (
	MaxImportFileSize = 5 << 20
	MaxImportRows     = 2000
	// maxImportProblems bounds the problems listed in one error.
	maxImportProblems = 50
)

// Import column headers, as the template writes them.
const (
	colName     = "姓名"
	colRole     = "角色"
	colUnitCode = "单位编码"
	colUnitName = "单位名称"
	colTitle    = "职务"
	colPhone    = "手机号"
	colJoined   = "加入日期"
)

// ImportColumns is the template's header row, in order.
var ImportColumns = []string{colName, colRole, colUnitCode, colUnitName, colTitle, colPhone, colJoined}

// importFields are the API's names of the columns, for the error's field.
var importFields = map[string]string{
	colName: "name", colRole: "role", colUnitCode: "org_code", colUnitName: "org_name",
	colTitle: "title", colPhone: "phone", colJoined: "joined_on",
}

// headerAliases are other ways sheets write the column headers.
var headerAliases = map[string]string{
	"手机": colPhone, "电话": colPhone, "联系电话": colPhone, "手机号码": colPhone,
	"单位代码": colUnitCode, "单位": colUnitName, "所在单位": colUnitName, "工作单位": colUnitName,
	"职位": colTitle, "职称/职务": colTitle, "入队日期": colJoined, "加入时间": colJoined, "身份": colRole, "队内角色": colRole,
}

// ImportResult is the answer of a successful import.
type ImportResult struct {
	TeamID   int64 `json:"team_id"`
	Imported int   `json:"imported"`
	// Members is the team's member count today, after the import.
	Members int `json:"members"`
}

// importProblem is one bad cell.
type importProblem struct {
	row    int
	column string
	msg    string
}

type importProblems []importProblem

func (ps *importProblems) add(row int, column, format string, args ...any) {
	*ps = append(*ps, importProblem{row, column, fmt.Sprintf(format, args...)})
}

// err turns the problems into one invalid error: the field names the first,
// the message lists them all (one a line), bounded.
func (ps importProblems) err() error { return ps.errWith(importFields) }

// errWith is err with the API's names of the columns given (header → field).
func (ps importProblems) errWith(fields map[string]string) error {
	if len(ps) == 0 {
		return nil
	}
	lines := make([]string, 0, min(len(ps), maxImportProblems)+1)
	for i, p := range ps {
		if i == maxImportProblems {
			lines = append(lines, fmt.Sprintf("……另有 %d 处问题未列出", len(ps)-maxImportProblems))
			break
		}
		lines = append(lines, fmt.Sprintf("第 %d 行 %s：%s", p.row, p.column, p.msg))
	}
	return domain.Invalid(fmt.Sprintf("rows[%d].%s", ps[0].row, fields[ps[0].column]), "%s", strings.Join(lines, "\n"))
}

func normHeader(s string) string {
	s = strings.TrimSpace(s)
	for _, junk := range []string{"*", "＊", "（必填）", "(必填)", "（选填）", "(选填)", " ", "\u3000"} {
		s = strings.ReplaceAll(s, junk, "")
	}
	if c, ok := headerAliases[s]; ok {
		return c
	}
	return s
}

// ImportMembers adds the members listed in an .xlsx workbook to a team in
// the actor's write scope, all or none, in one transaction with one audit
// row. r is read up to MaxImportFileSize.
func (a *App) ImportMembers(ctx context.Context, ac domain.Actor, teamID int64, r io.Reader) (ImportResult, error) {
	if err := ac.Require(domain.PermRosterManage); err != nil {
		return ImportResult{}, err
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxImportFileSize+1))
	if err != nil {
		return ImportResult{}, err
	}
	if len(data) > MaxImportFileSize {
		return ImportResult{}, domain.TooLarge("file", "the workbook must be at most %d MB", MaxImportFileSize>>20)
	}
	// The team first: a team out of scope is not found, whatever the file.
	err = a.st.Read(ctx, func(tx *store.Tx) error {
		_, err := tx.WritableTeam(ctx, ac.Scope, teamID)
		return err
	})
	if err != nil {
		return ImportResult{}, err
	}
	rows, err := readSheetRows(data)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		team, err := tx.LockTeam(ctx, ac.Scope, teamID)
		if err != nil {
			return err
		}
		ins, err := a.parseMemberRows(ctx, tx, ac, team, rows)
		if err != nil {
			return err
		}
		created, err := tx.CreateMembers(ctx, ac.Scope, teamID, ins)
		if err != nil {
			return err
		}
		masked := make([]domain.Member, len(created))
		for i, m := range created {
			masked[i] = m.Masked()
		}
		if err := a.record(ctx, tx, ac, AuditEntry{Type: "member.import", Target: teamTarget(teamID), After: masked,
			Detail: fmt.Sprintf("imported %d members from an Excel workbook", len(created))}); err != nil {
			return err
		}
		after, err := tx.WritableTeam(ctx, ac.Scope, teamID)
		res = ImportResult{TeamID: teamID, Imported: len(created), Members: after.Members}
		return err
	})
	return res, err
}

// sheetRow is one row of the sheet with its number as Excel shows it.
type sheetRow struct {
	n     int
	cells []string
}

// readSheetRows opens the workbook and returns the first sheet's rows with
// raw cell values (dates as serial numbers, which parseImportDate reads).
func readSheetRows(data []byte) ([]sheetRow, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, domain.Invalid("file", "is not an Excel workbook (.xlsx) that can be read; save it as .xlsx and try again")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, domain.Invalid("file", "the workbook has no sheet")
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, domain.Invalid("file", "the first sheet cannot be read: %v", err)
	}
	defer it.Close()
	var out []sheetRow
	for n := 1; it.Next(); n++ {
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, domain.Invalid("file", "row %d cannot be read: %v", n, err)
		}
		out = append(out, sheetRow{n: n, cells: cells})
		if len(out) > MaxImportRows+10 {
			return nil, domain.Invalid("file", "has more than %d rows; split it into several files", MaxImportRows)
		}
	}
	return out, nil
}

// parseMemberRows reads the header and the data rows into member inputs,
// resolving units inside the team's subtree and the actor's write scope,
// and checking duplicates within the file and against the team.
func (a *App) parseMemberRows(ctx context.Context, tx *store.Tx, ac domain.Actor, team domain.Team, rows []sheetRow) ([]domain.MemberInput, error) {
	hdr := -1
	for i := 0; i < len(rows) && i < 5; i++ {
		for _, c := range rows[i].cells {
			if normHeader(c) == colName {
				hdr = i
				break
			}
		}
		if hdr >= 0 {
			break
		}
	}
	if hdr < 0 {
		return nil, domain.Invalid("file", "no header row with a %s column in the first five rows; download the template and keep its header row", colName)
	}
	col := map[string]int{}
	for j, c := range rows[hdr].cells {
		h := normHeader(c)
		if _, known := importFields[h]; known {
			if _, dup := col[h]; dup {
				return nil, domain.Invalid("file", "the header row has two %s columns", h)
			}
			col[h] = j
		}
	}
	if _, ok := col[colRole]; !ok {
		return nil, domain.Invalid("file", "the header row has no %s column; download the template and keep its header row", colRole)
	}
	cell := func(r sheetRow, name string) string {
		j, ok := col[name]
		if !ok || j >= len(r.cells) {
			return ""
		}
		return strings.TrimSpace(r.cells[j])
	}

	// The units a member may belong to: the team's subtree, in the write scope.
	units, _, err := tx.ListOrgs(ctx, domain.Scope{Roots: ac.Scope.Roots}, store.OrgFilter{Under: team.OrgID, Limit: 100000})
	if err != nil {
		return nil, err
	}
	byCode := map[string]domain.OrgUnit{}
	byName := map[string][]domain.OrgUnit{}
	for _, u := range units {
		byCode[u.Code] = u
		byName[u.Name] = append(byName[u.Name], u)
		for _, al := range u.Aliases {
			if al != u.Name {
				byName[al] = append(byName[al], u)
			}
		}
	}
	orgName := map[int64]string{}
	for _, u := range units {
		orgName[u.ID] = u.Name
	}
	current, err := tx.ListMembers(ctx, domain.Scope{Roots: ac.Scope.Roots}, team.ID, true, a.Today())
	if err != nil {
		return nil, err
	}
	existing := map[string]bool{}
	for _, m := range current {
		existing[fmt.Sprintf("%d|%s", m.OrgID, m.Name)] = true
	}

	var ps importProblems
	var out []domain.MemberInput
	seen := map[string]int{}
	data := 0
	for _, r := range rows[hdr+1:] {
		if isBlankRow(r.cells) {
			continue
		}
		data++
		if data > MaxImportRows {
			return nil, domain.Invalid("file", "has more than %d members; split it into several files", MaxImportRows)
		}
		bad := len(ps)
		in := domain.MemberInput{Name: cell(r, colName), Title: cell(r, colTitle)}
		if err := domain.ValidateName("name", in.Name, domain.MaxPersonNameLen); err != nil {
			ps.add(r.n, colName, "%s", personNameProblem(in.Name))
		}
		roleText := cell(r, colRole)
		if role, ok := domain.ParseMemberRole(roleText); ok {
			in.Role = role
		} else if roleText == "" {
			ps.add(r.n, colRole, "未填写（可填：队长、副队长、成员、联络员）")
		} else {
			ps.add(r.n, colRole, "未知角色“%s”（可填：队长、副队长、成员、联络员）", roleText)
		}
		code, name := cell(r, colUnitCode), cell(r, colUnitName)
		switch {
		case code != "":
			u, ok := byCode[code]
			switch {
			case !ok:
				ps.add(r.n, colUnitCode, "“%s”不是本队所属单位（%s）或其下级单位的编码", code, team.OrgName)
			case name != "" && name != u.Name && !contains(u.Aliases, name):
				ps.add(r.n, colUnitName, "“%s”与单位编码 %s（%s）不符", name, code, u.Name)
			default:
				in.OrgID = u.ID
			}
		case name != "":
			us := byName[name]
			switch len(us) {
			case 0:
				ps.add(r.n, colUnitName, "“%s”不是本队所属单位（%s）或其下级单位", name, team.OrgName)
			case 1:
				in.OrgID = us[0].ID
			default:
				ps.add(r.n, colUnitName, "有 %d 个单位叫“%s”，请改填单位编码", len(us), name)
			}
		default:
			in.OrgID = team.OrgID
		}
		if in.Title != "" {
			if err := domain.ValidateName("title", in.Title, domain.MaxPositionLen); err != nil {
				ps.add(r.n, colTitle, "不能超过 %d 个字", domain.MaxPositionLen)
			}
		}
		if p, err := domain.NormalizePhone("phone", cell(r, colPhone)); err != nil {
			ps.add(r.n, colPhone, "“%s”不是手机号或电话号码（如 138-1234-5678）", cell(r, colPhone))
		} else {
			in.Phone = p
		}
		if s := cell(r, colJoined); s != "" {
			d, ok := parseImportDate(s)
			switch {
			case !ok:
				ps.add(r.n, colJoined, "“%s”不是日期（如 2024-03-01）", s)
			case d.After(a.Today()):
				ps.add(r.n, colJoined, "%s 还没有到", d)
			default:
				in.JoinedOn = d
			}
		} else {
			in.JoinedOn = a.Today()
		}
		if len(ps) > bad || in.OrgID == 0 {
			continue
		}
		key := fmt.Sprintf("%d|%s", in.OrgID, in.Name)
		if first, dup := seen[key]; dup {
			ps.add(r.n, colName, "%s（%s）与第 %d 行重复", in.Name, orgName[in.OrgID], first)
			continue
		}
		seen[key] = r.n
		if existing[key] {
			ps.add(r.n, colName, "%s（%s）已是本队成员", in.Name, orgName[in.OrgID])
			continue
		}
		v, err := in.Validate()
		if err != nil {
			ps.add(r.n, colName, "%v", err)
			continue
		}
		out = append(out, v)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, domain.Invalid("file", "has no members below the header row")
	}
	return out, nil
}

func personNameProblem(s string) string {
	if s == "" {
		return "未填写"
	}
	return fmt.Sprintf("不能超过 %d 个字，且不能含控制字符", domain.MaxPersonNameLen)
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func isBlankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parseImportDate reads a date as people type it in a sheet, or as Excel
// stores a date cell (a serial number of days).
func parseImportDate(s string) (domain.Date, bool) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		// Serial dates of 1950–2100; anything else is not a date typed here.
		if f < 18264 || f > 73051 {
			return domain.Date{}, false
		}
		t, err := excelize.ExcelDateToTime(f, false)
		if err != nil {
			return domain.Date{}, false
		}
		return domain.DateOf(t), true
	}
	r := strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-")
	s = strings.TrimSuffix(r.Replace(s), "-")
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i] // a time of day after the date
	}
	t, err := time.Parse("2006-1-2", s)
	if err != nil || t.Year() < 1950 || t.Year() > 2100 {
		return domain.Date{}, false
	}
	return domain.DateOf(t), true
}

// WriteImportTemplate writes the .xlsx template of a member import: the
// header row and one example row on the first sheet, and the rules on a
// second sheet.
func WriteImportTemplate(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "成员名单"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	example := []any{"王晓明", "成员", "", "", "语文教师", "138-0000-0000", "2024-03-01"}
	for j, h := range ImportColumns {
		c, _ := excelize.CoordinatesToCellName(j+1, 1)
		if err := f.SetCellStr(sheet, c, h); err != nil {
			return err
		}
		c2, _ := excelize.CoordinatesToCellName(j+1, 2)
		if err := f.SetCellValue(sheet, c2, example[j]); err != nil {
			return err
		}
	}
	// Text cells: codes, phones and dates stay as typed (Excel would turn
	// 13800000000 into 1.38E+10 and a code 001 into 1).
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	if err := f.SetColStyle(sheet, "A:G", text); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "G1", bold); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "A", "G", 16); err != nil {
		return err
	}
	const help = "填写说明"
	if _, err := f.NewSheet(help); err != nil {
		return err
	}
	lines := []string{
		"第一个工作表的第一行是表头，请保留；第二行是示例，导入前请删除或改成真实成员。",
		"姓名：必填。",
		"角色：必填，填 队长、副队长、成员 或 联络员。",
		"单位编码 / 单位名称：成员所在单位，填其一即可，须是本队所属单位或其下级单位；都不填则为本队所属单位。",
		"职务：选填。",
		"手机号：选填，如 138-1234-5678；页面上会隐去中间几位。",
		"加入日期：选填，如 2024-03-01；不填为导入当天。",
		"请勿填写身份证号、政治面貌、宗教信仰等信息，系统不收集。",
		"任何一行有错，整个文件都不会导入；系统会列出每个错误所在的行和列，改正后重新导入即可。",
	}
	for i, l := range lines {
		if err := f.SetCellStr(help, fmt.Sprintf("A%d", i+1), l); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(help, "A", "A", 100); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// ImportTemplate writes the member import template for a roster.manage holder.
func (a *App) ImportTemplate(ac domain.Actor, w io.Writer) error {
	if err := ac.Require(domain.PermRosterManage); err != nil {
		return err
	}
	return WriteImportTemplate(w)
}
