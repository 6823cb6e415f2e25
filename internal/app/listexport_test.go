package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
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

// sheetOf writes an export out and reads its records back (the header block
// and the column header row dropped).
func sheetOf(t *testing.T, x *app.Export, sheet string) [][]string {
	t.Helper()
	defer x.Close()
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	rows = rows[export.HeaderRows+1:]
	if len(rows) != x.Rows {
		t.Fatalf("the export says %d rows, the sheet has %d", x.Rows, len(rows))
	}
	return rows
}

// TestListExportPagesAndCap exports teams and rectifications read a few rows
// a page, on both engines: every row once, in the list's order; one row over
// the cap refuses the export naming the cap; at the cap it is whole.
func TestListExportPagesAndCap(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, e)
			for i := range 7 {
				f.mustTeam(t, f.op, f.schools[i%len(f.schools)].ID, domain.TeamOutreach, fmt.Sprintf("宣讲队%02d", i))
				if _, err := f.app.CreateRectification(ctx, f.op, domain.RectificationInput{OrgID: f.schools[i%2].ID, Source: domain.RectFromInspection,
					Finding: fmt.Sprintf("问题%02d", i), Responsible: "校长", Deadline: date("2026-12-31")}); err != nil {
					t.Fatal(err)
				}
			}
			f.app.SetListExportPage(3)
			teams, total, err := f.app.ListTeams(ctx, f.op, app.TeamQuery{Limit: 50})
			if err != nil || total != 7 {
				t.Fatalf("teams %d %v", total, err)
			}
			x, err := f.app.ExportTeams(ctx, f.op, app.TeamQuery{})
			if err != nil {
				t.Fatal(err)
			}
			rows := sheetOf(t, x, "队伍名册")
			for i, tm := range teams {
				if rows[i][2] != tm.Name || rows[i][0] != tm.OrgName {
					t.Fatalf("row %d %v, the list's %s of %s", i, rows[i], tm.Name, tm.OrgName)
				}
			}
			x, err = f.app.ExportRectifications(ctx, f.op, app.RectQuery{OrgID: f.schools[0].ID})
			if err != nil {
				t.Fatal(err)
			}
			if rows := sheetOf(t, x, "整改台账"); len(rows) != 4 || rows[0][0] != f.schools[0].Name {
				t.Fatalf("the first school's rectifications %v", rows)
			}

			blobs, err := blob.NewFS(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			small := app.New(f.st, blobs, app.Config{MaxExportRows: 6}, storetest.Clock(today))
			for name, run := range map[string]func() (*app.Export, error){
				"teams":          func() (*app.Export, error) { return small.ExportTeams(ctx, f.op, app.TeamQuery{}) },
				"rectifications": func() (*app.Export, error) { return small.ExportRectifications(ctx, f.op, app.RectQuery{}) },
			} {
				_, err := run()
				wantKind(t, err, domain.KindTooLarge, "limit")
				if !strings.Contains(err.Error(), "at most 6") || !strings.Contains(err.Error(), name) {
					t.Fatalf("%s: the error does not name the cap and the list: %v", name, err)
				}
			}
			x, err = small.ExportTeams(ctx, f.op, app.TeamQuery{OrgID: f.districts[0].ID})
			if err != nil {
				t.Fatal(err)
			}
			if rows := sheetOf(t, x, "队伍名册"); len(rows) != 4 {
				t.Fatalf("the first district's teams: %d rows", len(rows))
			}
			// An empty scope exports nothing, and a unit outside the scope is not found.
			none := domain.Actor{Name: "nobody", Permissions: []domain.Permission{domain.PermActivityRead, domain.PermExport}}
			x, err = f.app.ExportTeams(ctx, none, app.TeamQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if rows := sheetOf(t, x, "队伍名册"); len(rows) != 0 {
				t.Fatalf("an empty scope exports %v", rows)
			}
			_, err = f.app.ExportRectifications(ctx, none, app.RectQuery{OrgID: f.schools[0].ID})
			wantKind(t, err, domain.KindNotFound, "org_id")
		})
	}
}

// TestListExportOpensInLibreOffice hands a roster export to LibreOffice: it
// reads the header block, the columns and the rows.
func TestListExportOpensInLibreOffice(t *testing.T) {
	officecheck.Require(t) // skips without LibreOffice, fails on CI
	ctx := context.Background()
	f := newFixture(t, storetest.Engines(t)[0])
	f.mustTeam(t, f.op, f.schools[0].ID, domain.TeamVolunteer, "青年志愿服务队")
	x, err := f.app.ExportTeams(ctx, f.op, app.TeamQuery{Kind: "volunteer"})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	dir := t.TempDir()
	in := filepath.Join(dir, "teams.xlsx")
	out, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.WriteTo(out); err != nil {
		t.Fatal(err)
	}
	out.Close()
	csvs, err := officecheck.ConvertToCSV(ctx, in, filepath.Join(dir, "out"))
	if err != nil {
		t.Fatalf("LibreOffice cannot read the export: %v", err)
	}
	raw, err := os.ReadFile(csvs[0])
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatalf("LibreOffice's CSV: %v\n%s", err, raw)
	}
	if len(rows) != export.HeaderRows+2 || rows[0][0] != "队伍名册" || rows[1][0] != "筛选条件：队伍类型：志愿服务队伍" ||
		rows[3][2] != "队伍名称" || rows[4][2] != "青年志愿服务队" || rows[4][4] != "2026-01-05" {
		t.Fatalf("LibreOffice reads:\n%s", raw)
	}
}
