// Package exam is the pure engine of online exams: the per-candidate draw,
// the option shuffle, grading and the item statistics. It knows nothing of
// the database or of HTTP; the app feeds it rows and stores what it returns.
package exam

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Seed is the draw's seed for one candidate's attempt: the same exam,
// account and attempt number always give the same paper, so a restart (or a
// retried start) redraws exactly what was drawn.
func Seed(examID, accountID int64, attemptNo int) uint64 {
	var b [24]byte
	binary.BigEndian.PutUint64(b[0:], uint64(examID))
	binary.BigEndian.PutUint64(b[8:], uint64(accountID))
	binary.BigEndian.PutUint64(b[16:], uint64(attemptNo))
	h := sha256.Sum256(b[:])
	return binary.BigEndian.Uint64(h[:8])
}

func rng(seed uint64, salt uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, salt))
}

// Pool is what one draw rule draws from: the version ids of its questions,
// disjoint from every earlier rule's pool (see DisjointPools).
type Pool struct {
	Rule  int     // the rule's index, for messages
	IDs   []int64 // candidates, in a fixed order
	Count int     // how many to draw
}

// DisjointPools assigns each question to the first rule whose pool holds
// it, so no question is drawn twice by overlapping rules, and checks that
// every rule keeps enough: the refusal names the rule.
func DisjointPools(pools []Pool) ([]Pool, error) {
	seen := map[int64]bool{}
	out := make([]Pool, len(pools))
	for i, p := range pools {
		ids := []int64{}
		for _, id := range p.IDs {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		if len(ids) < p.Count {
			return nil, domain.Invalid(fmt.Sprintf("paper.rules[%d].count", p.Rule),
				"the rule draws %d questions but its bank holds only %d matching active questions not taken by an earlier rule", p.Count, len(ids))
		}
		out[i] = Pool{Rule: p.Rule, IDs: ids, Count: p.Count}
	}
	return out, nil
}

// Draw picks each pool's Count questions at random for seed, rules in order
// and each rule's picks in random order. Pools must be disjoint.
func Draw(pools []Pool, seed uint64) ([]int64, error) {
	out := []int64{}
	for i, p := range pools {
		if len(p.IDs) < p.Count {
			return nil, domain.Invalid(fmt.Sprintf("paper.rules[%d].count", p.Rule), "the rule draws %d questions from %d", p.Count, len(p.IDs))
		}
		r := rng(seed, uint64(i)+1)
		ids := slices.Clone(p.IDs)
		// A partial Fisher–Yates: the first Count places are a uniform sample.
		for k := 0; k < p.Count; k++ {
			j := k + r.IntN(len(ids)-k)
			ids[k], ids[j] = ids[j], ids[k]
		}
		out = append(out, ids[:p.Count]...)
	}
	return out, nil
}

// Shuffle returns the display order of n options for one question of a
// paper: the original keys in the order the candidate sees them (shown as
// A, B, … in that order). Without shuffling it is the original order.
func Shuffle(n int, seed uint64, questionID int64, shuffle bool) []string {
	keys := strings.Split(domain.OptionKeys[:n], "")
	if shuffle && n > 1 {
		r := rng(seed, uint64(questionID)<<1|1)
		r.Shuffle(n, func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	}
	return keys
}

// DisplayOptions relabels options in display order: A, B, … with the texts
// of the original keys order names.
func DisplayOptions(opts []domain.ExamOption, order []string) []domain.ExamOption {
	byKey := map[string]string{}
	for _, o := range opts {
		byKey[o.Key] = o.Text
	}
	out := make([]domain.ExamOption, 0, len(order))
	for i, k := range order {
		out = append(out, domain.ExamOption{Key: domain.OptionKeys[i : i+1], Text: byKey[k]})
	}
	return out
}

// ToDisplay turns a key in original option keys into the candidate's
// display keys (to reveal the key after submission).
func ToDisplay(kind domain.QuestionKind, key json.RawMessage, order []string) json.RawMessage {
	if kind != domain.QuestionSingle && kind != domain.QuestionMultiple {
		return key
	}
	pos := map[string]string{}
	for i, k := range order {
		pos[k] = domain.OptionKeys[i : i+1]
	}
	if kind == domain.QuestionSingle {
		var k string
		_ = json.Unmarshal(key, &k)
		b, _ := json.Marshal(pos[k])
		return b
	}
	var ks []string
	_ = json.Unmarshal(key, &ks)
	out := []string{}
	for _, k := range ks {
		out = append(out, pos[k])
	}
	slices.Sort(out)
	b, _ := json.Marshal(out)
	return b
}

// fromDisplay maps display keys back to original keys.
func fromDisplay(keys []string, order []string) []string {
	out := []string{}
	for _, k := range keys {
		i := strings.Index(domain.OptionKeys, k)
		if i < 0 || i >= len(order) {
			continue
		}
		out = append(out, order[i])
	}
	slices.Sort(out)
	return out
}

// Grade scores a candidate's answer (given, in display keys, canonical or
// null) against the key (canonical, original keys): points when right, 0
// otherwise. A multiple-choice question is all-or-nothing: no partial
// credit, so a candidate gains nothing by ticking every option. A fill-in
// question needs every blank right; each blank accepts any of its
// alternatives "答案1|答案2", compared after Normalise.
func Grade(kind domain.QuestionKind, key, given json.RawMessage, order []string, points int) int {
	if Correct(kind, key, given, order) {
		return points
	}
	return 0
}

// Correct reports whether given answers the question right.
func Correct(kind domain.QuestionKind, key, given json.RawMessage, order []string) bool {
	if len(given) == 0 || string(given) == "null" {
		return false
	}
	switch kind {
	case domain.QuestionSingle:
		var k, g string
		if json.Unmarshal(key, &k) != nil || json.Unmarshal(given, &g) != nil {
			return false
		}
		d := fromDisplay([]string{g}, order)
		return len(d) == 1 && d[0] == k
	case domain.QuestionMultiple:
		var k, g []string
		if json.Unmarshal(key, &k) != nil || json.Unmarshal(given, &g) != nil {
			return false
		}
		slices.Sort(k)
		return slices.Equal(k, fromDisplay(g, order))
	case domain.QuestionJudge:
		var k, g bool
		if json.Unmarshal(key, &k) != nil || json.Unmarshal(given, &g) != nil {
			return false
		}
		return k == g
	case domain.QuestionFill:
		var k, g []string
		if json.Unmarshal(key, &k) != nil || json.Unmarshal(given, &g) != nil {
			return false
		}
		if len(g) != len(k) {
			return false
		}
		for i := range k {
			if !FillMatches(k[i], g[i]) {
				return false
			}
		}
		return true
	}
	return false
}

// FillMatches reports whether a blank's answer matches its key, one of
// the alternatives separated by | (or the full-width ｜).
func FillMatches(key, given string) bool {
	g := Normalise(given)
	if g == "" {
		return false
	}
	for alt := range strings.SplitSeq(strings.ReplaceAll(key, "｜", "|"), "|") {
		if Normalise(alt) == g {
			return true
		}
	}
	return false
}

// Normalise is how fill-in answers are compared: NFKC (full-width letters,
// digits and punctuation become their ASCII forms), lower case, spaces
// trimmed and inner runs of white space dropped — "第 二 十" and "第二十"
// are the same answer in Chinese — and the trailing sentence punctuation
// (。.；;) dropped.
func Normalise(s string) string {
	s = norm.NFKC.String(s)
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), "。.;；")
}

