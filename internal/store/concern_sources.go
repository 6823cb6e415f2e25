package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Public-concern sources and watch rules (issue 14). A source and a rule
// belong to a unit (org_id): reads are limited to the actor's read scope by
// the unit, writes by the app to the write scope.

const sourceCols = `c.id, c.org_id, o.name, c.kind, c.name, c.url, c.etag, c.last_modified, c.state, c.failures,
	c.last_success_at, c.last_error, c.last_error_at, c.items_total, c.next_poll_at, c.interval_seconds, c.created_at, c.updated_at, c.version`

const sourceFrom = ` FROM concern_sources c JOIN org_units o ON o.id = c.org_id`

func scanSource(sc interface{ Scan(...any) error }) (domain.ConcernSource, error) {
	var s domain.ConcernSource
	var kind, okAt, errAt, next, created, updated string
	err := sc.Scan(&s.ID, &s.OrgID, &s.OrgName, &kind, &s.Name, &s.URL, &s.ETag, &s.LastModified, &s.State, &s.Failures,
		&okAt, &s.LastError, &errAt, &s.ItemsTotal, &next, &s.IntervalSeconds, &created, &updated, &s.Version)
	s.Kind = domain.ConcernSourceKind(kind)
	s.LastSuccessAt, s.LastErrorAt, s.NextPollAt = parseTime(okAt), parseTime(errAt), parseTime(next)
	s.CreatedAt, s.UpdatedAt = parseTime(created), parseTime(updated)
	return s, err
}

// NewConcernSource is a source to create.
type NewConcernSource struct {
	OrgID           int64
	Kind            domain.ConcernSourceKind
	Name, URL       string
	IntervalSeconds int
	CreatedBy       string
}

// CreateConcernSource adds a source; a feed is due at once.
func (tx *Tx) CreateConcernSource(ctx context.Context, n NewConcernSource) (int64, error) {
	now := timeText(tx.now)
	next := ""
	if n.Kind == domain.SourceRSS {
		next = now
	}
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO concern_sources (org_id, kind, name, url, interval_seconds, next_poll_at, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
		n.OrgID, string(n.Kind), n.Name, n.URL, n.IntervalSeconds, next, n.CreatedBy, now).Scan(&id)
	return id, tx.d.wrap(err)
}

// GetConcernSource returns a source whose unit lies in the read scope.
func (tx *Tx) GetConcernSource(ctx context.Context, scope domain.Scope, id int64) (domain.ConcernSource, error) {
	args := []any{id}
	s, err := scanSource(tx.queryRow(ctx, "SELECT "+sourceCols+sourceFrom+" WHERE c.id = $1 AND "+scopeFilter("c.org_id", scope.ReadRoots(), &args), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return s, domain.NotFound("source %d", id)
	}
	return s, tx.d.wrap(err)
}

// concernSource reads a source without a scope: the system's own work (the
// feed poller, the ingest of a token's push).
func (tx *Tx) concernSource(ctx context.Context, id int64) (domain.ConcernSource, error) {
	s, err := scanSource(tx.queryRow(ctx, "SELECT "+sourceCols+sourceFrom+" WHERE c.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, domain.NotFound("source %d", id)
	}
	return s, tx.d.wrap(err)
}

// ConcernSourceByID reads a source for the system's own work (the poller).
func (tx *Tx) ConcernSourceByID(ctx context.Context, id int64) (domain.ConcernSource, error) {
	return tx.concernSource(ctx, id)
}

// ListConcernSources lists the sources of units in the read scope (of
// root's subtree when root is not 0), feeds first, then by name.
func (tx *Tx) ListConcernSources(ctx context.Context, scope domain.Scope, root int64) ([]domain.ConcernSource, error) {
	args := []any{}
	cond, ok, err := tx.subtreeInScope(ctx, scope, "c.org_id", root, &args)
	if err != nil || !ok {
		return []domain.ConcernSource{}, err
	}
	rows, err := tx.query(ctx, "SELECT "+sourceCols+sourceFrom+" WHERE "+cond+" ORDER BY c.kind, c.name, c.id LIMIT 1000", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.ConcernSource{}
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, s)
	}
	return out, tx.d.wrap(rows.Err())
}

// SourceOfKind returns the unit's source of a kind (its push endpoint, file
// imports or manual desk), creating it on first use.
func (tx *Tx) SourceOfKind(ctx context.Context, orgID int64, kind domain.ConcernSourceKind, name, by string) (int64, error) {
	ids, err := tx.queryIDs(ctx, "SELECT id FROM concern_sources WHERE org_id = $1 AND kind = $2 ORDER BY id LIMIT 1", orgID, string(kind))
	if err != nil || len(ids) > 0 {
		if len(ids) > 0 {
			return ids[0], nil
		}
		return 0, err
	}
	return tx.CreateConcernSource(ctx, NewConcernSource{OrgID: orgID, Kind: kind, Name: name, CreatedBy: by})
}

// ConcernSourcePatch changes a source's settings or state.
type ConcernSourcePatch struct {
	Name            string
	URL             string
	IntervalSeconds int
	State           string // resuming clears the failures and makes the feed due now
}

// UpdateConcernSource writes a patch over a source read earlier in the
// transaction, when its version still is version (else a conflict).
func (tx *Tx) UpdateConcernSource(ctx context.Context, id int64, version int, p ConcernSourcePatch, resume bool) error {
	now := timeText(tx.now)
	q := `UPDATE concern_sources SET name = $3, url = $4, interval_seconds = $5, state = $6, updated_at = $7, version = version + 1`
	if resume {
		q += `, failures = 0, next_poll_at = $7`
	}
	res, err := tx.exec(ctx, q+` WHERE id = $1 AND version = $2`, id, version, p.Name, p.URL, p.IntervalSeconds, p.State, now)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Conflict("version", "source %d was changed by someone else: reload it", id)
	}
	return nil
}

