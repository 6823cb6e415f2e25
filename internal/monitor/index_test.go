package monitor

import (
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// index.find reports exactly the occurrences strings.Index finds, for
// pattern sets small and large (one byte per code half up to 255), with
// characters outside every pattern and outside the BMP in the text.
func TestIndexFindEqualsStringsIndex(t *testing.T) {
	wide := []rune(commonChars)
	rapid.Check(t, func(t *rapid.T) {
		alphabet := wide[:rapid.IntRange(2, len(wide)).Draw(t, "alphabet")]
		alphabet = append(alphabet, 'a', 'Z', '𠀀') // ASCII and a character beyond the BMP
		char := rapid.SampledFrom(alphabet)
		var patterns []string
		seen := map[string]bool{}
		for range rapid.IntRange(1, 40).Draw(t, "patterns") {
			var b strings.Builder
			for range rapid.IntRange(1, 4).Draw(t, "len") {
				b.WriteRune(char.Draw(t, "c"))
			}
			if !seen[b.String()] {
				seen[b.String()] = true
				patterns = append(patterns, b.String())
			}
		}
		x, err := newIndex(patterns)
		if err != nil {
			t.Fatal(err)
		}
		// Text: mostly characters of the patterns, some pattern copies, some others.
		var text strings.Builder
		for range rapid.IntRange(0, 60).Draw(t, "text") {
			switch rapid.IntRange(0, 4).Draw(t, "kind") {
			case 0:
				text.WriteString(rapid.SampledFrom(patterns).Draw(t, "p"))
			case 1:
				text.WriteString("，x\n")
			default:
				text.WriteRune(char.Draw(t, "t"))
			}
		}
		s := text.String()
		type occ struct{ id, start, end int }
		var got, want []occ
		for _, m := range x.find(s) {
			got = append(got, occ{m.PatternID, m.Start, m.End})
		}
		for id, p := range patterns {
			for _, sp := range allSpans(s, p) {
				want = append(want, occ{id, sp.start, sp.end})
			}
		}
		less := func(a, b occ) int {
			if a.start != b.start {
				return a.start - b.start
			}
			if a.end != b.end {
				return a.end - b.end
			}
			return a.id - b.id
		}
		slices.SortFunc(got, less)
		slices.SortFunc(want, less)
		if !slices.Equal(got, want) {
			t.Fatalf("text %q patterns %q: index %v, strings.Index %v", s, patterns, got, want)
		}
	})
}