// Response is one candidate's graded attempt for the statistics: the total
// score and, per question id drawn, the share earned (0 or 1 without
// partial credit).
type Response struct {
	Total  float64
	Shares map[int64]float64
}

// ItemStat is a question's classical item statistics.
type ItemStat struct {
	Attempts int
	// Difficulty is the mean share of the points earned (the p-value): 1
	// means everyone got it, 0 no one.
	Difficulty float64
	// Discrimination is the upper-lower index: the mean share earned by the
	// top 27 % of the candidates (by total score) who drew the question,
	// minus that of the bottom 27 %. It lies in [-1, 1]; under 0.2 the
	// question separates strong from weak candidates poorly. With fewer than
	// 4 responses it is 0.
	Discrimination float64
}

// ItemStats computes each question's statistics over the responses.
func ItemStats(responses []Response) map[int64]ItemStat {
	by := map[int64][]Response{}
	for _, r := range responses {
		for q := range r.Shares {
			by[q] = append(by[q], r)
		}
	}
	out := map[int64]ItemStat{}
	for q, rs := range by {
		st := ItemStat{Attempts: len(rs)}
		sum := 0.0
		for _, r := range rs {
			sum += r.Shares[q]
		}
		st.Difficulty = sum / float64(len(rs))
		if len(rs) >= 4 {
			sorted := slices.Clone(rs)
			sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Total > sorted[j].Total })
			g := int(float64(len(sorted))*0.27 + 0.5)
			if g < 1 {
				g = 1
			}
			up, low := 0.0, 0.0
			for i := 0; i < g; i++ {
				up += sorted[i].Shares[q]
				low += sorted[len(sorted)-1-i].Shares[q]
			}
			st.Discrimination = (up - low) / float64(g)
		}
		out[q] = st
	}
	return out
}

// ShortShare is the share of the median time under which an attempt is
// flagged as very short (guessing, or answers copied from elsewhere).
const ShortShare = 0.2

// Median returns the median of xs (0 for none).
func Median(xs []int) int {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Short reports whether an attempt of secs seconds is very short against
// the median: under ShortShare of it.
func Short(secs, median int) bool {
	return median > 0 && float64(secs) < ShortShare*float64(median)
}

// Distribution counts xs into n equal bands of [0, max]; the last band
// includes max.
func Distribution(xs []float64, max float64, n int) []domain.Bucket {
	if n < 1 || max <= 0 {
		return []domain.Bucket{}
	}
	out := make([]domain.Bucket, n)
	w := max / float64(n)
	for i := range out {
		out[i] = domain.Bucket{From: w * float64(i), To: w * float64(i+1)}
	}
	for _, x := range xs {
		i := int(x / w)
		if i >= n {
			i = n - 1
		}
		if i < 0 {
			i = 0
		}
		out[i].Count++
	}
	return out
}
