package tabular

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Clean is how every cell is read before it is parsed: NFKC (full-width
// digits and letters to half-width, compatibility forms folded), and outer
// white space, including the ideographic space, trimmed.
func Clean(s string) string {
	return strings.TrimSpace(norm.NFKC.String(s))
}

// Excel serial dates of 1950–2100; other numbers are not dates typed here.
const (
	minSerial = 18264
	maxSerial = 73051
)

var (
	// 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, 2024-3-1 09:00 …
	fullDate = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:[\sT].*)?$`)
	// 20240301
	compactDate = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	// 3月1日, 3-1, 3/1, 3.1 (the year chosen by the importer)
	monthDay = regexp.MustCompile(`^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$`)
)

// ParseDate reads a date as Chinese offices write it: 2024-03-01, 2024/3/1,
// 2024年3月1日, 2024.3.1, 20240301, an Excel serial date, or, when year is
// not zero, a day without its year (3月1日, 3/1). A time of day after a full
// date is ignored. The error says what was expected.
func ParseDate(s string, year int) (domain.Date, error) {
	s = Clean(s)
	if s == "" {
		return domain.Date{}, fmt.Errorf("日期为空")
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "-/") {
		if m := compactDate.FindStringSubmatch(s); m != nil {
			return ymd(m[1], m[2], m[3], s)
		}
		// 3.1 in a date column is the first of March of the chosen year.
		if m := monthDay.FindStringSubmatch(s); m != nil && year != 0 && strings.Contains(s, ".") {
			return ymd(strconv.Itoa(year), m[1], m[2], s)
		}
		if f != math.Trunc(f) && f > minSerial && f < maxSerial {
			f = math.Trunc(f) // a date with a time of day
		}
		if f < minSerial || f > maxSerial || f != math.Trunc(f) {
			return domain.Date{}, fmt.Errorf("“%s”不是日期（请写成 2024-03-01 或 2024年3月1日）", s)
		}
		t, err := excelize.ExcelDateToTime(f, false)
		if err != nil {
			return domain.Date{}, fmt.Errorf("“%s”不是日期", s)
		}
		return domain.DateOf(t), nil
	}
	if m := fullDate.FindStringSubmatch(s); m != nil {
		return ymd(m[1], m[2], m[3], s)
	}
	if m := monthDay.FindStringSubmatch(s); m != nil {
		if year == 0 {
			return domain.Date{}, fmt.Errorf("“%s”没有年份：请选择这些记录所属的年份", s)
		}
		return ymd(strconv.Itoa(year), m[1], m[2], s)
	}
	return domain.Date{}, fmt.Errorf("“%s”不是日期（请写成 2024-03-01、2024/3/1 或 2024年3月1日）", clipCell(s))
}

func ymd(y, m, d, s string) (domain.Date, error) {
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	if yi < 1950 || yi > 2100 {
		return domain.Date{}, fmt.Errorf("“%s”的年份 %d 不在 1950–2100 之间", s, yi)
	}
	t := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if mi < 1 || mi > 12 || di < 1 || t.Day() != di {
		return domain.Date{}, fmt.Errorf("“%s”不是存在的日期", s)
	}
	return domain.DateOf(t), nil
}

// count: an optional 约/近/共/计/大约, digits, an optional 余/多/+, an
// optional unit (人, 人次, 名, 位, 次, 场).
var countRe = regexp.MustCompile(`^(?:约|大约|近|共|计|共计|合计)?\s*(\d+)\s*(?:余|多|\+)?\s*(?:人次|人|名|位|次|场)?$`)

// ParseCount reads a head count as people write it: 50, 约50人, 50人次,
// 50余人, ５０名, 一百二十人. Approximations are taken at their number.
func ParseCount(s string) (int, error) {
	s = Clean(s)
	if s == "" {
		return 0, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 || f != math.Trunc(f) || f > 1e6 {
			return 0, fmt.Errorf("“%s”不是人数（应为 0 到 1000000 的整数）", s)
		}
		return int(f), nil
	}
	if m := countRe.FindStringSubmatch(s); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n > 1_000_000 {
			return 0, fmt.Errorf("“%s”不是人数（应为 0 到 1000000 的整数）", s)
		}
		return n, nil
	}
	trimmed := strings.TrimLeft(s, "约大近共计合")
	trimmed = strings.TrimRight(trimmed, "人次名位场余多")
	if n, ok := chineseNumber(trimmed); ok && n <= 1_000_000 {
		return n, nil
	}
	return 0, fmt.Errorf("“%s”不是人数（请写成 50 或 约50人）", clipCell(s))
}

var chineseDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
var chineseUnits = map[rune]int{'十': 10, '百': 100, '千': 1000, '万': 10000}

// chineseNumber reads 一百二十, 三十五, 十二, 两千 (up to 万).
func chineseNumber(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	total, section, digit := 0, 0, -1
	for _, r := range s {
		if d, ok := chineseDigits[r]; ok {
			digit = d
			continue
		}
		u, ok := chineseUnits[r]
		if !ok {
			return 0, false
		}
		if digit < 0 {
			digit = 1 // 十二 = 一十二
		}
		if u == 10000 {
			if total > 0 {
				return 0, false // 万万: not a count anyone writes
			}
			total = (section + digit) * u
			section = 0
		} else {
			section += digit * u
		}
		digit = -1
	}
	if digit > 0 {
		section += digit
	}
	n := total + section
	return n, n > 0 || strings.ContainsAny(s, "零〇")
}

func clipCell(s string) string {
	r := []rune(s)
	if len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}
