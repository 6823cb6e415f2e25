package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Rectifications (整改): one row each, a timeline of notes, closure evidence
// linked to the ledger's evidence blobs. A rectification is in scope when its
// owner unit is: the owner's subtree readers and every unit above it (which
// reviews it and to which it escalates) see it.

const rectCols = `r.id, r.org_id, o.name, r.review_org_id, ro.name, r.source, r.ref, r.finding, r.measures, r.responsible,
	COALESCE(r.responsible_id, 0), r.opened_on, r.deadline, r.state, r.submitted_on, r.submitted_by_id, r.closed_on, r.return_reason,
	r.escalation, COALESCE(r.escalated_to, 0), COALESCE(eo.name, ''), r.created_by, r.created_at, r.updated_at, r.version`

const rectFrom = ` FROM rectifications r JOIN org_units o ON o.id = r.org_id JOIN org_units ro ON ro.id = r.review_org_id
	LEFT JOIN org_units eo ON eo.id = r.escalated_to`

func scanRect(sc interface{ Scan(...any) error }) (domain.Rectification, error) {
	var r domain.Rectification
	var opened, deadline, submitted, closed, created, updated string
	err := sc.Scan(&r.ID, &r.OrgID, &r.OrgName, &r.ReviewOrgID, &r.ReviewOrgName, &r.Source, &r.Ref, &r.Finding, &r.Measures, &r.Responsible,
		&r.ResponsibleID, &opened, &deadline, &r.State, &submitted, &r.SubmittedByID, &closed, &r.ReturnReason,
		&r.Escalation, &r.EscalatedTo, &r.EscalatedToName, &r.CreatedBy, &created, &updated, &r.Version)
	if err != nil {
		return r, err
	}
	r.OpenedOn, r.Deadline = parseDateText(opened), parseDateText(deadline)
	r.SubmittedOn, r.ClosedOn = parseDateText(submitted), parseDateText(closed)
	r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
	return r, nil
}

// NewRectification is what CreateRectification stores.
type NewRectification struct {
	domain.RectificationInput
	ReviewOrgID int64
	OpenedOn    domain.Date
	CreatedBy   string
	CreatedByID int64
}

// CreateRectification inserts an open rectification and its first timeline
// line. The caller has checked the owner and reviewing units.
func (tx *Tx) CreateRectification(ctx context.Context, n NewRectification) (int64, error) {
	var resp any
	if n.ResponsibleID != 0 {
		resp = n.ResponsibleID
	}
	now := timeText(tx.now)
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO rectifications (org_id, review_org_id, source, ref, finding, measures, responsible, responsible_id,
		opened_on, deadline, state, created_by, created_by_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12, $13, $13) RETURNING id`,
		n.OrgID, n.ReviewOrgID, string(n.Source), n.Ref, n.Finding, n.Measures, n.Responsible, resp,
		n.OpenedOn.String(), n.Deadline.String(), n.CreatedBy, n.CreatedByID, now).Scan(&id)
	if err != nil {
		return 0, tx.d.wrap(err)
	}
	return id, tx.AddRectNote(ctx, id, "create", n.Finding, n.CreatedBy, n.CreatedByID)
}

// GetRectification returns one rectification whose owner is in the read
// scope, with its timeline and evidence; otherwise not found.
func (tx *Tx) GetRectification(ctx context.Context, scope domain.Scope, id int64) (domain.Rectification, error) {
	r, err := tx.rect(ctx, scope, id, "")
	if err != nil {
		return r, err
	}
	if r.Notes, err = tx.rectNotes(ctx, id); err != nil {
		return r, err
	}
	r.Evidence, err = tx.rectEvidence(ctx, id)
	return r, err
}

// LockRectification reads a rectification for a change, locking its row
// until the transaction ends (the shared tree lock first, as every write
// that checks scope).
func (tx *Tx) LockRectification(ctx context.Context, scope domain.Scope, id int64) (domain.Rectification, error) {
	if err := tx.LockTree(ctx); err != nil {
		return domain.Rectification{}, err
	}
	if _, err := tx.queryIDs(ctx, "SELECT id FROM rectifications WHERE id = $1"+tx.d.forUpdate(), id); err != nil {
		return domain.Rectification{}, err
	}
	return tx.GetRectification(ctx, scope, id)
}

func (tx *Tx) rect(ctx context.Context, scope domain.Scope, id int64, extra string) (domain.Rectification, error) {
	args := []any{id}
	q := "SELECT " + rectCols + rectFrom + " WHERE r.id = $1 AND " + scopeFilter("r.org_id", scope.ReadRoots(), &args) + extra
	r, err := scanRect(tx.queryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return r, domain.NotFound("rectification %d", id)
	}
	return r, tx.d.wrap(err)
}

func (tx *Tx) rectNotes(ctx context.Context, id int64) ([]domain.RectNote, error) {
	rows, err := tx.query(ctx, "SELECT kind, body, author, at FROM rectification_notes WHERE rectification_id = $1 ORDER BY id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.RectNote{}
	for rows.Next() {
		var n domain.RectNote
		var at string
		if err := rows.Scan(&n.Kind, &n.Body, &n.Author, &at); err != nil {
			return nil, tx.d.wrap(err)
		}
		n.At = parseTime(at)
		out = append(out, n)
	}
	return out, tx.d.wrap(rows.Err())
}

func (tx *Tx) rectEvidence(ctx context.Context, id int64) ([]domain.RectEvidence, error) {
	rows, err := tx.query(ctx, `SELECT e.sha256, e.filename, b.media_type, b.size, e.attached_at FROM rectification_evidence e
		JOIN evidence_blobs b ON b.sha256 = e.sha256 WHERE e.rectification_id = $1 ORDER BY e.attached_at, e.sha256`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.RectEvidence{}
	for rows.Next() {
		var e domain.RectEvidence
		var at string
		if err := rows.Scan(&e.SHA256, &e.Filename, &e.MediaType, &e.Size, &at); err != nil {
			return nil, tx.d.wrap(err)
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, tx.d.wrap(rows.Err())
}

// AddRectNote appends a line to a rectification's timeline.
func (tx *Tx) AddRectNote(ctx context.Context, id int64, kind, body, author string, authorID int64) error {
	_, err := tx.exec(ctx, `INSERT INTO rectification_notes (rectification_id, kind, body, author, author_id, at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, kind, body, author, authorID, timeText(tx.now))
	return err
}

