package exam_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/exam"
)

// Property: for random pools and counts, a draw takes exactly each rule's
// count from its own pool, never a question twice, and the same seed gives
// the same paper; different candidates get different papers.
func TestDrawProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 500; trial++ {
		var pools []exam.Pool
		next := int64(1)
		for i := 0; i < 1+r.IntN(5); i++ {
			n := 1 + r.IntN(30)
			p := exam.Pool{Rule: i, Count: r.IntN(n + 1)}
			for k := 0; k < n; k++ {
				// overlapping pools: sometimes reuse an earlier id
				if next > 1 && r.IntN(4) == 0 {
					p.IDs = append(p.IDs, 1+r.Int64N(next-1))
				} else {
					p.IDs = append(p.IDs, next)
					next++
				}
			}
			pools = append(pools, p)
		}
		dis, err := exam.DisjointPools(pools)
		if err != nil {
			if !domain.IsKind(err, domain.KindInvalid) || !strings.Contains(err.Error(), "paper.rules[") {
				t.Fatalf("refusal must name the rule: %v", err)
			}
			continue
		}
		seed := exam.Seed(int64(trial), 7, 1)
		got, err := exam.Draw(dis, seed)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, p := range dis {
			want += p.Count
		}
		if len(got) != want {
			t.Fatalf("drew %d, want %d", len(got), want)
		}
		seen := map[int64]bool{}
		off := 0
		for _, p := range dis {
			for _, id := range got[off : off+p.Count] {
				if seen[id] {
					t.Fatalf("question %d drawn twice", id)
				}
				seen[id] = true
				if !slices.Contains(p.IDs, id) {
					t.Fatalf("rule %d drew %d outside its pool", p.Rule, id)
				}
			}
			off += p.Count
		}
		again, _ := exam.Draw(dis, seed)
		if !slices.Equal(got, again) {
			t.Fatal("the same seed drew another paper")
		}
	}
}

func TestDrawDiffersPerCandidateAndRefusesShortPool(t *testing.T) {
	ids := make([]int64, 100)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	pools := []exam.Pool{{Rule: 0, IDs: ids, Count: 10}}
	a, _ := exam.Draw(pools, exam.Seed(1, 1, 1))
	b, _ := exam.Draw(pools, exam.Seed(1, 2, 1))
	if slices.Equal(a, b) {
		t.Fatal("two candidates drew the same 10 of 100 in the same order")
	}
	_, err := exam.DisjointPools([]exam.Pool{{Rule: 0, IDs: ids[:5], Count: 3}, {Rule: 1, IDs: ids[:6], Count: 2}})
	if err == nil || !strings.Contains(err.Error(), "paper.rules[1].count") {
		t.Fatalf("the second rule keeps 1 question for 2: %v", err)
	}
}

func TestShuffleIsAPermutationAndGradingFollowsIt(t *testing.T) {
	for q := int64(1); q < 200; q++ {
		order := exam.Shuffle(4, exam.Seed(3, 4, 1), q, true)
		s := slices.Clone(order)
		slices.Sort(s)
		if strings.Join(s, "") != "ABCD" {
			t.Fatalf("not a permutation: %v", order)
		}
		// The key is original B; the candidate sees it at the position of B in order.
		disp := string(domain.OptionKeys[slices.Index(order, "B")])
		given, _ := json.Marshal(disp)
		if !exam.Correct(domain.QuestionSingle, json.RawMessage(`"B"`), given, order) {
			t.Fatalf("display %s for B under %v graded wrong", disp, order)
		}
		if got := exam.ToDisplay(domain.QuestionSingle, json.RawMessage(`"B"`), order); string(got) != string(given) {
			t.Fatalf("key shown as %s, want %s", got, given)
		}
	}
	if got := exam.Shuffle(4, 1, 1, false); strings.Join(got, "") != "ABCD" {
		t.Fatalf("unshuffled: %v", got)
	}
}

