package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// ledgerBook is an office's own workbook: a title row, its own headers in
// its own order, and rows written the way offices write them.
func ledgerBook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	s := f.GetSheetName(0)
	all := append([][]any{{"学区1学校1 2025年意识形态工作台账"}, {"序号", "开展时间", "学校", "活动类别", "活动主题", "参与人数", "宣讲场所"}}, rows...)
	for i, r := range all {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(s, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestActivityImport(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, e)
			school := f.schools[0]
			ac := actorOf(school)
			lecture := f.types["outreach_lecture"]
			existing, err := f.app.CreateActivity(ctx, ac, domain.ActivityInput{OrgID: school.ID, TypeID: lecture.ID, Date: date("2025-03-01"),
				Title: "宣讲进课堂", Attendance: 40, Venues: []string{domain.VenueClassroom}}, false)
			if err != nil {
				t.Fatal(err)
			}
			// The type's name with its last character typed wrong.
			nearMiss := string([]rune(lecture.Name)[:len([]rune(lecture.Name))-1]) + "会"
			good := [][]any{
				{1, "2025/3/8", "", lecture.Name, "学习贯彻全会精神宣讲", "约50人", "课堂"},
				{2, "2025年4月1日", school.Name + "党支部", lecture.Name, "清明宣讲", "30人次", "进校园、课堂"},
				{3, "5月6日", "", lecture.Name, "五四宣讲", "一百二十人", ""},
			}
			book := ledgerBook(t, append(good,
				[]any{4, "2025-03-01", "", lecture.Name, "宣讲进课堂", "40", "课堂"},         // an existing record
				[]any{5, "2025/3/8", "", lecture.Name, "学习贯彻全会精神宣讲", "50", "课堂"},      // an earlier row
				[]any{6, "2025-02-30", f.schools[2].Name, nearMiss, "标题", "很多", "操场"}, // five problems
			))
			opt := app.ActivityImportOptions{OrgID: school.ID, Year: 2025, FileName: "台账.xlsx"}
			p, err := f.app.PreviewActivityImport(ctx, ac, bytes.NewReader(book), opt)
			if err != nil {
				t.Fatal(err)
			}
			if p.HeaderLine != 2 || p.Rows != 6 || p.Valid != 3 || p.Duplicates != 2 || p.Invalid != 1 {
				t.Fatalf("preview: header %d, rows %d valid %d duplicates %d invalid %d; problems %+v", p.HeaderLine, p.Rows, p.Valid, p.Duplicates, p.Invalid, p.Problems)
			}
			for field, col := range map[string]int{"date": 1, "org": 2, "type": 3, "title": 4, "attendance": 5, "venues": 6} {
				if p.Mapping[field] != col {
					t.Errorf("the header %q should map to %s: %v", p.Headers[col], field, p.Mapping)
				}
			}
			if p.Sample[3].DuplicateOf != existing.ID || p.Sample[4].DuplicateLine != 3 {
				t.Errorf("duplicates: %+v / %+v", p.Sample[3], p.Sample[4])
			}
			got := map[string]string{}
			for _, pr := range p.Problems {
				if pr.Row != 8 {
					t.Errorf("a problem on line %d: %+v", pr.Row, pr)
				}
				got[pr.Field] = pr.Column + "：" + pr.Message
			}
			for field, want := range map[string]string{"date": "开展时间：", "org": "学校：", "type": "活动类别：", "attendance": "参与人数：", "venues": "宣讲场所："} {
				if !strings.HasPrefix(got[field], want) {
					t.Errorf("the %s problem should name its column %q: %q", field, want, got[field])
				}
			}
			// Another school is outside the import's subtree: not matched, and
			// the type near miss comes with a suggestion.
			for _, pr := range p.Problems {
				if pr.Field == "type" && (len(pr.Suggestions) == 0 || pr.Suggestions[0] != lecture.Name) {
					t.Errorf("the near miss should suggest %s: %+v", lecture.Name, pr)
				}
			}

			// Nothing written by the preview; a commit with a bad row writes nothing.
			if n := countActivities(t, f); n != 1 {
				t.Fatalf("the preview wrote records: %d", n)
			}
			if _, err := f.app.CommitActivityImport(ctx, ac, p.FileSHA256, opt, true); err == nil || !strings.Contains(err.Error(), "第 8 行") {
				t.Fatalf("a file with a bad row was committed: %v", err)
			}
			if n := countActivities(t, f); n != 1 {
				t.Fatalf("a refused import wrote records: %d", n)
			}

			// The office fixes its file; the commit writes the three new rows in
			// one batch, submitted for review, and remembers the mapping.
			book = ledgerBook(t, append(good, []any{4, "2025-03-01", "", lecture.Name, "宣讲进课堂", "40", "课堂"}))
			p, err = f.app.PreviewActivityImport(ctx, ac, bytes.NewReader(book), opt)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.app.CommitActivityImport(ctx, ac, p.FileSHA256, opt, false); err == nil || !strings.Contains(err.Error(), "重复") {
				t.Fatalf("a duplicate was imported without asking: %v", err)
			}
			res, err := f.app.CommitActivityImport(ctx, ac, p.FileSHA256, opt, true)
			if err != nil {
				t.Fatal(err)
			}
			if res.Imported != 3 || res.SkippedDuplicates != 1 || res.BatchID == 0 {
				t.Fatalf("commit: %+v", res)
			}
			agg, err := f.app.Aggregate(ctx, ac, app.AggRequest{OrgID: school.ID, Period: "2025", Statuses: []domain.Status{domain.StatusSubmitted}})
			if err != nil {
				t.Fatal(err)
			}
			if agg.Count != 3 || agg.Attendance != 200 {
				t.Errorf("the submitted figure after the import: %+v (want 3 records, 200 attendance)", agg.Figure)
			}
			// The mapping is remembered for the unit's next file.
			p2, err := f.app.PreviewActivityImport(ctx, ac, bytes.NewReader(book), app.ActivityImportOptions{OrgID: school.ID, Year: 2025})
			if err != nil || !p2.MappingSaved || p2.Duplicates != 4 {
				t.Errorf("second preview: saved %v duplicates %d %v", p2.MappingSaved, p2.Duplicates, err)
			}

			// Across units: a school admin cannot import into another school.
			if _, err := f.app.PreviewActivityImport(ctx, ac, bytes.NewReader(book), app.ActivityImportOptions{OrgID: f.schools[2].ID}); err == nil {
				t.Error("a school admin previewed an import into another school")
			}
			if _, err := f.app.CommitActivityImport(ctx, actorOf(f.schools[2]), p.FileSHA256, opt, true); err == nil {
				t.Error("another school's admin committed an import into this school")
			}
			// A reader may not import.
			if _, err := f.app.PreviewActivityImport(ctx, actorWithRole(school, domain.RoleLeader), bytes.NewReader(book), opt); err == nil {
				t.Error("a leader without write imported")
			}
		})
	}
}

