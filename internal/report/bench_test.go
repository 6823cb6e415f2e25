package report_test

import (
	"context"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
)

// BenchmarkCountyReport measures the demo county's annual report (the
// default template, the bureau, 2024): a preview (figures from the rollups,
// no record ids), a stored snapshot (plus one indexed query per figure for
// its record ids, the records' state and the audit row), and the .docx and
// .xlsx downloads of that snapshot. Issue 5 asks for at most 1 s.
func BenchmarkCountyReport(b *testing.B) {
	d := demoCounty(b)
	ctx := context.Background()
	req := app.ReportRequest{OrgID: d.bureau, Period: "2024"}
	b.Run("preview", func(b *testing.B) {
		for b.Loop() {
			if _, err := d.app.PreviewReport(ctx, d.ac, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("generate", func(b *testing.B) {
		for b.Loop() {
			if _, err := d.app.GenerateReport(ctx, d.ac, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	v, err := d.app.GenerateReport(ctx, d.ac, req)
	if err != nil {
		b.Fatal(err)
	}
	for _, format := range []string{app.FormatDOCX, app.FormatXLSX, app.FormatHTML} {
		b.Run("download-"+format, func(b *testing.B) {
			for b.Loop() {
				if _, err := d.app.DownloadReport(ctx, d.ac, v.ID, format); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("get-with-staleness", func(b *testing.B) {
		for b.Loop() {
			if _, err := d.app.GetReport(ctx, d.ac, v.ID, false); err != nil {
				b.Fatal(err)
			}
		}
	})
}
