package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// The outbox, inboxes and deliveries of notifications (migration 00013).

// StoredNotice is a notice as the outbox holds it.
type StoredNotice struct {
	ID         int64
	Kind       string
	Subject    string
	Body       string
	Link       string
	DedupKey   string
	Recipients []int64
	Units      []int64
	Perm       domain.Permission
	CreatedAt  time.Time
	NotBefore  time.Time
}

// InsertNotice writes n into the outbox, to be fanned out from notBefore on.
// A notice whose DedupKey is already there is not added again; while that one
// waits to be fanned out its subject and body are replaced by n's (the later
// count of a gathering notice, "18 条待审核"), and once fanned out nothing
// changes: nothing is sent twice.
func (tx *Tx) InsertNotice(ctx context.Context, n domain.Notice, notBefore time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO notices (kind, subject, body, link, dedup_key, recipients, units, perm, created_at, not_before)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
		ON CONFLICT (dedup_key) DO UPDATE SET subject = excluded.subject, body = excluded.body
		WHERE notices.fanned_at = ''`,
		n.Kind, n.Subject, n.Body, n.Link, n.DedupKey, jsonText(nonNilIDs(n.Recipients)), jsonText(nonNilIDs(n.Units)), string(n.Perm),
		timeText(tx.now), timeText(notBefore))
	return err
}

func nonNilIDs(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

// DueNoticeIDs returns up to limit notices not yet fanned out whose time has come.
func (tx *Tx) DueNoticeIDs(ctx context.Context, limit int) ([]int64, error) {
	return tx.queryIDs(ctx, `SELECT id FROM notices WHERE fanned_at = '' AND not_before <= $1 ORDER BY not_before, id LIMIT $2`,
		timeText(tx.now), limit)
}

// ClaimNotice marks notice id fanned out and returns it, or ok=false when it
// is gone or another node claimed it first (the claim is the row's update, so
// two nodes never both fan one notice out).
func (tx *Tx) ClaimNotice(ctx context.Context, id int64) (n StoredNotice, ok bool, err error) {
	r, err := tx.exec(ctx, `UPDATE notices SET fanned_at = $1 WHERE id = $2 AND fanned_at = ''`, timeText(tx.now), id)
	if err != nil {
		return n, false, err
	}
	if c, _ := r.RowsAffected(); c == 0 {
		return n, false, nil
	}
	var rec, units, perm, created, notBefore string
	err = tx.queryRow(ctx, `SELECT id, kind, subject, body, link, dedup_key, recipients, units, perm, created_at, not_before FROM notices WHERE id = $1`, id).
		Scan(&n.ID, &n.Kind, &n.Subject, &n.Body, &n.Link, &n.DedupKey, &rec, &units, &perm, &created, &notBefore)
	if err != nil {
		return n, false, tx.d.wrap(err)
	}
	_ = json.Unmarshal([]byte(rec), &n.Recipients)
	_ = json.Unmarshal([]byte(units), &n.Units)
	n.Perm = domain.Permission(perm)
	n.CreatedAt, n.NotBefore = parseTime(created), parseTime(notBefore)
	return n, true, nil
}

// NoticeRecipients resolves who receives a notice: the enabled accounts among
// ids, and the enabled accounts belonging to one of units that hold perm
// through a role (every account of those units when perm is empty). Sorted, once each.
func (tx *Tx) NoticeRecipients(ctx context.Context, ids, units []int64, perm domain.Permission) ([]int64, error) {
	var parts []string
	var args []any
	if len(ids) > 0 {
		parts = append(parts, "SELECT id FROM accounts WHERE disabled = FALSE AND id IN ("+placeholders(&args, int64s(ids)...)+")")
	}
	if len(units) > 0 {
		q := "SELECT a.id FROM accounts a WHERE a.disabled = FALSE AND a.org_id IN (" + placeholders(&args, int64s(units)...) + ")"
		if perm != "" {
			// Roles keep their permissions as a JSON list of strings.
			args = append(args, `%"`+string(perm)+`"%`)
			q += fmt.Sprintf(` AND EXISTS (SELECT 1 FROM account_roles ar JOIN roles r ON r.id = ar.role_id
				WHERE ar.account_id = a.id AND r.permissions LIKE $%d)`, len(args))
		}
		parts = append(parts, q)
	}
	if len(parts) == 0 {
		return []int64{}, nil
	}
	return tx.queryIDs(ctx, "SELECT id FROM ("+strings.Join(parts, " UNION ")+") r ORDER BY id", args...)
}

// AccountIDByUsername returns the id of the account named username, or 0.
func (tx *Tx) AccountIDByUsername(ctx context.Context, username string) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM accounts WHERE username = $1`, username).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, tx.d.wrap(err)
}