// countActivities counts every record of 2025 in the county, any status.
func countActivities(t *testing.T, f *fixture) int {
	t.Helper()
	agg, err := f.app.Aggregate(context.Background(), f.op, appAll(f.bureau.ID))
	if err != nil {
		t.Fatal(err)
	}
	return int(agg.Count)
}

// TestActivityImportTemplate: the template, filled in as its example row
// shows, previews as one valid record; its drop-downs list the unit's
// subtree and the catalog.
func TestActivityImportTemplate(t *testing.T) {
	e := storetest.Engines(t)[0]
	ctx := context.Background()
	f := newFixture(t, e)
	district := f.districts[0]
	ac := actorWithRole(district, domain.RoleDistrictAdmin)
	var buf bytes.Buffer
	if err := f.app.ActivityImportTemplate(ctx, ac, district.ID, &buf); err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if got := wb.GetSheetList(); len(got) != 3 || got[0] != "台账" || got[2] != "填写说明" {
		t.Fatalf("sheets: %v", got)
	}
	dv, err := wb.GetDataValidations("台账")
	if err != nil || len(dv) != 3 {
		t.Fatalf("drop-downs: %d %v", len(dv), err)
	}
	cols, _ := wb.GetCols("选项")
	var units []string
	for _, u := range cols[0] {
		if u != "" {
			units = append(units, u)
		}
	}
	if len(units) != 1+2+2 { // the district, its 2 schools, their 2 branches
		t.Errorf("the unit list should hold the district's subtree: %v", units)
	}
	p, err := f.app.PreviewActivityImport(ctx, ac, bytes.NewReader(buf.Bytes()), app.ActivityImportOptions{OrgID: district.ID})
	if err != nil {
		t.Fatal(err)
	}
	if p.Rows != 1 || p.Valid != 1 || p.Sample[0].OrgName != district.Name {
		t.Fatalf("the example row: %+v %+v", p, p.Problems)
	}
	if err := f.app.ActivityImportTemplate(ctx, ac, f.schools[2].ID, &buf); err == nil {
		t.Error("a template of another district's school")
	}
}
