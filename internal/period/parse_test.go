package period

import (
	"errors"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
)

func TestParseAccepts(t *testing.T) {
	var (
		y2024  = Period{Kind: Year, Year: 2024}
		q3     = Period{Kind: Quarter, Year: 2024, N: 3}
		sep    = Period{Kind: Month, Year: 2024, N: 9}
		sep5   = Period{Kind: Day, Year: 2024, N: 9, Day: 5}
		w5     = Period{Kind: Week, Year: 2024, N: 5}
		fa2024 = Period{Kind: Semester, Year: 2024, N: Autumn}
		sp2025 = Period{Kind: Semester, Year: 2025, N: Spring}
		sy2024 = Period{Kind: SchoolYear, Year: 2024}
	)
	tests := []struct {
		in   string
		want Period
	}{
		// year
		{"2024", y2024},
		{"2024年", y2024},
		{"2024年度", y2024},
		{"1900", Period{Kind: Year, Year: 1900}},
		{"9999", Period{Kind: Year, Year: 9999}},
		// quarter
		{"2024Q3", q3},
		{"2024q3", q3},
		{"2024-Q3", q3},
		{"2024年Q3", q3},
		{"2024年第三季度", q3},
		{"2024年第3季度", q3},
		{"2024年3季度", q3},
		{"2024年三季度", q3},
		{"2024年第三季", q3},
		{"2024第三季度", q3},
		{"2024年第一季度", Period{Kind: Quarter, Year: 2024, N: 1}},
		{"2024年第四季度", Period{Kind: Quarter, Year: 2024, N: 4}},
		// month
		{"2024-09", sep},
		{"2024-9", sep},
		{"2024年9月", sep},
		{"2024年09月", sep},
		{"2024年9月份", sep},
		{"2024-12", Period{Kind: Month, Year: 2024, N: 12}},
		// day
		{"2024-09-05", sep5},
		{"2024-9-5", sep5},
		{"2024年9月5日", sep5},
		{"2024年09月05日", sep5},
		{"2024年9月5号", sep5},
		{"2024-02-29", Period{Kind: Day, Year: 2024, N: 2, Day: 29}},
		{"2000-02-29", Period{Kind: Day, Year: 2000, N: 2, Day: 29}},
		// week
		{"2024-W05", w5},
		{"2024W5", w5},
		{"2024w05", w5},
		{"2024-w5", w5},
		{"2024年第5周", w5},
		{"2024年第05周", w5},
		{"2024第5周", w5},
		{"2024年第5週", w5},
		{"2020-W53", Period{Kind: Week, Year: 2020, N: 53}},
		{"2026年第53周", Period{Kind: Week, Year: 2026, N: 53}},
		// semester
		{"2024FA", fa2024},
		{"2024fa", fa2024},
		{"2025SP", sp2025},
		{"2025sp", sp2025},
		{"2024年秋季学期", fa2024},
		{"2024年秋学期", fa2024},
		{"2024秋季学期", fa2024},
		{"2024年秋季", fa2024},
		{"2024年秋季學期", fa2024},
		{"2025年春季学期", sp2025},
		{"2025年春学期", sp2025},
		{"2025春季学期", sp2025},
		{"2024-2025学年第一学期", fa2024},
		{"2024-2025学年第二学期", sp2025},
		{"2024—2025学年度第1学期", fa2024},
		{"2024-2025学年上学期", fa2024},
		{"2024-2025学年第2学期", sp2025},
		{"2024-2025学年度第二学期", sp2025},
		{"2024-2025学年下学期", sp2025},
		// school year
		{"2024-2025", sy2024},
		{"2024-2025学年", sy2024},
		{"2024-2025学年度", sy2024},
		{"2024—2025学年", sy2024},
		{"2024——2025学年", sy2024},
		{"2024–2025学年", sy2024},
		{"2024－2025学年", sy2024},
		{"2024~2025学年", sy2024},
		{"2024～2025学年", sy2024},
		{"2024至2025学年", sy2024},
		{"2024到2025学年", sy2024},
		{"2024-2025學年", sy2024},
		{"9998-9999", Period{Kind: SchoolYear, Year: 9998}},
		// normalisation: surrounding space, full-width characters, inner space
		{"  2024Q3\t", q3},
		{"\u30002024年第三季度\u3000", q3},
		{"２０２４Ｑ３", q3},
		{"２０２４年第３季度", q3},
		{"２０２４－０９－０５", sep5},
		{"２０２４－Ｗ０５", w5},
		{"２０２４ＦＡ", fa2024},
		{"２０２４－２０２５学年", sy2024},
		{"2024 年 9 月", sep},
		{"2024 - 2025 学年", sy2024},
		{"2024 Q3", q3},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		in   string
		want string // a fragment the message must contain, so it says what was wrong
	}{
		{"", "no period given"},
		{"   ", "no period given"},
		{"garbage", "is not a period"},
		{"hello 2024", "is not a period"},
		{"2024-02-30", "February 2024 has 29 days"},
		{"2023-02-29", "February 2023 has 28 days"},
		{"2024年2月30日", "February 2024 has 29 days"},
		{"2024-04-31", "April 2024 has 30 days"},
		{"2024-09-00", "day 0 does not exist"},
		{"2024-W53", "ISO year 2024 has 52 weeks"},
		{"2024年第53周", "ISO year 2024 has 52 weeks"},
		{"2024-W00", "week 0 does not exist"},
		{"2020-W54", "ISO year 2020 has 53 weeks"},
		{"2024-2026学年", "must be followed by 2025"},
		{"2024-2026", "must be followed by 2025"},
		{"2024-2023学年", "must be followed by 2025"},
		{"2024-2026学年第一学期", "must be followed by 2025"},
		{"2024Q5", "quarter 5 does not exist"},
		{"2024Q0", "quarter 0 does not exist"},
		{"2024年第五季度", "quarter 5 does not exist"},
		{"2024-13", "month 13 does not exist"},
		{"2024年13月", "month 13 does not exist"},
		{"2024-00", "month 0 does not exist"},
		{"2024-13-01", "month 13 does not exist"},
		{"1899", "year 1899 is outside 1900-9999"},
		{"0000Q1", "year 0 is outside"},
		{"1899FA", "year 1899 is outside"},
		{"9999-10000", "is not a period"},
		{"20245", "is not a period"},
		{"24Q3", "is not a period"},
		{"2024Q", "is not a period"},
		{"2024-", "is not a period"},
		{"2024年秋", "is not a period"},
		{"2024FALL", "is not a period"},
		{"20 24", "is not a period"},
		{"2024-09-05T00:00:00Z", "is not a period"},
		{"+2024", "is not a period"},
		{"-2024", "is not a period"},
		{"2024年第三季度x", "is not a period"},
		{"２０２４年第三十季度", "is not a period"},
	}
	for _, tt := range tests {
		p, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %#v, want an error", tt.in, p)
			continue
		}
		if !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("Parse(%q) error %v is not a domain invalid error", tt.in, err)
		}
		var de *domain.Error
		if !errors.As(err, &de) || de.Field != "period" {
			t.Errorf("Parse(%q) error %#v does not name field period", tt.in, err)
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) error %q does not say %q", tt.in, err, tt.want)
		}
		// Every message shows what to type instead.
		if !strings.Contains(err.Error(), "e.g.") {
			t.Errorf("Parse(%q) error %q shows no example", tt.in, err)
		}
		if p != (Period{}) {
			t.Errorf("Parse(%q) returned %#v with its error, want the zero Period", tt.in, p)
		}
	}
}

