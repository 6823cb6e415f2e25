package domain

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A duty item (责任清单 / 任务清单 条目) is what must be done, by whom, how
// often and measured how. Its progress is never typed in: for a measured duty
// it is computed from the ledger's rollups; a checklist duty (one no record
// can measure) is met by evidence a reviewer signs off.

// DutyMeasure is how a duty's target is measured.
type DutyMeasure string

const (
	MeasureCount      DutyMeasure = "count"      // 场次: number of approved records
	MeasureAttendance DutyMeasure = "attendance" // 人次: participants summed over approved records
	MeasureChecklist  DutyMeasure = "checklist"  // no record measures it: evidence and a reviewer's sign-off
)

// Valid reports whether m is a known measure.
func (m DutyMeasure) Valid() bool {
	return m == MeasureCount || m == MeasureAttendance || m == MeasureChecklist
}

// DutyGrain is the window a target is counted in: "at least N per month".
// The codes are period kinds (internal/period), so windows are the periods
// users already know, semesters from the bureau's calendar.
type DutyGrain string

const (
	GrainMonth    DutyGrain = "month"
	GrainQuarter  DutyGrain = "quarter"
	GrainSemester DutyGrain = "semester"
	GrainYear     DutyGrain = "year"
)

// Valid reports whether g is a known grain.
func (g DutyGrain) Valid() bool {
	return g == GrainMonth || g == GrainQuarter || g == GrainSemester || g == GrainYear
}

// Applicability says which units a duty applies to.
type AppliesKind string

const (
	AppliesSubtree AppliesKind = "subtree" // every unit of Root's subtree, Root included
	AppliesKindIn  AppliesKind = "kind"    // units of OrgKind in Root's subtree
	AppliesList    AppliesKind = "list"    // exactly the units listed
)

// Applies is a duty's applicability.
type Applies struct {
	Kind    AppliesKind `json:"kind"`
	Root    int64       `json:"root,omitempty"`
	OrgKind OrgKind     `json:"org_kind,omitempty"`
	OrgIDs  []int64     `json:"org_ids,omitempty"`
}

// Target is what a measured duty asks of each applicable unit: at least
// AtLeast records (or participants) of TypeIDs — or of every type of Pillar
// when TypeIDs is empty (by default the duty's own pillar) — in every Grain
// window of the duty's period.
type Target struct {
	Measure DutyMeasure `json:"measure"`
	Grain   DutyGrain   `json:"grain"`
	AtLeast int64       `json:"at_least"`
	TypeIDs []int64     `json:"type_ids"`
	Pillar  string      `json:"pillar,omitempty"`
}

