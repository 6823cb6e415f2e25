package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Teams and their members (队伍名册). A team is scoped by its owning unit: an
// actor sees the teams of units in its read scope and changes those in its
// write scope. Members are reached through their team, so a member is in
// scope exactly when the team is; a member's own unit must lie in both the
// team's subtree and the writer's scope.

const teamCols = `t.id, t.org_id, o.name, t.kind, t.name, t.description, t.founded_on, t.dissolved_on, t.active,
	t.created_by, t.created_at, t.updated_at`

// memberCountAt counts a team's members on day $n (the caller appends it).
const memberCountAt = `(SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id AND m.joined_on <= $%d AND (m.left_on = '' OR m.left_on > $%d))`

func scanTeam(sc interface{ Scan(...any) error }, withCount bool) (domain.Team, error) {
	var t domain.Team
	var kind, founded, dissolved, created, updated string
	dst := []any{&t.ID, &t.OrgID, &t.OrgName, &kind, &t.Name, &t.Description, &founded, &dissolved, &t.Active,
		&t.CreatedBy, &created, &updated}
	if withCount {
		dst = append(dst, &t.Members)
	}
	if err := sc.Scan(dst...); err != nil {
		return t, err
	}
	t.Kind = domain.TeamKind(kind)
	t.FoundedOn, t.DissolvedOn = parseDateText(founded), parseDateText(dissolved)
	t.CreatedAt, t.UpdatedAt = parseTime(created), parseTime(updated)
	return t, nil
}

// orgOutOfScope is the error for a unit the actor may not use: "not found",
// naming the field, as for any record outside the scope.
func orgOutOfScope(field string, id int64) error {
	return &domain.Error{Kind: domain.KindNotFound, Field: field, Message: fmt.Sprintf("org unit %d not found", id)}
}

// CreateTeam stores a new team of a unit in the write scope. The caller has
// validated the input.
func (tx *Tx) CreateTeam(ctx context.Context, scope domain.Scope, in domain.TeamInput, by string) (domain.Team, error) {
	if err := tx.LockTree(ctx); err != nil { // the scope check reads ancestors
		return domain.Team{}, err
	}
	ok, err := tx.InScope(ctx, scope.Roots, in.OrgID)
	if err != nil {
		return domain.Team{}, err
	}
	if !ok {
		return domain.Team{}, orgOutOfScope("org_id", in.OrgID)
	}
	now := timeText(tx.now)
	var id int64
	err = tx.queryRow(ctx, `INSERT INTO teams (org_id, kind, name, description, founded_on, dissolved_on, active, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, '', TRUE, $6, $7, $7) RETURNING id`,
		in.OrgID, string(in.Kind), in.Name, in.Description, in.FoundedOn.String(), by, now).Scan(&id)
	if err != nil {
		return domain.Team{}, teamNameConflict(tx.d.wrap(err))
	}
	return tx.GetTeam(ctx, domain.Scope{Roots: scope.Roots}, id, tx.today)
}

// teamNameConflict names the field of the one uniqueness rule of teams.
func teamNameConflict(err error) error {
	var de *domain.Error
	if errors.As(err, &de) && de.Kind == domain.KindConflict {
		return &domain.Error{Kind: domain.KindConflict, Field: "name", Message: "the unit already has a team of this name", Err: err}
	}
	return err
}

// GetTeam returns a team in the read scope, with its member count on day at.
func (tx *Tx) GetTeam(ctx context.Context, scope domain.Scope, id int64, at domain.Date) (domain.Team, error) {
	args := []any{id, at.String()}
	q := "SELECT " + teamCols + ", " + fmt.Sprintf(memberCountAt, 2, 2) +
		" FROM teams t JOIN org_units o ON o.id = t.org_id WHERE t.id = $1 AND " + scopeFilter("t.org_id", scope.ReadRoots(), &args)
	t, err := scanTeam(tx.queryRow(ctx, q, args...), true)
	if errors.Is(err, sql.ErrNoRows) {
		return t, domain.NotFound("team %d", id)
	}
	return t, tx.d.wrap(err)
}

// WritableTeam returns a team in the write scope, for a change.
func (tx *Tx) WritableTeam(ctx context.Context, scope domain.Scope, id int64) (domain.Team, error) {
	return tx.GetTeam(ctx, domain.Scope{Roots: scope.Roots}, id, tx.today)
}

