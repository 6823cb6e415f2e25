package monitor

import (
	"bufio"
	"bytes"
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

//go:embed t2s/TSCharacters.txt
var tsCharacters []byte

//go:embed t2s/TSPhrases.txt
var tsPhrases []byte

// converter is OpenCC's t2s: phrases (longest first) then single characters.
type converter struct {
	chars      map[rune]rune
	phrases    map[string]string
	phraseHead map[rune]bool // first runes of phrases, to skip the lookup quickly
	maxPhrase  int           // longest phrase, in runes
	// Dense copies for the Basic Multilingual Plane, where nearly all text
	// lies: an array index instead of a map lookup per character.
	bmpChars [0x10000]uint16 // 0: unchanged
	bmpHead  [0x10000 / 64]uint64
}

var (
	t2sOnce sync.Once
	t2s     *converter
)

// t2sConverter parses the embedded dictionaries once per process. It is the
// only package-level state: read-only data, like a compiled-in table.
func t2sConverter() *converter {
	t2sOnce.Do(func() {
		c := &converter{chars: map[rune]rune{}, phrases: map[string]string{}, phraseHead: map[rune]bool{}}
		eachEntry(tsCharacters, func(from, to string) {
			f, _ := utf8.DecodeRuneInString(from)
			t, _ := utf8.DecodeRuneInString(to)
			if utf8.RuneCountInString(from) == 1 {
				c.chars[f] = t
			}
		})
		eachEntry(tsPhrases, func(from, to string) {
			c.phrases[from] = to
			f, _ := utf8.DecodeRuneInString(from)
			c.phraseHead[f] = true
			if n := utf8.RuneCountInString(from); n > c.maxPhrase {
				c.maxPhrase = n
			}
		})
		for f, t := range c.chars {
			switch {
			case f >= 0x10000:
			case t < 0x10000 && t != 0 && t != bmpInMap:
				c.bmpChars[f] = uint16(t)
			default:
				c.bmpChars[f] = bmpInMap
			}
		}
		for r := range c.phraseHead {
			if r < 0x10000 {
				c.bmpHead[r/64] |= 1 << (r % 64)
			}
		}
		t2s = c
	})
	return t2s
}

// eachEntry reads OpenCC's text format: "from<TAB>to [alternative…]"; the
// first alternative is OpenCC's default choice.
func eachEntry(data []byte, fn func(from, to string)) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		from, rest, ok := strings.Cut(sc.Text(), "\t")
		if !ok || from == "" {
			continue
		}
		to, _, _ := strings.Cut(rest, " ")
		if to != "" {
			fn(from, to)
		}
	}
}

// Normalize is the one normalisation for posts and rules alike, so that a
// rule written one way matches a post written another: Unicode NFKC (which
// also turns full-width letters, digits and punctuation into half-width and
// the ideographic space into a space), traditional to simplified characters
// (OpenCC's t2s dictionaries), case folding, and format characters (zero-width
// spaces and joiners, used to break up words so filters miss them) dropped;
// bytes that are not UTF-8 become U+FFFD.
func Normalize(s string) string {
	return normalizeWith(t2sConverter(), s)
}

func normalizeWith(c *converter, s string) string {
	if !utf8.ValidString(s) {
		// A feed's stray bytes become U+FFFD, so every later step (and a
		// rule's keyword) sees the same characters.
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = norm.NFKC.String(s)
	if strings.ContainsFunc(s, isFormat) {
		// Dropped before the phrase lookup, so 瞭\u200b解 is the phrase 瞭解.
		s = strings.Map(func(r rune) rune {
			if isFormat(r) {
				return -1
			}
			return r
		}, s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if c.isPhraseHead(r) {
			if to, n := c.longestPhrase(s[i:]); n > 0 {
				for _, pr := range to {
					b.WriteRune(fold(pr))
				}
				i += n
				continue
			}
		}
		out := c.char(r)
		if f := fold(out); f != r {
			b.WriteRune(f)
		} else {
			b.WriteString(s[i : i+size]) // unchanged: copy the bytes
		}
		i += size
	}
	return b.String()
}

func (c *converter) isPhraseHead(r rune) bool {
	if r < 0x10000 {
		return c.bmpHead[r/64]&(1<<(r%64)) != 0
	}
	return c.phraseHead[r]
}

// bmpInMap marks a BMP character whose simplified form lies outside the
// BMP (a handful): U+FFFF is a noncharacter, never a real conversion.
const bmpInMap = 0xFFFF

func (c *converter) char(r rune) rune {
	if r < 0x10000 {
		switch t := c.bmpChars[r]; t {
		case 0:
			return r
		case bmpInMap:
		default:
			return rune(t)
		}
	}
	if to, ok := c.chars[r]; ok {
		return to
	}
	return r
}

func isFormat(r rune) bool { return r >= 0x80 && unicode.Is(unicode.Cf, r) }

// longestPhrase finds the longest dictionary phrase at the start of s and
// returns its conversion and the bytes it covers.
func (c *converter) longestPhrase(s string) (string, int) {
	// Collect the byte ends of the first maxPhrase runes, then try longest first.
	var ends [64]int
	n, off := 0, 0
	for n < c.maxPhrase && n < len(ends) && off < len(s) {
		_, size := utf8.DecodeRuneInString(s[off:])
		off += size
		ends[n] = off
		n++
	}
	for k := n - 1; k >= 1; k-- { // phrases have two runes or more
		if to, ok := c.phrases[s[:ends[k]]]; ok {
			return to, ends[k]
		}
	}
	return "", 0
}

// fold maps a rune to its case-folded form: the lower case for the letters
// that have one (simple folding; Chinese characters are their own fold).
func fold(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(r)
}
