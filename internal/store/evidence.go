package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
)

// PutEvidenceBlob records a blob's metadata once; a second insert of the same
// content is a no-op, which is what makes reuse visible.
func (tx *Tx) PutEvidenceBlob(ctx context.Context, sha string, size int64, mediaType string) error {
	_, err := tx.exec(ctx, `INSERT INTO evidence_blobs (sha256, size, media_type, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (sha256) DO NOTHING`, sha, size, mediaType, timeText(tx.now))
	return err
}

// AttachEvidence links a stored blob to an activity in the write scope.
func (tx *Tx) AttachEvidence(ctx context.Context, scope domain.Scope, activityID int64, sha, filename string) error {
	if _, err := tx.writable(ctx, scope, activityID); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `INSERT INTO activity_evidence (activity_id, sha256, filename, attached_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (activity_id, sha256) DO NOTHING`, activityID, sha, filename, timeText(tx.now))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		_, err = tx.exec(ctx, "UPDATE activities SET evidence_count = evidence_count + 1, updated_at = $2, version = version + 1 WHERE id = $1", activityID, timeText(tx.now))
	}
	return err
}

// DetachEvidence unlinks a blob from an activity. The blob stays: it may be
// attached elsewhere, and blobs are immutable.
func (tx *Tx) DetachEvidence(ctx context.Context, scope domain.Scope, activityID int64, sha string) error {
	if _, err := tx.writable(ctx, scope, activityID); err != nil {
		return err
	}
	res, err := tx.exec(ctx, "DELETE FROM activity_evidence WHERE activity_id = $1 AND sha256 = $2", activityID, sha)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.NotFound("evidence %s on activity %d", sha, activityID)
	}
	_, err = tx.exec(ctx, "UPDATE activities SET evidence_count = evidence_count - 1, updated_at = $2, version = version + 1 WHERE id = $1", activityID, timeText(tx.now))
	return err
}

// EvidenceBlob is a stored file and the activities in scope that carry it.
type EvidenceBlob struct {
	SHA256     string  `json:"sha256"`
	Size       int64   `json:"size"`
	MediaType  string  `json:"media_type"`
	CreatedAt  string  `json:"created_at"`
	Activities []int64 `json:"activities"`
}

// GetEvidence returns a blob's metadata if at least one activity in the read
// scope carries it; otherwise not found, so blobs of other units do not leak.
func (tx *Tx) GetEvidence(ctx context.Context, scope domain.Scope, sha string) (EvidenceBlob, error) {
	args := []any{sha}
	q := `SELECT e.activity_id FROM activity_evidence e JOIN activities a ON a.id = e.activity_id
		WHERE e.sha256 = $1 AND ` + scopeFilter("a.org_id", scope.ReadRoots(), &args) + " ORDER BY e.activity_id"
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return EvidenceBlob{}, err
	}
	b := EvidenceBlob{SHA256: sha, Activities: []int64{}}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return b, tx.d.wrap(err)
		}
		b.Activities = append(b.Activities, id)
	}
	rows.Close()
	if len(b.Activities) == 0 {
		return b, domain.NotFound("evidence %s", sha)
	}
	err = tx.queryRow(ctx, "SELECT size, media_type, created_at FROM evidence_blobs WHERE sha256 = $1", sha).Scan(&b.Size, &b.MediaType, &b.CreatedAt)
	return b, tx.d.wrap(err)
}

func (tx *Tx) activityEvidence(ctx context.Context, scope domain.Scope, id int64) ([]domain.Evidence, error) {
	as := []domain.Activity{{ID: id}}
	if err := tx.fillEvidence(ctx, scope, as, true); err != nil {
		return nil, err
	}
	return as[0].Evidence, nil
}

