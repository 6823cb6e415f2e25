package tabular

import (
	"sort"
	"strings"
)

// Name is one thing a cell may name: a unit or an activity type, by its
// name, its code or an alias.
type Name struct {
	ID      int64
	Name    string
	Code    string
	Aliases []string
}

// Matcher finds what a cell names. Exact matches (after Clean, and ignoring
// white space and case) win; otherwise it offers the closest names as
// suggestions, never a guess.
type Matcher struct {
	exact map[string][]int64
	names []Name
	keys  [][]string
}

// NewMatcher indexes names.
func NewMatcher(names []Name) *Matcher {
	m := &Matcher{exact: map[string][]int64{}, names: names}
	for _, n := range names {
		keys := []string{key(n.Name), key(n.Code)}
		for _, a := range n.Aliases {
			keys = append(keys, key(a))
		}
		seen := map[string]bool{}
		var ks []string
		for _, k := range keys {
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			ks = append(ks, k)
			m.exact[k] = append(m.exact[k], n.ID)
		}
		m.keys = append(m.keys, ks)
	}
	return m
}

func key(s string) string {
	s = strings.ToLower(Clean(s))
	return strings.Join(strings.Fields(s), "")
}

// Match returns the id a cell names. ok is false when it names none or
// several; suggestions then hold up to three close names.
func (m *Matcher) Match(cell string) (id int64, ok bool, suggestions []string) {
	k := key(cell)
	if k == "" {
		return 0, false, nil
	}
	if ids := m.exact[k]; len(ids) == 1 {
		return ids[0], true, nil
	} else if len(ids) > 1 {
		for _, id := range ids {
			suggestions = append(suggestions, m.nameOf(id))
		}
		return 0, false, suggestions
	}
	type cand struct {
		name string
		d    int
	}
	var cands []cand
	kr := []rune(k)
	for i, n := range m.names {
		best := -1
		for _, nk := range m.keys[i] {
			d := distance(kr, []rune(nk))
			// A name that contains the cell, or the cell the name, is
			// close however long the rest is (一中 → 县第一中学).
			if strings.Contains(nk, k) || strings.Contains(k, nk) {
				d = min(d, 1)
			}
			if best < 0 || d < best {
				best = d
			}
		}
		limit := max(1, len(kr)/3)
		if best >= 0 && best <= limit {
			cands = append(cands, cand{n.Name, best})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].d < cands[j].d })
	for i := 0; i < len(cands) && i < 3; i++ {
		suggestions = append(suggestions, cands[i].name)
	}
	return 0, false, suggestions
}

func (m *Matcher) nameOf(id int64) string {
	for _, n := range m.names {
		if n.ID == id {
			return n.Name
		}
	}
	return ""
}

// distance is the Levenshtein distance of two rune slices.
func distance(a, b []rune) int {
	if len(a) == 0 {
		return len(b)
	}
	if len(b) == 0 {
		return len(a)
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
