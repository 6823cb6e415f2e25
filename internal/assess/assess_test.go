package assess_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/assess"
	"github.com/zeren-edu/zeren/internal/domain"
)

func known(string) bool { return true }

// handRubric is the example worked out by hand below.
func handRubric() assess.Rubric {
	return assess.Rubric{Items: []assess.Item{
		// 中心组学习每年不少于12次 = 3 points; at least 6 earns 1.
		{Name: "中心组学习", Indicator: "activity_count", Weight: 3,
			Rule: assess.Rule{Kind: assess.Thresholds, Steps: []assess.Step{{At: 6, Points: 1}, {At: 12, Points: 3}}}},
		{Name: "台账及时", Indicator: "records_timely", Weight: 47, Rule: assess.Rule{Kind: assess.Linear, Floor: 0.5, Full: 1}},
		{Name: "审核通过", Indicator: "approved_share", Weight: 30, Rule: assess.Rule{Kind: assess.Linear, Floor: 0, Full: 1}},
		{Name: "整改按时", Indicator: "rectifications_on_time", Weight: 20, Rule: assess.Rule{Kind: assess.Linear, Floor: 0.6, Full: 1}},
	}}
}

// TestHandExample scores three units on paper first:
//
//	A: 12 studies → 3; timely 0.80 → 47·(0.80−0.5)/0.5 = 28.2; approved 0.90 → 27;
//	   on time 0.75 → 20·(0.75−0.6)/0.4 = 7.5; sum 65.7, adjusted −2 → 63.7
//	B: 7 studies → 1; timely 0.45 → 0 (below floor); approved 1 → 30; on time 1 → 20; 51
//	C: 3 studies → 0; timely 0.75 → 23.5; approved 0.5 → 15; on time 0.8 → 10; 48.5, +2.5 → 51
//
// ranks: A 1, B and C share 2.
func TestHandExample(t *testing.T) {
	r, err := handRubric().Validate(known)
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 100 {
		t.Fatalf("total defaults to 100, got %v", r.Total)
	}
	v := func(c, ti, ap, on float64) map[string]float64 {
		return map[string]float64{"中心组学习": c, "台账及时": ti, "审核通过": ap, "整改按时": on}
	}
	scores := []assess.Score{
		r.ScoreUnit(3, v(3, 0.75, 0.5, 0.8), 2.5),
		r.ScoreUnit(2, v(7, 0.45, 1, 1), 0),
		r.ScoreUnit(1, v(12, 0.8, 0.9, 0.75), -2),
	}
	wantPoints := map[int64][]float64{1: {3, 28.2, 27, 7.5}, 2: {1, 0, 30, 20}, 3: {0, 23.5, 15, 10}}
	for _, s := range scores {
		for i, it := range s.Items {
			if it.Points != wantPoints[s.OrgID][i] {
				t.Errorf("unit %d item %s: %v points, want %v", s.OrgID, it.Name, it.Points, wantPoints[s.OrgID][i])
			}
		}
	}
	assess.Rank(scores)
	want := []struct {
		org   int64
		total float64
		rank  int
	}{{1, 63.7, 1}, {2, 51, 2}, {3, 51, 2}}
	for i, w := range want {
		if scores[i].OrgID != w.org || scores[i].Total != w.total || scores[i].Rank != w.rank {
			t.Errorf("place %d: unit %d total %v rank %d, want unit %d total %v rank %d",
				i, scores[i].OrgID, scores[i].Total, scores[i].Rank, w.org, w.total, w.rank)
		}
	}
}

