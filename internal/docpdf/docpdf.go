// Package docpdf turns a .docx into a PDF with LibreOffice, when the server
// has it: `soffice --headless --convert-to pdf`, with a private profile and
// HOME for each conversion (so conversions may run side by side and leave
// nothing behind), under a time limit. zeren does not ship LibreOffice;
// without it, Convert answers ErrNoOffice and the caller says so plainly.
package docpdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ErrNoOffice is Convert's answer when LibreOffice is not installed.
var ErrNoOffice = errors.New("LibreOffice (soffice) is not installed on the server (Debian: apt-get install libreoffice-writer-nogui fonts-noto-cjk)")

// Timeout bounds one conversion: a first start with a fresh profile takes
// seconds; a hung soffice must not hold a request forever.
const Timeout = 2 * time.Minute

// Soffice finds LibreOffice's soffice: $SOFFICE when set (and only there),
// else PATH, then the usual install locations; "" when it is missing.
func Soffice() string {
	if p := os.Getenv("SOFFICE"); p != "" {
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			return ""
		}
		return p
	}
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	for _, p := range []string{"/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice"} {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// Available reports whether Convert can run here.
func Available() bool { return Soffice() != "" }

// Convert renders a .docx as PDF.
func Convert(ctx context.Context, docx []byte) ([]byte, error) {
	soffice := Soffice()
	if soffice == "" {
		return nil, ErrNoOffice
	}
	dir, err := os.MkdirTemp("", "zeren-pdf-")
	if err != nil {
		return nil, fmt.Errorf("docpdf: %w", err)
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "report.docx")
	if err := os.WriteFile(src, docx, 0o600); err != nil {
		return nil, fmt.Errorf("docpdf: %w", err)
	}
	profile := filepath.Join(dir, "profile")
	if err := os.Mkdir(profile, 0o700); err != nil {
		return nil, fmt.Errorf("docpdf: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice,
		"-env:UserInstallation="+(&url.URL{Scheme: "file", Path: filepath.ToSlash(profile)}).String(),
		"--headless", "--norestore", "--nolockcheck", "--nodefault",
		"--convert-to", "pdf", "--outdir", dir, src)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		return nil, fmt.Errorf("docpdf: soffice: %w: %s", err, strings.TrimSpace(out.String()))
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "report.pdf"))
	if err != nil {
		return nil, fmt.Errorf("docpdf: soffice wrote no PDF: %w (%s)", err, strings.TrimSpace(out.String()))
	}
	return pdf, nil
}
