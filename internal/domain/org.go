package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// OrgKind is the level of an org unit in the tree.
type OrgKind string

const (
	OrgBureau   OrgKind = "bureau"   // 教育局 / 局党委: the root
	OrgDistrict OrgKind = "district" // 学区
	OrgSchool   OrgKind = "school"   // 学校
	OrgBranch   OrgKind = "branch"   // 党支部
)

// OrgKinds lists the kinds from the top of the tree down.
var OrgKinds = []OrgKind{OrgBureau, OrgDistrict, OrgSchool, OrgBranch}

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool {
	switch k {
	case OrgBureau, OrgDistrict, OrgSchool, OrgBranch:
		return true
	}
	return false
}

// CanParent reports whether a unit of kind k may have a child of kind child.
// A bureau has districts, schools and its own branches (机关党支部); a district
// has schools and branches; a school has branches; a branch is a leaf.
func (k OrgKind) CanParent(child OrgKind) bool {
	switch k {
	case OrgBureau:
		return child == OrgDistrict || child == OrgSchool || child == OrgBranch
	case OrgDistrict:
		return child == OrgSchool || child == OrgBranch
	case OrgSchool:
		return child == OrgBranch
	}
	return false
}

// OrgUnit is one node of the org tree.
type OrgUnit struct {
	ID       int64    `json:"id"`
	ParentID int64    `json:"parent_id,omitempty"` // 0 for a root (a bureau)
	Kind     OrgKind  `json:"kind"`
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Aliases  []string `json:"aliases"`
	Active   bool     `json:"active"`
	// ActiveFrom and ActiveUntil bound the unit's life: activities must fall
	// inside it. ActiveUntil is zero while the unit is active.
	ActiveFrom  Date      `json:"active_from"`
	ActiveUntil Date      `json:"active_until,omitempty"`
	Depth       int       `json:"depth"` // 0 for a root
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Lived reports whether d falls inside the unit's active life.
func (o OrgUnit) Lived(d Date) bool {
	if !o.ActiveFrom.IsZero() && d.Before(o.ActiveFrom) {
		return false
	}
	if !o.ActiveUntil.IsZero() && d.After(o.ActiveUntil) {
		return false
	}
	return true
}

// Limits on org unit fields.
const (
	MaxCodeLen    = 64
	MaxNameLen    = 100
	MaxAliases    = 20
	MaxAliasLen   = 100
	MaxTitleLen   = 200
	MaxDescLen    = 10000
	MaxAttendance = 100000 // more people than any county event gathers; a typo guard
)

// ValidateCode checks a stable machine code: letters, digits, '-', '_' and '.'.
func ValidateCode(field, code string) error {
	if code == "" {
		return Invalid(field, "is required")
	}
	if len(code) > MaxCodeLen {
		return Invalid(field, "must be at most %d characters", MaxCodeLen)
	}
	for _, r := range code {
		ok := r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !ok {
			return Invalid(field, "may contain only letters, digits, '-', '_' and '.', not %q", r)
		}
	}
	return nil
}

// ValidateName checks a required, bounded name: one line (TextLine), no tab.
func ValidateName(field, name string, max int) error {
	if strings.TrimSpace(name) == "" {
		return Invalid(field, "is required")
	}
	if err := TextLine(field, name); err != nil {
		return err
	}
	if i := strings.IndexByte(name, '\t'); i >= 0 {
		// TextLine allows a tab in a line of text; a name holding one was
		// pasted from a spreadsheet cell boundary.
		return Invalid(field, "character %d is a tab (U+0009), which is not allowed in a name", utf8.RuneCountInString(name[:i])+1)
	}
	if n := utf8.RuneCountInString(name); n > max {
		return Invalid(field, "must be at most %d characters, got %d", max, n)
	}
	return nil
}

// NormalizeAliases trims, drops empties and duplicates, and validates aliases.
func NormalizeAliases(aliases []string) ([]string, error) {
	out := make([]string, 0, len(aliases))
	seen := map[string]bool{}
	for _, a := range aliases {
		a = strings.TrimSpace(a)
		if a == "" || seen[a] {
			continue
		}
		if err := ValidateName("aliases", a, MaxAliasLen); err != nil {
			return nil, err
		}
		seen[a] = true
		out = append(out, a)
	}
	if err := CheckCount("aliases", len(out), MaxAliases, "aliases"); err != nil {
		return nil, err
	}
	return out, nil
}