func TestValidateNamesTheField(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*assess.Rubric)
		field string
		text  string
	}{
		{"weights do not add up", func(r *assess.Rubric) { r.Items[1].Weight = 40 }, "items.weight", "add up to 93"},
		{"weights against a set total", func(r *assess.Rubric) { r.Total = 120 }, "items.weight", "total 120"},
		{"no items", func(r *assess.Rubric) { r.Items = nil }, "items", ""},
		{"zero weight", func(r *assess.Rubric) { r.Items[0].Weight = 0 }, "items[0].weight", ""},
		{"step above weight", func(r *assess.Rubric) { r.Items[0].Rule.Steps[1].Points = 4 }, "items[0].rule.steps[1].points", ""},
		{"steps going down", func(r *assess.Rubric) { r.Items[0].Rule.Steps[1].At = 5 }, "items[0].rule.steps[1].at", ""},
		{"floor above full", func(r *assess.Rubric) { r.Items[1].Rule.Floor = 1 }, "items[1].rule.full", ""},
		{"unknown rule", func(r *assess.Rubric) { r.Items[2].Rule.Kind = "log" }, "items[2].rule.kind", ""},
		{"duplicate name", func(r *assess.Rubric) { r.Items[3].Name = "审核通过" }, "items[3].name", ""},
		{"unknown indicator", func(r *assess.Rubric) { r.Items[3].Indicator = "logins" }, "items[3].indicator", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := handRubric()
			c.edit(&r)
			_, err := r.Validate(func(s string) bool { return s != "logins" })
			var e *domain.Error
			if err == nil || !asErr(err, &e) || e.Kind != domain.KindInvalid || e.Field != c.field {
				t.Fatalf("got %v, want invalid %s", err, c.field)
			}
			if !strings.Contains(err.Error(), c.text) {
				t.Fatalf("%q does not say %q", err, c.text)
			}
		})
	}
}

func asErr(err error, e **domain.Error) bool {
	x, ok := err.(*domain.Error)
	*e = x
	return ok
}

// TestScoreProperties: for random rubrics and values, every item earns
// between 0 and its weight, more value never earns fewer points, and the
// total is the clamped sum of the items plus the adjustment.
func TestScoreProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 2000; n++ {
		k := 1 + rng.IntN(6)
		r := assess.Rubric{Total: float64(10 * (1 + rng.IntN(20)))}
		left := r.Total
		for i := 0; i < k; i++ {
			w := left
			if i < k-1 {
				w = math.Round(left*rng.Float64()*50) / 100
				if w <= 0 {
					w = 0.01
				}
			}
			left -= w
			it := assess.Item{Name: string(rune('a' + i)), Indicator: "x", Weight: w}
			if rng.IntN(2) == 0 {
				f := rng.Float64()
				it.Rule = assess.Rule{Kind: assess.Linear, Floor: f, Full: f + 0.01 + rng.Float64()}
			} else {
				at, p := 0.0, 0.0
				for j := 0; j < 1+rng.IntN(4); j++ {
					at += 1 + float64(rng.IntN(5))
					p = math.Min(w, p+rng.Float64()*w/2)
					it.Rule.Steps = append(it.Rule.Steps, assess.Step{At: at, Points: p})
				}
				it.Rule.Kind = assess.Thresholds
			}
			r.Items = append(r.Items, it)
		}
		r, err := r.Validate(known)
		if err != nil {
			if left < 0 { // the random split overshot; not a rubric
				continue
			}
			t.Fatalf("rubric %d: %v", n, err)
		}
		vals := map[string]float64{}
		for _, it := range r.Items {
			vals[it.Name] = rng.Float64() * 20
		}
		adj := math.Round((rng.Float64()*20-10)*100) / 100
		s := r.ScoreUnit(1, vals, adj)
		sum := 0.0
		for i, is := range s.Items {
			it := r.Items[i]
			if is.Points < 0 || is.Points > it.Weight+0.005 {
				t.Fatalf("rubric %d item %s: %v points of %v", n, it.Name, is.Points, it.Weight)
			}
			if more := it.Rule.Points(vals[it.Name]+rng.Float64(), it.Weight); more < is.Points {
				t.Fatalf("rubric %d item %s: more value earned fewer points (%v < %v)", n, it.Name, more, is.Points)
			}
			sum += is.Points
		}
		want := math.Round(math.Max(0, math.Min(sum+adj, r.Total))*100) / 100
		if math.Abs(s.Total-want) > 1e-9 {
			t.Fatalf("rubric %d: total %v, recount %v", n, s.Total, want)
		}
	}
}