// AddToInboxes puts notice n into each account's inbox (once: a second call
// adds nothing), in batches that keep within both engines' parameter limits.
func (tx *Tx) AddToInboxes(ctx context.Context, n StoredNotice, accounts []int64) error {
	const batch = 500
	for start := 0; start < len(accounts); start += batch {
		end := min(start+batch, len(accounts))
		var args []any
		var rows []string
		args = append(args, n.ID, n.Kind, n.Subject, n.Body, n.Link, timeText(tx.now))
		for _, acc := range accounts[start:end] {
			args = append(args, acc)
			rows = append(rows, fmt.Sprintf("($%d,$1,$2,$3,$4,$5,$6)", len(args)))
		}
		_, err := tx.exec(ctx, `INSERT INTO inbox (account_id, notice_id, kind, subject, body, link, created_at) VALUES `+
			strings.Join(rows, ",")+` ON CONFLICT (account_id, notice_id) DO NOTHING`, args...)
		if err != nil {
			return err
		}
	}
	return nil
}

// NotifySettings is one account's delivery choices.
type NotifySettings struct {
	AccountID  int64    `json:"-"`
	Email      string   `json:"email"`
	EmailKinds []string `json:"email_kinds"` // empty: every kind
	QuietFrom  string   `json:"quiet_from"`  // "22:00"; both empty: no quiet hours
	QuietTo    string   `json:"quiet_to"`    // "07:00"
	DigestHour int      `json:"digest_hour"` // -1: no digest
}

// NotifySettingsOf returns the settings of the accounts that have any, by account.
func (tx *Tx) NotifySettingsOf(ctx context.Context, accounts []int64) (map[int64]NotifySettings, error) {
	out := map[int64]NotifySettings{}
	const batch = 500
	for start := 0; start < len(accounts); start += batch {
		end := min(start+batch, len(accounts))
		var args []any
		rows, err := tx.query(ctx, `SELECT account_id, email, email_kinds, quiet_from, quiet_to, digest_hour FROM notify_settings
			WHERE account_id IN (`+placeholders(&args, int64s(accounts[start:end])...)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var s NotifySettings
			var kinds string
			if err := rows.Scan(&s.AccountID, &s.Email, &kinds, &s.QuietFrom, &s.QuietTo, &s.DigestHour); err != nil {
				rows.Close()
				return nil, tx.d.wrap(err)
			}
			_ = json.Unmarshal([]byte(kinds), &s.EmailKinds)
			out[s.AccountID] = s
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, tx.d.wrap(err)
		}
	}
	return out, nil
}

// PutNotifySettings stores an account's settings.
func (tx *Tx) PutNotifySettings(ctx context.Context, s NotifySettings) error {
	if s.EmailKinds == nil {
		s.EmailKinds = []string{}
	}
	_, err := tx.exec(ctx, `INSERT INTO notify_settings (account_id, email, email_kinds, quiet_from, quiet_to, digest_hour, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7)
		ON CONFLICT (account_id) DO UPDATE SET email = excluded.email, email_kinds = excluded.email_kinds,
			quiet_from = excluded.quiet_from, quiet_to = excluded.quiet_to, digest_hour = excluded.digest_hour, updated_at = excluded.updated_at`,
		s.AccountID, s.Email, jsonText(s.EmailKinds), s.QuietFrom, s.QuietTo, s.DigestHour, timeText(tx.now))
	return err
}

// UnitRobot is one group robot of a unit; Secret and Webhook are stored sealed.
type UnitRobot struct {
	ID      int64    `json:"id"`
	OrgID   int64    `json:"org_id"`
	Kind    string   `json:"kind"`
	Name    string   `json:"name"`
	Webhook string   `json:"-"`
	Secret  string   `json:"-"`
	Kinds   []string `json:"kinds"` // empty: every kind
}

const robotCols = `id, org_id, kind, name, webhook, secret, kinds`

