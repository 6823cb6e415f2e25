package report_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/officecheck"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// TestReportPDF: a stored report downloads as a PDF that LibreOffice made
// from its .docx, named like the .docx; without LibreOffice the download
// answers unavailable and says so.
func TestReportPDF(t *testing.T) {
	officecheck.Require(t)
	c := newCounty(t, storetest.Engines(t)[0])
	ctx := context.Background()
	v, err := c.app.GenerateReport(ctx, c.op, app.ReportRequest{OrgID: c.byCode["D1-S1"].ID, Period: "2025Q3"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.app.DownloadReport(ctx, c.op, v.ID, app.FormatPDF)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(f.Data, []byte("%PDF")) || f.ContentType != "application/pdf" || f.Name != "第1学区第1小学-2025年第三季度意识形态工作责任制落实情况报告.pdf" {
		t.Errorf("pdf: %q %s %q", f.Data[:min(8, len(f.Data))], f.ContentType, f.Name)
	}
	t.Setenv("SOFFICE", "/nonexistent/soffice")
	_, err = c.app.DownloadReport(ctx, c.op, v.ID, app.FormatPDF)
	var de *domain.Error
	if !asDomain(err, &de) || de.Kind != domain.KindUnavailable || de.Field != "format" {
		t.Errorf("without LibreOffice: %v, want unavailable naming format", err)
	}
}