// fillEvidence loads the evidence of a page of activities in two queries, and
// for each blob the other in-scope activities that carry it.
func (tx *Tx) fillEvidence(ctx context.Context, scope domain.Scope, as []domain.Activity, shared bool) error {
	if len(as) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ids := make([]int64, len(as))
	for i, a := range as {
		idx[a.ID] = i
		ids[i] = a.ID
		as[i].Evidence = []domain.Evidence{}
	}
	args := []any{}
	q := `SELECT e.activity_id, e.sha256, e.filename, e.attached_at, b.size, b.media_type
		FROM activity_evidence e JOIN evidence_blobs b ON b.sha256 = e.sha256
		WHERE e.activity_id IN (` + placeholders(&args, int64s(ids)...) + ") ORDER BY e.activity_id, e.attached_at, e.sha256"
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return err
	}
	shas := map[string]bool{}
	for rows.Next() {
		var aid int64
		var ev domain.Evidence
		var at string
		if err := rows.Scan(&aid, &ev.SHA256, &ev.Filename, &at, &ev.Size, &ev.MediaType); err != nil {
			rows.Close()
			return tx.d.wrap(err)
		}
		ev.AttachedAt = parseTime(at)
		as[idx[aid]].Evidence = append(as[idx[aid]].Evidence, ev)
		shas[ev.SHA256] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return tx.d.wrap(err)
	}
	if len(shas) == 0 {
		return nil
	}
	if !shared {
		return nil
	}
	users, err := tx.sharedWith(ctx, scope, shas)
	if err != nil {
		return err
	}
	for i := range as {
		for j := range as[i].Evidence {
			ev := &as[i].Evidence[j]
			u := users[ev.SHA256]
			for _, other := range u.ids {
				if other != as[i].ID && len(ev.SharedWith) < SharedWithMax {
					ev.SharedWith = append(ev.SharedWith, other)
				}
			}
			if len(ev.SharedWith) > 0 {
				ev.SharedCount = len(ev.SharedWith)
				if u.count > 0 { // more carriers than were listed: the others, counted
					ev.SharedCount = u.count - 1
				}
			}
		}
	}
	return nil
}

// SharedWithMax bounds the other records listed for one file, and
// SharedCountCap the count of them: a logo carried by 10⁵ records costs a
// page no more than a photo carried by two.
const (
	SharedWithMax  = 20
	SharedCountCap = 1000
)

type carriers struct {
	ids   []int64 // the first SharedWithMax+1 in-scope carriers, by id
	count int     // when there are more: all of them, up to SharedCountCap+1; else 0
}

// sharedWith finds, for each file, the first in-scope records carrying it
// (one query, a bounded range of the (sha256, activity_id) index per file),
// and counts the carriers of the files that have more.
func (tx *Tx) sharedWith(ctx context.Context, scope domain.Scope, shas map[string]bool) (map[string]carriers, error) {
	args := []any{}
	var subs []string
	for _, sha := range slices.Sorted(maps.Keys(shas)) {
		args = append(args, sha)
		n := len(args)
		subs = append(subs, fmt.Sprintf(`SELECT * FROM (SELECT e.sha256, e.activity_id FROM activity_evidence e JOIN activities a ON a.id = e.activity_id
			WHERE e.sha256 = $%d AND %s ORDER BY e.activity_id LIMIT %d) s%d`, n, scopeFilter("a.org_id", scope.ReadRoots(), &args), SharedWithMax+1, n))
	}
	rows, err := tx.query(ctx, strings.Join(subs, " UNION ALL "), args...)
	if err != nil {
		return nil, err
	}
	out := map[string]carriers{}
	for rows.Next() {
		var sha string
		var aid int64
		if err := rows.Scan(&sha, &aid); err != nil {
			rows.Close()
			return nil, tx.d.wrap(err)
		}
		c := out[sha]
		c.ids = append(c.ids, aid)
		out[sha] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, tx.d.wrap(err)
	}
	for sha, c := range out {
		if len(c.ids) <= SharedWithMax {
			continue
		}
		args := []any{sha}
		q := fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT 1 FROM activity_evidence e JOIN activities a ON a.id = e.activity_id
			WHERE e.sha256 = $1 AND %s LIMIT %d) x`, scopeFilter("a.org_id", scope.ReadRoots(), &args), SharedCountCap+2)
		if err := tx.queryRow(ctx, q, args...).Scan(&c.count); err != nil {
			return nil, tx.d.wrap(err)
		}
		out[sha] = c
	}
	return out, nil
}

// EvidenceCount returns how many files an activity has (for validation).
func (tx *Tx) EvidenceCount(ctx context.Context, activityID int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT evidence_count FROM activities WHERE id = $1", activityID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("evidence count: %w", tx.d.wrap(err))
	}
	return n, nil
}