func scanRobots(rows *sql.Rows, d dialect) ([]UnitRobot, error) {
	defer rows.Close()
	out := []UnitRobot{}
	for rows.Next() {
		var r UnitRobot
		var kinds string
		if err := rows.Scan(&r.ID, &r.OrgID, &r.Kind, &r.Name, &r.Webhook, &r.Secret, &kinds); err != nil {
			return nil, d.wrap(err)
		}
		_ = json.Unmarshal([]byte(kinds), &r.Kinds)
		if r.Kinds == nil {
			r.Kinds = []string{}
		}
		out = append(out, r)
	}
	return out, d.wrap(rows.Err())
}

// RobotsOfUnits returns the robots of the given units.
func (tx *Tx) RobotsOfUnits(ctx context.Context, units []int64) ([]UnitRobot, error) {
	if len(units) == 0 {
		return []UnitRobot{}, nil
	}
	var args []any
	rows, err := tx.query(ctx, `SELECT `+robotCols+` FROM unit_robots WHERE org_id IN (`+placeholders(&args, int64s(units)...)+`) ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	return scanRobots(rows, tx.d)
}

// GetRobot returns one robot by id.
func (tx *Tx) GetRobot(ctx context.Context, id int64) (UnitRobot, error) {
	rows, err := tx.query(ctx, `SELECT `+robotCols+` FROM unit_robots WHERE id = $1`, id)
	if err != nil {
		return UnitRobot{}, err
	}
	rs, err := scanRobots(rows, tx.d)
	if err != nil {
		return UnitRobot{}, err
	}
	if len(rs) == 0 {
		return UnitRobot{}, domain.NotFound("robot %d", id)
	}
	return rs[0], nil
}

// AddRobot stores a robot (webhook and secret already sealed).
func (tx *Tx) AddRobot(ctx context.Context, r UnitRobot) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO unit_robots (org_id, kind, name, webhook, secret, kinds, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$7) RETURNING id`, r.OrgID, r.Kind, r.Name, r.Webhook, r.Secret, jsonText(r.Kinds), timeText(tx.now)).Scan(&id)
	return id, tx.d.wrap(err)
}

// DeleteRobot removes a robot of a unit in scope and returns it. Its
// deliveries still waiting are marked failed with reason (a delivery whose
// robot is gone could never be sent, and a pending one would be queued again
// and again).
func (tx *Tx) DeleteRobot(ctx context.Context, scope domain.Scope, id int64, reason string) (UnitRobot, error) {
	var args []any
	args = append(args, id)
	rows, err := tx.query(ctx, `DELETE FROM unit_robots WHERE id = $1 AND `+scopeFilter("org_id", scope.Roots, &args)+` RETURNING `+robotCols, args...)
	if err != nil {
		return UnitRobot{}, err
	}
	rs, err := scanRobots(rows, tx.d)
	if err != nil {
		return UnitRobot{}, err
	}
	if len(rs) == 0 {
		return UnitRobot{}, domain.NotFound("robot %d", id)
	}
	_, err = tx.exec(ctx, `UPDATE deliveries SET state = 'failed', last_error = $1, done_at = $2 WHERE robot_id = $3 AND state IN ('pending', 'digest')`,
		reason, timeText(tx.now), id)
	return rs[0], err
}

// ListRobots returns the robots of the units in the actor's write scope.
func (tx *Tx) ListRobots(ctx context.Context, scope domain.Scope) ([]UnitRobot, error) {
	var args []any
	rows, err := tx.query(ctx, `SELECT `+robotCols+` FROM unit_robots WHERE `+scopeFilter("org_id", scope.Roots, &args)+` ORDER BY org_id, id`, args...)
	if err != nil {
		return nil, err
	}
	return scanRobots(rows, tx.d)
}