// AttachRectEvidence links an evidence blob (already stored) to a rectification.
func (tx *Tx) AttachRectEvidence(ctx context.Context, id int64, sha, filename string) error {
	_, err := tx.exec(ctx, `INSERT INTO rectification_evidence (rectification_id, sha256, filename, attached_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (rectification_id, sha256) DO NOTHING`, id, sha, filename, timeText(tx.now))
	return err
}

// RectUpdate is a change of state (and of the fields that go with it).
type RectUpdate struct {
	State         domain.RectState
	SubmittedOn   domain.Date
	SubmittedByID int64
	ClosedOn      domain.Date
	ReturnReason  string
}

// UpdateRectState moves a locked rectification to a new state.
func (tx *Tx) UpdateRectState(ctx context.Context, id int64, u RectUpdate) error {
	_, err := tx.exec(ctx, `UPDATE rectifications SET state = $2, submitted_on = $3, submitted_by_id = $4, closed_on = $5, return_reason = $6,
		updated_at = $7, version = version + 1 WHERE id = $1`,
		id, string(u.State), dateText(u.SubmittedOn), u.SubmittedByID, dateText(u.ClosedOn), u.ReturnReason, timeText(tx.now))
	return err
}

// TouchRectification bumps a rectification's version (a note or a file added).
func (tx *Tx) TouchRectification(ctx context.Context, id int64) error {
	_, err := tx.exec(ctx, "UPDATE rectifications SET updated_at = $2, version = version + 1 WHERE id = $1", id, timeText(tx.now))
	return err
}

