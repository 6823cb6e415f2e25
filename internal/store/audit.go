package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// AuditRow is one stored audit event. The store knows nothing of hashing: the
// app seals a row with the audit engine inside AppendAudit's callback, after
// the chain's head has been read under a lock.
type AuditRow struct {
	Seq        int64     `json:"seq"`
	Time       time.Time `json:"time"`
	Actor      string    `json:"actor"`
	ActorID    int64     `json:"actor_id"`
	OrgID      int64     `json:"org_id"`
	ClientAddr string    `json:"client_addr"`
	Type       string    `json:"type"`
	Target     string    `json:"target"`
	Outcome    string    `json:"outcome"`
	Before     string    `json:"before,omitempty"`
	After      string    `json:"after,omitempty"`
	Detail     string    `json:"detail,omitempty"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
	Alg        string    `json:"alg"`
}

// auditLockKey names the PostgreSQL advisory lock that serialises appends.
const auditLockKey = 7_001_2025

// AppendAudit appends one event to the chain in this transaction. seal gets
// the head (seq and hash of the last event; 0 and "" for an empty trail) and
// returns the sealed row. Appends are serialised so the chain never forks.
func (tx *Tx) AppendAudit(ctx context.Context, seal func(headSeq int64, headHash string) (AuditRow, error)) (AuditRow, error) {
	if tx.tx == nil {
		return AuditRow{}, errNoTx
	}
	if tx.d.name() == "postgres" {
		if _, err := tx.tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", auditLockKey); err != nil {
			return AuditRow{}, tx.d.wrap(err)
		}
	}
	var seq int64
	var hash string
	err := tx.queryRow(ctx, "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").Scan(&seq, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return AuditRow{}, tx.d.wrap(err)
	}
	r, err := seal(seq, hash)
	if err != nil {
		return r, err
	}
	_, err = tx.exec(ctx, `INSERT INTO audit_events (seq, time, actor, actor_id, org_id, client_addr, type, target, outcome, before, after, detail, prev_hash, hash, alg)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		r.Seq, timeText(r.Time), r.Actor, r.ActorID, r.OrgID, r.ClientAddr, r.Type, r.Target, r.Outcome, r.Before, r.After, r.Detail, r.PrevHash, r.Hash, r.Alg)
	return r, err
}

const auditCols = `seq, time, actor, actor_id, org_id, client_addr, type, target, outcome, before, after, detail, prev_hash, hash, alg`

func scanAudit(sc interface{ Scan(...any) error }) (AuditRow, error) {
	var r AuditRow
	var t string
	err := sc.Scan(&r.Seq, &t, &r.Actor, &r.ActorID, &r.OrgID, &r.ClientAddr, &r.Type, &r.Target, &r.Outcome, &r.Before, &r.After, &r.Detail, &r.PrevHash, &r.Hash, &r.Alg)
	r.Time = parseTime(t)
	return r, err
}

// AuditFilter narrows ListAudit.
type AuditFilter struct {
	// Scope limits events to those of actors in these subtrees, plus events
	// with no unit (failed logins of unknown usernames, the command line).
	// Required: an empty scope lists nothing.
	Scope domain.Scope
	// OrgID, when set, keeps the events of actors in this unit's subtree
	// (which must lie in Scope, else nothing is listed).
	OrgID    int64
	Outcome  string // "success", "failure" or "denied"; "" for all
	Type     string // prefix, e.g. "login"
	ActorID  int64
	Target   string
	From, To time.Time
	Limit    int
	Offset   int
}

