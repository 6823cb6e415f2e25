// Package assess scores units against a yearly rubric (考核细则): each item
// turns one indicator's value into points by its rule, and the points add up
// to the unit's score. It is pure arithmetic over values the app measured
// from the records; it reads no database and knows no indicator.
//
// What an item may measure is decided by the app's indicator registry, and
// it holds only measures of work done (records, their timeliness, their
// approval, rectifications closed): no item may score clicks, logins or time
// online — 形式主义 is what the people assessed hate most.
package assess

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
)

// RuleKind is how an item turns a value into points.
type RuleKind string

const (
	// Linear: nothing at or below Floor, full marks at or above Full, in
	// proportion between (a share of 0.6 with floor 0.5 and full 1.0 earns
	// a fifth of the weight).
	Linear RuleKind = "linear"
	// Thresholds: the points of the highest step the value reaches
	// (中心组学习每年不少于12次 = 3 points: one step {At: 12, Points: 3}).
	Thresholds RuleKind = "thresholds"
)

// Step is one threshold: a value of at least At earns Points.
type Step struct {
	At     float64 `json:"at"`
	Points float64 `json:"points"`
}

// Rule turns an indicator value into points, at most the item's weight.
type Rule struct {
	Kind  RuleKind `json:"kind"`
	Floor float64  `json:"floor,omitempty"`
	Full  float64  `json:"full,omitempty"`
	Steps []Step   `json:"steps,omitempty"`
}

// Item is one scored line of a rubric.
type Item struct {
	Name      string  `json:"name"`
	Indicator string  `json:"indicator"` // a name in the app's indicator registry
	Weight    float64 `json:"weight"`    // full marks of the item
	Rule      Rule    `json:"rule"`
	// Params narrow the indicator (e.g. "types": "central_group_study", "days": "7").
	Params map[string]string `json:"params,omitempty"`
}

// Rubric is a year's weighted items; the weights add up to Total.
type Rubric struct {
	Total float64 `json:"total"`
	Items []Item  `json:"items"`
}

// MaxItems bounds a rubric.
const MaxItems = 50

// eps absorbs binary fractions in sums of weights like 33.3 + 33.3 + 33.4.
const eps = 1e-6

// Validate checks a rubric: at least one item, names unique, every rule
// sound, weights positive and adding up to the total (100 unless set). known
// reports whether an indicator name is registered. Errors name the field:
// items[2].rule.steps[1].points.
func (r Rubric) Validate(known func(string) bool) (Rubric, error) {
	if r.Total == 0 {
		r.Total = 100
	}
	if r.Total < 0 || math.IsNaN(r.Total) || math.IsInf(r.Total, 0) {
		return r, domain.Invalid("total", "must be a positive number")
	}
	if len(r.Items) == 0 {
		return r, domain.Invalid("items", "a rubric needs at least one item")
	}
	if len(r.Items) > MaxItems {
		return r, domain.Invalid("items", "at most %d items", MaxItems)
	}
	seen := map[string]bool{}
	sum := 0.0
	for i := range r.Items {
		it := &r.Items[i]
		f := fmt.Sprintf("items[%d]", i)
		it.Name = strings.TrimSpace(it.Name)
		if err := domain.ValidateName(f+".name", it.Name, 100); err != nil {
			return r, err
		}
		if seen[it.Name] {
			return r, domain.Invalid(f+".name", "%q appears twice", it.Name)
		}
		seen[it.Name] = true
		if !known(it.Indicator) {
			return r, domain.Invalid(f+".indicator", "%q is not an indicator", it.Indicator)
		}
		if !(it.Weight > 0) || math.IsInf(it.Weight, 0) {
			return r, domain.Invalid(f+".weight", "must be more than 0")
		}
		sum += it.Weight
		if err := it.Rule.validate(f+".rule", it.Weight); err != nil {
			return r, err
		}
		for k, v := range it.Params {
			if err := domain.TextLine(f+".params."+k, v); err != nil {
				return r, err
			}
		}
	}
	if math.Abs(sum-r.Total) > eps {
		return r, domain.Invalid("items.weight", "the weights add up to %s, not to the rubric's total %s", num(sum), num(r.Total))
	}
	return r, nil
}

