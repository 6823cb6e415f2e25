// Package officecheck lets tests look at generated office files the way a user would:
// it converts them with LibreOffice headless (.docx → PDF, .xlsx → CSV) and reads PDFs
// with poppler (pdftotext, pdfinfo). It is test support, but a normal package so that
// any package's tests can import it.
//
// Each conversion runs soffice with a private, throwaway user profile
// (-env:UserInstallation), so conversions can run concurrently: two soffice processes
// sharing a profile would hand the job to each other or fail on the profile lock.
package officecheck

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// DefaultTimeout bounds one conversion when the caller's context has no deadline. A
// first start of soffice with a fresh profile takes several seconds; a hung one must not
// hang the test run forever.
const DefaultTimeout = 3 * time.Minute

// Soffice returns the path of LibreOffice's soffice binary ($SOFFICE, then PATH, then the
// usual install locations), or an error saying it is missing.
func Soffice() (string, error) {
	if p := os.Getenv("SOFFICE"); p != "" {
		return p, nil
	}
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	for _, p := range []string{"/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice",
		"/Applications/LibreOffice.app/Contents/MacOS/soffice"} {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", errors.New("officecheck: LibreOffice (soffice) not found; install libreoffice-writer-nogui and libreoffice-calc-nogui")
}

// Require skips t when LibreOffice or poppler is missing on a developer's machine, and
// fails it when CI=true: in CI a missing reader is a broken setup, never a reason to skip.
func Require(t testing.TB) {
	t.Helper()
	var missing []string
	if _, err := Soffice(); err != nil {
		missing = append(missing, "soffice")
	}
	for _, tool := range []string{"pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := fmt.Sprintf("officecheck: %s not installed (Debian: libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils)", strings.Join(missing, ", "))
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// ResaveXLSX opens a workbook in LibreOffice Calc and saves it again as .xlsx
// in outDir (a file as LibreOffice writes it, for importers to read), and
// returns its path.
func ResaveXLSX(ctx context.Context, src, outDir string) (string, error) {
	if err := convert(ctx, src, outDir, "xlsx:Calc MS Excel 2007 XML"); err != nil {
		return "", err
	}
	out := filepath.Join(outDir, strings.TrimSuffix(filepath.Base(src), filepath.Ext(src))+".xlsx")
	if !exists(out) {
		return "", fmt.Errorf("officecheck: soffice wrote no %s", out)
	}
	return out, nil
}

// ConvertToPDF converts src (e.g. a .docx) to PDF in outDir and returns the PDF's path.
func ConvertToPDF(ctx context.Context, src, outDir string) (string, error) {
	if err := convert(ctx, src, outDir, "pdf"); err != nil {
		return "", err
	}
	out := filepath.Join(outDir, strings.TrimSuffix(filepath.Base(src), filepath.Ext(src))+".pdf")
	if _, err := os.Stat(out); err != nil {
		return "", fmt.Errorf("officecheck: soffice reported success but wrote no %s: %w", out, err)
	}
	return out, nil
}

// csvFilter exports every sheet (the last token, -1) as UTF-8 (76) CSV, comma-separated
// (44), fields quoted with " (34), formulas as their values. LibreOffice names the files
// <base>-<sheet name>.csv.
const csvFilter = `csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1`

// ConvertToCSV converts every sheet of an .xlsx to CSV in outDir and returns the CSV
// paths in the workbook's sheet order.
func ConvertToCSV(ctx context.Context, xlsx, outDir string) ([]string, error) {
	sheets, err := sheetNames(xlsx)
	if err != nil {
		return nil, err
	}
	if err := convert(ctx, xlsx, outDir, csvFilter); err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(filepath.Base(xlsx), filepath.Ext(xlsx))
	if len(sheets) == 1 {
		// With one sheet LibreOffice writes <base>.csv.
		if p := filepath.Join(outDir, base+".csv"); exists(p) {
			return []string{p}, nil
		}
	}
	paths := make([]string, len(sheets))
	for i, s := range sheets {
		p := filepath.Join(outDir, base+"-"+s+".csv")
		if !exists(p) {
			return nil, fmt.Errorf("officecheck: soffice wrote no CSV for sheet %q (%s)", s, p)
		}
		paths[i] = p
	}
	return paths, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// sheetNames reads the sheet names, in order, from the workbook part of an .xlsx.
func sheetNames(xlsx string) ([]string, error) {
	zr, err := zip.OpenReader(xlsx)
	if err != nil {
		return nil, fmt.Errorf("officecheck: %s is not a zip package: %w", xlsx, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != "xl/workbook.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("officecheck: %s: %w", xlsx, err)
		}
		defer rc.Close()
		var wb struct {
			Sheets []struct {
				Name string `xml:"name,attr"`
			} `xml:"sheets>sheet"`
		}
		if err := xml.NewDecoder(rc).Decode(&wb); err != nil {
			return nil, fmt.Errorf("officecheck: %s: xl/workbook.xml: %w", xlsx, err)
		}
		names := make([]string, len(wb.Sheets))
		for i, s := range wb.Sheets {
			names[i] = s.Name
		}
		return names, nil
	}
	return nil, fmt.Errorf("officecheck: %s has no xl/workbook.xml", xlsx)
}

func convert(ctx context.Context, src, outDir, target string) error {
	soffice, err := Soffice()
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(src)
	if err != nil {
		return fmt.Errorf("officecheck: %w", err)
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("officecheck: %w", err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("officecheck: %w", err)
	}
	profile, err := os.MkdirTemp("", "officecheck-profile-")
	if err != nil {
		return fmt.Errorf("officecheck: %w", err)
	}
	defer os.RemoveAll(profile)
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	profileURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(profile)}).String()
	cmd := exec.CommandContext(ctx, soffice,
		"-env:UserInstallation="+profileURL,
		"--headless", "--norestore", "--nolockcheck", "--nodefault",
		"--convert-to", target, "--outdir", outDir, abs)
	// A private HOME too: soffice otherwise touches ~/.config and ~/.cache.
	cmd.Env = append(os.Environ(), "HOME="+profile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		return fmt.Errorf("officecheck: soffice --convert-to %s %s: %w; stderr: %s; stdout: %s",
			target, filepath.Base(src), err, strings.TrimSpace(stderr.String()), strings.TrimSpace(stdout.String()))
	}
	// soffice exits 0 even when it cannot load the file ("Error: source file could not be
	// loaded"); its output says so.
	if msg := stdout.String() + stderr.String(); strings.Contains(msg, "Error:") {
		return fmt.Errorf("officecheck: soffice could not convert %s: %s", filepath.Base(src), strings.TrimSpace(msg))
	}
	return nil
}

// PDFText returns the PDF's text laid out as on the page (pdftotext -layout); pages are
// separated by form feeds (\f).
func PDFText(ctx context.Context, pdf string) (string, error) {
	out, err := run(ctx, "pdftotext", "-layout", "-enc", "UTF-8", pdf, "-")
	return string(out), err
}

// Info is what pdfinfo says about a PDF: its page count and the first page's size.
type Info struct {
	Pages        int
	PageWidthMM  float64
	PageHeightMM float64
}

var (
	pagesRe    = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)
	pageSizeRe = regexp.MustCompile(`(?m)^Page size:\s+([\d.]+) x ([\d.]+) pts`)
)

// PDFInfo runs pdfinfo on pdf.
func PDFInfo(ctx context.Context, pdf string) (Info, error) {
	out, err := run(ctx, "pdfinfo", pdf)
	if err != nil {
		return Info{}, err
	}
	m := pagesRe.FindSubmatch(out)
	s := pageSizeRe.FindSubmatch(out)
	if m == nil || s == nil {
		return Info{}, fmt.Errorf("officecheck: pdfinfo %s: no page count or size in %q", pdf, out)
	}
	var info Info
	info.Pages, _ = strconv.Atoi(string(m[1]))
	w, _ := strconv.ParseFloat(string(s[1]), 64)
	h, _ := strconv.ParseFloat(string(s[2]), 64)
	const ptToMM = 25.4 / 72
	info.PageWidthMM, info.PageHeightMM = w*ptToMM, h*ptToMM
	return info, nil
}

func run(ctx context.Context, name string, args ...string) ([]byte, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("officecheck: %s %s: %w; stderr: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// Line is one line of text on a PDF page as pdftotext -bbox-layout sees it: its words
// joined by single spaces, and its box in points from the page's top-left corner.
type Line struct {
	Text                   string
	XMin, YMin, XMax, YMax float64
}

// Page is one PDF page: its size in points and its lines from top to bottom.
type Page struct {
	Width, Height float64
	Lines         []Line
}

// PDFLines returns every page's lines with their positions (pdftotext -bbox-layout), for
// checks of layout: lines per page, where the page number sits.
func PDFLines(ctx context.Context, pdf string) ([]Page, error) {
	out, err := run(ctx, "pdftotext", "-bbox-layout", "-enc", "UTF-8", pdf, "-")
	if err != nil {
		return nil, err
	}
	var doc struct {
		Pages []struct {
			Width  float64 `xml:"width,attr"`
			Height float64 `xml:"height,attr"`
			Lines  []struct {
				XMin  float64  `xml:"xMin,attr"`
				YMin  float64  `xml:"yMin,attr"`
				XMax  float64  `xml:"xMax,attr"`
				YMax  float64  `xml:"yMax,attr"`
				Words []string `xml:"word"`
			} `xml:"flow>block>line"`
		} `xml:"body>doc>page"`
	}
	dec := xml.NewDecoder(bytes.NewReader(out))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("officecheck: pdftotext -bbox-layout %s: %w", pdf, err)
	}
	pages := make([]Page, len(doc.Pages))
	for i, p := range doc.Pages {
		pages[i] = Page{Width: p.Width, Height: p.Height}
		for _, l := range p.Lines {
			pages[i].Lines = append(pages[i].Lines, Line{Text: strings.Join(l.Words, " "), XMin: l.XMin, YMin: l.YMin, XMax: l.XMax, YMax: l.YMax})
		}
	}
	return pages, nil
}