// ListAudit lists events, newest first. Only the audit admin reaches it.
func (tx *Tx) ListAudit(ctx context.Context, f AuditFilter) ([]AuditRow, int, error) {
	args := []any{}
	roots := f.Scope.ReadRoots()
	if len(roots) == 0 {
		return []AuditRow{}, 0, nil
	}
	where := []string{"(org_id = 0 OR " + scopeFilter("org_id", roots, &args) + ")"}
	if f.OrgID != 0 {
		cond, ok, err := tx.subtreeInScope(ctx, f.Scope, "org_id", f.OrgID, &args)
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			return []AuditRow{}, 0, nil
		}
		where = append(where, cond)
	}
	if f.Outcome != "" {
		args = append(args, f.Outcome)
		where = append(where, fmt.Sprintf("outcome = $%d", len(args)))
	}
	if f.Type != "" {
		args = append(args, likeEscape(f.Type)+"%")
		where = append(where, fmt.Sprintf(`type LIKE $%d ESCAPE '\'`, len(args)))
	}
	if f.ActorID != 0 {
		args = append(args, f.ActorID)
		where = append(where, fmt.Sprintf("actor_id = $%d", len(args)))
	}
	if f.Target != "" {
		args = append(args, f.Target)
		where = append(where, fmt.Sprintf("target = $%d", len(args)))
	}
	if !f.From.IsZero() {
		args = append(args, timeText(f.From))
		where = append(where, fmt.Sprintf("time >= $%d", len(args)))
	}
	if !f.To.IsZero() {
		args = append(args, timeText(f.To))
		where = append(where, fmt.Sprintf("time < $%d", len(args)))
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM audit_events WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, tx.d.wrap(err)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	args = append(args, f.Limit, f.Offset)
	rows, err := tx.query(ctx, fmt.Sprintf("SELECT %s FROM audit_events WHERE %s ORDER BY seq DESC LIMIT $%d OFFSET $%d", auditCols, cond, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []AuditRow{}
	for rows.Next() {
		r, err := scanAudit(rows)
		if err != nil {
			return nil, 0, tx.d.wrap(err)
		}
		out = append(out, r)
	}
	return out, total, tx.d.wrap(rows.Err())
}

// EachAudit streams every event in stored order (by seq), for verification.
// The order is the rowid/primary-key order, so a row moved or renumbered by
// tampering shows up as out of sequence.
func (tx *Tx) EachAudit(ctx context.Context, fn func(AuditRow) error) error {
	rows, err := tx.query(ctx, "SELECT "+auditCols+" FROM audit_events ORDER BY seq")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanAudit(rows)
		if err != nil {
			return tx.d.wrap(err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return tx.d.wrap(rows.Err())
}

// AuditAt returns the event with this seq; ok is false when there is none.
// seq <= 0 means the newest event (the chain's head).
func (tx *Tx) AuditAt(ctx context.Context, seq int64) (r AuditRow, ok bool, err error) {
	q := "SELECT " + auditCols + " FROM audit_events WHERE seq = $1"
	args := []any{seq}
	if seq <= 0 {
		q, args = "SELECT "+auditCols+" FROM audit_events ORDER BY seq DESC LIMIT 1", nil
	}
	r, err = scanAudit(tx.queryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return AuditRow{}, false, nil
	}
	if err != nil {
		return AuditRow{}, false, tx.d.wrap(err)
	}
	return r, true, nil
}

// AuditRefs are the records an audit listing names: its actors, their units
// and its targets, by id.
type AuditRefs struct {
	Accounts, Orgs, Activities, Roles, Types, Teams []int64
}

// AccountName is how a listing names an account.
type AccountName struct {
	Username string `json:"username"`
	Name     string `json:"name"`
}

// AuditNames are the names of AuditRefs that the scope may see (accounts,
// units, activities and teams of its subtrees; roles and activity types are
// the installation's). A missing id has no name to show.
type AuditNames struct {
	Accounts   map[int64]AccountName
	Orgs       map[int64]string
	Activities map[int64]string
	Roles      map[int64]string
	Types      map[int64]string
	Teams      map[int64]string
}

// AuditNames looks up the names of refs in scope, one query per kind.
func (tx *Tx) AuditNames(ctx context.Context, scope domain.Scope, refs AuditRefs) (AuditNames, error) {
	n := AuditNames{Accounts: map[int64]AccountName{}, Orgs: map[int64]string{}, Activities: map[int64]string{},
		Roles: map[int64]string{}, Types: map[int64]string{}, Teams: map[int64]string{}}
	roots := scope.ReadRoots()
	if len(roots) == 0 {
		return n, nil
	}
	if len(refs.Accounts) > 0 {
		args := []any{}
		q := fmt.Sprintf("SELECT id, username, name FROM accounts WHERE id IN (%s) AND %s",
			placeholders(&args, int64s(refs.Accounts)...), scopeFilter("org_id", roots, &args))
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return n, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var a AccountName
			if err := rows.Scan(&id, &a.Username, &a.Name); err != nil {
				return n, tx.d.wrap(err)
			}
			n.Accounts[id] = a
		}
		if err := rows.Err(); err != nil {
			return n, tx.d.wrap(err)
		}
	}
	for _, k := range []struct {
		ids   []int64
		into  map[int64]string
		query string // %s: the id list; %%s would be the scope
		col   string // the column scoped, "" for installation-wide records
	}{
		{refs.Orgs, n.Orgs, "SELECT id, name FROM org_units WHERE id IN (%s)", "id"},
		{refs.Activities, n.Activities, "SELECT id, title FROM activities WHERE id IN (%s)", "org_id"},
		{refs.Teams, n.Teams, "SELECT id, name FROM teams WHERE id IN (%s)", "org_id"},
		{refs.Roles, n.Roles, "SELECT id, name FROM roles WHERE id IN (%s)", ""},
		{refs.Types, n.Types, "SELECT id, name FROM activity_types WHERE id IN (%s)", ""},
	} {
		if len(k.ids) == 0 {
			continue
		}
		args := []any{}
		q := fmt.Sprintf(k.query, placeholders(&args, int64s(k.ids)...))
		if k.col != "" {
			q += " AND " + scopeFilter(k.col, roots, &args)
		}
		if err := tx.scanNames(ctx, q, args, k.into); err != nil {
			return n, err
		}
	}
	return n, nil
}

func (tx *Tx) scanNames(ctx context.Context, q string, args []any, into map[int64]string) error {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return tx.d.wrap(err)
		}
		into[id] = name
	}
	return tx.d.wrap(rows.Err())
}
