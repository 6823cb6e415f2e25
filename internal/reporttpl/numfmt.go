package reporttpl

import (
	"strconv"
	"strings"
)

// ApproxFloor is the approximate-wording rule. It only ever rounds DOWN and
// marks a rounded figure with 余 ("more than"), so the words never claim more
// than the records hold:
//   - under 10: exact (7 → 7);
//   - 10 to 99: down to the ten (86 → 80余; 80 → 80);
//   - 100 and over: down to two significant digits (1234 → 1200余, 125 → 120余, 1200 → 1200).
//
// It returns the rounded value and whether rounding dropped anything
// (false means the value is exact and no 余 is written). Negative values are
// returned exact: rounding a negative count "down" would claim a larger drop.
func ApproxFloor(n int64) (int64, bool) {
	if n < 10 {
		return n, false
	}
	step := int64(10)
	if n >= 100 {
		step = 1
		for m := n; m >= 100; m /= 10 {
			step *= 10
		}
	}
	r := n - n%step
	return r, r != n
}

// approxText writes n approximately: "80余" or, with cn, "八十余".
func approxText(n int64, cn bool) (string, bool) {
	r, rounded := ApproxFloor(n)
	s := strconv.FormatInt(r, 10)
	if cn {
		s = Chinese(r)
	}
	if rounded {
		s += "余"
	}
	return s, rounded
}

// wanText writes n in 万 with one decimal, rounded down, with 余 when the
// rounding dropped something: 12345 → "1.2万余", 20000 → "2万", 15000 → "1.5万".
// Under 10000 (and below zero) it writes the exact number.
func wanText(n int64) (string, bool) {
	if n < 10000 {
		return strconv.FormatInt(n, 10), false
	}
	tenths := n / 1000 // rounds down
	s := strconv.FormatInt(tenths/10, 10)
	if tenths%10 != 0 {
		s += "." + strconv.FormatInt(tenths%10, 10)
	}
	s += "万"
	rounded := n%1000 != 0
	if rounded {
		s += "余"
	}
	return s, rounded
}

var cnDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// Chinese writes an integer in Chinese numerals as an official text does:
// 10 → 十, 15 → 十五, 57 → 五十七, 105 → 一百零五, 1200 → 一千二百,
// 12000 → 一万二千, 100000000 → 一亿.
func Chinese(n int64) string {
	if n == 0 {
		return "零"
	}
	if n < 0 {
		// uint64 holds the magnitude of math.MinInt64 too
		return "负" + chineseU(uint64(-(n+1))+1)
	}
	return chineseU(uint64(n))
}

func chineseU(n uint64) string {
	// groups of four digits: 个, 万, 亿, 万亿 (兆 is not used in official text)
	bigUnits := []string{"", "万", "亿", "万亿", "亿亿"}
	var groups []int64
	for m := n; m > 0; m /= 10000 {
		groups = append(groups, int64(m%10000))
	}
	var b strings.Builder
	zeroPending := false
	for i := len(groups) - 1; i >= 0; i-- {
		g := groups[i]
		if g == 0 {
			zeroPending = b.Len() > 0
			continue
		}
		if b.Len() > 0 && (zeroPending || g < 1000) {
			b.WriteString("零")
		}
		zeroPending = false
		b.WriteString(group4(g, b.Len() == 0))
		b.WriteString(bigUnits[i])
	}
	return b.String()
}

// group4 writes 1..9999; leading says it starts the number, where 一十 is
// written 十.
func group4(g int64, leading bool) string {
	units := []string{"千", "百", "十", ""}
	digits := []int64{g / 1000, g / 100 % 10, g / 10 % 10, g % 10}
	var b strings.Builder
	started, zero := false, false
	for i, d := range digits {
		if d == 0 {
			zero = started
			continue
		}
		if zero {
			b.WriteString("零")
			zero = false
		}
		if !(d == 1 && i == 2 && !started && leading) {
			b.WriteString(cnDigits[d])
		}
		b.WriteString(units[i])
		started = true
	}
	return b.String()
}