// DueFeeds lists the active feeds due at now, oldest due first.
func (tx *Tx) DueFeeds(ctx context.Context, now time.Time, limit int) ([]domain.ConcernSource, error) {
	rows, err := tx.query(ctx, "SELECT "+sourceCols+sourceFrom+` WHERE c.kind = 'rss' AND c.state = 'active' AND c.next_poll_at <= $1
		ORDER BY c.next_poll_at, c.id LIMIT $2`, timeText(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.ConcernSource{}
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, s)
	}
	return out, tx.d.wrap(rows.Err())
}

// ClaimFeed moves a due feed's next poll to next, when it still is what the
// caller read: of two nodes reading the same due feed, one claims it.
func (tx *Tx) ClaimFeed(ctx context.Context, id int64, was, next time.Time) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE concern_sources SET next_poll_at = $3 WHERE id = $1 AND next_poll_at = $2 AND state = 'active'`,
		id, timeText(was), timeText(next))
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// FeedSuccess records a good fetch: validators, the next poll, the items
// taken in, failures back to zero.
func (tx *Tx) FeedSuccess(ctx context.Context, id int64, etag, lastModified string, next time.Time) error {
	_, err := tx.exec(ctx, `UPDATE concern_sources SET etag = $2, last_modified = $3, failures = 0, last_success_at = $4, next_poll_at = $5
		WHERE id = $1`, id, etag, lastModified, timeText(tx.now), timeText(next))
	return err
}

// FeedFailure records a failed fetch: the error, one more failure, the next
// poll (backed off), and the state (paused after too many in a row).
func (tx *Tx) FeedFailure(ctx context.Context, id int64, msg string, next time.Time, pause bool) error {
	state := domain.SourceActive
	if pause {
		state = domain.SourcePaused
	}
	_, err := tx.exec(ctx, `UPDATE concern_sources SET failures = failures + 1, last_error = $2, last_error_at = $3, next_poll_at = $4, state = $5
		WHERE id = $1`, id, msg, timeText(tx.now), timeText(next), state)
	return err
}

// CountSourceItems adds n to a source's items total.
func (tx *Tx) CountSourceItems(ctx context.Context, id int64, n int) error {
	if n == 0 {
		return nil
	}
	_, err := tx.exec(ctx, `UPDATE concern_sources SET items_total = items_total + $2 WHERE id = $1`, id, n)
	return err
}

// ---- Rules ----

const ruleCols = `r.id, r.org_id, o.name, r.name, r.expr, r.topic, r.severity, r.enabled, r.created_at, r.updated_at, r.version`

const ruleFrom = ` FROM concern_rules r JOIN org_units o ON o.id = r.org_id`

func scanRule(sc interface{ Scan(...any) error }) (domain.ConcernRule, error) {
	var r domain.ConcernRule
	var created, updated string
	err := sc.Scan(&r.ID, &r.OrgID, &r.OrgName, &r.Name, &r.Expr, &r.Topic, &r.Severity, &r.Enabled, &created, &updated, &r.Version)
	r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
	return r, err
}

// ConcernRuleInput is a rule's fields as written.
type ConcernRuleInput struct {
	OrgID    int64
	Name     string
	Expr     string
	Topic    string
	Severity int
	Enabled  bool
}

// bumpRulesEpoch marks every compiled pipeline stale.
func (tx *Tx) bumpRulesEpoch(ctx context.Context) error {
	_, err := tx.exec(ctx, `UPDATE concern_epoch SET value = value + 1 WHERE name = 'rules'`)
	return err
}

// RulesEpoch is the counter every rule change moves.
func (tx *Tx) RulesEpoch(ctx context.Context) (int64, error) {
	var v int64
	err := tx.queryRow(ctx, `SELECT value FROM concern_epoch WHERE name = 'rules'`).Scan(&v)
	return v, tx.d.wrap(err)
}

// CreateConcernRule adds a rule.
func (tx *Tx) CreateConcernRule(ctx context.Context, in ConcernRuleInput, by string) (int64, error) {
	now := timeText(tx.now)
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO concern_rules (org_id, name, expr, topic, severity, enabled, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, in.OrgID, in.Name, in.Expr, in.Topic, in.Severity, in.Enabled, by, now).Scan(&id)
	if err != nil {
		return 0, tx.d.wrap(err)
	}
	return id, tx.bumpRulesEpoch(ctx)
}

// UpdateConcernRule rewrites a rule at version (else a conflict).
func (tx *Tx) UpdateConcernRule(ctx context.Context, id int64, version int, in ConcernRuleInput) error {
	res, err := tx.exec(ctx, `UPDATE concern_rules SET name = $3, expr = $4, topic = $5, severity = $6, enabled = $7, updated_at = $8, version = version + 1
		WHERE id = $1 AND version = $2`, id, version, in.Name, in.Expr, in.Topic, in.Severity, in.Enabled, timeText(tx.now))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Conflict("version", "rule %d was changed by someone else: reload it", id)
	}
	return tx.bumpRulesEpoch(ctx)
}

// DeleteConcernRule removes a rule. Items keep the ids of the rules they
// matched; a deleted rule's id is never reused.
func (tx *Tx) DeleteConcernRule(ctx context.Context, id int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM concern_rules WHERE id = $1`, id); err != nil {
		return err
	}
	return tx.bumpRulesEpoch(ctx)
}

