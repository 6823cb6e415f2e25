package report_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/officecheck"
	"github.com/zeren-edu/zeren/internal/report"
)

// sourceFigures are the 2024 figures of the source document, which the demo
// county's first year reproduces (internal/demo), by the default template's
// expression for them.
var sourceFigures = map[string]int64{
	`count(type: "party_committee_meeting")`:   8,
	`count(type: "central_group_study")`:       12,
	`count(type: "themed_activity")`:           57,
	`count(type: "outreach_lecture")`:          84,
	`count(type: "study_session")`:             72,
	`count(type: "moral_education")`:           97,
	`count(type: "article_submission")`:        12,
	`count(type: "volunteer_service")`:         82,
	`count(type: "community_safety_outreach")`: 50,
	`count(type: "commemoration")`:             43,
}

// TestDefaultReportOnDemo renders the default template for the demo bureau's
// 2024: it reads like the source document (title, six parts, problems, next
// steps), its figures are the source's, and every ledger figure equals what
// its records link lists.
func TestDefaultReportOnDemo(t *testing.T) {
	d := demoCounty(t)
	ctx := context.Background()
	doc, err := d.app.PreviewReport(ctx, d.ac, app.ReportRequest{OrgID: d.bureau, Period: "2024"})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "示范县教育局2024年意识形态工作责任制落实情况报告" {
		t.Errorf("title %q", doc.Title)
	}
	var headings []string
	reminders := 0
	for _, b := range doc.Blocks {
		if b.Kind == "heading1" || b.Kind == "heading2" {
			headings = append(headings, b.Text())
		}
		if b.Reminder {
			reminders++
		}
	}
	wantHeads := []string{"一、主要工作", "（一）", "（二）", "（三）", "（四）", "（五）", "（六）", "二、存在的问题", "三、下一步打算"}
	if len(headings) != len(wantHeads) {
		t.Fatalf("headings %q", headings)
	}
	for i, h := range wantHeads {
		if !strings.HasPrefix(headings[i], h) {
			t.Errorf("heading %d is %q, want it to start with %q", i, headings[i], h)
		}
	}
	// Nothing accepted, nothing written: the slots remind, never invent
	// (incidents and exam scores, which the ledger cannot say yet; problems;
	// next steps).
	if reminders != 4 {
		t.Errorf("%d reminders, want 4 (incidents, exams, problems, next steps)", reminders)
	}
	found := map[string]bool{}
	for _, f := range doc.Figures {
		if want, ok := sourceFigures[f.Expr]; ok {
			found[f.Expr] = true
			if f.Value != want || f.Display != strings.TrimSpace(f.Display) {
				t.Errorf("%s = %d (%q), the source document says %d", f.Expr, f.Value, f.Display, want)
			}
		}
		switch f.Func {
		case "count", "attendance":
			var n, att int64
			for _, a := range listed(t, d.app, d.ac, f.Records) {
				n++
				att += int64(a.Attendance)
			}
			got := n
			if f.Func == "attendance" {
				got = att
			}
			if got != f.Value {
				t.Errorf("%s = %d, but its link %s lists %d", f.Expr, f.Value, f.Records, got)
			}
		case "teams", "members":
			if !strings.HasPrefix(f.Records, "/rosters?") {
				t.Errorf("%s links to %q, not the rosters page", f.Expr, f.Records)
			}
		}
		if f.Query == "" || f.Records == "" {
			t.Errorf("%s has no query or records link", f.Expr)
		}
	}
	for e := range sourceFigures {
		if !found[e] {
			t.Errorf("the default template has no figure %s", e)
		}
	}
	html, err := report.HTML(doc, "")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(html), `<a class="figure" href="/ledger?`); n < 40 {
		t.Errorf("the HTML links only %d figures to the ledger", n)
	}
}

