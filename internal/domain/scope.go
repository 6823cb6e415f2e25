package domain

// Scope is the part of the org tree an actor may touch: the subtrees rooted at
// Roots (read and write) plus the subtrees rooted at Covered (read only; 分片包抓).
// The zero Scope sees nothing: access is closed by default.
type Scope struct {
	Roots   []int64
	Covered []int64
}

// Empty reports whether the scope grants nothing at all.
func (s Scope) Empty() bool { return len(s.Roots) == 0 && len(s.Covered) == 0 }

// ReadRoots returns every subtree root the actor may read.
func (s Scope) ReadRoots() []int64 {
	out := make([]int64, 0, len(s.Roots)+len(s.Covered))
	out = append(out, s.Roots...)
	return append(out, s.Covered...)
}

// Actor is whoever makes a request: a person, a machine client, or the demo
// builder. Every use case takes one.
type Actor struct {
	Name  string
	Scope Scope
	// Operator marks the console operator of a server without accounts (and
	// the demo builder): it may create root units. Accounts replace it.
	Operator bool
}