// GetConcernRule returns a rule whose unit lies in the read scope.
func (tx *Tx) GetConcernRule(ctx context.Context, scope domain.Scope, id int64) (domain.ConcernRule, error) {
	args := []any{id}
	r, err := scanRule(tx.queryRow(ctx, "SELECT "+ruleCols+ruleFrom+" WHERE r.id = $1 AND "+scopeFilter("r.org_id", scope.ReadRoots(), &args), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return r, domain.NotFound("rule %d", id)
	}
	return r, tx.d.wrap(err)
}

// ListConcernRules lists the rules of units in the read scope (root's
// subtree when root is not 0); all rules, enabled or not, when all is set
// and scope is ignored (the pipeline's own read).
func (tx *Tx) ListConcernRules(ctx context.Context, scope domain.Scope, root int64) ([]domain.ConcernRule, error) {
	args := []any{}
	cond, ok, err := tx.subtreeInScope(ctx, scope, "r.org_id", root, &args)
	if err != nil || !ok {
		return []domain.ConcernRule{}, err
	}
	return tx.rules(ctx, " WHERE "+cond+" ORDER BY r.topic, r.name, r.id LIMIT 10000", args...)
}

// EnabledConcernRules lists every enabled rule, installation-wide: the
// pipeline matches every post against all of them.
func (tx *Tx) EnabledConcernRules(ctx context.Context) ([]domain.ConcernRule, error) {
	return tx.rules(ctx, " WHERE r.enabled ORDER BY r.id")
}

func (tx *Tx) rules(ctx context.Context, tail string, args ...any) ([]domain.ConcernRule, error) {
	rows, err := tx.query(ctx, "SELECT "+ruleCols+ruleFrom+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.ConcernRule{}
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, r)
	}
	return out, tx.d.wrap(rows.Err())
}

// OrgFingerprint changes whenever a unit is added, renamed or re-aliased:
// with RulesEpoch, what tells a compiled pipeline it is stale.
func (tx *Tx) OrgFingerprint(ctx context.Context) (string, error) {
	var n int64
	var last sql.NullString
	err := tx.queryRow(ctx, `SELECT COUNT(*), MAX(updated_at) FROM org_units`).Scan(&n, &last)
	return fmt.Sprintf("%d/%s", n, last.String), tx.d.wrap(err)
}

// GazetteerUnit is one unit as the router needs it.
type GazetteerUnit struct {
	ID, ParentID int64
	Name         string
	Aliases      []string
}

// GazetteerUnits lists every unit's name, aliases and parent (a dissolved
// school is still named in posts about it).
func (tx *Tx) GazetteerUnits(ctx context.Context) ([]GazetteerUnit, error) {
	rows, err := tx.query(ctx, "SELECT "+orgCols+" FROM org_units o ORDER BY o.depth, o.id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []GazetteerUnit
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, GazetteerUnit{ID: o.ID, ParentID: o.ParentID, Name: o.Name, Aliases: o.Aliases})
	}
	return out, tx.d.wrap(rows.Err())
}