// Delivery is one notice on its way to one outside destination.
type Delivery struct {
	ID        int64     `json:"id"`
	NoticeID  int64     `json:"notice_id"`
	AccountID int64     `json:"account_id,omitempty"`
	RobotID   int64     `json:"robot_id,omitempty"`
	Channel   string    `json:"channel"` // "email" or a robot kind
	State     string    `json:"state"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	NotBefore time.Time `json:"not_before"`
	// The notice's text, for the sender.
	Subject string `json:"subject"`
	Body    string `json:"-"`
	Link    string `json:"-"`
}

// deliveryBatch bounds the rows of one multi-row delivery INSERT: 500 rows of
// 6 parameters stay far inside SQLite's and PostgreSQL's parameter limits.
const deliveryBatch = 500

// AddDeliveries inserts deliveries (once each: a repeated one is skipped)
// and returns those it added in state pending, with their ids. The rows go
// in multi-row INSERTs of up to deliveryBatch rows: a notice to 10⁴
// recipients is 20 statements, not 10⁴.
func (tx *Tx) AddDeliveries(ctx context.Context, ds []Delivery) ([]Delivery, error) {
	out := []Delivery{}
	type key struct {
		notice, account, robot int64
		channel                string
	}
	for start := 0; start < len(ds); start += deliveryBatch {
		part := ds[start:min(start+deliveryBatch, len(ds))]
		args := []any{timeText(tx.now)}
		rows := make([]string, 0, len(part))
		byKey := make(map[key]int, len(part))
		for i, d := range part {
			byKey[key{d.NoticeID, d.AccountID, d.RobotID, d.Channel}] = i
			n := len(args)
			args = append(args, d.NoticeID, d.AccountID, d.RobotID, d.Channel, d.State, timeText(d.NotBefore))
			rows = append(rows, fmt.Sprintf("($%d,$%d,$%d,$%d,$%d,$%d,$1)", n+1, n+2, n+3, n+4, n+5, n+6))
		}
		// RETURNING names each added row by its unique key: the order of
		// a multi-row INSERT's RETURNING rows is not promised.
		rs, err := tx.query(ctx, `INSERT INTO deliveries (notice_id, account_id, robot_id, channel, state, not_before, created_at)
			VALUES `+strings.Join(rows, ",")+` ON CONFLICT (notice_id, account_id, robot_id, channel) DO NOTHING
			RETURNING id, notice_id, account_id, robot_id, channel`, args...)
		if err != nil {
			return nil, err
		}
		added := make([]Delivery, 0, len(part))
		for rs.Next() {
			var id int64
			var k key
			if err := rs.Scan(&id, &k.notice, &k.account, &k.robot, &k.channel); err != nil {
				rs.Close()
				return nil, tx.d.wrap(err)
			}
			i, ok := byKey[k]
			if !ok {
				rs.Close()
				return nil, fmt.Errorf("store: delivery %d came back with a key that was not inserted", id)
			}
			d := part[i]
			d.ID = id
			added = append(added, d)
		}
		if err := rs.Err(); err != nil {
			rs.Close()
			return nil, tx.d.wrap(err)
		}
		rs.Close()
		sort.Slice(added, func(i, j int) bool { return added[i].ID < added[j].ID })
		for _, d := range added {
			if d.State == "pending" {
				out = append(out, d)
			}
		}
	}
	return out, nil
}

const deliveryCols = `d.id, d.notice_id, d.account_id, d.robot_id, d.channel, d.state, d.attempts, d.last_error, d.not_before, n.subject, n.body, n.link`

func scanDeliveries(rows *sql.Rows, dl dialect) ([]Delivery, error) {
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		var d Delivery
		var nb string
		if err := rows.Scan(&d.ID, &d.NoticeID, &d.AccountID, &d.RobotID, &d.Channel, &d.State, &d.Attempts, &d.LastError, &nb,
			&d.Subject, &d.Body, &d.Link); err != nil {
			return nil, dl.wrap(err)
		}
		d.NotBefore = parseTime(nb)
		out = append(out, d)
	}
	return out, dl.wrap(rows.Err())
}

// GetDelivery returns one delivery with its notice's text.
func (tx *Tx) GetDelivery(ctx context.Context, id int64) (Delivery, error) {
	rows, err := tx.query(ctx, `SELECT `+deliveryCols+` FROM deliveries d JOIN notices n ON n.id = d.notice_id WHERE d.id = $1`, id)
	if err != nil {
		return Delivery{}, err
	}
	ds, err := scanDeliveries(rows, tx.d)
	if err != nil {
		return Delivery{}, err
	}
	if len(ds) == 0 {
		return Delivery{}, domain.NotFound("delivery %d", id)
	}
	return ds[0], nil
}

// ListDeliveries returns the newest deliveries in state (all states when
// empty), for the system admin's page.
func (tx *Tx) ListDeliveries(ctx context.Context, state string, limit int) ([]Delivery, error) {
	rows, err := tx.query(ctx, `SELECT `+deliveryCols+` FROM deliveries d JOIN notices n ON n.id = d.notice_id
		WHERE ($1 = '' OR d.state = $1) ORDER BY d.id DESC LIMIT $2`, state, limit)
	if err != nil {
		return nil, err
	}
	return scanDeliveries(rows, tx.d)
}

// PendingDeliveryIDs returns pending deliveries created before until: the
// outbox job hands them to the runner again in case the node that made them
// died before queueing their jobs (the runner's unique jobs skip the rest).
func (tx *Tx) PendingDeliveryIDs(ctx context.Context, until time.Time, limit int) ([]int64, error) {
	return tx.queryIDs(ctx, `SELECT id FROM deliveries WHERE state = 'pending' AND created_at < $1 ORDER BY id LIMIT $2`, timeText(until), limit)
}

// FinishDelivery records the outcome of one attempt: state sent or failed
// (final), or pending with the error of a try that will be retried. It
// changes only a pending delivery and reports whether it did.
func (tx *Tx) FinishDelivery(ctx context.Context, id int64, state, lastError string) (bool, error) {
	done := ""
	if state != "pending" {
		done = timeText(tx.now)
	}
	r, err := tx.exec(ctx, `UPDATE deliveries SET state = $1, attempts = attempts + 1, last_error = $2, done_at = $3
		WHERE id = $4 AND state = 'pending'`, state, lastError, done, id)
	if err != nil {
		return false, err
	}
	c, _ := r.RowsAffected()
	return c == 1, nil
}

// DigestAccounts returns the accounts with deliveries waiting for a digest
// whose digest hour is hour.
func (tx *Tx) DigestAccounts(ctx context.Context, hour int) ([]int64, error) {
	return tx.queryIDs(ctx, `SELECT DISTINCT d.account_id FROM deliveries d JOIN notify_settings s ON s.account_id = d.account_id
		WHERE d.state = 'digest' AND s.digest_hour = $1 ORDER BY d.account_id`, hour)
}

// DigestWaiting returns an account's deliveries waiting for its digest that
// were created before until, oldest first.
func (tx *Tx) DigestWaiting(ctx context.Context, account int64, until time.Time) ([]Delivery, error) {
	rows, err := tx.query(ctx, `SELECT `+deliveryCols+` FROM deliveries d JOIN notices n ON n.id = d.notice_id
		WHERE d.account_id = $1 AND d.state = 'digest' AND d.created_at < $2 ORDER BY d.id`, account, timeText(until))
	if err != nil {
		return nil, err
	}
	return scanDeliveries(rows, tx.d)
}

// MarkDigestSent marks digest deliveries sent (those still waiting; another
// run's are skipped) and returns how many changed.
func (tx *Tx) MarkDigestSent(ctx context.Context, ids []int64) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	var args []any
	args = append(args, timeText(tx.now))
	r, err := tx.exec(ctx, `UPDATE deliveries SET state = 'sent', attempts = attempts + 1, done_at = $1
		WHERE state = 'digest' AND id IN (`+placeholders(&args, int64s(ids)...)+`)`, args...)
	if err != nil {
		return 0, err
	}
	c, _ := r.RowsAffected()
	return int(c), nil
}

// InboxItem is one notice in an account's inbox.
type InboxItem struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	Link      string    `json:"link"`
	CreatedAt time.Time `json:"created_at"`
	Read      bool      `json:"read"`
}

// Inbox returns a page of an account's inbox, newest first, and its total.
func (tx *Tx) Inbox(ctx context.Context, account int64, unreadOnly bool, limit, offset int) ([]InboxItem, int, error) {
	cond := "account_id = $1"
	if unreadOnly {
		cond += " AND read_at = ''"
	}
	var total int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM inbox WHERE `+cond, account).Scan(&total); err != nil {
		return nil, 0, tx.d.wrap(err)
	}
	rows, err := tx.query(ctx, `SELECT id, kind, subject, body, link, created_at, read_at FROM inbox WHERE `+cond+
		` ORDER BY id DESC LIMIT $2 OFFSET $3`, account, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []InboxItem{}
	for rows.Next() {
		var it InboxItem
		var created, read string
		if err := rows.Scan(&it.ID, &it.Kind, &it.Subject, &it.Body, &it.Link, &created, &read); err != nil {
			return nil, 0, tx.d.wrap(err)
		}
		it.CreatedAt, it.Read = parseTime(created), read != ""
		out = append(out, it)
	}
	return out, total, tx.d.wrap(rows.Err())
}

