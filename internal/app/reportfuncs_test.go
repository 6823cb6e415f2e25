package app_test

import (
	"regexp"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// han matches a Chinese character.
var han = regexp.MustCompile(`\p{Han}`)

// The template editor shows office staff, in zh-CN, each figure function's and
// argument's Chinese name and help: a function registered without them fails
// here rather than showing English on a Chinese page.
func TestReportFunctionsHaveChineseHelp(t *testing.T) {
	e := storetest.Engines(t)[0]
	f := newFixture(t, e)
	fns, err := f.app.ReportFunctions(actorWithRole(f.bureau, domain.RoleOfficeAdmin))
	if err != nil {
		t.Fatal(err)
	}
	if len(fns) < 6 {
		t.Fatalf("only %d functions", len(fns))
	}
	want := map[string]string{"count": "场次", "attendance": "人次"}
	for _, fn := range fns {
		if !han.MatchString(fn.Label) || !han.MatchString(fn.DocZh) {
			t.Errorf("function %s: label %q, doc_zh %q: want Chinese", fn.Name, fn.Label, fn.DocZh)
		}
		if w, ok := want[fn.Name]; ok && fn.Label != w {
			t.Errorf("function %s: label %q, want %q", fn.Name, fn.Label, w)
		}
		if fn.Doc == "" {
			t.Errorf("function %s: no English help", fn.Name)
		}
		for _, a := range fn.Args {
			if !han.MatchString(a.Label) || !han.MatchString(a.DocZh) {
				t.Errorf("%s(%s): label %q, doc_zh %q: want Chinese", fn.Name, a.Name, a.Label, a.DocZh)
			}
		}
	}
}