// Escalate raises a rectification to a level, the unit that stands there,
// only if it stands lower: a second sweep on the same day changes nothing.
// It reports whether the row changed.
func (tx *Tx) Escalate(ctx context.Context, id int64, level int, to int64) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE rectifications SET escalation = $2, escalated_to = $3, updated_at = $4, version = version + 1
		WHERE id = $1 AND escalation < $2 AND state IN ('open','returned')`, id, level, to, timeText(tx.now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, tx.d.wrap(err)
}

// RectFilter narrows ListRectifications.
type RectFilter struct {
	OrgID     int64              // the owner's subtree; 0: the whole read scope
	OwnerOnly bool               // with OrgID: only items owned by OrgID itself, not by units below
	States    []domain.RectState // none: all
	Overdue   bool               // only pending items past their deadline (before Today)
	Today     domain.Date
	Escalated bool // only items escalated at least once
	// EscalatedTo, when set, keeps the items standing at one of these units.
	EscalatedTo []int64
	// ReviewRoots, when set, keeps only items whose reviewing unit lies in
	// these subtrees (what the actor may sign off).
	ReviewRoots []int64
	// OpenedFrom/OpenedTo and ClosedFrom/ClosedTo bound the opening and the
	// closing day (To exclusive); zero: unbounded.
	OpenedFrom, OpenedTo domain.Date
	ClosedFrom, ClosedTo domain.Date
	// DueFrom/DueTo bound the deadline (To exclusive).
	DueFrom, DueTo domain.Date
	Limit, Offset  int
}

func (tx *Tx) rectWhere(ctx context.Context, scope domain.Scope, f RectFilter, args *[]any) (string, bool, error) {
	cond, ok, err := tx.subtreeInScope(ctx, scope, "r.org_id", f.OrgID, args)
	if err != nil || !ok {
		return "", false, err
	}
	where := []string{cond}
	if f.OwnerOnly && f.OrgID != 0 {
		*args = append(*args, f.OrgID)
		where = append(where, fmt.Sprintf("r.org_id = $%d", len(*args)))
	}
	if len(f.States) > 0 {
		where = append(where, "r.state IN ("+placeholders(args, strs(f.States)...)+")")
	}
	if f.Overdue {
		*args = append(*args, f.Today.String())
		where = append(where, fmt.Sprintf("r.state IN ('open','returned') AND r.deadline < $%d", len(*args)))
	}
	if f.Escalated {
		where = append(where, "r.escalation > 0")
	}
	if f.EscalatedTo != nil {
		if len(f.EscalatedTo) == 0 {
			return "", false, nil
		}
		where = append(where, "r.escalated_to IN ("+placeholders(args, int64s(f.EscalatedTo)...)+")")
	}
	if f.ReviewRoots != nil {
		where = append(where, scopeFilter("r.review_org_id", f.ReviewRoots, args))
	}
	bound := func(col string, from, to domain.Date) {
		if !from.IsZero() {
			*args = append(*args, from.String())
			where = append(where, fmt.Sprintf("%s >= $%d", col, len(*args)))
		}
		if !to.IsZero() {
			*args = append(*args, to.String())
			where = append(where, fmt.Sprintf("%s < $%d AND %s <> ''", col, len(*args), col))
		}
	}
	bound("r.opened_on", f.OpenedFrom, f.OpenedTo)
	bound("r.closed_on", f.ClosedFrom, f.ClosedTo)
	bound("r.deadline", f.DueFrom, f.DueTo)
	return strings.Join(where, " AND "), true, nil
}

// ListRectifications returns a page of rectifications in scope, overdue and
// nearest deadline first, and the total.
func (tx *Tx) ListRectifications(ctx context.Context, scope domain.Scope, f RectFilter) ([]domain.Rectification, int, error) {
	args := []any{}
	cond, ok, err := tx.rectWhere(ctx, scope, f, &args)
	if err != nil || !ok {
		return []domain.Rectification{}, 0, err
	}
	var total int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM rectifications r WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, tx.d.wrap(err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1 << 30
	}
	args = append(args, limit, f.Offset)
	rows, err := tx.query(ctx, fmt.Sprintf(`SELECT %s%s WHERE %s
		ORDER BY CASE r.state WHEN 'closed' THEN 1 ELSE 0 END, r.deadline, r.id LIMIT $%d OFFSET $%d`,
		rectCols, rectFrom, cond, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []domain.Rectification{}
	for rows.Next() {
		r, err := scanRect(rows)
		if err != nil {
			return nil, 0, tx.d.wrap(err)
		}
		out = append(out, r)
	}
	return out, total, tx.d.wrap(rows.Err())
}

// OverdueRectifications lists every pending rectification whose deadline is
// before today, installation-wide: the escalation sweep's work list (the
// system acts, not a person). Read through the (state, deadline) index.
func (tx *Tx) OverdueRectifications(ctx context.Context, today domain.Date) ([]domain.Rectification, error) {
	rows, err := tx.query(ctx, "SELECT "+rectCols+rectFrom+
		" WHERE r.state IN ('open','returned') AND r.deadline < $1 ORDER BY r.id", today.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.Rectification{}
	for rows.Next() {
		r, err := scanRect(rows)
		if err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, r)
	}
	return out, tx.d.wrap(rows.Err())
}

// RectEvidenceOf reports whether rectification id (in scope) carries the blob.
func (tx *Tx) RectEvidenceOf(ctx context.Context, scope domain.Scope, id int64, sha string) (EvidenceBlob, error) {
	if _, err := tx.rect(ctx, scope, id, ""); err != nil {
		return EvidenceBlob{}, err
	}
	b := EvidenceBlob{SHA256: sha, Activities: []int64{}}
	err := tx.queryRow(ctx, `SELECT b.size, b.media_type, b.created_at FROM rectification_evidence e JOIN evidence_blobs b ON b.sha256 = e.sha256
		WHERE e.rectification_id = $1 AND e.sha256 = $2`, id, sha).Scan(&b.Size, &b.MediaType, &b.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return b, domain.NotFound("evidence %s of rectification %d", sha, id)
	}
	return b, tx.d.wrap(err)
}
