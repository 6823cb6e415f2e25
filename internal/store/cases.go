package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/casework"
	"github.com/zeren-edu/zeren/internal/domain"
)

// Public-concern cases (舆情事件, migration 00022): one row each, three
// deadline rows, a timeline of steps and evidence files linked to the
// ledger's evidence blobs. A case is in scope when its unit (属地) is: that
// unit's subtree readers and every unit above it see it.

const caseCols = `c.id, c.org_id, o.name, COALESCE(c.story_id, 0), COALESCE(s.title, ''), COALESCE(s.first_seen, ''), c.title, c.summary,
	c.kind, c.severity, c.state, c.assessment, c.public_response, c.review, c.opened_at, c.resolved_at, c.closed_at,
	COALESCE(c.escalated_to, 0), COALESCE(eo.name, ''), COALESCE(c.rectification_id, 0), c.created_by, c.created_by_id, c.updated_at, c.version`

const caseFrom = ` FROM cases c JOIN org_units o ON o.id = c.org_id LEFT JOIN concern_stories s ON s.id = c.story_id
	LEFT JOIN org_units eo ON eo.id = c.escalated_to`

func scanCase(sc interface{ Scan(...any) error }) (casework.Case, error) {
	var c casework.Case
	var first, opened, resolved, closed, updated string
	err := sc.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.StoryID, &c.StoryTitle, &first, &c.Title, &c.Summary,
		&c.Kind, &c.Severity, &c.State, &c.Assessment, &c.PublicResponse, &c.Review, &opened, &resolved, &closed,
		&c.EscalatedTo, &c.EscalatedToName, &c.RectificationID, &c.CreatedBy, &c.CreatedByID, &updated, &c.Version)
	if err != nil {
		return c, err
	}
	c.StoryFirstSeen, c.OpenedAt = parseTimeOpt(first), parseTime(opened)
	c.ResolvedAt, c.ClosedAt, c.UpdatedAt = parseTimeOpt(resolved), parseTimeOpt(closed), parseTime(updated)
	return c, nil
}

// NewCase is what CreateCase stores.
type NewCase struct {
	OrgID       int64
	StoryID     int64 // 0: by hand
	Title       string
	Summary     string
	Kind        casework.Kind
	Severity    casework.Severity
	OpenedAt    time.Time
	Due         map[casework.Deadline]time.Time
	CreatedBy   string
	CreatedByID int64
}

