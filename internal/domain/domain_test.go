package domain

import (
	"encoding/json"
	"testing"

	"pgregory.net/rapid"
)

// The review flow: only the documented transitions succeed, and every
// successful one lands in a valid status.
func TestStatusTransitions(t *testing.T) {
	allowed := map[Status]map[Transition]Status{
		StatusDraft:     {ActSubmit: StatusSubmitted},
		StatusReturned:  {ActSubmit: StatusSubmitted},
		StatusSubmitted: {ActApprove: StatusApproved, ActReturn: StatusReturned},
		StatusApproved:  {},
	}
	for _, s := range Statuses {
		for _, tr := range []Transition{ActSubmit, ActApprove, ActReturn} {
			next, err := s.Next(tr)
			want, ok := allowed[s][tr]
			if ok && (err != nil || next != want) {
				t.Errorf("%s --%s--> %s, %v; want %s", s, tr, next, err, want)
			}
			if !ok && (err == nil || KindOf(err) != KindConflict) {
				t.Errorf("%s --%s--> %s should be a conflict, got %v", s, tr, next, err)
			}
		}
	}
}

// Dates round-trip through text and JSON, and text order is date order.
func TestDateProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := NewDate(1950, 1, 1).AddDays(rapid.IntRange(0, 60000).Draw(t, "a"))
		b := NewDate(1950, 1, 1).AddDays(rapid.IntRange(0, 60000).Draw(t, "b"))
		p, err := ParseDate(a.String())
		if err != nil || p != a {
			t.Fatalf("%s: parse %v %v", a, p, err)
		}
		js, _ := json.Marshal(a)
		var back Date
		if err := json.Unmarshal(js, &back); err != nil || back != a {
			t.Fatalf("%s: json %s → %v %v", a, js, back, err)
		}
		if (a.String() < b.String()) != a.Before(b) {
			t.Fatalf("text order of %s and %s differs from date order", a, b)
		}
		if a.MonthKey() != a.String()[:7] {
			t.Fatalf("month key of %s: %s", a, a.MonthKey())
		}
	})
	for _, bad := range []string{"", "2024-2-3", "2024-02-30", "20240203", "2024-02-03T00:00:00Z"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
}

func TestKindNesting(t *testing.T) {
	for _, parent := range OrgKinds {
		for _, child := range OrgKinds {
			ok := parent.CanParent(child)
			// A bureau is only ever a root; nothing nests under a branch.
			if (child == OrgBureau || parent == OrgBranch) && ok {
				t.Errorf("%s may not parent %s", parent, child)
			}
		}
	}
	if !OrgBureau.CanParent(OrgSchool) || !OrgSchool.CanParent(OrgBranch) || OrgSchool.CanParent(OrgDistrict) {
		t.Error("nesting rules changed")
	}
}
