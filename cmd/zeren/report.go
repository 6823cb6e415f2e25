package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/store"
)

// reportCmd is `zeren report`: it writes a unit's work report for a period
// to a file, at the console, as the operator over the whole tree. Nothing is
// stored (generate a snapshot in the web app or with POST /api/v1/reports).
func reportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	db, vals, err := adminFlags("report", args, map[string]string{"unit": "", "period": "", "template": "", "format": "", "o": "", "tz": ""})
	if err != nil {
		return fail(stderr, "report", exitUsage, err)
	}
	zone, err := zoneOf(vals["tz"])
	if err != nil {
		return fail(stderr, "report", exitUsage, err)
	}
	unit, per, out := vals["unit"], vals["period"], vals["o"]
	switch {
	case unit == "":
		return fail(stderr, "report", exitUsage, usagef("--unit: is required: the code of the unit reported on (e.g. --unit BUREAU)"))
	case per == "":
		return fail(stderr, "report", exitUsage, usagef("--period: is required (e.g. --period 2024, 2024Q3, 2024-2025学年)"))
	case out == "":
		return fail(stderr, "report", exitUsage, usagef("-o: is required: the file to write (e.g. -o 2024年报告.docx)"))
	}
	format := vals["format"]
	if format == "" {
		switch strings.ToLower(filepath.Ext(out)) {
		case ".html", ".htm":
			format = app.FormatHTML
		case ".xlsx":
			format = app.FormatXLSX
		default:
			format = app.FormatDOCX
		}
	}
	if format != app.FormatDOCX && format != app.FormatXLSX && format != app.FormatHTML {
		return fail(stderr, "report", exitUsage, usagef("--format: must be docx, xlsx or html, not %q", clip(format)))
	}
	st, err := store.Open(ctx, db, store.Options{Zone: zone})
	if err != nil {
		return fail(stderr, "report", exitFailed, err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return fail(stderr, "report", exitFailed, err)
	}
	a := app.New(st, nil, app.DefaultConfig(), nil)
	ac, err := a.OperatorActor(ctx)
	if err != nil {
		return fail(stderr, "report", exitFailed, err)
	}
	f, doc, err := a.ExportReport(ctx, ac, app.ReportRequest{OrgCode: unit, Period: per, TemplateName: vals["template"]}, format)
	if err != nil {
		return fail(stderr, "report", exitFailed, err)
	}
	if err := writeFileAtomic(out, f.Data); err != nil {
		return fail(stderr, "report", exitFailed, err)
	}
	fmt.Fprintf(stdout, "zeren: wrote %s (%s, %d figures, %d bytes)\n", out, doc.Title, len(doc.Figures), len(f.Data))
	return exitOK
}

// writeFileAtomic writes data to a temporary file beside path and renames it,
// so a failure never leaves half a report under the name asked for.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".zeren-report-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(name)
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return err
	}
	if err := os.Chmod(name, 0o644); err != nil {
		os.Remove(name)
		return err
	}
	return os.Rename(name, path)
}