// CreateCase inserts a new case, its deadlines and its first timeline line.
// The caller has checked the unit and the story.
func (tx *Tx) CreateCase(ctx context.Context, n NewCase) (int64, error) {
	var story any
	if n.StoryID != 0 {
		story = n.StoryID
	}
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO cases (org_id, story_id, title, summary, kind, severity, state, opened_at, created_by, created_by_id, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, 'new', $7, $8, $9, $10) RETURNING id`,
		n.OrgID, story, n.Title, n.Summary, string(n.Kind), string(n.Severity), timeText(n.OpenedAt), n.CreatedBy, n.CreatedByID, timeText(tx.now)).Scan(&id)
	if err != nil {
		return 0, tx.d.wrap(err)
	}
	for _, d := range casework.Deadlines {
		if _, err := tx.exec(ctx, "INSERT INTO case_deadlines (case_id, kind, due_at) VALUES ($1, $2, $3)", id, string(d), timeText(n.Due[d])); err != nil {
			return 0, err
		}
	}
	return id, tx.AddCaseStep(ctx, id, "open", n.Title, n.CreatedBy, n.CreatedByID)
}

// GetCase returns one case whose unit is in the read scope, with its
// deadlines, timeline and evidence; otherwise not found.
func (tx *Tx) GetCase(ctx context.Context, scope domain.Scope, id int64) (casework.Case, error) {
	args := []any{id}
	q := "SELECT " + caseCols + caseFrom + " WHERE c.id = $1 AND " + scopeFilter("c.org_id", scope.ReadRoots(), &args)
	c, err := scanCase(tx.queryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return c, domain.NotFound("case %d", id)
	}
	if err != nil {
		return c, tx.d.wrap(err)
	}
	dues, err := tx.caseDeadlines(ctx, []int64{id})
	if err != nil {
		return c, err
	}
	c.Deadlines = dues[id]
	if c.Steps, err = tx.caseSteps(ctx, id); err != nil {
		return c, err
	}
	c.Evidence, err = tx.caseEvidence(ctx, id)
	return c, err
}

// LockCase reads a case for a change, locking its row until the transaction
// ends (the shared tree lock first, as every write that checks scope).
func (tx *Tx) LockCase(ctx context.Context, scope domain.Scope, id int64) (casework.Case, error) {
	if err := tx.LockTree(ctx); err != nil {
		return casework.Case{}, err
	}
	if _, err := tx.queryIDs(ctx, "SELECT id FROM cases WHERE id = $1"+tx.d.forUpdate(), id); err != nil {
		return casework.Case{}, err
	}
	return tx.GetCase(ctx, scope, id)
}

func (tx *Tx) caseDeadlines(ctx context.Context, ids []int64) (map[int64][]casework.Due, error) {
	out := map[int64][]casework.Due{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{}
	rows, err := tx.query(ctx, `SELECT case_id, kind, due_at, done_at, escalated_at FROM case_deadlines WHERE case_id IN (`+
		placeholders(&args, int64s(ids)...)+`) ORDER BY case_id, due_at, kind`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var d casework.Due
		var due, done, esc string
		if err := rows.Scan(&id, &d.Kind, &due, &done, &esc); err != nil {
			return nil, tx.d.wrap(err)
		}
		d.DueAt, d.DoneAt, d.EscalatedAt = parseTime(due), parseTimeOpt(done), parseTimeOpt(esc)
		out[id] = append(out[id], d)
	}
	return out, tx.d.wrap(rows.Err())
}

func (tx *Tx) caseSteps(ctx context.Context, id int64) ([]casework.Step, error) {
	rows, err := tx.query(ctx, "SELECT kind, body, author, at FROM case_steps WHERE case_id = $1 ORDER BY id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []casework.Step{}
	for rows.Next() {
		var s casework.Step
		var at string
		if err := rows.Scan(&s.Kind, &s.Body, &s.Author, &at); err != nil {
			return nil, tx.d.wrap(err)
		}
		s.At = parseTime(at)
		out = append(out, s)
	}
	return out, tx.d.wrap(rows.Err())
}

func (tx *Tx) caseEvidence(ctx context.Context, id int64) ([]casework.Evidence, error) {
	rows, err := tx.query(ctx, `SELECT e.sha256, e.filename, b.media_type, b.size, e.attached_at FROM case_evidence e
		JOIN evidence_blobs b ON b.sha256 = e.sha256 WHERE e.case_id = $1 ORDER BY e.attached_at, e.sha256`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []casework.Evidence{}
	for rows.Next() {
		var e casework.Evidence
		var at string
		if err := rows.Scan(&e.SHA256, &e.Filename, &e.MediaType, &e.Size, &at); err != nil {
			return nil, tx.d.wrap(err)
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, tx.d.wrap(rows.Err())
}

// AddCaseStep appends a line to a case's timeline.
func (tx *Tx) AddCaseStep(ctx context.Context, id int64, kind, body, author string, authorID int64) error {
	_, err := tx.exec(ctx, `INSERT INTO case_steps (case_id, kind, body, author, author_id, at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, kind, body, author, authorID, timeText(tx.now))
	return err
}

// AttachCaseEvidence links an evidence blob (already stored) to a case.
func (tx *Tx) AttachCaseEvidence(ctx context.Context, id int64, sha, filename string) error {
	_, err := tx.exec(ctx, `INSERT INTO case_evidence (case_id, sha256, filename, attached_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (case_id, sha256) DO NOTHING`, id, sha, filename, timeText(tx.now))
	return err
}

