package monitor

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	ahocorasick "github.com/coregx/ahocorasick"
)

// Unit is one org unit as the gazetteer needs it: its name, the other names
// people use for it (简称, former names), and its parent (0 for a root).
type Unit struct {
	ID      int64
	Name    string
	Aliases []string
	Parent  int64
}

// Gazetteer routes a post to the units it names (属地): the names and
// aliases of the org tree in one automaton. Where names overlap, the longest
// wins ("城关县第一中学" over "第一中学"); a name several units share routes
// to their lowest common ancestor. Read-only after NewGazetteer; safe for
// concurrent use.
type Gazetteer struct {
	parent map[int64]int64
	depth  map[int64]int
	names  []string  // normalised; index = automaton pattern id
	units  [][]int64 // units bearing each name
	idx    *index    // nil when the gazetteer is part of a Pipeline
}

// minNameRunes: a one-character alias ("一") would route half of all posts.
const minNameRunes = 2

// NewGazetteer checks the tree (unknown parents, cycles, duplicate ids,
// names too short to mean anything) and builds the automaton.
func NewGazetteer(units []Unit) (*Gazetteer, error) {
	g, err := buildGazetteer(units)
	if err != nil {
		return nil, err
	}
	if g.idx, err = newIndex(g.names); err != nil {
		return nil, err
	}
	return g, nil
}

// buildGazetteer checks the tree and collects the names without building an
// automaton (see compileRules).
func buildGazetteer(units []Unit) (*Gazetteer, error) {
	g := &Gazetteer{parent: map[int64]int64{}, depth: map[int64]int{}}
	for _, u := range units {
		if u.ID == 0 {
			return nil, fmt.Errorf("unit %q: id 0 is reserved for \"no parent\"", u.Name)
		}
		if _, dup := g.parent[u.ID]; dup {
			return nil, fmt.Errorf("unit %d: listed twice", u.ID)
		}
		g.parent[u.ID] = u.Parent
	}
	for _, u := range units {
		if _, ok := g.parent[u.Parent]; u.Parent != 0 && !ok {
			return nil, fmt.Errorf("unit %d: parent %d is not in the list", u.ID, u.Parent)
		}
	}
	for _, u := range units {
		if _, err := g.depthOf(u.ID, len(units)); err != nil {
			return nil, err
		}
	}
	index := map[string]int{}
	for _, u := range units {
		seen := map[string]bool{}
		for i, name := range append([]string{u.Name}, u.Aliases...) {
			n := strings.TrimSpace(Normalize(name))
			if utf8.RuneCountInString(n) < minNameRunes {
				if i == 0 && n == "" {
					return nil, fmt.Errorf("unit %d: empty name", u.ID)
				}
				if i > 0 {
					return nil, fmt.Errorf("unit %d: alias %q is shorter than %d characters", u.ID, name, minNameRunes)
				}
				continue // a one-character unit name is kept as a name but not matched
			}
			if seen[n] {
				continue
			}
			seen[n] = true
			id, ok := index[n]
			if !ok {
				id = len(g.names)
				index[n] = id
				g.names = append(g.names, n)
				g.units = append(g.units, nil)
			}
			g.units[id] = append(g.units[id], u.ID)
		}
	}
	return g, nil
}

func (g *Gazetteer) depthOf(id int64, limit int) (int, error) {
	if d, ok := g.depth[id]; ok {
		return d, nil
	}
	// Walk up to a root or a unit whose depth is known, then fill in.
	var chain []int64
	cur := id
	for cur != 0 {
		if _, ok := g.depth[cur]; ok {
			break
		}
		chain = append(chain, cur)
		if len(chain) > limit {
			return 0, fmt.Errorf("unit %d: its parents form a cycle", id)
		}
		cur = g.parent[cur]
	}
	base := -1
	if cur != 0 {
		base = g.depth[cur]
	}
	for i := len(chain) - 1; i >= 0; i-- {
		base++
		g.depth[chain[i]] = base
	}
	return g.depth[id], nil
}

// Route returns the units a normalised text names, lowest first and without
// the ancestors of units already in the list (routing to a school implies
// its district and county). A name shared by units goes to their lowest
// common ancestor; names with no common ancestor (two roots) route nowhere.
func (g *Gazetteer) Route(normText string) []int64 {
	return g.routeFound(g.idx.find(normText), 0)
}

// routeFound routes on the automaton's matches; name k is pattern k+first.
func (g *Gazetteer) routeFound(all []ahocorasick.Match, first int) []int64 {
	var matches []ahocorasick.Match
	for _, m := range all {
		if id := m.PatternID - first; id >= 0 && id < len(g.names) {
			m.PatternID = id
			matches = append(matches, m)
		}
	}
	if len(matches) == 0 {
		return nil
	}
	// Longest match wins: sort by start, longer first, and drop every
	// match that lies inside one already kept.
	sort.Slice(matches, func(i, j int) bool {
		if matches[i].Start != matches[j].Start {
			return matches[i].Start < matches[j].Start
		}
		return matches[i].End > matches[j].End
	})
	units := map[int64]bool{}
	keptEnd := -1
	for _, m := range matches {
		if m.End <= keptEnd {
			continue // inside a longer name
		}
		keptEnd = m.End
		if u, ok := g.lca(g.units[m.PatternID]); ok {
			units[u] = true
		}
	}
	// Drop units that are ancestors of other routed units.
	for u := range units {
		for p := g.parent[u]; p != 0; p = g.parent[p] {
			delete(units, p)
		}
	}
	out := make([]int64, 0, len(units))
	for u := range units {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Ancestors lists a unit and its ancestors, the unit first: the streams a
// routed post appears in.
func (g *Gazetteer) Ancestors(id int64) []int64 {
	var out []int64
	for cur := id; cur != 0; cur = g.parent[cur] {
		out = append(out, cur)
		if len(out) > len(g.parent) {
			break
		}
	}
	return out
}

func (g *Gazetteer) lca(ids []int64) (int64, bool) {
	a := ids[0]
	for _, b := range ids[1:] {
		x, y := a, b
		for g.depth[x] > g.depth[y] {
			x = g.parent[x]
		}
		for g.depth[y] > g.depth[x] {
			y = g.parent[y]
		}
		for x != y {
			x, y = g.parent[x], g.parent[y]
		}
		if x == 0 {
			return 0, false
		}
		a = x
	}
	return a, true
}
