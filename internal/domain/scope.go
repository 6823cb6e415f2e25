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
	Name      string
	AccountID int64 // 0 for the system actor
	OrgID     int64 // the unit the actor belongs to
	Scope     Scope
	// Permissions the actor holds; see Can.
	Permissions []Permission
	// Operator marks the system itself acting — the demo builder, migrations,
	// the console operator of `zeren init` — never a request from the network.
	// It holds every permission and may create root units.
	Operator bool
	// ClientAddr is the client's address, for the audit trail.
	ClientAddr string
}

// Can reports whether the actor holds permission p.
func (a Actor) Can(p Permission) bool {
	if a.Operator {
		return true
	}
	for _, x := range a.Permissions {
		if x == p {
			return true
		}
	}
	return false
}

// Require returns a forbidden error unless the actor holds p.
func (a Actor) Require(p Permission) error {
	if a.Can(p) {
		return nil
	}
	return Forbidden("this needs the %s permission", p)
}