// TestDemoReportDocxPDF generates and stores the demo bureau's 2024 report,
// downloads its .docx, has LibreOffice convert it to PDF, and finds every
// figure's displayed value in the PDF's text, in the report's order.
func TestDemoReportDocxPDF(t *testing.T) {
	officecheck.Require(t)
	d := demoCounty(t)
	ctx := context.Background()
	v, err := d.app.GenerateReport(ctx, d.ac, app.ReportRequest{OrgID: d.bureau, Period: "2024",
		Slots: map[string][]string{"next_steps": {"一是持续压实意识形态工作责任。", "二是加强宣讲队伍建设。"}}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := d.app.DownloadReport(ctx, d.ac, v.ID, app.FormatDOCX)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "示范县教育局-2024年意识形态工作责任制落实情况报告.docx" {
		t.Errorf("file name %q", f.Name)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "report.docx")
	if err := os.WriteFile(src, f.Data, 0o600); err != nil {
		t.Fatal(err)
	}
	pdf, err := officecheck.ConvertToPDF(ctx, src, dir)
	if err != nil {
		t.Fatal(err)
	}
	text, err := officecheck.PDFText(ctx, pdf)
	if err != nil {
		t.Fatal(err)
	}
	// The title breaks between words: the unit and year, then the rest.
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		lines = append(lines, strings.Join(strings.Fields(l), ""))
	}
	if !slices.Contains(lines, "示范县教育局2024年") || !slices.Contains(lines, "意识形态工作责任制落实情况报告") {
		t.Errorf("the title is not on two lines 示范县教育局2024年 / 意识形态工作责任制落实情况报告:\n%s", text[:min(len(text), 300)])
	}
	// The signature and date share their page with the last paragraph.
	for _, page := range strings.Split(text, "\f") {
		flatPage := regexp.MustCompile(`[\s　]+`).ReplaceAllString(page, "")
		if strings.Contains(flatPage, "2024年12月31日") && !strings.Contains(flatPage, "二是加强宣讲队伍建设。") {
			t.Errorf("the date stands on a page without the last paragraph:\n%s", page)
		}
	}
	flat := regexp.MustCompile(`[\s　]+`).ReplaceAllString(text, "")
	for _, want := range []string{"示范县教育局2024年意识形态工作责任制落实情况报告", "一、主要工作", "（一）加强组织领导", "一是持续压实意识形态工作责任。", "2024年12月31日"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	// Each figure with the words around it, in order: the number alone could
	// match anywhere.
	pos := 0
	for _, b := range v.Blocks {
		for i, sp := range b.Spans {
			if sp.Figure == nil {
				continue
			}
			probe := sp.Text
			if i+1 < len(b.Spans) && b.Spans[i+1].Figure == nil {
				next := []rune(b.Spans[i+1].Text)
				probe += string(next[:min(2, len(next))])
			}
			at := strings.Index(flat[pos:], probe)
			if at < 0 {
				t.Errorf("figure %s (%q) is not in the PDF after position %d", v.Figures[*sp.Figure].Expr, probe, pos)
				continue
			}
			pos += at + len(probe)
		}
	}
	// The stored snapshot knows what every figure counted.
	for _, fg := range v.Figures {
		if fg.Func == "count" && fg.NRecords != int(fg.Value) {
			t.Errorf("%s: value %d but %d record ids stored", fg.Expr, fg.Value, fg.NRecords)
		}
	}
}

// TestDemoReportAppendix downloads the stored report's .xlsx appendix and
// reads it back through LibreOffice: one record row per counted record.
func TestDemoReportAppendix(t *testing.T) {
	officecheck.Require(t)
	d := demoCounty(t)
	ctx := context.Background()
	v, err := d.app.GenerateReport(ctx, d.ac, app.ReportRequest{OrgID: d.bureau, Period: "2024"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := d.app.DownloadReport(ctx, d.ac, v.ID, app.FormatXLSX)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "appendix.xlsx")
	if err := os.WriteFile(src, f.Data, 0o600); err != nil {
		t.Fatal(err)
	}
	csvs, err := officecheck.ConvertToCSV(ctx, src, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(csvs) != 3 {
		t.Fatalf("%d sheets, want 3", len(csvs))
	}
	var records int
	for _, fg := range v.Figures {
		if fg.Func == "count" || fg.Func == "attendance" || fg.Func == "units" {
			records += fg.NRecords
		}
	}
	b, err := os.ReadFile(csvs[2])
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(strings.TrimSpace(string(b)), "\n") + 1
	if lines < records {
		t.Errorf("the record sheet has %d lines for %d counted records", lines, records)
	}
}