// LockTeam returns a team in the write scope and locks its row until the
// transaction ends. Every write of a team or of its members takes it first,
// so checks made against the team and its members (its state, a member's
// old row) hold until commit: two writers of one team queue.
func (tx *Tx) LockTeam(ctx context.Context, scope domain.Scope, id int64) (domain.Team, error) {
	if err := tx.LockTree(ctx); err != nil { // the scope checks read ancestors
		return domain.Team{}, err
	}
	if _, err := tx.queryIDs(ctx, "SELECT id FROM teams WHERE id = $1"+tx.d.forUpdate(), id); err != nil {
		return domain.Team{}, err
	}
	return tx.WritableTeam(ctx, scope, id)
}

// UpdateTeam changes a team's kind, name, description and founding date. Its
// unit does not change: the members' units hang on it.
func (tx *Tx) UpdateTeam(ctx context.Context, scope domain.Scope, id int64, in domain.TeamInput) (domain.Team, error) {
	old, err := tx.LockTeam(ctx, scope, id)
	if err != nil {
		return old, err
	}
	if in.OrgID != old.OrgID {
		if ok, err := tx.InScope(ctx, scope.Roots, in.OrgID); err != nil || !ok {
			if err == nil {
				err = orgOutOfScope("org_id", in.OrgID)
			}
			return old, err
		}
		return old, domain.Invalid("org_id", "a team stays with its unit; create a team in the other unit instead")
	}
	_, err = tx.exec(ctx, `UPDATE teams SET kind = $1, name = $2, description = $3, founded_on = $4, updated_at = $5 WHERE id = $6`,
		string(in.Kind), in.Name, in.Description, in.FoundedOn.String(), timeText(tx.now), id)
	if err != nil {
		return old, teamNameConflict(err)
	}
	return tx.WritableTeam(ctx, scope, id)
}

// SetTeamActive deactivates a team as of day on (it counts in figures up to
// the day before) or reactivates it.
func (tx *Tx) SetTeamActive(ctx context.Context, scope domain.Scope, id int64, active bool, on domain.Date) (domain.Team, error) {
	old, err := tx.LockTeam(ctx, scope, id)
	if err != nil {
		return old, err
	}
	dissolved := ""
	if !active {
		dissolved = on.String()
	}
	if _, err := tx.exec(ctx, "UPDATE teams SET active = $1, dissolved_on = $2, updated_at = $3 WHERE id = $4",
		active, dissolved, timeText(tx.now), id); err != nil {
		return old, err
	}
	return tx.WritableTeam(ctx, scope, id)
}

// TeamFilter narrows ListTeams.
type TeamFilter struct {
	OrgID  int64 // the unit's subtree; 0: the whole read scope
	Kind   domain.TeamKind
	Active *bool
	Query  string      // substring of the name
	At     domain.Date // the day member counts are taken
	// Standing limits the list to the teams standing on day At (founded on
	// or before it, not dissolved by it): the teams a figure counted.
	Standing bool
	Limit    int
	Offset   int
}

