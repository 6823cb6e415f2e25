package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/export"
	"github.com/zeren-edu/zeren/internal/officecheck"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// exportRows runs an export and reads the workbook back with excelize,
// header included.
func exportRows(t *testing.T, a *app.App, ac domain.Actor, q app.ActivityQuery) (*app.LedgerExport, [][]string, []byte) {
	t.Helper()
	return exportRowsPaged(t, a, ac, q, 0)
}

// exportRowsPaged is exportRows reading pageSize rows at a time (0: the
// export's own page size).
func exportRowsPaged(t *testing.T, a *app.App, ac domain.Actor, q app.ActivityQuery, pageSize int) (*app.LedgerExport, [][]string, []byte) {
	t.Helper()
	var x *app.LedgerExport
	var err error
	if pageSize > 0 {
		x, err = a.ExportInPages(context.Background(), ac, q, pageSize)
	} else {
		x, err = a.ExportActivities(context.Background(), ac, q)
	}
	if err != nil {
		t.Fatalf("export %+v: %v", q, err)
	}
	defer x.Close()
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("the export is not a workbook excelize opens: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 1 || sheets[0] != "工作台账" {
		t.Fatalf("sheets %v, want one named 工作台账", sheets)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	// The header block says what the file holds; the list follows.
	if len(rows) < export.HeaderRows+1 || rows[0][0] != "工作台账" || !strings.HasPrefix(rows[1][0], "筛选条件：") ||
		!strings.HasPrefix(rows[2][0], "导出时间：") {
		t.Fatalf("the header block %v", rows[:min(len(rows), export.HeaderRows)])
	}
	rows = rows[export.HeaderRows:]
	if len(rows)-1 != x.Rows {
		t.Fatalf("the export says %d rows, the sheet has %d", x.Rows, len(rows)-1)
	}
	return x, rows, buf.Bytes()
}

// listAll pages through ListActivities: what the ledger shows for q.
func listAll(t *testing.T, a *app.App, ac domain.Actor, q app.ActivityQuery) []domain.Activity {
	t.Helper()
	var out []domain.Activity
	q.Limit = 7 // small pages, so paging itself is exercised
	for {
		page, total, err := a.ListActivities(context.Background(), ac, q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(out) >= total || len(page) == 0 {
			return out
		}
		q.Offset += len(page)
	}
}

// wantRow is the row the export must hold for an activity.
func (f *fixture) wantRow(t *testing.T, act domain.Activity) []string {
	t.Helper()
	var org domain.OrgUnit
	for _, o := range append(append(append([]domain.OrgUnit{f.bureau, f.office}, f.districts...), f.schools...), f.branches...) {
		if o.ID == act.OrgID {
			org = o
		}
	}
	var typ domain.ActivityType
	for _, ty := range f.types {
		if ty.ID == act.TypeID {
			typ = ty
		}
	}
	p, _ := domain.PillarByCode(typ.Pillar)
	var venues []string
	for _, v := range act.Venues {
		venues = append(venues, domain.VenueNames[v])
	}
	status := map[domain.Status]string{domain.StatusDraft: "草稿", domain.StatusSubmitted: "待审核",
		domain.StatusApproved: "已通过", domain.StatusReturned: "已退回"}[act.Status]
	row := []string{act.Date.String(), org.Name, org.Code, typ.Name, p.Name, act.Title, strconv.Itoa(act.Attendance),
		strings.Join(venues, "、"), status, strconv.Itoa(len(act.Evidence)), strconv.FormatInt(act.ID, 10)}
	return row
}

// ledgerFixture records activities over two districts: several types,
// statuses, dates and one with evidence.
func ledgerFixture(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	dates := []string{"2025-01-15", "2025-03-02", "2025-06-30", "2025-09-10", "2025-12-31", "2026-02-20"}
	n := 0
	for i, s := range f.schools {
		for j, d := range dates {
			in := f.lecture(s.ID, d, 10*(i+1)+j)
			in.Title = fmt.Sprintf("宣讲进课堂 %d-%d", i, j)
			if j%3 == 1 {
				in = domain.ActivityInput{OrgID: f.branches[i].ID, TypeID: f.types["central_group_study"].ID, Date: date(d),
					Title: fmt.Sprintf("中心组学习 %d-%d", i, j), Attendance: 12}
			}
			act, err := f.app.CreateActivity(ctx, f.op, in, j%2 == 0)
			if err != nil {
				t.Fatal(err)
			}
			if j == 2 {
				if _, err := f.app.Transition(ctx, f.op, act.ID, domain.ActApprove, ""); err != nil {
					t.Fatal(err)
				}
			}
			if j == 4 {
				if _, err := f.app.Transition(ctx, f.op, act.ID, domain.ActReturn, "缺少照片"); err != nil {
					t.Fatal(err)
				}
			}
			n++
		}
	}
	photo := png1(color.RGBA{R: 200, G: 30, B: 30, A: 255})
	first, _, err := f.app.ListActivities(ctx, f.op, app.ActivityQuery{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.AttachEvidence(ctx, f.op, first[0].ID, "现场照片.png", bytes.NewReader(photo)); err != nil {
		t.Fatal(err)
	}
}

func TestExportHoldsTheListedRows(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ledgerFixture(t, f)
			yes := true
			queries := []app.ActivityQuery{
				{},
				{Period: "2025"},
				{Period: "2025年秋季学期", OrgID: f.districts[0].ID},
				{Pillar: domain.PillarTheory, Statuses: []domain.Status{domain.StatusSubmitted, domain.StatusApproved}},
				{From: date("2025-03-01"), To: date("2025-12-31"), Sort: "attendance", Asc: true},
				{HasEvidence: &yes},
				{Query: "中心组"},
				{TypeIDs: []int64{f.types["outreach_lecture"].ID}, Sort: "title"},
			}
			for i, q := range queries {
				// Pages of 1, 5 and the default: the paging loses and repeats no row.
				_, rows, _ := exportRowsPaged(t, f.app, f.op, q, []int{1, 5, 0}[i%3])
				if strings.Join(rows[0], "|") != strings.Join(app.ExportColumns, "|") {
					t.Fatalf("header %v", rows[0])
				}
				want := listAll(t, f.app, f.op, q)
				if len(want) == 0 {
					t.Fatalf("query %+v lists nothing: the fixture does not exercise it", q)
				}
				if len(rows)-1 != len(want) {
					t.Fatalf("query %+v: export has %d rows, the list %d", q, len(rows)-1, len(want))
				}
				for i, act := range want {
					if got, w := strings.Join(rows[i+1], "|"), strings.Join(f.wantRow(t, act), "|"); got != w {
						t.Fatalf("query %+v row %d:\n got %s\nwant %s", q, i+1, got, w)
					}
				}
			}
		})
	}
}

func TestExportStaysInScope(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ledgerFixture(t, f)
			ctx := context.Background()
			school := f.schools[0]
			admin := actorOf(school)
			_, rows, _ := exportRows(t, f.app, admin, app.ActivityQuery{})
			if len(rows) < 2 {
				t.Fatalf("the school admin exports nothing of their own school")
			}
			own := map[string]bool{school.Code: true, f.branches[0].Code: true}
			for _, r := range rows[1:] {
				if !own[r[2]] {
					t.Fatalf("a school admin of %s exported a row of %s: %v", school.Code, r[2], r)
				}
			}
			// Another school of the same district is out of scope: not found,
			// as for the list, and nothing written.
			_, err := f.app.ExportActivities(ctx, admin, app.ActivityQuery{OrgID: f.schools[1].ID})
			wantKind(t, err, domain.KindNotFound, "org_id")
			// A foreign district's admin sees none of district 1's rows.
			_, rows, _ = exportRows(t, f.app, actorWithRole(f.districts[1], domain.RoleDistrictAdmin), app.ActivityQuery{})
			for _, r := range rows[1:] {
				if strings.HasPrefix(r[2], f.districts[0].Code) {
					t.Fatalf("district %s's admin exported %v", f.districts[1].Code, r)
				}
			}
			// An empty scope exports a header and nothing else.
			empty := actorOf(school)
			empty.Scope = domain.Scope{}
			_, rows, _ = exportRows(t, f.app, empty, app.ActivityQuery{})
			if len(rows) != 1 {
				t.Fatalf("an empty scope exported %d rows", len(rows)-1)
			}
			// Export needs its own permission: a member reads the ledger but
			// does not export it.
			_, err = f.app.ExportActivities(ctx, actorWithRole(school, domain.RoleMember), app.ActivityQuery{})
			if !domain.IsKind(err, domain.KindForbidden) {
				t.Fatalf("a member's export: want forbidden, got %v", err)
			}
		})
	}
}