// UnreadCount counts an account's unread notices.
func (tx *Tx) UnreadCount(ctx context.Context, account int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM inbox WHERE account_id = $1 AND read_at = ''`, account).Scan(&n)
	return n, tx.d.wrap(err)
}

// MarkRead marks the given inbox items of the account read (all of them when
// ids is empty) and returns how many changed.
func (tx *Tx) MarkRead(ctx context.Context, account int64, ids []int64) (int, error) {
	var args []any
	args = append(args, timeText(tx.now), account)
	q := `UPDATE inbox SET read_at = $1 WHERE account_id = $2 AND read_at = ''`
	if len(ids) > 0 {
		q += ` AND id IN (` + placeholders(&args, int64s(ids)...) + `)`
	}
	r, err := tx.exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	c, _ := r.RowsAffected()
	return int(c), nil
}

// CountActivitiesByStatus counts the activities with status in the actor's
// write scope (Roots, not covered units).
func (tx *Tx) CountActivitiesByStatus(ctx context.Context, scope domain.Scope, status domain.Status) (int, error) {
	var args []any
	args = append(args, string(status))
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM activities WHERE status = $1 AND `+scopeFilter("org_id", scope.Roots, &args), args...).Scan(&n)
	return n, tx.d.wrap(err)
}

// ReturnedActivity is one of an author's records sent back with a reason.
type ReturnedActivity struct {
	ID      int64
	Title   string
	Reason  string
	OrgID   int64
	OrgName string
	Date    domain.Date
}

