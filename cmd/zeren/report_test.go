package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// reportDB makes a database with a bureau (code BUREAU) and three approved
// outreach lectures in 2025, two of them on campus.
func reportDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "z.db")
	if code, _, errb := runCmd(t, "migrate", "--db", db); code != exitOK {
		t.Fatalf("migrate: %s", errb)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := app.New(st, nil, app.DefaultConfig(), nil)
	op := domain.Actor{Name: "test", Operator: true}
	b, err := a.CreateOrg(ctx, op, app.OrgInput{Kind: domain.OrgBureau, Code: "BUREAU", Name: "测试县教育局"})
	if err != nil {
		t.Fatal(err)
	}
	if op, err = a.OperatorActor(ctx); err != nil {
		t.Fatal(err)
	}
	types, err := a.ListTypes(ctx, "", false)
	if err != nil {
		t.Fatal(err)
	}
	var lecture int64
	for _, ty := range types {
		if ty.Code == "outreach_lecture" {
			lecture = ty.ID
		}
	}
	for i, v := range [][]string{{"campus"}, {"campus"}, {"office"}} {
		d := domain.NewDate(2025, 3, 3+i)
		act, err := a.CreateActivity(ctx, op, domain.ActivityInput{OrgID: b.ID, TypeID: lecture, Date: d, Title: "宣讲", Attendance: 50, Venues: v}, true)
		if err == nil {
			_, err = a.Transition(ctx, op, act.ID, domain.ActApprove, "")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func TestReportCommand(t *testing.T) {
	db := reportDB(t)
	dir := t.TempDir()
	for _, f := range []struct{ name, magic string }{
		{"报告.docx", "PK"}, {"附表.xlsx", "PK"}, {"报告.html", "<!DOCTYPE html>"},
	} {
		out := filepath.Join(dir, f.name)
		code, stdout, stderr := runCmd(t, "report", "--unit", "BUREAU", "--period", "2025", "-o", out, "--db", db)
		if code != exitOK {
			t.Fatalf("report -o %s: exit %d: %s", f.name, code, stderr)
		}
		oneLine(t, stdout, out, "测试县教育局2025年意识形态工作责任制落实情况报告", "figures")
		b, err := os.ReadFile(out)
		if err != nil || !strings.HasPrefix(string(b), f.magic) {
			t.Fatalf("%s: %v, starts %q", f.name, err, string(b[:min(len(b), 20)]))
		}
		if strings.HasSuffix(f.name, ".html") {
			// 3 lectures, 2 on campus, 1 at an office, each a link to its records.
			text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(string(b), "")
			for _, want := range []string{"宣讲活动3场次", "进机关1场次", "进校园2场次"} {
				if !strings.Contains(text, want) {
					t.Errorf("the HTML report lacks %q", want)
				}
			}
			if !strings.Contains(string(b), "venue=campus") {
				t.Errorf("the campus figure does not link to the campus records")
			}
		}
	}
	// --format wins over the extension.
	out := filepath.Join(dir, "page.txt")
	if code, _, stderr := runCmd(t, "report", "--unit", "BUREAU", "--period", "2025", "--format", "html", "-o", out, "--db", db); code != exitOK {
		t.Fatalf("--format html: %s", stderr)
	}
	if b, _ := os.ReadFile(out); !strings.HasPrefix(string(b), "<!DOCTYPE html>") {
		t.Errorf("--format html wrote %q", string(b[:min(len(b), 20)]))
	}
	for _, c := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"--period", "2025", "-o", out}, exitUsage, []string{"--unit", "required"}},
		{[]string{"--unit", "BUREAU", "-o", out}, exitUsage, []string{"--period", "required"}},
		{[]string{"--unit", "BUREAU", "--period", "2025"}, exitUsage, []string{"-o", "required"}},
		{[]string{"--unit", "BUREAU", "--period", "2025", "-o", out, "--format", "pdf"}, exitUsage, []string{"--format", "pdf"}},
		{[]string{"--unit", "BUREAU", "--period", "2025", "-o", out, "--colour", "red"}, exitUsage, []string{"--colour", "unknown flag"}},
		{[]string{"--unit", "NOPE", "--period", "2025", "-o", out}, exitFailed, []string{"unit", "NOPE", "not found"}},
		{[]string{"--unit", "BUREAU", "--period", "2025年第五季度", "-o", out}, exitFailed, []string{"period"}},
		{[]string{"--unit", "BUREAU", "--period", "2025", "--template", "没有的模板", "-o", out}, exitFailed, []string{"template", "没有的模板"}},
	} {
		code, _, stderr := runCmd(t, append(append([]string{"report"}, c.args...), "--db", db)...)
		if code != c.code {
			t.Errorf("report %v: exit %d, want %d (%s)", c.args, code, c.code, stderr)
			continue
		}
		oneLine(t, stderr, c.want...)
	}
	code, stdout, _ := runCmd(t, "help", "report")
	if code != exitOK || !strings.Contains(stdout, "--unit CODE") || !strings.Contains(stdout, "--format docx|html|xlsx") {
		t.Errorf("help report: %d %q", code, stdout)
	}
}