func TestExportRefusesMoreThanItsLimit(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ledgerFixture(t, f)
			blobs, err := blob.NewFS(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			small := app.New(f.st, blobs, app.Config{MaxExportRows: 5}, storetest.Clock(today))
			ctx := context.Background()
			_, err = small.ExportActivities(ctx, f.op, app.ActivityQuery{})
			wantKind(t, err, domain.KindTooLarge, "limit")
			if !strings.Contains(err.Error(), "at most 5") {
				t.Fatalf("the error does not name the limit: %v", err)
			}
			// At the limit exactly, the export is whole.
			q := app.ActivityQuery{OrgID: f.schools[0].ID, Statuses: []domain.Status{domain.StatusSubmitted, domain.StatusApproved, domain.StatusReturned}}
			want := listAll(t, small, f.op, q)
			if len(want) > 5 {
				t.Fatalf("fixture: %d rows", len(want))
			}
			x, rows, _ := exportRows(t, small, f.op, q)
			if x.Rows != len(want) || len(rows) != len(want)+1 {
				t.Fatalf("export of %d rows holds %d", len(want), x.Rows)
			}
		})
	}
}

func TestExportFilename(t *testing.T) {
	e := storetest.Engines(t)[0]
	f := newFixture(t, e)
	ledgerFixture(t, f)
	for _, c := range []struct {
		q    app.ActivityQuery
		want string
	}{
		{app.ActivityQuery{Period: "2025Q3"}, "工作台账-2025Q3.xlsx"},
		{app.ActivityQuery{Period: "2025年秋季学期"}, "工作台账-2025年秋季学期.xlsx"},
		{app.ActivityQuery{From: date("2025-03-01"), To: date("2025-06-30")}, "工作台账-2025-03-01至2025-06-30.xlsx"},
		{app.ActivityQuery{From: date("2025-03-01")}, "工作台账-2025-03-01起.xlsx"},
		{app.ActivityQuery{}, "工作台账-全部.xlsx"},
	} {
		x, _, _ := exportRows(t, f.app, f.op, c.q)
		if x.Filename != c.want {
			t.Errorf("%+v: filename %q, want %q", c.q, x.Filename, c.want)
		}
	}
}