func TestCodesAndLabels(t *testing.T) {
	tests := []struct {
		p            Period
		code, zh, en string
	}{
		{Period{Kind: Year, Year: 2024}, "2024", "2024年", "2024"},
		{Period{Kind: Quarter, Year: 2024, N: 3}, "2024Q3", "2024年第三季度", "Q3 2024"},
		{Period{Kind: Month, Year: 2024, N: 9}, "2024-09", "2024年9月", "September 2024"},
		{Period{Kind: Day, Year: 2024, N: 9, Day: 5}, "2024-09-05", "2024年9月5日", "5 September 2024"},
		{Period{Kind: Week, Year: 2024, N: 5}, "2024-W05", "2024年第5周", "Week 5 of 2024"},
		{Period{Kind: Week, Year: 2020, N: 53}, "2020-W53", "2020年第53周", "Week 53 of 2020"},
		{Period{Kind: Semester, Year: 2024, N: Autumn}, "2024FA", "2024年秋季学期", "Autumn term 2024"},
		{Period{Kind: Semester, Year: 2025, N: Spring}, "2025SP", "2025年春季学期", "Spring term 2025"},
		{Period{Kind: SchoolYear, Year: 2024}, "2024-2025", "2024-2025学年", "School year 2024–2025"},
	}
	for _, tt := range tests {
		if got := tt.p.Code(); got != tt.code {
			t.Errorf("%#v.Code() = %q, want %q", tt.p, got, tt.code)
		}
		if got := tt.p.String(); got != tt.code {
			t.Errorf("%#v.String() = %q, want %q", tt.p, got, tt.code)
		}
		if got := tt.p.Label("zh"); got != tt.zh {
			t.Errorf("%#v.Label(zh) = %q, want %q", tt.p, got, tt.zh)
		}
		if got := tt.p.Label("zh-CN"); got != tt.zh {
			t.Errorf("%#v.Label(zh-CN) = %q, want %q", tt.p, got, tt.zh)
		}
		if got := tt.p.Label("en"); got != tt.en {
			t.Errorf("%#v.Label(en) = %q, want %q", tt.p, got, tt.en)
		}
		if got := tt.p.Label("en-GB"); got != tt.en {
			t.Errorf("%#v.Label(en-GB) = %q, want %q", tt.p, got, tt.en)
		}
	}
	if got := (Period{}).Code(); got != "" {
		t.Errorf("zero Period code = %q, want empty", got)
	}
	if got := (Period{}).Label("zh"); got != "" {
		t.Errorf("zero Period label = %q, want empty", got)
	}
}

func TestParseKind(t *testing.T) {
	for _, k := range Kinds {
		got, err := ParseKind(string(k))
		if err != nil || got != k {
			t.Errorf("ParseKind(%q) = %q, %v", k, got, err)
		}
	}
	for _, s := range []string{"", "Month", "semesters", "schoolyear"} {
		if _, err := ParseKind(s); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("ParseKind(%q) error = %v, want invalid", s, err)
		}
	}
	if len(Kinds) != 7 {
		t.Errorf("Kinds has %d entries, want 7", len(Kinds))
	}
}
