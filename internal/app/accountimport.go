package app

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/auth"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// Importing accounts from an Excel workbook (.xlsx), in two steps: a preview
// (every row read and checked, nothing written, every problem listed with
// its row as Excel shows it and its column), then the import itself, all or
// nothing in one transaction, answering each new account's one-time
// password once. The workbook is read as a member import reads it
// (readSheetRows, normHeader); its header row names the columns in any order:
//
//	用户名    required: the login name (lower-case letters, digits, . _ -)
//	姓名      required
//	单位编码  the account's unit by code, or
//	单位名称  by name; one of the two is required
//	手机号    optional
//
// Imported accounts hold no role: roles are the security administrator's to
// give (as for an account created one by one).

// MaxAccountImportRows bounds one import: each account's password is hashed
// on purpose slowly.
const MaxAccountImportRows = 500

// Account import column headers, as the template writes them.
const colUsername = "用户名"

// AccountImportColumns is the template's header row, in order.
var AccountImportColumns = []string{colUsername, colName, colUnitCode, colUnitName, colPhone}

// accountImportFields are the API's names of the columns, for errors.
var accountImportFields = map[string]string{
	colUsername: "username", colName: "name", colUnitCode: "org_code", colUnitName: "org_name", colPhone: "phone",
}

var accountHeaderAliases = map[string]string{"账号": colUsername, "登录名": colUsername, "帐号": colUsername, "用户账号": colUsername}

// ImportProblem is one bad cell of an import: the row as Excel numbers it,
// the column by its header, and what is wrong, in the words of the sheet;
// for a ledger import also the field and close names for a near miss.
type ImportProblem struct {
	Row         int      `json:"row"`
	Column      string   `json:"column"`
	Field       string   `json:"field,omitempty"`
	Message     string   `json:"message"`
	Suggestions []string `json:"suggestions,omitempty"`
}

// AccountImportRow is one account an import would create.
type AccountImportRow struct {
	Row      int    `json:"row"`
	Username string `json:"username"`
	Name     string `json:"name"`
	OrgID    int64  `json:"org_id"`
	OrgName  string `json:"org_name"`
	// Phone is masked.
	Phone string `json:"phone,omitempty"`
	phone string
}

// AccountImportPreview is what an import would do: the rows it would create
// and, if any, the problems that refuse it.
type AccountImportPreview struct {
	Rows     []AccountImportRow `json:"rows"`
	Problems []ImportProblem    `json:"problems"`
}

// AccountImportResult is a done import: each account with its one-time
// password, shown once.
type AccountImportResult struct {
	Created []CreatedAccount `json:"created"`
}

// PreviewAccountImport reads the workbook and checks every row against the
// units of the actor's write subtrees and the usernames taken; it writes
// nothing.
func (a *App) PreviewAccountImport(ctx context.Context, ac domain.Actor, r io.Reader) (AccountImportPreview, error) {
	if err := ac.Require(domain.PermAccountManage); err != nil {
		return AccountImportPreview{}, err
	}
	rows, err := readWorkbook(r)
	if err != nil {
		return AccountImportPreview{}, err
	}
	var out AccountImportPreview
	err = a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = a.checkAccountRows(ctx, tx, ac, rows)
		return err
	})
	return out, err
}

