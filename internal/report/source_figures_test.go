package report_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
)

// sourceClaim is one figure of the source document (seed/000_…txt, the 2024
// year-end report), as the source words it: Exact, "N余" (more than N, less
// than the next ten: Over) or "近百" (nearly a hundred: Near).
type sourceClaim struct {
	expr   string // the default template's expression for it
	source string // the source's words
	n      int64
	kind   string // exact, over, near
}

var sourceClaims = []sourceClaim{
	{`count(type: "themed_activity")`, "主题活动57次", 57, "exact"},
	{`count(type: "outreach_lecture")`, "宣讲活动…84余场次", 84, "exact"},
	{`count(type: "study_session")`, "政治理论学习和读书活动72余次", 72, "exact"},
	{`count(type: "moral_education")`, "个人品德教育97余场次", 97, "exact"},
	{`count(type: "article_submission")`, "报送稿件10余篇", 10, "over"},
	{`count(type: "volunteer_service")`, "党员志愿服务活动82余次", 82, "exact"},
	{`count(type: "community_safety_outreach")`, "社区安全志愿宣传50余次", 50, "exact"},
	{`count(type: "commemoration")`, "“祭英烈”活动43余次", 43, "exact"},
	{`members(kind: "monitor")`, "网络舆情安全监督员60余名", 60, "over"},
	{`teams(kind: "outreach")`, "宣传队20余支", 20, "over"},
	{`members(kind: "outreach")`, "近百人的宣传队伍", 100, "near"},
}

// holds says whether a value is what the source's words claim. "N余" is more
// than N and under the next ten (the approximate rule only rounds down, so
// 60余 is 61–69); "近百" is 90–99, never a hundred or more.
func (c sourceClaim) holds(v int64) bool {
	switch c.kind {
	case "over":
		step := int64(10)
		for c.n >= step*10 {
			step *= 10
		}
		return v > c.n && v < c.n+step
	case "near":
		return v >= c.n*9/10 && v < c.n
	}
	return v == c.n
}

// TestDemo2024CarriesTheSourceFigures: the demo bureau's 2024 report, with
// the default template chosen for a bureau and a year, says every figure of
// the source document, by the source's numbers, in its text; a figure written
// approximately never claims more than its records hold.
func TestDemo2024CarriesTheSourceFigures(t *testing.T) {
	d := demoCounty(t)
	doc, err := d.app.PreviewReport(context.Background(), d.ac, app.ReportRequest{OrgID: d.bureau, Period: "2024"})
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, b := range doc.Blocks {
		text.WriteString(b.Text() + "\n")
	}
	for _, c := range sourceClaims {
		found := false
		for _, f := range doc.Figures {
			if f.Expr != c.expr && !strings.HasPrefix(f.Expr, c.expr+" |") {
				continue
			}
			found = true
			if !c.holds(f.Value) {
				t.Errorf("%s = %d, but the source says %s", c.expr, f.Value, c.source)
			}
			shown := regexp.MustCompile(`^\d+`).FindString(f.Display)
			if n, err := strconv.ParseInt(shown, 10, 64); err != nil || n > f.Value || (n < f.Value && !f.Approx) {
				t.Errorf("%s = %d is written %q", c.expr, f.Value, f.Display)
			}
			if !strings.Contains(text.String(), f.Display) {
				t.Errorf("%s: %q is not in the report's text", c.expr, f.Display)
			}
		}
		if !found {
			t.Errorf("the 2024 report has no figure %s (%s)", c.expr, c.source)
		}
	}
	// Nothing in it claims a zero as an achievement.
	if m := zeroClaim.FindString(text.String()); m != "" {
		t.Errorf("the 2024 report claims a zero: %q", m)
	}
}

// zeroClaim finds a zero written as a count: "0次", "0场次", "0名", "0支"…
// (not a digit before the 0: "10次" is fine).
var zeroClaim = regexp.MustCompile(`(^|[^0-9.])0(次|场次|场|名|支|人次|人|篇|所|个|期|条|起|轮次)`)
