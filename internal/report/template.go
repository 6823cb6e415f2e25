package report

import (
	"embed"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/period"
)

// DefaultTemplateName is the name the default template of a bureau's year
// report is stored under (the template marked default; the one a report
// falls back to when the template of its level and period is missing).
const DefaultTemplateName = "默认模板：意识形态工作责任制落实情况报告"

//go:embed templates/*.zrt
var templateFiles embed.FS

// The default templates come per level and per kind of period, each a whole
// report readable alone: a bureau speaks for 局党委 and 全系统, a district for
// 学区, a school for its own 党组织; a year, a term and a shorter period each
// have their own (the span word — 全年, 本学期, 本季度 — is the variable
// period.span). Every sentence with a figure is left out or reworded when the
// figure is zero, and what the ledger cannot say yet (incidents, exam scores)
// is a named slot the office fills in.
const (
	LevelBureau   = "bureau"
	LevelDistrict = "district"
	LevelSchool   = "school"

	SpanYear    = "year"
	SpanTerm    = "term"
	SpanQuarter = "quarter"
)

// Default is one default template.
type Default struct {
	Level, Span string
	Name        string
	Source      string
}

var (
	levelNames = map[string]string{LevelBureau: "教育局", LevelDistrict: "学区", LevelSchool: "学校"}
	spanNames  = map[string]string{SpanYear: "年度", SpanTerm: "学期", SpanQuarter: "季度及以下"}
)

// Defaults lists the default templates: levels bureau, district, school ×
// spans year, term, quarter. The bureau's year template is the one stored
// under DefaultTemplateName.
func Defaults() []Default {
	var out []Default
	for _, lv := range []string{LevelBureau, LevelDistrict, LevelSchool} {
		for _, sp := range []string{SpanYear, SpanTerm, SpanQuarter} {
			b, err := templateFiles.ReadFile("templates/" + lv + "-" + sp + ".zrt")
			if err != nil {
				panic(err) // embedded at build time: cannot be missing
			}
			name := "默认模板：" + levelNames[lv] + "·" + spanNames[sp] + "报告"
			if lv == LevelBureau && sp == SpanYear {
				name = DefaultTemplateName
			}
			out = append(out, Default{Level: lv, Span: sp, Name: name, Source: string(b)})
		}
	}
	return out
}

// DefaultFor chooses the default template of a unit's level and a period's
// kind: a branch reports as a school; a school year as a year; a semester as
// a term; a quarter, month, week or day as a quarter.
func DefaultFor(kind domain.OrgKind, pk period.Kind) Default {
	lv := LevelSchool
	switch kind {
	case domain.OrgBureau:
		lv = LevelBureau
	case domain.OrgDistrict:
		lv = LevelDistrict
	}
	sp := SpanQuarter
	switch pk {
	case period.Year, period.SchoolYear:
		sp = SpanYear
	case period.Semester:
		sp = SpanTerm
	}
	for _, d := range Defaults() {
		if d.Level == lv && d.Span == sp {
			return d
		}
	}
	return Defaults()[0]
}

// SpanWord is how a report names the whole of its period: 全年, 本学年,
// 本学期, 本季度, 本月, 本周, 当日.
func SpanWord(pk period.Kind) string {
	switch pk {
	case period.Year:
		return "全年"
	case period.SchoolYear:
		return "本学年"
	case period.Semester:
		return "本学期"
	case period.Quarter:
		return "本季度"
	case period.Month:
		return "本月"
	case period.Week:
		return "本周"
	}
	return "当日"
}

// DefaultTemplate returns the source of the bureau's year template.
func DefaultTemplate() string { return DefaultFor(domain.OrgBureau, period.Year).Source }
