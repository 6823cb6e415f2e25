package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// TeamKind is a kind of team (队伍) the source document speaks of. The list is
// closed: the report's figures ("组建宣讲队伍 N 支", "舆情监督员 60 余名") name
// these kinds, so a free-text kind would split one figure into several.
type TeamKind string

const (
	TeamOutreach    TeamKind = "outreach"    // 宣讲队伍 / 宣传队: staff taking lectures to 机关、校园、课堂
	TeamCommentator TeamKind = "commentator" // 网评员队伍: online commentators (网络评论引导)
	TeamMonitor     TeamKind = "monitor"     // 舆情监督员队伍: staff watching for public concerns
	TeamInformation TeamKind = "information" // 信息员队伍: staff reporting news and information (信息报送)
	TeamVolunteer   TeamKind = "volunteer"   // 志愿服务队伍: party-member volunteer teams
)

// TeamKinds lists every kind, in the order screens show them.
var TeamKinds = []TeamKind{TeamOutreach, TeamCommentator, TeamMonitor, TeamInformation, TeamVolunteer}

// TeamKindNames are the kinds' Chinese names, as users and Excel files write them.
var TeamKindNames = map[TeamKind]string{
	TeamOutreach:    "宣讲队伍",
	TeamCommentator: "网评员队伍",
	TeamMonitor:     "舆情监督员队伍",
	TeamInformation: "信息员队伍",
	TeamVolunteer:   "志愿服务队伍",
}

// Valid reports whether k is a known kind.
func (k TeamKind) Valid() bool { _, ok := TeamKindNames[k]; return ok }

// MemberRole is what a member does in a team. Closed, like the kinds, so that
// "members(role: leader)" means one thing.
type MemberRole string

const (
	RoleTeamLeader  MemberRole = "leader"  // 队长
	RoleTeamDeputy  MemberRole = "deputy"  // 副队长
	RoleTeamMember  MemberRole = "member"  // 成员
	RoleTeamLiaison MemberRole = "liaison" // 联络员
)

// MemberRoles lists every role, most senior first.
var MemberRoles = []MemberRole{RoleTeamLeader, RoleTeamDeputy, RoleTeamMember, RoleTeamLiaison}

// MemberRoleNames are the roles' Chinese names.
var MemberRoleNames = map[MemberRole]string{
	RoleTeamLeader:  "队长",
	RoleTeamDeputy:  "副队长",
	RoleTeamMember:  "成员",
	RoleTeamLiaison: "联络员",
}

// Valid reports whether r is a known role.
func (r MemberRole) Valid() bool { _, ok := MemberRoleNames[r]; return ok }

// ParseMemberRole accepts a role's code or its Chinese name (as an Excel
// sheet writes it), and a few everyday synonyms (队员 for 成员).
func ParseMemberRole(s string) (MemberRole, bool) {
	s = strings.TrimSpace(s)
	if r := MemberRole(strings.ToLower(s)); r.Valid() {
		return r, true
	}
	for r, n := range MemberRoleNames {
		if n == s {
			return r, true
		}
	}
	switch s {
	case "队员", "组员":
		return RoleTeamMember, true
	case "组长", "团长":
		return RoleTeamLeader, true
	case "副组长", "副团长":
		return RoleTeamDeputy, true
	}
	return "", false
}

// Team is a named group of people with roles (队伍), owned by one org unit.
//
// A team counts in figures from FoundedOn until DissolvedOn (exclusive):
// deactivating a team ends it on that day, but it still counts for periods
// that ended before.
type Team struct {
	ID          int64    `json:"id"`
	OrgID       int64    `json:"org_id"`
	OrgName     string   `json:"org_name"`
	Kind        TeamKind `json:"kind"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	FoundedOn   Date     `json:"founded_on"`
	DissolvedOn Date     `json:"dissolved_on,omitzero"`
	Active      bool     `json:"active"`
	// Members counts the members in the team today (joined, not left).
	Members   int       `json:"members"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TeamInput is what a client may set on a team.
type TeamInput struct {
	OrgID       int64    `json:"org_id"`
	Kind        TeamKind `json:"kind"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	FoundedOn   Date     `json:"founded_on"`
}

// Member is one person's place in a team. Only what a roster needs is kept:
// name, role, the unit the person works in, position and a contact phone.
// No ID numbers, no political or religious affiliation (PIPL art. 28).
//
// A member counts from JoinedOn until LeftOn (exclusive): one who left still
// counts for periods that ended before leaving.
type Member struct {
	ID       int64      `json:"id"`
	TeamID   int64      `json:"team_id"`
	Name     string     `json:"name"`
	Role     MemberRole `json:"role"`
	OrgID    int64      `json:"org_id"`
	OrgName  string     `json:"org_name"`
	Title    string     `json:"title"`
	Phone    string     `json:"phone"`
	JoinedOn Date       `json:"joined_on"`
	LeftOn   Date       `json:"left_on,omitzero"`
	// PhoneMasked tells the client whether Phone is masked (domain.MaskPhone).
	PhoneMasked bool      `json:"phone_masked"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// MemberInput is what a client may set on a member.
type MemberInput struct {
	Name     string     `json:"name"`
	Role     MemberRole `json:"role"`
	OrgID    int64      `json:"org_id"`
	Title    string     `json:"title"`
	Phone    string     `json:"phone"`
	JoinedOn Date       `json:"joined_on"`
	LeftOn   Date       `json:"left_on"`
}

// Limits on roster fields.
const (
	MaxPersonNameLen = 50
	MaxPositionLen   = 100
	MaxTeamNameLen   = 100
	MaxTeamDescLen   = 2000
)

// Masked returns m with the phone masked, for screens that do not need it.
func (m Member) Masked() Member {
	if m.Phone != "" && !m.PhoneMasked {
		m.Phone = MaskPhone(m.Phone)
		m.PhoneMasked = true
	}
	return m
}

// NormalizePhone checks a mobile or landline number and returns its digits.
// A mobile is 11 digits starting with 1 (written 138-1234-5678, 138 1234 5678
// or 13812345678); a landline is an area code and number, 10 to 12 digits
// starting with 0 (0915-1234567). Empty stays empty: the phone is optional.
func NormalizePhone(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '-' || r == ' ' || r == '\u00a0':
		default:
			return "", Invalid(field, "%q is not a phone number: use digits, for example 138-1234-5678", s)
		}
	}
	d := b.String()
	switch {
	case len(d) == 11 && d[0] == '1':
	case len(d) >= 10 && len(d) <= 12 && d[0] == '0':
	default:
		return "", Invalid(field, "%q is not a phone number: a mobile has 11 digits starting with 1 (138-1234-5678), a landline starts with its area code (0915-1234567)", s)
	}
	return d, nil
}

// Validate checks a team's fields, naming the field of the first problem,
// and returns the normalised input.
func (in TeamInput) Validate() (TeamInput, error) {
	if in.OrgID <= 0 {
		return in, Invalid("org_id", "is required")
	}
	if !in.Kind.Valid() {
		return in, Invalid("kind", "%q is not a team kind (one of %s)", in.Kind, joinKinds())
	}
	in.Name = strings.TrimSpace(in.Name)
	if err := ValidateName("name", in.Name, MaxTeamNameLen); err != nil {
		return in, err
	}
	if err := TextBlock("description", in.Description); err != nil {
		return in, err
	}
	if n := utf8.RuneCountInString(in.Description); n > MaxTeamDescLen {
		return in, Invalid("description", "must be at most %d characters, got %d", MaxTeamDescLen, n)
	}
	return in, nil
}

func joinKinds() string {
	s := make([]string, len(TeamKinds))
	for i, k := range TeamKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// Validate checks a member's fields, naming the field of the first problem,
// and returns the normalised input (trimmed text, phone digits).
func (in MemberInput) Validate() (MemberInput, error) {
	in.Name = strings.TrimSpace(in.Name)
	if err := ValidateName("name", in.Name, MaxPersonNameLen); err != nil {
		return in, err
	}
	if !in.Role.Valid() {
		return in, Invalid("role", "%q is not a member role (leader, deputy, member or liaison)", in.Role)
	}
	if in.OrgID <= 0 {
		return in, Invalid("org_id", "is required: the unit the member works in")
	}
	in.Title = strings.TrimSpace(in.Title)
	if in.Title != "" {
		if err := ValidateName("title", in.Title, MaxPositionLen); err != nil {
			return in, err
		}
	}
	p, err := NormalizePhone("phone", in.Phone)
	if err != nil {
		return in, err
	}
	in.Phone = p
	if in.JoinedOn.IsZero() {
		return in, Invalid("joined_on", "is required")
	}
	if !in.LeftOn.IsZero() && in.LeftOn.Before(in.JoinedOn) {
		return in, Invalid("left_on", "%s is before the joining date %s", in.LeftOn, in.JoinedOn)
	}
	return in, nil
}

// ActiveAt reports whether a membership running from joined until left
// (exclusive; zero while still a member) covers day at.
func ActiveAt(joined, left, at Date) bool {
	return !at.Before(joined) && (left.IsZero() || at.Before(left))
}