// Duty is one item of a year's plan (年度工作计划).
type Duty struct {
	ID    int64  `json:"id"`
	Year  int    `json:"year"`
	Title string `json:"title"`
	// Pillar is the part of the work the duty belongs to (the plan groups by it).
	Pillar string `json:"pillar"`
	// OwnerOrgID is the unit that set the duty and answers for it; OwnerPerson
	// the responsible person's name, when one is named.
	OwnerOrgID   int64   `json:"owner_org_id"`
	OwnerOrgName string  `json:"owner_org_name"`
	OwnerPerson  string  `json:"owner_person"`
	Applies      Applies `json:"applies"`
	Target       Target  `json:"target"`
	// From and To bound the duty's period (To inclusive); by default the
	// whole year.
	From     Date  `json:"from"`
	To       Date  `json:"to"`
	Deadline *Date `json:"deadline,omitempty"`
	// Weight is the duty's points in the yearly assessment.
	Weight    int64     `json:"weight"`
	Note      string    `json:"note"`
	Version   int64     `json:"version"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DutyInput is what a client may set on a duty.
type DutyInput struct {
	Year        int     `json:"year"`
	Title       string  `json:"title"`
	Pillar      string  `json:"pillar"`
	OwnerOrgID  int64   `json:"owner_org_id"`
	OwnerPerson string  `json:"owner_person"`
	Applies     Applies `json:"applies"`
	Target      Target  `json:"target"`
	From        Date    `json:"from"`
	To          Date    `json:"to"`
	Deadline    *Date   `json:"deadline,omitempty"`
	Weight      int64   `json:"weight"`
	Note        string  `json:"note"`
}

// Limits on duty fields.
const (
	MaxDutyTitleLen   = 200
	MaxDutyNoteLen    = 2000
	MaxDutyTypes      = 50
	MaxDutyUnits      = 500
	MaxDutyAtLeast    = 1_000_000
	MaxDutyWeight     = 1000
	MaxDutiesPerYear  = 1000
	MaxGroupMembers   = 200
	MaxGroupNameLen   = 100
	MaxCheckNoteLen   = 2000
	MaxCheckEvidences = 20
)

// Validate checks the fields that need nothing but the input, naming the
// field of the first problem, and fills the defaults (the period is the
// whole year). What needs the database (units, types, the calendar) is the
// app's.
func (in DutyInput) Validate() (DutyInput, error) {
	if in.Year < 2000 || in.Year > 2100 {
		return in, Invalid("year", "%d is not a plan year (2000–2100)", in.Year)
	}
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		return in, Invalid("title", "is required")
	}
	if n := utf8.RuneCountInString(in.Title); n > MaxDutyTitleLen {
		return in, Invalid("title", "at most %d characters, got %d", MaxDutyTitleLen, n)
	}
	if err := TextLine("title", in.Title); err != nil {
		return in, err
	}
	if _, ok := PillarByCode(in.Pillar); !ok {
		return in, Invalid("pillar", "%q is not a pillar", in.Pillar)
	}
	if in.OwnerOrgID <= 0 {
		return in, Invalid("owner_org_id", "is required")
	}
	in.OwnerPerson = strings.TrimSpace(in.OwnerPerson)
	if n := utf8.RuneCountInString(in.OwnerPerson); n > MaxPersonNameLen {
		return in, Invalid("owner_person", "at most %d characters, got %d", MaxPersonNameLen, n)
	}
	if err := TextLine("owner_person", in.OwnerPerson); err != nil {
		return in, err
	}
	if err := TextBlock("note", in.Note); err != nil {
		return in, err
	}
	if n := utf8.RuneCountInString(in.Note); n > MaxDutyNoteLen {
		return in, Invalid("note", "at most %d characters, got %d", MaxDutyNoteLen, n)
	}
	switch in.Applies.Kind {
	case AppliesSubtree:
		if in.Applies.Root <= 0 {
			return in, Invalid("applies.root", "is required")
		}
		in.Applies.OrgKind, in.Applies.OrgIDs = "", nil
	case AppliesKindIn:
		if in.Applies.Root <= 0 {
			return in, Invalid("applies.root", "is required")
		}
		if !in.Applies.OrgKind.Valid() {
			return in, Invalid("applies.org_kind", "%q is not a unit kind (bureau, district, school, branch)", in.Applies.OrgKind)
		}
		in.Applies.OrgIDs = nil
	case AppliesList:
		if len(in.Applies.OrgIDs) == 0 {
			return in, Invalid("applies.org_ids", "name at least one unit")
		}
		if err := CheckCount("applies.org_ids", len(in.Applies.OrgIDs), MaxDutyUnits, "units"); err != nil {
			return in, err
		}
		in.Applies.OrgIDs = uniqueIDs(in.Applies.OrgIDs)
		in.Applies.Root, in.Applies.OrgKind = 0, ""
	default:
		return in, Invalid("applies.kind", "%q is not an applicability (subtree, kind, list)", in.Applies.Kind)
	}
	t := &in.Target
	if !t.Measure.Valid() {
		return in, Invalid("target.measure", "%q is not a measure (count, attendance, checklist)", t.Measure)
	}
	if !t.Grain.Valid() {
		return in, Invalid("target.grain", "%q is not a grain (month, quarter, semester, year)", t.Grain)
	}
	if t.Measure == MeasureChecklist {
		// Nothing in the ledger measures it: no types, no count.
		t.TypeIDs, t.Pillar, t.AtLeast = []int64{}, "", 0
	} else {
		if t.AtLeast < 1 || t.AtLeast > MaxDutyAtLeast {
			return in, Invalid("target.at_least", "must be between 1 and %d, got %d", MaxDutyAtLeast, t.AtLeast)
		}
		if err := CheckCount("target.type_ids", len(t.TypeIDs), MaxDutyTypes, "types"); err != nil {
			return in, err
		}
		t.TypeIDs = uniqueIDs(t.TypeIDs)
		switch {
		case len(t.TypeIDs) > 0:
			t.Pillar = ""
		case t.Pillar == "":
			// No types named: the whole of the duty's own pillar counts.
			t.Pillar = in.Pillar
		default:
			if _, ok := PillarByCode(t.Pillar); !ok {
				return in, Invalid("target.pillar", "%q is not a pillar", t.Pillar)
			}
		}
	}
	if in.From.IsZero() {
		in.From = NewDate(in.Year, time.January, 1)
	}
	if in.To.IsZero() {
		in.To = NewDate(in.Year, time.December, 31)
	}
	if in.From.Year != in.Year {
		return in, Invalid("from", "%s is not in the plan year %d", in.From, in.Year)
	}
	if in.To.Year != in.Year {
		return in, Invalid("to", "%s is not in the plan year %d", in.To, in.Year)
	}
	if in.To.Before(in.From) {
		return in, Invalid("to", "%s is before from (%s)", in.To, in.From)
	}
	if in.Deadline != nil && (in.Deadline.Before(in.From) || in.Deadline.After(in.To)) {
		return in, Invalid("deadline", "%s is outside the duty's period %s – %s", in.Deadline, in.From, in.To)
	}
	if in.Weight < 0 || in.Weight > MaxDutyWeight {
		return in, Invalid("weight", "must be between 0 and %d, got %d", MaxDutyWeight, in.Weight)
	}
	return in, nil
}

func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// AppliesTo reports whether the duty applies to unit u, given u's ancestors
// (u itself included).
func (a Applies) AppliesTo(u OrgUnit, ancestors map[int64]bool) bool {
	switch a.Kind {
	case AppliesSubtree:
		return ancestors[a.Root]
	case AppliesKindIn:
		return ancestors[a.Root] && u.Kind == a.OrgKind
	case AppliesList:
		for _, id := range a.OrgIDs {
			if id == u.ID {
				return true
			}
		}
	}
	return false
}

// GroupRole is a member's place in a leading group (领导小组).
type GroupRole string

const (
	GroupRoleLeader GroupRole = "leader" // 组长
	GroupRoleDeputy GroupRole = "deputy" // 副组长
	GroupRoleMember GroupRole = "member" // 成员
	GroupRoleOffice GroupRole = "office" // 办公室 (the group's office: its director and staff)
)

// GroupRoles lists the roles, most senior first.
var GroupRoles = []GroupRole{GroupRoleLeader, GroupRoleDeputy, GroupRoleMember, GroupRoleOffice}

// GroupRoleNames are the roles' Chinese names.
var GroupRoleNames = map[GroupRole]string{
	GroupRoleLeader: "组长",
	GroupRoleDeputy: "副组长",
	GroupRoleMember: "成员",
	GroupRoleOffice: "办公室",
}

// Valid reports whether r is a known role.
func (r GroupRole) Valid() bool { _, ok := GroupRoleNames[r]; return ok }

// LeadingGroup is the group that owns the duty system at one unit.
type LeadingGroup struct {
	ID        int64         `json:"id"`
	OrgID     int64         `json:"org_id"`
	OrgName   string        `json:"org_name"`
	Name      string        `json:"name"`
	Members   []GroupMember `json:"members"`
	Version   int64         `json:"version"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// GroupMember is one seat of a leading group: an account, or a named person
// who has none, with a position (职务) and a term.
type GroupMember struct {
	AccountID int64     `json:"account_id,omitempty"`
	Name      string    `json:"name"`
	Title     string    `json:"title"` // 职务, e.g. 局党委书记
	Role      GroupRole `json:"role"`
	From      Date      `json:"from"`
	To        *Date     `json:"to,omitempty"` // inclusive; nil while serving
}

// LeadingGroupInput is what a client sets: the whole group at once (a group
// is edited as one list, as its appointment document reads).
type LeadingGroupInput struct {
	OrgID   int64         `json:"org_id"`
	Name    string        `json:"name"`
	Members []GroupMember `json:"members"`
}

// Validate checks the group and its members, naming the row of the first
// problem (members[2].role).
func (in LeadingGroupInput) Validate() (LeadingGroupInput, error) {
	if in.OrgID <= 0 {
		return in, Invalid("org_id", "is required")
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return in, Invalid("name", "is required")
	}
	if n := utf8.RuneCountInString(in.Name); n > MaxGroupNameLen {
		return in, Invalid("name", "at most %d characters, got %d", MaxGroupNameLen, n)
	}
	if err := TextLine("name", in.Name); err != nil {
		return in, err
	}
	if err := CheckCount("members", len(in.Members), MaxGroupMembers, "members"); err != nil {
		return in, err
	}
	for i := range in.Members {
		m := &in.Members[i]
		f := func(s string) string { return "members[" + strconv.Itoa(i) + "]." + s }
		m.Name, m.Title = strings.TrimSpace(m.Name), strings.TrimSpace(m.Title)
		if m.Name == "" && m.AccountID == 0 {
			return in, Invalid(f("name"), "is required")
		}
		if n := utf8.RuneCountInString(m.Name); n > MaxPersonNameLen {
			return in, Invalid(f("name"), "at most %d characters, got %d", MaxPersonNameLen, n)
		}
		if n := utf8.RuneCountInString(m.Title); n > MaxPositionLen {
			return in, Invalid(f("title"), "at most %d characters, got %d", MaxPositionLen, n)
		}
		if err := TextLine(f("name"), m.Name); err != nil {
			return in, err
		}
		if err := TextLine(f("title"), m.Title); err != nil {
			return in, err
		}
		if !m.Role.Valid() {
			return in, Invalid(f("role"), "%q is not a role (leader 组长, deputy 副组长, member 成员, office 办公室)", m.Role)
		}
		if m.From.IsZero() {
			return in, Invalid(f("from"), "is required")
		}
		if m.To != nil && m.To.Before(m.From) {
			return in, Invalid(f("to"), "%s is before the term's start %s", m.To, m.From)
		}
	}
	return in, nil
}

// DutyCheck is a unit's submission for a checklist duty and its sign-off.
type DutyCheck struct {
	DutyID      int64           `json:"duty_id"`
	OrgID       int64           `json:"org_id"`
	Note        string          `json:"note"`
	Evidence    []CheckEvidence `json:"evidence"`
	SubmittedBy string          `json:"submitted_by"`
	SubmittedAt string          `json:"submitted_at"`
	SignedBy    string          `json:"signed_by,omitempty"`
	SignedAt    string          `json:"signed_at,omitempty"`
}

// CheckEvidence names one evidence file (in the evidence store) of a check.
type CheckEvidence struct {
	SHA256   string `json:"sha256"`
	Filename string `json:"filename"`
}
