package docx

import (
	"unicode/utf8"
)

// titleCharsPerLine is how many 二号 (22 pt) characters a title line holds in
// the 156 mm text area: 8845 twips / 440 = 20.1.
const titleCharsPerLine = 20

// TitleLines breaks a title into lines of at most titleCharsPerLine
// characters, only at the allowed rune offsets (between words), as evenly as
// it can: GB/T 9704-2012 §7.3.3 asks that a title break with its words whole
// and its lines in a balanced shape (梯形 or 菱形). Of the splits with the
// fewest lines it takes the one whose longest line is shortest, then the one
// whose first line is the shorter (a 梯形, widening downwards). A title that
// fits is one line; one with no allowed break that fits is left to the
// reader's own line breaking (one line here).
func TitleLines(title string, allowed []int) []string {
	runes := []rune(title)
	n := len(runes)
	if n <= titleCharsPerLine || !utf8.ValidString(title) {
		return []string{title}
	}
	var cuts []int
	for _, a := range allowed {
		if a > 0 && a < n && (len(cuts) == 0 || a > cuts[len(cuts)-1]) {
			cuts = append(cuts, a)
		}
	}
	// best[i] is the best split of runes[:cuts[i]]… solved by trying every
	// subset would be exponential; titles have a handful of cuts, so a small
	// dynamic programme over (cut, lines) is plenty.
	type plan struct {
		lines, longest, first int
		from                  int // previous cut index, -1 for the start
		ok                    bool
	}
	points := append([]int{0}, cuts...)
	points = append(points, n)
	best := make([]plan, len(points))
	best[0] = plan{ok: true, from: -1}
	better := func(a, b plan) bool { // a better than b
		if !b.ok {
			return true
		}
		if a.lines != b.lines {
			return a.lines < b.lines
		}
		if a.longest != b.longest {
			return a.longest < b.longest
		}
		return a.first < b.first
	}
	for j := 1; j < len(points); j++ {
		for i := 0; i < j; i++ {
			l := points[j] - points[i]
			if !best[i].ok || l > titleCharsPerLine {
				continue
			}
			p := plan{lines: best[i].lines + 1, longest: max(best[i].longest, l), first: best[i].first, from: i, ok: true}
			if i == 0 {
				p.first = l
			}
			if better(p, best[j]) {
				best[j] = p
			}
		}
	}
	last := len(points) - 1
	if !best[last].ok {
		return []string{title}
	}
	var out []string
	for j := last; j > 0; j = best[j].from {
		i := best[j].from
		out = append([]string{string(runes[points[i]:points[j]])}, out...)
	}
	return out
}