// CaseEvidenceOf returns the blob's metadata when case id (in scope) carries it.
func (tx *Tx) CaseEvidenceOf(ctx context.Context, scope domain.Scope, id int64, sha string) (EvidenceBlob, error) {
	args := []any{id}
	ids, err := tx.queryIDs(ctx, "SELECT c.id FROM cases c WHERE c.id = $1 AND "+scopeFilter("c.org_id", scope.ReadRoots(), &args), args...)
	if err != nil {
		return EvidenceBlob{}, err
	}
	if len(ids) == 0 {
		return EvidenceBlob{}, domain.NotFound("case %d", id)
	}
	b := EvidenceBlob{SHA256: sha, Activities: []int64{}}
	err = tx.queryRow(ctx, `SELECT b.size, b.media_type, b.created_at FROM case_evidence e JOIN evidence_blobs b ON b.sha256 = e.sha256
		WHERE e.case_id = $1 AND e.sha256 = $2`, id, sha).Scan(&b.Size, &b.MediaType, &b.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return b, domain.NotFound("evidence %s of case %d", sha, id)
	}
	return b, tx.d.wrap(err)
}

// CaseUpdate is a case's changed fields after a step.
type CaseUpdate struct {
	State          casework.State
	Severity       casework.Severity
	Assessment     string
	PublicResponse string
	Review         string
	ResolvedAt     time.Time
	ClosedAt       time.Time
}

// UpdateCase writes a locked case's state and step texts and bumps its version.
func (tx *Tx) UpdateCase(ctx context.Context, id int64, u CaseUpdate) error {
	_, err := tx.exec(ctx, `UPDATE cases SET state = $2, severity = $3, assessment = $4, public_response = $5, review = $6,
		resolved_at = $7, closed_at = $8, updated_at = $9, version = version + 1 WHERE id = $1`,
		id, string(u.State), string(u.Severity), u.Assessment, u.PublicResponse, u.Review, timeTextOpt(u.ResolvedAt), timeTextOpt(u.ClosedAt), timeText(tx.now))
	return err
}

// TouchCase bumps a case's version (a note or a file added).
func (tx *Tx) TouchCase(ctx context.Context, id int64) error {
	_, err := tx.exec(ctx, "UPDATE cases SET updated_at = $2, version = version + 1 WHERE id = $1", id, timeText(tx.now))
	return err
}

// SetCaseDeadline moves deadline d of a case to due (a severity change).
func (tx *Tx) SetCaseDeadline(ctx context.Context, id int64, d casework.Deadline, due time.Time) error {
	_, err := tx.exec(ctx, "UPDATE case_deadlines SET due_at = $3 WHERE case_id = $1 AND kind = $2", id, string(d), timeText(due))
	return err
}

// MarkCaseDeadline records when deadline d's step was done (at), or clears
// it (zero at: a reopened case must be resolved again).
func (tx *Tx) MarkCaseDeadline(ctx context.Context, id int64, d casework.Deadline, at time.Time) error {
	_, err := tx.exec(ctx, "UPDATE case_deadlines SET done_at = $3 WHERE case_id = $1 AND kind = $2", id, string(d), timeTextOpt(at))
	return err
}

// LinkCaseRectification records the rectification opened from a case.
func (tx *Tx) LinkCaseRectification(ctx context.Context, id, rectID int64) error {
	_, err := tx.exec(ctx, "UPDATE cases SET rectification_id = $2, updated_at = $3, version = version + 1 WHERE id = $1", id, rectID, timeText(tx.now))
	return err
}

// PassedCaseDeadline is a deadline that passed with its step not done and
// has not yet escalated its case.
type PassedCaseDeadline struct {
	CaseID      int64
	OrgID       int64
	Title       string
	Kind        casework.Deadline
	DueAt       time.Time
	EscalatedTo int64 // the unit the case already stands at (0: none)
}

