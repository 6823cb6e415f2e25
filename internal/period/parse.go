package period

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/zeren-edu/zeren/internal/domain"
)

// examples lists accepted forms for error messages, so a user who typed
// something wrong sees what to type instead.
const examples = "write e.g. 2024, 2024Q3, 2024-09, 2024-09-05, 2024-W05, 2024FA, 2025SP, 2024-2025, " +
	"or 2024年, 2024年第三季度, 2024年9月, 2024年9月5日, 2024年第5周, 2024年秋季学期, 2025年春季学期, 2024-2025学年"

// exampleOf gives the forms of one kind, for errors about a value that was
// recognised as that kind but is out of range.
var exampleOf = map[Kind]string{
	Day:        "2024-09-05 or 2024年9月5日",
	Week:       "2024-W05 or 2024年第5周",
	Month:      "2024-09 or 2024年9月",
	Quarter:    "2024Q3 or 2024年第三季度",
	Semester:   "2024FA, 2025SP, 2024年秋季学期 or 2025年春季学期",
	SchoolYear: "2024-2025 or 2024-2025学年",
	Year:       "2024 or 2024年",
}

// form is one accepted spelling: a pattern over the normalised input and a
// builder from its submatches. Builders only assemble fields; range checks
// are left to Period.problem so that Parse and Validate agree.
type form struct {
	re    *regexp.Regexp
	build func(m []string) (Period, string)
}