func TestGrading(t *testing.T) {
	id := []string{"A", "B", "C", "D"}
	cases := []struct {
		kind  domain.QuestionKind
		key   string
		given string
		right bool
	}{
		{domain.QuestionSingle, `"C"`, `"C"`, true},
		{domain.QuestionSingle, `"C"`, `"A"`, false},
		{domain.QuestionSingle, `"C"`, `null`, false},
		{domain.QuestionMultiple, `["A","C"]`, `["C","A"]`, true},
		{domain.QuestionMultiple, `["A","C"]`, `["A"]`, false}, // all-or-nothing
		{domain.QuestionMultiple, `["A","C"]`, `["A","B","C","D"]`, false},
		{domain.QuestionJudge, `true`, `true`, true},
		{domain.QuestionJudge, `true`, `false`, false},
		{domain.QuestionFill, `["六项|6项"]`, `["６项"]`, true},
		{domain.QuestionFill, `["中国共产党","Party"]`, `[" 中国 共产党 ","PARTY"]`, true},
		{domain.QuestionFill, `["中国共产党","Party"]`, `["中国共产党"]`, false},
		{domain.QuestionFill, `["a"]`, `[""]`, false},
	}
	for _, c := range cases {
		if got := exam.Correct(c.kind, json.RawMessage(c.key), json.RawMessage(c.given), id); got != c.right {
			t.Errorf("%s key %s given %s: %v, want %v", c.kind, c.key, c.given, got, c.right)
		}
		want := 0
		if c.right {
			want = 5
		}
		if got := exam.Grade(c.kind, json.RawMessage(c.key), json.RawMessage(c.given), id, 5); got != want {
			t.Errorf("grade %d, want %d", got, want)
		}
	}
}

// Property: a multiple-choice answer scores only when it is exactly the
// key's set, whatever the shuffle.
func TestMultipleAllOrNothingProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 2000; i++ {
		order := exam.Shuffle(5, uint64(i), 1, true)
		var key, given []string
		for k := 0; k < 5; k++ {
			if r.IntN(2) == 0 {
				key = append(key, order[k])
			}
			if r.IntN(2) == 0 {
				given = append(given, domain.OptionKeys[k:k+1])
			}
		}
		if len(key) == 0 {
			continue
		}
		kb, _ := json.Marshal(key)
		gb, _ := json.Marshal(given)
		// what the candidate meant, in original keys
		var meant []string
		for _, g := range given {
			meant = append(meant, order[strings.Index(domain.OptionKeys, g)])
		}
		slices.Sort(meant)
		slices.Sort(key)
		want := slices.Equal(meant, key)
		if got := exam.Correct(domain.QuestionMultiple, kb, gb, order); got != want {
			t.Fatalf("key %v given %v (order %v): %v", key, given, order, got)
		}
	}
}

func TestItemStats(t *testing.T) {
	// Ten candidates; q1 answered by the strong half only (discriminates), q2 by all.
	var rs []exam.Response
	for i := 0; i < 10; i++ {
		s1 := 0.0
		if i >= 5 {
			s1 = 1
		}
		rs = append(rs, exam.Response{Total: float64(i), Shares: map[int64]float64{1: s1, 2: 1}})
	}
	st := exam.ItemStats(rs)
	if st[1].Difficulty != 0.5 || st[2].Difficulty != 1 {
		t.Fatalf("difficulty %v %v", st[1].Difficulty, st[2].Difficulty)
	}
	if st[1].Discrimination != 1 || st[2].Discrimination != 0 {
		t.Fatalf("discrimination %v %v", st[1].Discrimination, st[2].Discrimination)
	}
	if st[1].Attempts != 10 {
		t.Fatal(st[1].Attempts)
	}
}

// Property: difficulty in [0,1], discrimination in [-1,1], for random data.
func TestItemStatsBounds(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	var rs []exam.Response
	for i := 0; i < 300; i++ {
		sh := map[int64]float64{}
		tot := 0.0
		for q := int64(1); q <= 5; q++ {
			if r.IntN(3) > 0 {
				v := float64(r.IntN(2))
				sh[q] = v
				tot += v
			}
		}
		rs = append(rs, exam.Response{Total: tot, Shares: sh})
	}
	for q, s := range exam.ItemStats(rs) {
		if s.Difficulty < 0 || s.Difficulty > 1 || s.Discrimination < -1 || s.Discrimination > 1 || math.IsNaN(s.Discrimination) {
			t.Fatalf("q%d: %+v", q, s)
		}
	}
}

func TestShortAndDistribution(t *testing.T) {
	if m := exam.Median([]int{600, 60, 900, 700}); m != 650 {
		t.Fatal(m)
	}
	if !exam.Short(129, 650) || exam.Short(130, 650) {
		t.Fatal("short means under 20 % of the median")
	}
	d := exam.Distribution([]float64{0, 9.9, 10, 100, 95}, 100, 10)
	if len(d) != 10 || d[0].Count != 2 || d[1].Count != 1 || d[9].Count != 2 {
		t.Fatalf("%+v", d)
	}
}

func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"六项", " ＡＢＣ ", "中 国", "x。", "", "\u00a0a", "ﬁ", "|"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := exam.Normalise(s)
		if !utf8.ValidString(s) {
			return
		}
		if exam.Normalise(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, exam.Normalise(n))
		}
		if strings.ContainsFunc(n, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' }) {
			t.Fatalf("white space left in %q", n)
		}
		if n != "" && !strings.Contains(n, "|") && !exam.FillMatches(s, s) {
			t.Fatalf("%q does not match itself", s)
		}
	})
}
