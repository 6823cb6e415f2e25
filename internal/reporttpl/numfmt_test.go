package reporttpl

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestApproxExamples(t *testing.T) {
	cases := []struct {
		n      int64
		arabic string
		cn     string
	}{
		{0, "0", "零"}, {7, "7", "七"}, {9, "9", "九"}, {10, "10", "十"}, {15, "10余", "十余"},
		{80, "80", "八十"}, {86, "80余", "八十余"}, {99, "90余", "九十余"}, {100, "100", "一百"},
		{105, "100余", "一百余"}, {125, "120余", "一百二十余"}, {1200, "1200", "一千二百"},
		{1234, "1200余", "一千二百余"}, {10050, "10000余", "一万余"}, {12345, "12000余", "一万二千余"},
		{-5, "-5", "负五"},
	}
	for _, c := range cases {
		if got, _ := approxText(c.n, false); got != c.arabic {
			t.Errorf("approx(%d) = %q, want %q", c.n, got, c.arabic)
		}
		if got, _ := approxText(c.n, true); got != c.cn {
			t.Errorf("approx(%d, cn) = %q, want %q", c.n, got, c.cn)
		}
	}
}

func TestChineseExamples(t *testing.T) {
	cases := map[int64]string{
		1: "一", 10: "十", 11: "十一", 20: "二十", 57: "五十七", 101: "一百零一", 110: "一百一十",
		1001: "一千零一", 1010: "一千零一十", 10000: "一万", 10001: "一万零一", 10010: "一万零一十",
		11000: "一万一千", 100000: "十万", 110000: "十一万", 1000100: "一百万零一百", 100000000: "一亿",
		100000005: "一亿零五", 120000000: "一亿二千万", 100010000: "一亿零一万",
	}
	for n, want := range cases {
		if got := Chinese(n); got != want {
			t.Errorf("Chinese(%d) = %q, want %q", n, got, want)
		}
	}
	if got := Chinese(math.MinInt64); !strings.HasPrefix(got, "负九百二十二亿亿") {
		t.Errorf("Chinese(MinInt64) = %q", got)
	}
}

func TestWanExamples(t *testing.T) {
	cases := map[int64]string{9999: "9999", 10000: "1万", 12000: "1.2万", 12345: "1.2万余", 19999: "1.9万余", 150000: "15万", 1234567: "123.4万余"}
	for n, want := range cases {
		if got, _ := wanText(n); got != want {
			t.Errorf("wan(%d) = %q, want %q", n, got, want)
		}
	}
}

// parseChinese reads back what Chinese writes, independently of it, so the
// property test can compare the displayed number with the figure.
func parseChinese(s string) int64 {
	if strings.HasPrefix(s, "负") {
		return -parseChinese(strings.TrimPrefix(s, "负"))
	}
	for _, big := range []struct {
		sep  string
		mult int64
	}{{"亿", 1e8}, {"万", 1e4}} {
		if i := strings.Index(s, big.sep); i >= 0 {
			return parseChinese(s[:i])*big.mult + parseChinese(s[i+len(big.sep):])
		}
	}
	digit := map[rune]int64{'零': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	small := map[rune]int64{'十': 10, '百': 100, '千': 1000}
	var total, num int64
	for _, r := range s {
		if d, ok := digit[r]; ok {
			num = d
		} else if u, ok := small[r]; ok {
			if num == 0 {
				num = 1 // 十 alone means 一十
			}
			total += num * u
			num = 0
		}
	}
	return total + num
}

// Property: approximate wording never claims more than the figure. The
// displayed number is ≤ the exact value; it is marked 余 exactly when it is
// smaller; and it keeps the value's leading digit (it is not wildly low).
func TestApproxNeverClaimsMore(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for i := 0; i < 200000; i++ {
		var n int64
		switch i % 3 {
		case 0:
			n = rng.Int64N(1000)
		case 1:
			n = rng.Int64N(10_000_000)
		default:
			n = rng.Int64N(math.MaxInt64)
		}
		r, rounded := ApproxFloor(n)
		if r > n || r < 0 || rounded != (r != n) {
			t.Fatalf("ApproxFloor(%d) = %d, %v", n, r, rounded)
		}
		if n >= 10 && r < n/10 { // at least one significant digit kept
			t.Fatalf("ApproxFloor(%d) = %d lost too much", n, r)
		}
		s, marked := approxText(n, false)
		num := strings.TrimSuffix(s, "余")
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil || v > n || marked != strings.HasSuffix(s, "余") || marked != (v < n) {
			t.Fatalf("approx(%d) = %q", n, s)
		}
		if n < 1e16 {
			cs, cmarked := approxText(n, true)
			cv := parseChinese(strings.TrimSuffix(cs, "余"))
			if cv != v || cmarked != marked {
				t.Fatalf("approx(%d, cn) = %q reads %d, want %d", n, cs, cv, v)
			}
		}
		ws, wmarked := wanText(n)
		var wv float64
		if strings.Contains(ws, "万") {
			f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSuffix(ws, "余"), "万"), 64)
			if err != nil {
				t.Fatalf("wan(%d) = %q", n, ws)
			}
			wv = f * 1e4
		} else if wv, err = strconv.ParseFloat(ws, 64); err != nil {
			t.Fatalf("wan(%d) = %q", n, ws)
		}
		if wv > float64(n)*(1+1e-12) || (wmarked && !strings.HasSuffix(ws, "余")) {
			t.Fatalf("wan(%d) = %q claims %v", n, ws, wv)
		}
	}
}

func TestChineseRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 100000; i++ {
		n := rng.Int64N(1e12)
		if i%2 == 0 {
			n = rng.Int64N(100000)
		}
		if got := parseChinese(Chinese(n)); got != n {
			t.Fatalf("Chinese(%d) = %q reads back as %d", n, Chinese(n), got)
		}
	}
}