// ListTeams returns a page of teams in the read scope, by unit then name,
// and the total.
func (tx *Tx) ListTeams(ctx context.Context, scope domain.Scope, f TeamFilter) ([]domain.Team, int, error) {
	args := []any{}
	cond, ok, err := tx.subtreeInScope(ctx, scope, "t.org_id", f.OrgID, &args)
	if err != nil || !ok {
		return []domain.Team{}, 0, err
	}
	where := []string{cond}
	if f.Kind != "" {
		args = append(args, string(f.Kind))
		where = append(where, fmt.Sprintf("t.kind = $%d", len(args)))
	}
	if f.Active != nil {
		args = append(args, *f.Active)
		where = append(where, fmt.Sprintf("t.active = $%d", len(args)))
	}
	if f.Query != "" {
		args = append(args, "%"+likeEscape(f.Query)+"%")
		where = append(where, fmt.Sprintf(`t.name LIKE $%d ESCAPE '\'`, len(args)))
	}
	if f.Standing {
		args = append(args, f.At.String())
		where = append(where, fmt.Sprintf("t.founded_on <= $%d AND (t.dissolved_on = '' OR t.dissolved_on > $%d)", len(args), len(args)))
	}
	cond = strings.Join(where, " AND ")
	var total int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM teams t WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, tx.d.wrap(err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	args = append(args, f.At.String())
	at := len(args)
	args = append(args, limit, f.Offset)
	q := fmt.Sprintf("SELECT %s, %s FROM teams t JOIN org_units o ON o.id = t.org_id WHERE %s ORDER BY o.code, t.name, t.id LIMIT $%d OFFSET $%d",
		teamCols, fmt.Sprintf(memberCountAt, at, at), cond, len(args)-1, len(args))
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []domain.Team{}
	for rows.Next() {
		t, err := scanTeam(rows, true)
		if err != nil {
			return nil, 0, tx.d.wrap(err)
		}
		out = append(out, t)
	}
	return out, total, tx.d.wrap(rows.Err())
}

const memberCols = `m.id, m.team_id, m.name, m.role, m.org_id, o.name, m.title, m.phone, m.joined_on, m.left_on, m.created_at, m.updated_at`

func scanMember(sc interface{ Scan(...any) error }) (domain.Member, error) {
	var m domain.Member
	var role, joined, left, created, updated string
	if err := sc.Scan(&m.ID, &m.TeamID, &m.Name, &role, &m.OrgID, &m.OrgName, &m.Title, &m.Phone, &joined, &left, &created, &updated); err != nil {
		return m, err
	}
	m.Role = domain.MemberRole(role)
	m.JoinedOn, m.LeftOn = parseDateText(joined), parseDateText(left)
	m.CreatedAt, m.UpdatedAt = parseTime(created), parseTime(updated)
	return m, nil
}

// memberUnitOK reports whether org may be a member's unit in team: inside the
// team's subtree and inside the writer's scope.
func (tx *Tx) memberUnitOK(ctx context.Context, scope domain.Scope, team domain.Team, org int64) (bool, error) {
	if ok, err := tx.InScope(ctx, []int64{team.OrgID}, org); err != nil || !ok {
		return false, err
	}
	return tx.InScope(ctx, scope.Roots, org)
}

// CreateMember adds a member to a team in the write scope. The member's unit
// must lie in the team's subtree and in the write scope. The caller has
// validated the input.
func (tx *Tx) CreateMember(ctx context.Context, scope domain.Scope, teamID int64, in domain.MemberInput) (domain.Member, error) {
	team, err := tx.LockTeam(ctx, scope, teamID)
	if err != nil {
		return domain.Member{}, err
	}
	return tx.createMember(ctx, scope, team, in)
}

func (tx *Tx) createMember(ctx context.Context, scope domain.Scope, team domain.Team, in domain.MemberInput) (domain.Member, error) {
	ok, err := tx.memberUnitOK(ctx, scope, team, in.OrgID)
	if err != nil {
		return domain.Member{}, err
	}
	if !ok {
		return domain.Member{}, orgOutOfScope("org_id", in.OrgID)
	}
	now := timeText(tx.now)
	var id int64
	err = tx.queryRow(ctx, `INSERT INTO team_members (team_id, org_id, name, role, title, phone, joined_on, left_on, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
		team.ID, in.OrgID, in.Name, string(in.Role), in.Title, in.Phone, in.JoinedOn.String(), dateText(in.LeftOn), now).Scan(&id)
	if err != nil {
		return domain.Member{}, memberConflict(tx.d.wrap(err))
	}
	return tx.getMember(ctx, team.ID, id)
}

// CreateMembers adds several members to one team, all or none (the caller's
// transaction rolls back on the first error).
func (tx *Tx) CreateMembers(ctx context.Context, scope domain.Scope, teamID int64, ins []domain.MemberInput) ([]domain.Member, error) {
	team, err := tx.LockTeam(ctx, scope, teamID)
	if err != nil {
		return nil, err
	}
	out := make([]domain.Member, 0, len(ins))
	for _, in := range ins {
		m, err := tx.createMember(ctx, scope, team, in)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func memberConflict(err error) error {
	var de *domain.Error
	if errors.As(err, &de) && de.Kind == domain.KindConflict {
		return &domain.Error{Kind: domain.KindConflict, Field: "name", Message: "this person (name and unit) is already a member of the team", Err: err}
	}
	return err
}

func (tx *Tx) getMember(ctx context.Context, teamID, id int64) (domain.Member, error) {
	m, err := scanMember(tx.queryRow(ctx, "SELECT "+memberCols+
		" FROM team_members m JOIN org_units o ON o.id = m.org_id WHERE m.id = $1 AND m.team_id = $2", id, teamID))
	if errors.Is(err, sql.ErrNoRows) {
		return m, domain.NotFound("member %d", id)
	}
	return m, tx.d.wrap(err)
}

// GetMember returns a member of a team in the read scope. The phone is not
// masked here: the app decides who sees it.
func (tx *Tx) GetMember(ctx context.Context, scope domain.Scope, teamID, id int64) (domain.Member, error) {
	if _, err := tx.GetTeam(ctx, scope, teamID, tx.today); err != nil {
		return domain.Member{}, err
	}
	return tx.getMember(ctx, teamID, id)
}

// UpdateMember replaces a member's fields in a team of the write scope.
func (tx *Tx) UpdateMember(ctx context.Context, scope domain.Scope, teamID, id int64, in domain.MemberInput) (old, updated domain.Member, err error) {
	team, err := tx.LockTeam(ctx, scope, teamID)
	if err != nil {
		return old, old, err
	}
	if old, err = tx.getMember(ctx, teamID, id); err != nil {
		return old, old, err
	}
	if in.OrgID != old.OrgID {
		ok, err := tx.memberUnitOK(ctx, scope, team, in.OrgID)
		if err != nil {
			return old, old, err
		}
		if !ok {
			return old, old, orgOutOfScope("org_id", in.OrgID)
		}
	}
	_, err = tx.exec(ctx, `UPDATE team_members SET org_id = $1, name = $2, role = $3, title = $4, phone = $5, joined_on = $6, left_on = $7,
		updated_at = $8 WHERE id = $9 AND team_id = $10`,
		in.OrgID, in.Name, string(in.Role), in.Title, in.Phone, in.JoinedOn.String(), dateText(in.LeftOn), timeText(tx.now), id, teamID)
	if err != nil {
		return old, old, memberConflict(err)
	}
	updated, err = tx.getMember(ctx, teamID, id)
	return old, updated, err
}

// DeleteMember removes a membership entered by mistake. (A member who left
// is kept with left_on set, so past figures stay as they were.)
func (tx *Tx) DeleteMember(ctx context.Context, scope domain.Scope, teamID, id int64) (domain.Member, error) {
	if _, err := tx.LockTeam(ctx, scope, teamID); err != nil {
		return domain.Member{}, err
	}
	old, err := tx.getMember(ctx, teamID, id)
	if err != nil {
		return old, err
	}
	res, err := tx.exec(ctx, "DELETE FROM team_members WHERE id = $1 AND team_id = $2", id, teamID)
	if err != nil {
		return old, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return old, domain.NotFound("member %d", id)
	}
	return old, nil
}

// ListMembers returns a team's members (the team in the read scope): current
// ones by role then name, then those who left. current limits it to members
// on day at.
func (tx *Tx) ListMembers(ctx context.Context, scope domain.Scope, teamID int64, current bool, at domain.Date) ([]domain.Member, error) {
	if _, err := tx.GetTeam(ctx, scope, teamID, at); err != nil {
		return nil, err
	}
	args := []any{teamID}
	q := "SELECT " + memberCols + " FROM team_members m JOIN org_units o ON o.id = m.org_id WHERE m.team_id = $1"
	if current {
		args = append(args, at.String())
		q += " AND m.joined_on <= $2 AND (m.left_on = '' OR m.left_on > $2)"
	}
	q += ` ORDER BY CASE WHEN m.left_on = '' THEN 0 ELSE 1 END,
		CASE m.role WHEN 'leader' THEN 0 WHEN 'deputy' THEN 1 WHEN 'liaison' THEN 2 ELSE 3 END, m.name, m.id`
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.Member{}
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, m)
	}
	return out, tx.d.wrap(rows.Err())
}

// RosterFilter says what CountRoster counts.
type RosterFilter struct {
	OrgID int64           // teams owned by this unit's subtree; 0: the whole read scope
	Kind  domain.TeamKind // "" for every kind
	Role  domain.MemberRole
	At    domain.Date // the day counted
}

// CountRoster returns the ids of the teams standing on day f.At (founded on
// or before it, not dissolved by it) owned by units of f.OrgID's subtree in
// the read scope, and of the members of those teams on that day (joined on
// or before it, not left by it) with role f.Role when given. Ids ascend.
func (tx *Tx) CountRoster(ctx context.Context, scope domain.Scope, f RosterFilter) (teams, members []int64, err error) {
	args := []any{}
	cond, ok, err := tx.subtreeInScope(ctx, scope, "t.org_id", f.OrgID, &args)
	if err != nil || !ok {
		return []int64{}, []int64{}, err
	}
	args = append(args, f.At.String())
	at := len(args)
	cond += fmt.Sprintf(" AND t.founded_on <= $%d AND (t.dissolved_on = '' OR t.dissolved_on > $%d)", at, at)
	if f.Kind != "" {
		args = append(args, string(f.Kind))
		cond += fmt.Sprintf(" AND t.kind = $%d", len(args))
	}
	teams, err = tx.queryIDs(ctx, "SELECT t.id FROM teams t WHERE "+cond+" ORDER BY t.id", args...)
	if err != nil {
		return nil, nil, err
	}
	mcond := fmt.Sprintf("m.joined_on <= $%d AND (m.left_on = '' OR m.left_on > $%d)", at, at)
	if f.Role != "" {
		args = append(args, string(f.Role))
		mcond += fmt.Sprintf(" AND m.role = $%d", len(args))
	}
	members, err = tx.queryIDs(ctx, "SELECT m.id FROM team_members m JOIN teams t ON t.id = m.team_id WHERE "+cond+" AND "+mcond+" ORDER BY m.id", args...)
	return teams, members, err
}