// ImportAccounts creates every account of the workbook, or none: a problem
// in any row refuses the file (an invalid error listing them all, like a
// member import). Each account gets a one-time password and an audit row.
func (a *App) ImportAccounts(ctx context.Context, ac domain.Actor, r io.Reader) (AccountImportResult, error) {
	if err := ac.Require(domain.PermAccountManage); err != nil {
		return AccountImportResult{}, err
	}
	rows, err := readWorkbook(r)
	if err != nil {
		return AccountImportResult{}, err
	}
	// Check first, outside the write: the passwords are hashed only for a
	// file that can be imported, and not while holding the write lock.
	var pre AccountImportPreview
	if err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		pre, err = a.checkAccountRows(ctx, tx, ac, rows)
		return err
	}); err != nil {
		return AccountImportResult{}, err
	}
	if err := problemsErr(pre.Problems); err != nil {
		return AccountImportResult{}, err
	}
	pws := make([]string, len(pre.Rows))
	hashes := make([]string, len(pre.Rows))
	for i := range pre.Rows {
		pws[i] = NewOneTimePassword()
		if hashes[i], err = auth.HashPassword(pws[i], a.hashParams); err != nil {
			return AccountImportResult{}, err
		}
	}
	var res AccountImportResult
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		// Again inside the write: a username taken or a unit moved since.
		now, err := a.checkAccountRows(ctx, tx, ac, rows)
		if err != nil {
			return err
		}
		if err := problemsErr(now.Problems); err != nil {
			return err
		}
		if len(now.Rows) != len(pre.Rows) {
			return domain.Conflict("file", "the accounts changed while the file was checked; import it again")
		}
		res.Created = make([]CreatedAccount, 0, len(now.Rows))
		for i, row := range now.Rows {
			acct, err := tx.CreateAccount(ctx, store.NewAccount{Username: row.Username, Name: row.Name, OrgID: row.OrgID, Phone: row.phone, PasswordHash: hashes[i]})
			if err != nil {
				return err
			}
			res.Created = append(res.Created, CreatedAccount{Account: maskAccount(acct), InitialPassword: pws[i]})
			if err := a.record(ctx, tx, ac, AuditEntry{Type: "account.create", Target: fmt.Sprintf("account:%d", acct.ID), After: maskAccount(acct),
				Detail: fmt.Sprintf("imported from an Excel workbook, row %d", row.Row)}); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// readWorkbook reads an uploaded workbook, bounded, into its first sheet's rows.
func readWorkbook(r io.Reader) ([]sheetRow, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxImportFileSize {
		return nil, domain.TooLarge("file", "the workbook must be at most %d MB", MaxImportFileSize>>20)
	}
	return readSheetRows(data)
}

// problemsErr is the refusal of a file with problems: an invalid error whose
// field names the first (rows[5].username) and whose message lists them all.
func problemsErr(ps []ImportProblem) error {
	var ip importProblems
	for _, p := range ps {
		ip = append(ip, importProblem{row: p.Row, column: p.Column, msg: p.Message})
	}
	return ip.errWith(accountImportFields)
}

// checkAccountRows loads what the rows are checked against (the units of
// the actor's write subtrees, the usernames taken) and checks them.
func (a *App) checkAccountRows(ctx context.Context, tx *store.Tx, ac domain.Actor, rows []sheetRow) (AccountImportPreview, error) {
	units, _, err := tx.ListOrgs(ctx, domain.Scope{Roots: ac.Scope.Roots}, store.OrgFilter{Limit: 100000})
	if err != nil {
		return AccountImportPreview{}, err
	}
	var lookupErr error
	taken := func(username string) bool {
		_, err := tx.CredentialsByUsername(ctx, username)
		if err != nil && !domain.IsKind(err, domain.KindNotFound) && lookupErr == nil {
			lookupErr = err
		}
		return err == nil
	}
	out, err := parseAccountRows(rows, units, taken)
	if lookupErr != nil {
		return AccountImportPreview{}, lookupErr
	}
	return out, err
}

// parseAccountRows reads the header and data rows. units are the units the
// accounts may belong to; taken reports a username already in use. A
// problem of the file as a whole (no header, too many rows) is an error; a
// problem of a row is listed in the preview.
func parseAccountRows(rows []sheetRow, units []domain.OrgUnit, taken func(string) bool) (AccountImportPreview, error) {
	out := AccountImportPreview{Rows: []AccountImportRow{}, Problems: []ImportProblem{}}
	norm := func(s string) string {
		h := normHeader(s)
		if c, ok := accountHeaderAliases[h]; ok {
			return c
		}
		return h
	}
	hdr := -1
	for i := 0; i < len(rows) && i < 5 && hdr < 0; i++ {
		for _, c := range rows[i].cells {
			if norm(c) == colUsername {
				hdr = i
				break
			}
		}
	}
	if hdr < 0 {
		return out, domain.Invalid("file", "no header row with a %s column in the first five rows; download the template and keep its header row", colUsername)
	}
	col := map[string]int{}
	for j, c := range rows[hdr].cells {
		h := norm(c)
		if _, known := accountImportFields[h]; known {
			if _, dup := col[h]; dup {
				return out, domain.Invalid("file", "the header row has two %s columns", h)
			}
			col[h] = j
		}
	}
	if _, ok := col[colName]; !ok {
		return out, domain.Invalid("file", "the header row has no %s column; download the template and keep its header row", colName)
	}
	cell := func(r sheetRow, name string) string {
		j, ok := col[name]
		if !ok || j >= len(r.cells) {
			return ""
		}
		return strings.TrimSpace(r.cells[j])
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
	add := func(row int, column, format string, args ...any) {
		out.Problems = append(out.Problems, ImportProblem{Row: row, Column: column, Message: fmt.Sprintf(format, args...)})
	}
	seen := map[string]int{}
	data := 0
	for _, r := range rows[hdr+1:] {
		if isBlankRow(r.cells) {
			continue
		}
		data++
		if data > MaxAccountImportRows {
			return out, domain.Invalid("file", "has more than %d accounts; split it into several files", MaxAccountImportRows)
		}
		bad := len(out.Problems)
		row := AccountImportRow{Row: r.n, Username: strings.ToLower(cell(r, colUsername)), Name: cell(r, colName)}
		switch {
		case row.Username == "":
			add(r.n, colUsername, "未填写")
		case validUsername(row.Username) != nil:
			add(r.n, colUsername, "“%s”不可用：须为 3 到 64 个小写字母、数字或 . _ -", row.Username)
		case seen[row.Username] > 0:
			add(r.n, colUsername, "“%s”与第 %d 行重复", row.Username, seen[row.Username])
		case taken(row.Username):
			add(r.n, colUsername, "“%s”已有人使用，请换一个", row.Username)
		}
		if row.Username != "" && seen[row.Username] == 0 {
			seen[row.Username] = r.n
		}
		if err := domain.ValidateName("name", row.Name, 50); err != nil {
			if row.Name == "" {
				add(r.n, colName, "未填写")
			} else {
				add(r.n, colName, "不能超过 50 个字，且不能含控制字符")
			}
		}
		code, name := cell(r, colUnitCode), cell(r, colUnitName)
		switch {
		case code != "":
			u, ok := byCode[code]
			switch {
			case !ok:
				add(r.n, colUnitCode, "“%s”不是您所管单位或其下级单位的编码", code)
			case name != "" && name != u.Name && !contains(u.Aliases, name):
				add(r.n, colUnitName, "“%s”与单位编码 %s（%s）不符", name, code, u.Name)
			default:
				row.OrgID, row.OrgName = u.ID, u.Name
			}
		case name != "":
			us := byName[name]
			switch len(us) {
			case 0:
				add(r.n, colUnitName, "“%s”不是您所管单位或其下级单位", name)
			case 1:
				row.OrgID, row.OrgName = us[0].ID, us[0].Name
			default:
				add(r.n, colUnitName, "有 %d 个单位叫“%s”，请改填单位编码", len(us), name)
			}
		default:
			add(r.n, colUnitName, "未填写（单位编码和单位名称填其一）")
		}
		if p, err := domain.NormalizePhone("phone", cell(r, colPhone)); err != nil {
			add(r.n, colPhone, "“%s”不是手机号或电话号码（如 138-1234-5678）", cell(r, colPhone))
		} else {
			row.phone, row.Phone = p, domain.MaskPhone(p)
		}
		if len(out.Problems) == bad {
			out.Rows = append(out.Rows, row)
		}
	}
	if data == 0 {
		return out, domain.Invalid("file", "has no accounts below the header row")
	}
	return out, nil
}

// WriteAccountImportTemplate writes the .xlsx template of an account import:
// the header row and one example row, and the rules on a second sheet.
func WriteAccountImportTemplate(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "账号名单"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	example := []string{"wangxm", "王晓明", "", "城关第一小学", "138-0000-0000"}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	if err := f.SetColStyle(sheet, "A:E", text); err != nil {
		return err
	}
	for j, h := range AccountImportColumns {
		c, _ := excelize.CoordinatesToCellName(j+1, 1)
		if err := f.SetCellStr(sheet, c, h); err != nil {
			return err
		}
		c2, _ := excelize.CoordinatesToCellName(j+1, 2)
		if err := f.SetCellStr(sheet, c2, example[j]); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "E1", bold); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "A", "E", 18); err != nil {
		return err
	}
	const help = "填写说明"
	if _, err := f.NewSheet(help); err != nil {
		return err
	}
	lines := []string{
		"第一个工作表的第一行是表头，请保留；第二行是示例，导入前请删除或改成真实账号。",
		"用户名：必填，登录时使用，3 到 64 个小写字母、数字或 . _ -，不能与已有账号重复。",
		"姓名：必填。",
		"单位编码 / 单位名称：账号所在单位，填其一即可，须是您所管单位或其下级单位。",
		"手机号：选填，如 138-1234-5678；页面上会隐去中间几位。",
		"导入的账号没有角色，请安全管理员随后分配角色。",
		"上传后先预览：每个错误都会列出所在的行和列；改正后重新上传。确认导入时全部账号一次建好，任何一行有错都不会导入。",
		"导入成功后页面会显示每个账号的初始密码，只显示这一次，请当场转交本人；首次登录须修改密码。",
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

// AccountImportTemplate writes the account import template for an account.manage holder.
func (a *App) AccountImportTemplate(ac domain.Actor, w io.Writer) error {
	if err := ac.Require(domain.PermAccountManage); err != nil {
		return err
	}
	return WriteAccountImportTemplate(w)
}