// ReturnedActivitiesOf lists the returned records created by username in scope, oldest first.
func (tx *Tx) ReturnedActivitiesOf(ctx context.Context, scope domain.Scope, username string, limit int) ([]ReturnedActivity, error) {
	var args []any
	args = append(args, username)
	cond := scopeFilter("a.org_id", scope.Roots, &args)
	args = append(args, limit)
	rows, err := tx.query(ctx, `SELECT a.id, a.title, a.return_reason, a.org_id, o.name, a.date FROM activities a JOIN org_units o ON o.id = a.org_id
		WHERE a.status = 'returned' AND a.created_by = $1 AND `+cond+fmt.Sprintf(` ORDER BY a.updated_at, a.id LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ReturnedActivity{}
	for rows.Next() {
		var r ReturnedActivity
		var d string
		if err := rows.Scan(&r.ID, &r.Title, &r.Reason, &r.OrgID, &r.OrgName, &d); err != nil {
			return nil, tx.d.wrap(err)
		}
		r.Date = parseDateText(d)
		out = append(out, r)
	}
	return out, tx.d.wrap(rows.Err())
}

// NearestUnitWithPerm returns the unit nearest to org (org itself, then its
// parent, and so on up) with an enabled account that holds perm through a
// role — whose accounts' scope covers org — or 0 when no unit up the tree has one.
func (tx *Tx) NearestUnitWithPerm(ctx context.Context, org int64, perm domain.Permission) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT c.ancestor_id FROM org_closure c WHERE c.descendant_id = $1 AND EXISTS (
			SELECT 1 FROM accounts a JOIN account_roles ar ON ar.account_id = a.id JOIN roles r ON r.id = ar.role_id
			WHERE a.org_id = c.ancestor_id AND a.disabled = FALSE AND r.permissions LIKE $2)
		ORDER BY c.depth LIMIT 1`, org, `%"`+string(perm)+`"%`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, tx.d.wrap(err)
}

// SubtreeCountByStatus counts the activities with status in org's subtree
// from the rollups (the unit's month rows hold its whole subtree): a few
// hundred rows whatever the size of the ledger, so a write may call it.
func (tx *Tx) SubtreeCountByStatus(ctx context.Context, org int64, status domain.Status) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM activity_rollup WHERE org_id = $1 AND grain = 'm' AND status = $2`,
		org, string(status)).Scan(&n)
	return n, tx.d.wrap(err)
}
