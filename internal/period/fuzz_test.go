package period

import "testing"

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"2024", "2024年", "2024年度",
		"2024Q3", "2024q3", "2024年第三季度", "2024年第3季度", "2024年3季度", "2024年三季度",
		"2024-09", "2024-9", "2024年9月", "2024年09月",
		"2024-09-05", "2024年9月5日",
		"2024-W05", "2024W5", "2024年第5周", "2020-W53",
		"2024FA", "2025SP", "2024年秋季学期", "2025年春季学期", "2024年秋学期", "2024-2025学年第二学期",
		"2024-2025", "2024-2025学年", "2024—2025学年", "2024至2025学年", "2024～2025学年",
		"２０２４Ｑ３", " 2024 年 9 月 ",
		"2024-02-30", "2024-W53", "2024-2026学年", "2024Q5", "2024-13", "", "garbage",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			if p != (Period{}) {
				t.Fatalf("Parse(%q) returned %#v with error %v", s, p, err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("Parse(%q) = %#v, which is invalid: %v", s, p, err)
		}
		for _, form := range []string{p.Code(), p.Label("zh")} {
			back, err := Parse(form)
			if err != nil || back != p {
				t.Fatalf("Parse(%q) = %#v, but Parse(%q) = %#v, %v", s, p, form, back, err)
			}
		}
		// A parsed period must be usable: none of these may panic.
		cal := DefaultCalendar()
		r := p.Range(cal)
		if !p.Contains(cal, r.From) {
			t.Fatalf("%s does not contain its first day %s", p, r.From)
		}
		_ = p.Label("en")
		_ = p.SameLastYear()
		_ = p.Next()
		_ = p.Prev()
	})
}