// PassedCaseDeadlines lists, installation-wide, every deadline of a case
// still open that passed before now unmet and unescalated: the escalation
// sweep's work list (the system acts, not a person).
func (tx *Tx) PassedCaseDeadlines(ctx context.Context, now time.Time) ([]PassedCaseDeadline, error) {
	rows, err := tx.query(ctx, `SELECT c.id, c.org_id, c.title, d.kind, d.due_at, COALESCE(c.escalated_to, 0)
		FROM case_deadlines d JOIN cases c ON c.id = d.case_id
		WHERE d.done_at = '' AND d.escalated_at = '' AND d.due_at < $1 AND c.state IN ('new','assessing','responding')
		ORDER BY d.due_at, c.id, d.kind`, timeText(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PassedCaseDeadline
	for rows.Next() {
		var p PassedCaseDeadline
		var due string
		if err := rows.Scan(&p.CaseID, &p.OrgID, &p.Title, &p.Kind, &due, &p.EscalatedTo); err != nil {
			return nil, tx.d.wrap(err)
		}
		p.DueAt = parseTime(due)
		out = append(out, p)
	}
	return out, tx.d.wrap(rows.Err())
}

// EscalateCaseDeadline marks deadline d of a case escalated and the case as
// standing at unit to, only if that deadline is still unmet and unescalated:
// of two nodes sweeping at once, one changes the row and the other nothing.
// It reports whether this call did it.
func (tx *Tx) EscalateCaseDeadline(ctx context.Context, id int64, d casework.Deadline, to int64) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE case_deadlines SET escalated_at = $3 WHERE case_id = $1 AND kind = $2 AND escalated_at = '' AND done_at = ''`,
		id, string(d), timeText(tx.now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, tx.d.wrap(err)
	}
	var target any
	if to != 0 {
		target = to
	}
	_, err = tx.exec(ctx, "UPDATE cases SET escalated_to = COALESCE($2, escalated_to), updated_at = $3, version = version + 1 WHERE id = $1",
		id, target, timeText(tx.now))
	return true, err
}

// CaseFilter narrows ListCases.
type CaseFilter struct {
	OrgID      int64 // the unit's subtree; 0: the whole read scope
	States     []casework.State
	Kinds      []casework.Kind
	Severities []casework.Severity
	StoryID    int64
	// OpenedFrom/OpenedTo bound the opening instant (To exclusive).
	OpenedFrom, OpenedTo time.Time
	// Overdue keeps open cases with a deadline passed unmet before Now.
	Overdue bool
	Now     time.Time
	// EscalatedTo, when set, keeps the cases standing at one of these units.
	EscalatedTo []int64
	// IDs, when set, keeps exactly these cases (a report figure's records).
	IDs           []int64
	Limit, Offset int
}

func (tx *Tx) caseWhere(ctx context.Context, scope domain.Scope, f CaseFilter, args *[]any) (string, bool, error) {
	cond, ok, err := tx.subtreeInScope(ctx, scope, "c.org_id", f.OrgID, args)
	if err != nil || !ok {
		return "", false, err
	}
	where := []string{cond}
	if len(f.States) > 0 {
		where = append(where, "c.state IN ("+placeholders(args, strs(f.States)...)+")")
	}
	if len(f.Kinds) > 0 {
		where = append(where, "c.kind IN ("+placeholders(args, strs(f.Kinds)...)+")")
	}
	if len(f.Severities) > 0 {
		where = append(where, "c.severity IN ("+placeholders(args, strs(f.Severities)...)+")")
	}
	if f.StoryID != 0 {
		*args = append(*args, f.StoryID)
		where = append(where, fmt.Sprintf("c.story_id = $%d", len(*args)))
	}
	if !f.OpenedFrom.IsZero() {
		*args = append(*args, timeText(f.OpenedFrom))
		where = append(where, fmt.Sprintf("c.opened_at >= $%d", len(*args)))
	}
	if !f.OpenedTo.IsZero() {
		*args = append(*args, timeText(f.OpenedTo))
		where = append(where, fmt.Sprintf("c.opened_at < $%d", len(*args)))
	}
	if f.Overdue {
		*args = append(*args, timeText(f.Now))
		where = append(where, fmt.Sprintf(`c.state IN ('new','assessing','responding') AND EXISTS (SELECT 1 FROM case_deadlines d
			WHERE d.case_id = c.id AND d.done_at = '' AND d.due_at < $%d)`, len(*args)))
	}
	if f.EscalatedTo != nil {
		if len(f.EscalatedTo) == 0 {
			return "", false, nil
		}
		where = append(where, "c.escalated_to IN ("+placeholders(args, int64s(f.EscalatedTo)...)+")")
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return "", false, nil
		}
		where = append(where, "c.id IN ("+placeholders(args, int64s(f.IDs)...)+")")
	}
	return strings.Join(where, " AND "), true, nil
}

// ListCases returns a page of cases in scope with their deadlines — open
// ones first, then by the opening instant, newest first — and the total.
func (tx *Tx) ListCases(ctx context.Context, scope domain.Scope, f CaseFilter) ([]casework.Case, int, error) {
	args := []any{}
	cond, ok, err := tx.caseWhere(ctx, scope, f, &args)
	if err != nil || !ok {
		return []casework.Case{}, 0, err
	}
	var total int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM cases c WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, tx.d.wrap(err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1 << 30
	}
	args = append(args, limit, f.Offset)
	rows, err := tx.query(ctx, fmt.Sprintf(`SELECT %s%s WHERE %s
		ORDER BY CASE WHEN c.state IN ('resolved','closed') THEN 1 ELSE 0 END, c.opened_at DESC, c.id DESC LIMIT $%d OFFSET $%d`,
		caseCols, caseFrom, cond, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, err
	}
	out := []casework.Case{}
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, 0, tx.d.wrap(err)
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, tx.d.wrap(err)
	}
	ids := make([]int64, len(out))
	for i, c := range out {
		ids[i] = c.ID
	}
	dues, err := tx.caseDeadlines(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].Deadlines = dues[out[i].ID]
	}
	return out, total, nil
}

// CaseTiers returns the office's time limits per severity; a severity the
// office never set is absent (the caller uses the default).
func (tx *Tx) CaseTiers(ctx context.Context) (map[casework.Severity]casework.Tier, error) {
	rows, err := tx.query(ctx, "SELECT severity, triage_minutes, response_minutes, resolution_minutes FROM case_tiers")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[casework.Severity]casework.Tier{}
	for rows.Next() {
		var t casework.Tier
		var a, b, c int64
		if err := rows.Scan(&t.Severity, &a, &b, &c); err != nil {
			return nil, tx.d.wrap(err)
		}
		t.Triage, t.Response, t.Resolution = time.Duration(a)*time.Minute, time.Duration(b)*time.Minute, time.Duration(c)*time.Minute
		out[t.Severity] = t
	}
	return out, tx.d.wrap(rows.Err())
}

// PutCaseTier writes the time limits of one severity.
func (tx *Tx) PutCaseTier(ctx context.Context, t casework.Tier, by string) error {
	_, err := tx.exec(ctx, `INSERT INTO case_tiers (severity, triage_minutes, response_minutes, resolution_minutes, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (severity) DO UPDATE SET triage_minutes = excluded.triage_minutes,
		response_minutes = excluded.response_minutes, resolution_minutes = excluded.resolution_minutes,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		string(t.Severity), int64(t.Triage/time.Minute), int64(t.Response/time.Minute), int64(t.Resolution/time.Minute), by, timeText(tx.now))
	return err
}

func timeTextOpt(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return timeText(t)
}

// CaseStory is what a case takes from the story it is opened from.
type CaseStory struct {
	ID        int64
	Title     string
	URL       string
	FirstSeen time.Time
	Severity  int     // the story's: 0 none, 1 一般, 2 较大, 3 重大
	Units     []int64 // the units it is routed to that lie in the scope, lowest first
}

// StoryForCase returns a story routed to a unit in the read scope; otherwise
// not found.
func (tx *Tx) StoryForCase(ctx context.Context, scope domain.Scope, id int64) (CaseStory, error) {
	s := CaseStory{ID: id}
	var first string
	err := tx.queryRow(ctx, "SELECT title, url, first_seen, severity FROM concern_stories WHERE id = $1", id).Scan(&s.Title, &s.URL, &first, &s.Severity)
	if errors.Is(err, sql.ErrNoRows) {
		return s, domain.NotFound("story %d", id)
	}
	if err != nil {
		return s, tx.d.wrap(err)
	}
	s.FirstSeen = parseTime(first)
	args := []any{id}
	s.Units, err = tx.queryIDs(ctx, `SELECT su.org_id FROM concern_story_units su JOIN org_units o ON o.id = su.org_id
		WHERE su.story_id = $1 AND `+scopeFilter("su.org_id", scope.ReadRoots(), &args)+` ORDER BY o.depth DESC, su.org_id`, args...)
	if err != nil {
		return s, err
	}
	if len(s.Units) == 0 {
		return s, domain.NotFound("story %d", id)
	}
	return s, nil
}

// UnhandledStory is a story routed to the reader's units with no case opened
// from it: what waits for a monitor.
type UnhandledStory struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	URL       string    `json:"url"`
	Topic     string    `json:"topic"`
	Severity  int       `json:"severity"`
	ItemCount int       `json:"item_count"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	OrgID     int64     `json:"org_id"` // the lowest routed unit in scope
	OrgName   string    `json:"org_name"`
}

// UnhandledStories lists up to limit stories last seen since `since`, routed
// to a unit in the scope, matched by a rule (severity > 0), from which no
// case was opened: most severe, then newest first.
func (tx *Tx) UnhandledStories(ctx context.Context, scope domain.Scope, since time.Time, limit int) ([]UnhandledStory, error) {
	args := []any{timeText(since)}
	cond := scopeFilter("su.org_id", scope.ReadRoots(), &args)
	rows, err := tx.query(ctx, fmt.Sprintf(`SELECT s.id, s.title, s.url, s.topic, s.severity, s.item_count, s.first_seen, s.last_seen, su.org_id, o.name
		FROM concern_stories s JOIN concern_story_units su ON su.story_id = s.id JOIN org_units o ON o.id = su.org_id
		WHERE s.last_seen >= $1 AND s.severity > 0 AND %s AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.story_id = s.id)
		ORDER BY s.severity DESC, s.last_seen DESC, s.id DESC, o.depth DESC`, cond), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []UnhandledStory{}
	seen := map[int64]bool{}
	for rows.Next() {
		var u UnhandledStory
		var first, last string
		if err := rows.Scan(&u.ID, &u.Title, &u.URL, &u.Topic, &u.Severity, &u.ItemCount, &first, &last, &u.OrgID, &u.OrgName); err != nil {
			return nil, tx.d.wrap(err)
		}
		if seen[u.ID] || len(out) >= limit {
			continue // a story routed to several units in scope: its lowest unit only
		}
		seen[u.ID] = true
		u.FirstSeen, u.LastSeen = parseTime(first), parseTime(last)
		out = append(out, u)
	}
	return out, tx.d.wrap(rows.Err())
}

// StoryCaseTime is, for one case opened from a story, the unit where it
// happened and the instants a response time is measured between.
type StoryCaseTime struct {
	CaseID    int64
	OrgID     int64
	FirstSeen time.Time // the story's first item
	OpenedAt  time.Time // the case opened
	Assessed  time.Time // its first assessment (zero: not yet)
}

// StoryCaseTimes lists the cases opened from stories in [from, to) whose
// unit lies in the scope: what the monitor teams' response times are
// computed from (never per person: no author, no opener is read).
func (tx *Tx) StoryCaseTimes(ctx context.Context, scope domain.Scope, from, to time.Time) ([]StoryCaseTime, error) {
	args := []any{timeText(from), timeText(to)}
	cond := scopeFilter("c.org_id", scope.ReadRoots(), &args)
	rows, err := tx.query(ctx, `SELECT c.id, c.org_id, s.first_seen, c.opened_at, COALESCE(d.done_at, '')
		FROM cases c JOIN concern_stories s ON s.id = c.story_id
		LEFT JOIN case_deadlines d ON d.case_id = c.id AND d.kind = 'triage'
		WHERE c.opened_at >= $1 AND c.opened_at < $2 AND `+cond+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoryCaseTime
	for rows.Next() {
		var t StoryCaseTime
		var first, opened, done string
		if err := rows.Scan(&t.CaseID, &t.OrgID, &first, &opened, &done); err != nil {
			return nil, tx.d.wrap(err)
		}
		t.FirstSeen, t.OpenedAt, t.Assessed = parseTime(first), parseTime(opened), parseTimeOpt(done)
		out = append(out, t)
	}
	return out, tx.d.wrap(rows.Err())
}

// CountNotices counts the outbox's notices of a kind (e.g. "case.overdue"):
// how a test and an operator check that a sweep notified once.
func (tx *Tx) CountNotices(ctx context.Context, kind string) (int, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM notices WHERE kind = $1", kind).Scan(&n)
	return n, tx.d.wrap(err)
}
