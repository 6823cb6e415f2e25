package officecheck

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Plain text is the smallest input LibreOffice opens (in Writer) and exports to PDF.
func TestConvertTextToPDF(t *testing.T) {
	Require(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "hello.txt")
	if err := os.WriteFile(src, []byte("officecheck 你好\nsecond line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pdf, err := ConvertToPDF(ctx, src, filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := PDFInfo(ctx, pdf)
	if err != nil {
		t.Fatal(err)
	}
	if info.Pages != 1 {
		t.Errorf("pages = %d, want 1", info.Pages)
	}
	if info.PageWidthMM < 100 || info.PageHeightMM < 100 {
		t.Errorf("page size %.1f × %.1f mm is implausible", info.PageWidthMM, info.PageHeightMM)
	}
	text, err := PDFText(ctx, pdf)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "officecheck 你好") || !strings.Contains(text, "second line") {
		t.Errorf("PDF text %q lacks the source text", text)
	}
	pages, err := PDFLines(ctx, pdf)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || len(pages[0].Lines) != 2 || pages[0].Lines[1].Text != "second line" {
		t.Errorf("PDFLines = %+v, want one page with the two lines", pages)
	}
	if l := pages[0].Lines; len(l) == 2 && !(l[0].YMin < l[1].YMin) {
		t.Errorf("lines not top to bottom: %+v", l)
	}
}

func TestConvertErrorsCarrySofficeOutput(t *testing.T) {
	Require(t)
	dir := t.TempDir()
	// No file at all.
	_, err := ConvertToPDF(context.Background(), filepath.Join(dir, "missing.docx"), dir)
	if err == nil || !strings.Contains(err.Error(), "missing.docx") {
		t.Fatalf("err = %v, want an error naming the missing file", err)
	}
	bad := filepath.Join(dir, "bad.xlsx")
	if err := os.WriteFile(bad, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ConvertToCSV(context.Background(), bad, dir); err == nil || !strings.Contains(err.Error(), "not a zip") {
		t.Fatalf("err = %v, want a not-a-zip error", err)
	}
}

func TestPDFInfoOnNonPDF(t *testing.T) {
	Require(t)
	f := filepath.Join(t.TempDir(), "x.pdf")
	if err := os.WriteFile(f, []byte("plain text"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := PDFInfo(context.Background(), f)
	if err == nil || !strings.Contains(err.Error(), "stderr:") {
		t.Fatalf("err = %v, want pdfinfo's failure with its stderr", err)
	}
}