// TestExportOpensInLibreOffice hands the file to a real spreadsheet program:
// LibreOffice converts it to CSV, which must hold the listed rows.
func TestExportOpensInLibreOffice(t *testing.T) {
	officecheck.Require(t) // skips without LibreOffice, fails on CI
	e := storetest.Engines(t)[0]
	f := newFixture(t, e)
	ledgerFixture(t, f)
	q := app.ActivityQuery{Period: "2025"}
	_, _, data := exportRows(t, f.app, f.op, q)
	dir := t.TempDir()
	in := filepath.Join(dir, "ledger.xlsx")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	csvs, err := officecheck.ConvertToCSV(context.Background(), in, filepath.Join(dir, "out"))
	if err != nil {
		t.Fatalf("LibreOffice cannot read the export: %v", err)
	}
	if len(csvs) != 1 {
		t.Fatalf("LibreOffice reads %d sheets", len(csvs))
	}
	raw, err := os.ReadFile(csvs[0])
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatalf("LibreOffice's CSV: %v\n%s", err, raw)
	}
	if len(rows) < export.HeaderRows || rows[1][0] != "筛选条件：期间：2025" {
		t.Fatalf("LibreOffice reads the header block %v", rows[:min(len(rows), export.HeaderRows)])
	}
	rows = rows[export.HeaderRows:]
	want := listAll(t, f.app, f.op, q)
	if len(rows) != len(want)+1 {
		t.Fatalf("LibreOffice reads %d rows, the list has %d", len(rows)-1, len(want))
	}
	if strings.Join(rows[0], "|") != strings.Join(app.ExportColumns, "|") {
		t.Fatalf("LibreOffice reads the header %v", rows[0])
	}
	for i, act := range want {
		if got, w := strings.Join(rows[i+1], "|"), strings.Join(f.wantRow(t, act), "|"); got != w {
			t.Fatalf("row %d as LibreOffice reads it:\n got %s\nwant %s", i+1, got, w)
		}
	}
}