func (ru Rule) validate(f string, weight float64) error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch ru.Kind {
	case Linear:
		if !finite(ru.Floor) || !finite(ru.Full) || ru.Full <= ru.Floor {
			return domain.Invalid(f+".full", "full marks (%s) must be above the floor (%s)", num(ru.Full), num(ru.Floor))
		}
		if len(ru.Steps) > 0 {
			return domain.Invalid(f+".steps", "a linear rule has no steps")
		}
	case Thresholds:
		if len(ru.Steps) == 0 {
			return domain.Invalid(f+".steps", "a threshold rule needs at least one step")
		}
		for j, s := range ru.Steps {
			sf := fmt.Sprintf("%s.steps[%d]", f, j)
			if !finite(s.At) {
				return domain.Invalid(sf+".at", "must be a number")
			}
			if !finite(s.Points) || s.Points < 0 || s.Points > weight+eps {
				return domain.Invalid(sf+".points", "must be between 0 and the item's weight %s", num(weight))
			}
			if j > 0 && s.At <= ru.Steps[j-1].At {
				return domain.Invalid(sf+".at", "steps go up: %s is not above %s", num(s.At), num(ru.Steps[j-1].At))
			}
			if j > 0 && s.Points < ru.Steps[j-1].Points {
				return domain.Invalid(sf+".points", "a higher step cannot earn fewer points")
			}
		}
	default:
		return domain.Invalid(f+".kind", "%q is not a rule (linear, thresholds)", ru.Kind)
	}
	return nil
}

// Points is what value earns under the rule, for an item of weight.
func (ru Rule) Points(value, weight float64) float64 {
	switch ru.Kind {
	case Linear:
		switch {
		case value <= ru.Floor:
			return 0
		case value >= ru.Full:
			return round2(weight)
		}
		return round2(weight * (value - ru.Floor) / (ru.Full - ru.Floor))
	case Thresholds:
		p := 0.0
		for _, s := range ru.Steps {
			if value >= s.At {
				p = s.Points
			}
		}
		return round2(p)
	}
	return 0
}

// ItemScore is one item's value and points for one unit.
type ItemScore struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Points float64 `json:"points"`
	Weight float64 `json:"weight"`
}

// Score is one unit's result.
type Score struct {
	OrgID      int64       `json:"org_id"`
	Items      []ItemScore `json:"items"`
	Adjustment float64     `json:"adjustment"`
	Total      float64     `json:"total"`
	Rank       int         `json:"rank"`
}

// ScoreUnit scores one unit from its indicator values (by item name) and its
// manual adjustments. The total is clamped to [0, rubric total].
func (r Rubric) ScoreUnit(org int64, values map[string]float64, adjustment float64) Score {
	s := Score{OrgID: org, Adjustment: round2(adjustment)}
	sum := 0.0
	for _, it := range r.Items {
		v := values[it.Name]
		p := it.Rule.Points(v, it.Weight)
		s.Items = append(s.Items, ItemScore{Name: it.Name, Value: v, Points: p, Weight: it.Weight})
		sum += p
	}
	t := sum + adjustment
	t = math.Max(0, math.Min(t, r.Total))
	s.Total = round2(t)
	return s
}

// Rank orders scores best first and numbers them 1, 2, 2, 4 (equal totals
// share a rank); ties are listed by org id so the order is stable.
func Rank(scores []Score) {
	sort.SliceStable(scores, func(i, j int) bool {
		if scores[i].Total != scores[j].Total {
			return scores[i].Total > scores[j].Total
		}
		return scores[i].OrgID < scores[j].OrgID
	})
	for i := range scores {
		if i > 0 && scores[i].Total == scores[i-1].Total {
			scores[i].Rank = scores[i-1].Rank
		} else {
			scores[i].Rank = i + 1
		}
	}
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func num(x float64) string { return fmt.Sprintf("%g", round2(x)) }
