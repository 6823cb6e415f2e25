package domain

// Bounds on the lists a caller sends. Each is far above any real use; it is
// there so that no request — from any reader — makes zeren loop, query or
// allocate without limit, and the error says the bound so a client knows
// what it may send.
const (
	MaxVenues          = 10  // venues of an activity or a type (there are three)
	MaxAccountRoles    = 20  // roles of one account
	MaxCoverage        = 500 // units one leader covers
	MaxRolePermissions = 100 // permissions of a custom role
)

// CheckCount refuses a list of n items when n is above max, naming the field,
// the bound and the count: "at most 20 aliases, got 25".
func CheckCount(field string, n, max int, what string) error {
	if n > max {
		return Invalid(field, "at most %d %s, got %d", max, what, n)
	}
	return nil
}