// Patterns run on normalised input (see normalize): ASCII digits, ASCII '-'
// for every dash, simplified characters, no spaces except between digits.
// \d is ASCII-only in Go's regexp. Number groups are limited in length so
// Atoi never overflows.
var forms = []form{
	// Year: 2024, 2024年, 2024年度.
	{regexp.MustCompile(`^(\d{4})(?:年度?)?$`), func(m []string) (Period, string) {
		return Period{Kind: Year, Year: num(m[1])}, ""
	}},
	// Quarter: 2024Q3, 2024q3, 2024-Q3, 2024年Q3.
	{regexp.MustCompile(`^(\d{4})(?:-|年)?[Qq](\d{1,2})$`), func(m []string) (Period, string) {
		return Period{Kind: Quarter, Year: num(m[1]), N: num(m[2])}, ""
	}},
	// Quarter: 2024年第三季度, 2024年第3季度, 2024年3季度, 2024年三季度, 2024年第三季.
	{regexp.MustCompile(`^(\d{4})(?:年第?|第)(\d{1,2}|[一二三四五六七八九十])季度?$`), func(m []string) (Period, string) {
		return Period{Kind: Quarter, Year: num(m[1]), N: num(m[2])}, ""
	}},
	// Month: 2024-09, 2024-9.
	{regexp.MustCompile(`^(\d{4})-(\d{1,2})$`), func(m []string) (Period, string) {
		return Period{Kind: Month, Year: num(m[1]), N: num(m[2])}, ""
	}},
	// Month: 2024年9月, 2024年09月, 2024年9月份.
	{regexp.MustCompile(`^(\d{4})年(\d{1,2})月份?$`), func(m []string) (Period, string) {
		return Period{Kind: Month, Year: num(m[1]), N: num(m[2])}, ""
	}},
	// Day: 2024-09-05, 2024-9-5.
	{regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`), func(m []string) (Period, string) {
		return Period{Kind: Day, Year: num(m[1]), N: num(m[2]), Day: num(m[3])}, ""
	}},
	// Day: 2024年9月5日, 2024年09月05号.
	{regexp.MustCompile(`^(\d{4})年(\d{1,2})月(\d{1,2})[日号]$`), func(m []string) (Period, string) {
		return Period{Kind: Day, Year: num(m[1]), N: num(m[2]), Day: num(m[3])}, ""
	}},
	// Week: 2024-W05, 2024W5, 2024w05.
	{regexp.MustCompile(`^(\d{4})-?[Ww](\d{1,2})$`), func(m []string) (Period, string) {
		return Period{Kind: Week, Year: num(m[1]), N: num(m[2])}, ""
	}},
	// Week: 2024年第5周, 2024第05周.
	{regexp.MustCompile(`^(\d{4})年?第(\d{1,2})周$`), func(m []string) (Period, string) {
		return Period{Kind: Week, Year: num(m[1]), N: num(m[2])}, ""
	}},
	// Semester: 2024FA, 2025SP, any letter case.
	{regexp.MustCompile(`^(\d{4})(?i:(fa|sp))$`), func(m []string) (Period, string) {
		return Period{Kind: Semester, Year: num(m[1]), N: term(strings.EqualFold(m[2], "sp"))}, ""
	}},
	// Semester: 2024年秋季学期, 2024年秋学期, 2024秋季学期, 2024年秋季, 2025年春季学期.
	{regexp.MustCompile(`^(\d{4})年?(春|秋)(?:季学期|学期|季)$`), func(m []string) (Period, string) {
		return Period{Kind: Semester, Year: num(m[1]), N: term(m[2] == "春")}, ""
	}},
	// Semester named within its school year, as school documents do:
	// 2024-2025学年第一学期 (上学期) is the autumn term of 2024,
	// 2024-2025学年第二学期 (下学期) is the spring term of 2025.
	{regexp.MustCompile(`^(\d{4})(?:-+|~|至|到)(\d{4})学年度?(?:第(一|二|1|2)|(上|下))学期$`), func(m []string) (Period, string) {
		first, second := num(m[1]), num(m[2])
		if msg := consecutive(first, second); msg != "" {
			return Period{}, msg
		}
		if m[3] == "二" || m[3] == "2" || m[4] == "下" {
			return Period{Kind: Semester, Year: second, N: Spring}, ""
		}
		return Period{Kind: Semester, Year: first, N: Autumn}, ""
	}},
	// School year: 2024-2025, 2024-2025学年, 2024—2025学年, 2024~2025学年,
	// 2024至2025学年, 2024-2025学年度. Runs of dashes cover the Chinese "——".
	{regexp.MustCompile(`^(\d{4})(?:-+|~|至|到)(\d{4})(?:学年度?)?$`), func(m []string) (Period, string) {
		first, second := num(m[1]), num(m[2])
		if msg := consecutive(first, second); msg != "" {
			return Period{}, msg
		}
		return Period{Kind: SchoolYear, Year: first}, ""
	}},
}

// Parse reads a period from its code (2024Q3) or its Chinese label
// (2024年第三季度), in any of the forms listed on the patterns above. It
// trims surrounding space, accepts full-width digits, letters and dashes as
// typed by Chinese input methods, and checks that the period exists (no
// 2024-02-30, no week 53 in a 52-week year, no 2024-2026学年). Errors are
// domain.Invalid on field "period" and show accepted forms.
func Parse(s string) (Period, error) {
	n := normalize(s)
	if n == "" {
		return Period{}, domain.Invalid("period", "no period given; %s", examples)
	}
	for _, f := range forms {
		m := f.re.FindStringSubmatch(n)
		if m == nil {
			continue
		}
		p, msg := f.build(m)
		if msg == "" {
			msg = p.problem()
		}
		if msg != "" {
			return Period{}, domain.Invalid("period", "%q: %s", s, msg)
		}
		return p, nil
	}
	return Period{}, domain.Invalid("period", "%q is not a period; %s", s, examples)
}

// consecutive checks the two years of a school year.
func consecutive(first, second int) string {
	if second != first+1 {
		return "a school year runs over two consecutive years, so " +
			strconv.Itoa(first) + " must be followed by " + strconv.Itoa(first+1) +
			", not " + strconv.Itoa(second) + "; write e.g. " + exampleOf[SchoolYear]
	}
	return ""
}

// term maps "is it spring?" to the term number.
func term(spring bool) int {
	if spring {
		return Spring
	}
	return Autumn
}

var zhDigit = map[string]int{"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

// num converts a matched group of ASCII digits or one Chinese numeral. The
// patterns guarantee the group is one of those and short, so there is no
// error to return.
func num(s string) int {
	if v, ok := zhDigit[s]; ok {
		return v
	}
	v, _ := strconv.Atoi(s)
	return v
}

// normalize folds the variants people type into the one spelling the
// patterns expect:
//   - full-width ASCII (２０２４, Ｑ, －, ～) becomes ASCII, as Chinese input
//     methods often produce it;
//   - every hyphen and dash (‐ ‑ ‒ – — ― − ﹣) becomes '-', wave dashes '~';
//   - traditional 學 and 週 and 號 become 学, 周, 号;
//   - spaces are dropped, except a space between two digits, which is kept so
//     that "20 24" stays an error instead of silently reading as 2024.
func normalize(s string) string {
	rs := []rune(strings.TrimSpace(s))
	for i, r := range rs {
		rs[i] = fold(r)
	}
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		if !unicode.IsSpace(rs[i]) {
			b.WriteRune(rs[i])
			continue
		}
		j := i
		for j < len(rs) && unicode.IsSpace(rs[j]) {
			j++
		}
		// TrimSpace guarantees a non-space on both sides of an inner run.
		if isDigit(rs[i-1]) && isDigit(rs[j]) {
			b.WriteByte(' ')
		}
		i = j - 1
	}
	return b.String()
}

func fold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII block
		return r - 0xFF01 + '!'
	case r >= 0x2010 && r <= 0x2015, r == 0x2212, r == 0xFE58, r == 0xFE63:
		return '-'
	case r == 0x301C || r == 0x223C: // 〜 ∼
		return '~'
	case r == '學':
		return '学'
	case r == '週':
		return '周'
	case r == '號':
		return '号'
	}
	return r
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }
