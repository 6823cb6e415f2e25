package app

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// Teams and their members (队伍名册): reading needs activity.read, changing
// needs roster.manage; the actor's scope limits both (a team is in scope when
// its unit is). Phones are masked everywhere except in what a roster.manage
// holder reads of a team it may change (the edit dialog).

// TeamQuery narrows ListTeams.
type TeamQuery struct {
	OrgID  int64  // the unit's subtree; 0: the whole read scope
	Kind   string // a domain.TeamKind, or "" for all
	Active *bool
	Query  string // substring of the name
	// At, when given, lists the teams standing on that day, with their
	// members on that day: exactly what RosterCounts counted for At (its
	// Records link carries it). Zero: every team, members counted today.
	At     domain.Date
	Limit  int
	Offset int
}

func teamTarget(id int64) string { return fmt.Sprintf("team:%d", id) }

func memberTarget(team, id int64) string { return fmt.Sprintf("team:%d/member:%d", team, id) }

func checkPage(limit, offset int) error {
	if limit < 0 || limit > MaxPageSize {
		return domain.Invalid("limit", "must be between 1 and %d", MaxPageSize)
	}
	if offset < 0 {
		return domain.Invalid("offset", "cannot be negative")
	}
	return nil
}

func parseTeamKind(s string) (domain.TeamKind, error) {
	if s == "" {
		return "", nil
	}
	k := domain.TeamKind(s)
	if !k.Valid() {
		return "", domain.Invalid("kind", "%q is not a team kind", s)
	}
	return k, nil
}

// ListTeams returns a page of the teams in the actor's read scope, each with
// the number of its members today.
func (a *App) ListTeams(ctx context.Context, ac domain.Actor, q TeamQuery) ([]domain.Team, int, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return nil, 0, err
	}
	if err := checkPage(q.Limit, q.Offset); err != nil {
		return nil, 0, err
	}
	kind, err := parseTeamKind(q.Kind)
	if err != nil {
		return nil, 0, err
	}
	var out []domain.Team
	var total int
	err = a.st.Read(ctx, func(tx *store.Tx) error {
		if q.OrgID != 0 {
			// A unit outside the scope is not found, as everywhere, rather
			// than an empty list that would pass for "no teams there".
			if _, err := tx.GetOrg(ctx, ac.Scope, q.OrgID); err != nil {
				return fieldNotFound(err, "org_id")
			}
		}
		var err error
		at, standing := a.Today(), !q.At.IsZero()
		if standing {
			at = q.At
		}
		out, total, err = tx.ListTeams(ctx, ac.Scope, store.TeamFilter{OrgID: q.OrgID, Kind: kind, Active: q.Active, Query: q.Query,
			At: at, Standing: standing, Limit: q.Limit, Offset: q.Offset})
		return err
	})
	return out, total, err
}

// GetTeam returns one team in the read scope.
func (a *App) GetTeam(ctx context.Context, ac domain.Actor, id int64) (domain.Team, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return domain.Team{}, err
	}
	var out domain.Team
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.GetTeam(ctx, ac.Scope, id, a.Today())
		return err
	})
	return out, err
}

// validateTeam checks a team's input; a missing founding date is today, a
// future one is refused (a team counts from the day it stands).
func (a *App) validateTeam(in domain.TeamInput) (domain.TeamInput, error) {
	in, err := in.Validate()
	if err != nil {
		return in, err
	}
	if in.FoundedOn.IsZero() {
		in.FoundedOn = a.Today()
	}
	if in.FoundedOn.After(a.Today()) {
		return in, domain.Invalid("founded_on", "%s is in the future", in.FoundedOn)
	}
	return in, nil
}

// CreateTeam creates a team of a unit in the actor's write scope.
func (a *App) CreateTeam(ctx context.Context, ac domain.Actor, in domain.TeamInput) (domain.Team, error) {
	if err := ac.Require(domain.PermRosterManage); err != nil {
		return domain.Team{}, err
	}
	in, err := a.validateTeam(in)
	if err != nil {
		return domain.Team{}, err
	}
	var out domain.Team
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		o, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, in.OrgID)
		if err != nil {
			return fieldNotFound(err, "org_id")
		}
		if !o.Active {
			return domain.Invalid("org_id", "%s is deactivated", o.Name)
		}
		if out, err = tx.CreateTeam(ctx, ac.Scope, in, ac.Name); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "team.create", Target: teamTarget(out.ID), After: out})
	})
	return out, err
}

// UpdateTeam changes a team's kind, name, description and founding date.
func (a *App) UpdateTeam(ctx context.Context, ac domain.Actor, id int64, in domain.TeamInput) (domain.Team, error) {
	if err := ac.Require(domain.PermRosterManage); err != nil {
		return domain.Team{}, err
	}
	in, err := a.validateTeam(in)
	if err != nil {
		return domain.Team{}, err
	}
	var out domain.Team
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.LockTeam(ctx, ac.Scope, id)
		if err != nil {
			return err
		}
		if out, err = tx.UpdateTeam(ctx, ac.Scope, id, in); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "team.update", Target: teamTarget(id), Before: old, After: out})
	})
	return out, err
}

// SetTeamActive deactivates a team as of today (it still counts for periods
// that ended before) or reactivates it.
func (a *App) SetTeamActive(ctx context.Context, ac domain.Actor, id int64, active bool) (domain.Team, error) {
	if err := ac.Require(domain.PermRosterManage); err != nil {
		return domain.Team{}, err
	}
	var out domain.Team
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.LockTeam(ctx, ac.Scope, id)
		if err != nil {
			return err
		}
		if old.Active == active {
			out = old
			return nil
		}
		if out, err = tx.SetTeamActive(ctx, ac.Scope, id, active, a.Today()); err != nil {
			return err
		}
		typ := "team.deactivate"
		if active {
			typ = "team.activate"
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: typ, Target: teamTarget(id), Before: old, After: out})
	})
	return out, err
}

// ListMembers returns a team's members with phones masked: today's members,
// or everyone who ever was (all), those who left last.
func (a *App) ListMembers(ctx context.Context, ac domain.Actor, teamID int64, all bool) ([]domain.Member, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return nil, err
	}
	var out []domain.Member
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListMembers(ctx, ac.Scope, teamID, !all, a.Today())
		return err
	})
	for i := range out {
		out[i] = out[i].Masked()
	}
	return out, err
}

// GetMember returns one member. The phone is shown in full only to a
// roster.manage holder whose write scope holds the team (to edit it), and
// masked to everyone else.
func (a *App) GetMember(ctx context.Context, ac domain.Actor, teamID, id int64) (domain.Member, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return domain.Member{}, err
	}
	var out domain.Member
	full := false
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		if out, err = tx.GetMember(ctx, ac.Scope, teamID, id); err != nil {
			return err
		}
		if ac.Can(domain.PermRosterManage) {
			_, err := tx.WritableTeam(ctx, ac.Scope, teamID)
			full = err == nil
		}
		return nil
	})
	if !full {
		out = out.Masked()
	}
	return out, err
}

// validateMember checks a member's input against the clock: joining defaults
// to today and, like leaving, may not lie in the future beyond today.
func (a *App) validateMember(in domain.MemberInput) (domain.MemberInput, error) {
	if in.JoinedOn.IsZero() {
		in.JoinedOn = a.Today()
	}
	in, err := in.Validate()
	if err != nil {
		return in, err
	}
	if in.JoinedOn.After(a.Today()) {
		return in, domain.Invalid("joined_on", "%s is in the future", in.JoinedOn)
	}
	if !in.LeftOn.IsZero() && in.LeftOn.After(a.Today()) {
		return in, domain.Invalid("left_on", "%s is in the future; record the leaving on the day", in.LeftOn)
	}
	return in, nil
}

// AddMember adds a member to a team in the actor's write scope. The member's
// unit must lie in the team's subtree and in the write scope.
func (a *App) AddMember(ctx context.Context, ac domain.Actor, teamID int64, in domain.MemberInput) (domain.Member, error) {
	if err := ac.Require(domain.PermRosterManage); err != nil {
		return domain.Member{}, err
	}
	in, err := a.validateMember(in)
	if err != nil {
		return domain.Member{}, err
	}
	var out domain.Member
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		var err error
		if out, err = tx.CreateMember(ctx, ac.Scope, teamID, in); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "member.create", Target: memberTarget(teamID, out.ID), After: out.Masked()})
	})
	return out, err
}

// UpdateMember changes a member; setting left_on records the leaving.
func (a *App) UpdateMember(ctx context.Context, ac domain.Actor, teamID, id int64, in domain.MemberInput) (domain.Member, error) {
	if err := ac.Require(domain.PermRosterManage); err != nil {
		return domain.Member{}, err
	}
	in, err := a.validateMember(in)
	if err != nil {
		return domain.Member{}, err
	}
	var out domain.Member
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		old, upd, err := tx.UpdateMember(ctx, ac.Scope, teamID, id, in)
		if err != nil {
			return err
		}
		out = upd
		return a.record(ctx, tx, ac, AuditEntry{Type: "member.update", Target: memberTarget(teamID, id), Before: old.Masked(), After: upd.Masked()})
	})
	return out, err
}

// RemoveMember deletes a membership entered by mistake. A member who left is
// recorded with UpdateMember (left_on), so past figures do not change.
func (a *App) RemoveMember(ctx context.Context, ac domain.Actor, teamID, id int64) error {
	if err := ac.Require(domain.PermRosterManage); err != nil {
		return err
	}
	return a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.DeleteMember(ctx, ac.Scope, teamID, id)
		if err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "member.delete", Target: memberTarget(teamID, id), Before: old.Masked()})
	})
}

// RosterQuery says what RosterCounts counts.
type RosterQuery struct {
	OrgID int64  // the unit whose subtree owns the teams; 0: the actor's whole read scope
	Kind  string // a domain.TeamKind ("outreach", "commentator", "monitor", "information", "volunteer"); "" for all
	Role  string // a domain.MemberRole ("leader", "deputy", "member", "liaison"); "" for all
	// At is the day counted, normally the last day of the report's period
	// (inclusive: a period given as a half-open domain.Range counts at
	// Range.To.AddDays(-1)). Zero means today.
	At domain.Date
}

// RosterCount is the answer of RosterCounts.
type RosterCount struct {
	Teams   int64 // 支
	Members int64 // 人 (名 for monitors)
	TeamIDs []int64
	// MemberIDs are memberships: a person in two teams counts in each.
	MemberIDs []int64
	// Records is the web page listing these teams: "/rosters?org_id=…&kind=…".
	Records string
}

// RosterCounts is the figure the work report's teams(kind:) and
// members(kind:, role:) functions answer: the teams standing on day q.At
// owned by units of q.OrgID's subtree inside the actor's read scope, and
// their members on that day.
//
// Counting rule: a team stands from its founded_on until its dissolved_on
// (exclusive; deactivating a team dissolves it that day); a member counts
// from joined_on until left_on (exclusive) and only while the team stands.
// So a figure for a past period is what the roster was at that period's end,
// and does not change when someone leaves later. Members are memberships:
// the same person in two teams is counted in each (the source's "近百人的宣传
// 队伍" adds up teams). Role filters members only; Teams ignores it.
//
// Needs activity.read; an empty scope counts nothing; a unit outside the
// scope answers not found.
func (a *App) RosterCounts(ctx context.Context, ac domain.Actor, q RosterQuery) (RosterCount, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return RosterCount{}, err
	}
	kind, err := parseTeamKind(q.Kind)
	if err != nil {
		return RosterCount{}, err
	}
	var role domain.MemberRole
	if q.Role != "" {
		role = domain.MemberRole(q.Role)
		if !role.Valid() {
			return RosterCount{}, domain.Invalid("role", "%q is not a member role (leader, deputy, member or liaison)", q.Role)
		}
	}
	at := q.At
	if at.IsZero() {
		at = a.Today()
	}
	var out RosterCount
	err = a.st.Read(ctx, func(tx *store.Tx) error {
		if q.OrgID != 0 {
			if _, err := tx.GetOrg(ctx, ac.Scope, q.OrgID); err != nil {
				return fieldNotFound(err, "org_id")
			}
		}
		var err error
		out.TeamIDs, out.MemberIDs, err = tx.CountRoster(ctx, ac.Scope, store.RosterFilter{OrgID: q.OrgID, Kind: kind, Role: role, At: at})
		return err
	})
	if err != nil {
		return RosterCount{}, err
	}
	out.Teams, out.Members = int64(len(out.TeamIDs)), int64(len(out.MemberIDs))
	out.Records = RosterRecords(q.OrgID, kind, role, at)
	return out, nil
}

// RosterRecords is the link to the roster page showing the teams a figure
// counted: the page accepts org_id, kind, role and at.
func RosterRecords(org int64, kind domain.TeamKind, role domain.MemberRole, at domain.Date) string {
	v := url.Values{}
	if org != 0 {
		v.Set("org_id", strconv.FormatInt(org, 10))
	}
	if kind != "" {
		v.Set("kind", string(kind))
	}
	if role != "" {
		v.Set("role", string(role))
	}
	if !at.IsZero() {
		v.Set("at", at.String())
	}
	if len(v) == 0 {
		return "/rosters"
	}
	return "/rosters?" + v.Encode()
}
