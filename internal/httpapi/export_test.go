package httpapi

import (
	"bytes"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/export"
)

// exportSheet downloads an export and reads its rows back with excelize.
func (e *env) exportSheet(r *request) ([][]string, resp) {
	e.t.Helper()
	out := e.call(r, 200)
	if ct := out.header.Get("Content-Type"); ct != xlsxType {
		e.t.Fatalf("export Content-Type %q", ct)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out.body))
	if err != nil {
		e.t.Fatalf("the export is not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		e.t.Fatal(err)
	}
	rows = rows[export.HeaderRows:]
	if strings.Join(rows[0], ",") != strings.Join(app.ExportColumns, ",") {
		e.t.Fatalf("export header %v", rows[0])
	}
	return rows[1:], out
}

// listed pages through GET /api/v1/activities with a query string.
func (e *env) listed(query string, as *session) []domain.Activity {
	e.t.Helper()
	var all []domain.Activity
	for off := 0; ; {
		var p page[domain.Activity]
		e.call(req("GET", fmt.Sprintf("/api/v1/activities?%s&limit=4&offset=%d", query, off), nil).as(as), 200).decode(e.t, &p)
		all = append(all, p.Items...)
		off += len(p.Items)
		if off >= p.Total || len(p.Items) == 0 {
			return all
		}
	}
}

func TestExportEqualsList(t *testing.T) {
	e := newEnv(t)
	names := map[int64]string{e.bureau: "咸阳教育局", e.district: "第一学区", e.school: "实验小学", e.school2: "第二中学", e.branch: "实验小学党支部"}
	units := []int64{e.district, e.school, e.school2, e.branch}
	codes := []string{"outreach_lecture", "study_session", "moral_education", "central_group_study"}
	for i := 0; i < 24; i++ {
		a := e.activity(units[i%len(units)], codes[i%len(codes)], domain.NewDate(2025, 1, 1).AddDays(i*13).String(),
			fmt.Sprintf("活动 %02d", i), 5+i, i%3 > 0)
		if a.Status == domain.StatusSubmitted && i%3 == 2 {
			e.call(req("POST", activityPath(a.ID)+"/approve", nil), 200)
		}
	}
	school := e.newSession("xiaoxue", "实验小学李书记", e.school, domain.RoleSchoolAdmin)
	filters := []string{
		"",
		"period=2025",
		"period=" + url.QueryEscape("2025年秋季学期") + "&sort=attendance&order=asc",
		"org_id=" + strconv.FormatInt(e.school, 10) + "&status=submitted&status=approved",
		"pillar=theory&from=2025-02-01&to=2025-08-31",
		"q=" + url.QueryEscape("活动 1"),
	}
	for _, as := range []*session{e.office, school} {
		for _, fq := range filters {
			rows, out := e.exportSheet(req("GET", "/api/v1/activities/export?"+fq, nil).as(as))
			want := e.listed(fq, as)
			if len(want) == 0 && as == e.office {
				t.Fatalf("%q lists nothing: the fixture does not exercise it", fq)
			}
			if len(rows) != len(want) {
				t.Fatalf("%s, %q: export has %d rows, the list %d", as.username, fq, len(rows), len(want))
			}
			for i, a := range want {
				r := rows[i]
				if r[0] != a.Date.String() || r[1] != names[a.OrgID] || r[5] != a.Title || r[6] != strconv.Itoa(a.Attendance) ||
					r[10] != strconv.FormatInt(a.ID, 10) {
					t.Fatalf("%q row %d: %v is not activity %+v", fq, i, r, a)
				}
				if as == school && a.OrgID != e.school && a.OrgID != e.branch {
					t.Fatalf("the school admin's export holds a row of unit %d", a.OrgID)
				}
			}
			cd := out.header.Get("Content-Disposition")
			if !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''"+rfc5987("工作台账-")) {
				t.Fatalf("Content-Disposition %q", cd)
			}
		}
	}
	// The filename names the period, RFC 5987-encoded.
	_, out := e.exportSheet(req("GET", "/api/v1/activities/export?period=2025Q3", nil))
	if want := "filename*=UTF-8''" + rfc5987("工作台账-2025Q3.xlsx"); !strings.Contains(out.header.Get("Content-Disposition"), want) {
		t.Fatalf("Content-Disposition %q lacks %q", out.header.Get("Content-Disposition"), want)
	}
}

func TestExportRefused(t *testing.T) {
	e := newEnv(t)
	e.activity(e.school, "outreach_lecture", "2025-03-01", "宣讲", 30, true)
	e.activity(e.school2, "outreach_lecture", "2025-03-02", "宣讲二中", 40, true)

	// A school admin names another school: 404, as the list answers.
	other := e.newSession("erzhong", "第二中学王书记", e.school2, domain.RoleSchoolAdmin)
	r := e.call(req("GET", "/api/v1/activities/export?org_id="+strconv.FormatInt(e.school, 10), nil).as(other), 404)
	if d := r.errorOf(t); d.Field != "org_id" {
		t.Fatalf("want the error on org_id, got %+v", d)
	}
	rows, _ := e.exportSheet(req("GET", "/api/v1/activities/export", nil).as(other))
	if len(rows) != 1 || rows[0][5] != "宣讲二中" {
		t.Fatalf("second school's export: %v", rows)
	}
	// A foreign county's office sees nothing of this one.
	foreign := newBareEnvSibling(e)
	rows, _ = e.exportSheet(req("GET", "/api/v1/activities/export", nil).as(foreign))
	if len(rows) != 0 {
		t.Fatalf("a foreign county's office exported %d rows of this county", len(rows))
	}
	// A member reads the ledger but may not export it.
	member := e.newSession("jiaoshi", "教师", e.school, domain.RoleMember)
	e.call(req("GET", "/api/v1/activities/export", nil).as(member), 403)
	// Bad filters name their parameter; paging is not an export's.
	for q, field := range map[string]string{
		"status=finished":             "status",
		"period=2025&from=2025-01-01": "period",
		"period=someday":              "period",
		"limit=10":                    "limit",
	} {
		d := e.call(req("GET", "/api/v1/activities/export?"+q, nil), 400).errorOf(t)
		if d.Field != field {
			t.Fatalf("%s: want the error on %s, got %+v", q, field, d)
		}
	}
}

// newBareEnvSibling adds a second county (a root bureau of its own) to e's
// database and logs its office admin in.
func newBareEnvSibling(e *env) *session {
	e.t.Helper()
	op := domain.Actor{Name: "test", Operator: true}
	o, err := e.app.CreateOrg(e.t.Context(), op, app.OrgInput{Kind: domain.OrgBureau, Code: "other-county", Name: "邻县教育局"})
	if err != nil {
		e.t.Fatal(err)
	}
	return e.newSession("linxian", "邻县办公室", o.ID, domain.RoleOfficeAdmin)
}
