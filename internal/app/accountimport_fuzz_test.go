package app

import (
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
)

// FuzzParseAccountRows: any sheet either is refused as a whole with an
// invalid error on "file", or is read into rows and problems such that every
// data row is either an account to create or has a problem naming its row
// and one of the template's columns — never both, never neither — and every
// account to create has a valid username, a name and a known unit.
func FuzzParseAccountRows(f *testing.F) {
	f.Add("用户名|姓名|单位编码|单位名称|手机号\nwangxm|王晓明|S1||138-0000-0000")
	f.Add("账号|姓名|单位名称\nli|李|学校\nli|李|学校")
	f.Add("标题\n用户名|姓名|单位编码\nABC|\t|S9\n\n|||\nzhang.san|张三|S1|其他|12")
	f.Add("用户名|用户名\na|b")
	f.Add("姓名\nx")
	units := []domain.OrgUnit{
		{ID: 1, Code: "S1", Name: "学校"},
		{ID: 2, Code: "S2", Name: "学校", Aliases: []string{"二校"}},
		{ID: 3, Code: "S3", Name: "三校"},
	}
	taken := func(u string) bool { return u == "admin" || u == "taken" }
	f.Fuzz(func(t *testing.T, sheet string) {
		var rows []sheetRow
		for i, line := range strings.Split(sheet, "\n") {
			rows = append(rows, sheetRow{n: i + 1, cells: strings.Split(line, "|")})
		}
		out, err := parseAccountRows(rows, units, taken)
		if err != nil {
			if e, ok := err.(*domain.Error); !ok || e.Kind != domain.KindInvalid || e.Field != "file" {
				t.Fatalf("a refused file: want invalid on file, got %#v", err)
			}
			return
		}
		rowsBad := map[int]bool{}
		for _, p := range out.Problems {
			if _, ok := accountImportFields[p.Column]; !ok || p.Message == "" || p.Row < 2 || p.Row > len(rows) {
				t.Fatalf("problem %+v names no column or row of the sheet", p)
			}
			rowsBad[p.Row] = true
		}
		seen := map[string]bool{}
		for _, r := range out.Rows {
			if rowsBad[r.Row] {
				t.Fatalf("row %d is both created and refused", r.Row)
			}
			if validUsername(r.Username) != nil || r.Name == "" || r.OrgID == 0 || r.OrgName == "" || seen[r.Username] || taken(r.Username) {
				t.Fatalf("row %+v should not be created", r)
			}
			seen[r.Username] = true
		}
		if len(out.Rows)+len(rowsBad) == 0 {
			t.Fatalf("a sheet read without error lists neither rows nor problems")
		}
		if err := problemsErr(out.Problems); (err == nil) != (len(out.Problems) == 0) {
			t.Fatalf("problems %v but refusal %v", out.Problems, err)
		}
	})
}
