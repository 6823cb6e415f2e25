package monitor

import (
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func testTree(t *testing.T) *Gazetteer {
	t.Helper()
	g, err := NewGazetteer([]Unit{
		{ID: 1, Name: "城关县教育局", Aliases: []string{"城关县教育系统"}},
		{ID: 2, Name: "东城学区", Parent: 1},
		{ID: 3, Name: "西城学区", Parent: 1},
		{ID: 10, Name: "城关县第一中学", Aliases: []string{"城关一中"}, Parent: 2},
		{ID: 11, Name: "第一中学", Parent: 3}, // a shorter name inside 10's
		{ID: 12, Name: "实验小学", Parent: 2},
		{ID: 13, Name: "实验小学", Parent: 3}, // shared with 12
		{ID: 14, Name: "東城中學", Parent: 2}, // traditional in the tree
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGazetteerRoute(t *testing.T) {
	g := testTree(t)
	for text, want := range map[string][]int64{
		"城关县第一中学食堂出事":  {10}, // longest wins over 第一中学
		"城关一中学生":       {10},
		"第一中学今天开会":     {11},
		"实验小学运动会":      {1},     // shared by 12 and 13: their lowest common ancestor
		"东城中学的老师":      {14},    // normalised both sides
		"东城学区和城关一中":    {10},    // 东城学区 is 10's ancestor: implied
		"西城学区、城关县第一中学": {3, 10}, // two branches
		"城关县教育系统通报":    {1},
		"与本县无关的新闻":     nil,
		"":             nil,
	} {
		if got := g.Route(Normalize(text)); !slices.Equal(got, want) {
			t.Errorf("Route(%q) = %v, want %v", text, got, want)
		}
	}
	if got := g.Ancestors(10); !slices.Equal(got, []int64{10, 2, 1}) {
		t.Errorf("Ancestors(10) = %v", got)
	}
}

func TestGazetteerRejectsBadTrees(t *testing.T) {
	for name, units := range map[string][]Unit{
		"cycle":          {{ID: 1, Name: "甲单位", Parent: 2}, {ID: 2, Name: "乙单位", Parent: 1}},
		"unknown parent": {{ID: 1, Name: "甲单位", Parent: 9}},
		"duplicate id":   {{ID: 1, Name: "甲单位"}, {ID: 1, Name: "乙单位"}},
		"short alias":    {{ID: 1, Name: "甲单位", Aliases: []string{"甲"}}},
		"empty name":     {{ID: 1, Name: " "}},
		"zero id":        {{ID: 0, Name: "甲单位"}},
	} {
		if _, err := NewGazetteer(units); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Routing equals a plain computation on random trees and texts: find every
// name with strings.Index, drop the occurrences lying inside a longer one,
// send each remaining name to the deepest unit that is an ancestor-or-self
// of all its bearers (by walking parent chains), then drop the ancestors of
// other routed units.
func TestRouteEqualsNaive(t *testing.T) {
	syllables := []string{"东城", "西城", "一中", "二中", "实验", "小学", "东城一中", "实验小学"}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "units")
		var units []Unit
		for i := 1; i <= n; i++ {
			parent := int64(0)
			if i > 1 {
				parent = int64(rapid.IntRange(0, i-1).Draw(t, "parent"))
			}
			units = append(units, Unit{ID: int64(i), Name: rapid.SampledFrom(syllables).Draw(t, "name"), Parent: parent})
		}
		g, err := NewGazetteer(units)
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		for range rapid.IntRange(0, 6).Draw(t, "words") {
			text.WriteString(rapid.SampledFrom(append(syllables, "的", "和")).Draw(t, "w"))
		}
		norm := Normalize(text.String())

		parent := map[int64]int64{}
		bearers := map[string][]int64{}
		for _, u := range units {
			parent[u.ID] = u.Parent
			bearers[u.Name] = append(bearers[u.Name], u.ID)
		}
		chain := func(id int64) []int64 {
			var c []int64
			for ; id != 0; id = parent[id] {
				c = append(c, id)
			}
			return c
		}
		type occ struct {
			start, end int
			name       string
		}
		var occs []occ
		for name := range bearers {
			for _, sp := range allSpans(norm, name) {
				occs = append(occs, occ{sp.start, sp.end, name})
			}
		}
		routed := map[int64]bool{}
		for _, o := range occs {
			inside := false
			for _, p := range occs {
				if p != o && p.start <= o.start && o.end <= p.end && p.end-p.start > o.end-o.start {
					inside = true
				}
			}
			if inside {
				continue
			}
			// Deepest common ancestor-or-self of all bearers.
			common := chain(bearers[o.name][0])
			for _, b := range bearers[o.name][1:] {
				in := map[int64]bool{}
				for _, a := range chain(b) {
					in[a] = true
				}
				var kept []int64
				for _, a := range common {
					if in[a] {
						kept = append(kept, a)
					}
				}
				common = kept
			}
			if len(common) > 0 {
				routed[common[0]] = true
			}
		}
		for u := range routed {
			for _, a := range chain(u)[1:] {
				delete(routed, a)
			}
		}
		var want []int64
		for u := range routed {
			want = append(want, u)
		}
		slices.Sort(want)
		if got := g.Route(norm); !slices.Equal(got, want) {
			t.Fatalf("text %q, units %+v: Route %v, naive %v", norm, units, got, want)
		}
	})
}
