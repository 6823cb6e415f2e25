package app

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// MaxReasonLen bounds a return reason.
const MaxReasonLen = 500

// MaxBulk bounds how many activities one bulk action takes.
const MaxBulk = 500

// validateActivity checks an activity's fields against its unit and type and
// returns the normalised input. Every message names the field.
func (a *App) validateActivity(ctx context.Context, tx *store.Tx, ac domain.Actor, in domain.ActivityInput) (domain.ActivityInput, domain.ActivityType, error) {
	var t domain.ActivityType
	if in.OrgID <= 0 {
		return in, t, domain.Invalid("org_id", "is required")
	}
	if in.TypeID <= 0 {
		return in, t, domain.Invalid("type_id", "is required")
	}
	// Locked until the write commits: a unit deactivated meanwhile either
	// waits for this write or is seen here.
	o, err := tx.ShareOrg(ctx, ac.Scope, in.OrgID)
	if err != nil {
		return in, t, fieldNotFound(err, "org_id")
	}
	if !o.Active {
		return in, t, domain.Invalid("org_id", "%s is deactivated", o.Name)
	}
	t, err = tx.GetType(ctx, in.TypeID)
	if err != nil {
		return in, t, fieldNotFound(err, "type_id")
	}
	if !t.Active {
		return in, t, domain.Invalid("type_id", "the activity type %s is no longer in use", t.Name)
	}
	in, err = checkActivity(in, o, t, a.Today())
	return in, t, err
}

// checkActivity checks an activity's own fields against its (active) unit and
// type, with no database: the ledger's writes and the import's preview of a
// whole workbook judge a record by this one function.
func checkActivity(in domain.ActivityInput, o domain.OrgUnit, t domain.ActivityType, today domain.Date) (domain.ActivityInput, error) {
	if in.Date.IsZero() {
		return in, domain.Invalid("date", "is required")
	}
	if in.Date.After(today) {
		return in, domain.Invalid("date", "%s is in the future; record activities after they happen", in.Date)
	}
	if !o.Lived(in.Date) {
		return in, domain.Invalid("date", "%s is outside the active life of %s", in.Date, o.Name)
	}
	in.Title = strings.TrimSpace(in.Title)
	if err := domain.ValidateName("title", in.Title, domain.MaxTitleLen); err != nil {
		return in, err
	}
	if err := domain.TextBlock("description", in.Description); err != nil {
		return in, err
	}
	if n := utf8.RuneCountInString(in.Description); n > domain.MaxDescLen {
		return in, domain.Invalid("description", "must be at most %d characters, got %d", domain.MaxDescLen, n)
	}
	if in.Attendance < 0 {
		return in, domain.Invalid("attendance", "cannot be negative")
	}
	if in.Attendance > domain.MaxAttendance {
		return in, domain.Invalid("attendance", "%d is more than %d; check the number", in.Attendance, domain.MaxAttendance)
	}
	if err := domain.CheckCount("venues", len(in.Venues), domain.MaxVenues, "venues"); err != nil {
		return in, err
	}
	venues := []string{}
	seen := map[string]bool{}
	for _, v := range in.Venues {
		if seen[v] {
			continue
		}
		if !t.AllowsVenue(v) {
			if len(t.Venues) == 0 {
				return in, domain.Invalid("venues", "the type %s takes no venue", t.Name)
			}
			return in, domain.Invalid("venues", "%q is not a venue of %s (allowed: %s)", v, t.Name, strings.Join(t.Venues, ", "))
		}
		seen[v] = true
		venues = append(venues, v)
	}
	in.Venues = venues
	if t.TracksPublication {
		if in.Publication == "" {
			in.Publication = domain.PublicationSubmitted
		}
		if !domain.ValidPublication(in.Publication) {
			return in, domain.Invalid("publication", "must be submitted, accepted or published")
		}
	} else if in.Publication != "" {
		return in, domain.Invalid("publication", "only article submissions carry a publication status")
	}
	return in, nil
}

// CreateActivity records an activity as a draft, or submits it at once when
// submit is set (the phone page's one-tap flow).
func (a *App) CreateActivity(ctx context.Context, ac domain.Actor, in domain.ActivityInput, submit bool) (domain.Activity, error) {
	if err := ac.Require(domain.PermActivityWrite); err != nil {
		return domain.Activity{}, err
	}
	if submit {
		if err := ac.Require(domain.PermActivitySubmit); err != nil {
			return domain.Activity{}, err
		}
	}
	var out domain.Activity
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		var err error
		out, err = a.createActivity(ctx, tx, ac, in, submit)
		return err
	})
	return out, err
}

// createActivity is CreateActivity's transaction body, shared with the
// idempotent create (CreateActivityOnce), which stores its key in the same
// transaction.
func (a *App) createActivity(ctx context.Context, tx *store.Tx, ac domain.Actor, in domain.ActivityInput, submit bool) (domain.Activity, error) {
	in, t, err := a.validateActivity(ctx, tx, ac, in)
	if err != nil {
		return domain.Activity{}, err
	}
	status := domain.StatusDraft
	if submit {
		if err := complete(in, t); err != nil {
			return domain.Activity{}, err
		}
		status = domain.StatusSubmitted
	}
	// Drafts too: a draft in a closed period could never be submitted, and
	// "closed" means nothing dated in it changes until it is reopened.
	if err := a.checkOpen(ctx, tx, in.Date); err != nil {
		return domain.Activity{}, err
	}
	out, err := tx.CreateActivity(ctx, ac.Scope, in, status, ac.Name)
	if err != nil {
		return out, err
	}
	if err := a.addHistory(ctx, tx, ac, out.ID, store.HistCreated, nil, ""); err != nil {
		return out, err
	}
	if submit {
		if err := a.addHistory(ctx, tx, ac, out.ID, store.HistSubmitted, nil, ""); err != nil {
			return out, err
		}
		if err := a.noticeSubmitted(ctx, tx, out); err != nil {
			return out, err
		}
	}
	return out, a.record(ctx, tx, ac, AuditEntry{Type: "activity.create", Target: actTarget(out.ID), After: out})
}

// complete checks what a submitted record must have.
func complete(in domain.ActivityInput, t domain.ActivityType) error {
	if t.ExpectsAttendance && in.Attendance == 0 {
		return domain.Invalid("attendance", "%s records attendance: enter the number of participants before submitting", t.Name)
	}
	return nil
}

// GetActivity returns one activity in the actor's read scope.
func (a *App) GetActivity(ctx context.Context, ac domain.Actor, id int64) (domain.Activity, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return domain.Activity{}, err
	}
	var out domain.Activity
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.GetActivity(ctx, ac.Scope, id)
		return err
	})
	return out, err
}

// ActivityQuery is a ledger filter as clients express it: a period code and a
// pillar are resolved here.
type ActivityQuery struct {
	OrgID       int64
	TypeIDs     []int64
	Pillar      string
	Period      string
	From, To    domain.Date // an explicit range [From, To], both inclusive; used when Period is empty
	Statuses    []domain.Status
	HasEvidence *bool
	Query       string
	EvidenceSHA string
	Venue       string // only activities carrying this venue tag
	Sort        string
	Asc         bool
	Limit       int
	Offset      int
	After       string // a page's Next: the list continues after its last row

	// CreatedBy and EnteredOn narrow to the records one account entered on
	// one day (China time): the records of a back-filled batch.
	CreatedBy string
	EnteredOn domain.Date
	// ImportBatch narrows to the records one import brought in (the
	// import's summary links to them).
	ImportBatch int64
}

// MaxPageSize bounds a list page.
const MaxPageSize = 500

// ListActivities returns a page of the ledger in the actor's read scope and
// the exact number of matching rows.
func (a *App) ListActivities(ctx context.Context, ac domain.Actor, q ActivityQuery) ([]domain.Activity, int, error) {
	p, err := a.listActivities(ctx, ac, q, store.CountExact)
	return p.Items, p.Total, err
}

// LedgerPage is a page of the ledger list.
type LedgerPage struct {
	Items []domain.Activity
	// Total counts the matching rows on the first page (no After); -1 on
	// later pages. Exact whenever the filter is one the rollups hold (unit,
	// type, status, dates); otherwise counted up to store.CountCap, and
	// Capped says there are more.
	Total  int
	Capped bool
	// Next continues the list after this page (an opaque cursor for After);
	// empty on the last page.
	Next string
}

// ListLedgerPage returns a page of the ledger in the actor's read scope: the
// first page (q.After empty) with its total, a later one after q.After's
// row, counted once and read by key, so paging through the province costs
// the same on every page.
func (a *App) ListLedgerPage(ctx context.Context, ac domain.Actor, q ActivityQuery) (LedgerPage, error) {
	mode := store.CountCapped
	if q.After != "" {
		mode = store.CountNone
	}
	p, err := a.listActivities(ctx, ac, q, mode)
	if err != nil {
		return LedgerPage{}, err
	}
	out := LedgerPage{Items: p.Items, Total: p.Total, Capped: p.Capped}
	if p.Next != nil {
		b, _ := json.Marshal(p.Next)
		out.Next = base64.RawURLEncoding.EncodeToString(b)
	}
	return out, nil
}

func (a *App) listActivities(ctx context.Context, ac domain.Actor, q ActivityQuery, mode store.CountMode) (store.ActivityPage, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return store.ActivityPage{}, err
	}
	if q.Limit < 0 || q.Limit > MaxPageSize {
		return store.ActivityPage{}, domain.Invalid("limit", "must be between 1 and %d", MaxPageSize)
	}
	if q.Offset < 0 {
		return store.ActivityPage{}, domain.Invalid("offset", "cannot be negative")
	}
	var after *store.ActivityCursor
	if q.After != "" {
		b, err := base64.RawURLEncoding.DecodeString(q.After)
		after = &store.ActivityCursor{}
		if err != nil || json.Unmarshal(b, after) != nil || after.Sort == "" {
			return store.ActivityPage{}, domain.Invalid("after", "not a cursor of the ledger list; start again from the first page")
		}
	}
	var out store.ActivityPage
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		f, err := a.activityFilter(ctx, tx, ac, q)
		if err != nil {
			return err
		}
		f.After, f.Count = after, mode
		out, err = tx.ListActivityPage(ctx, ac.Scope, f)
		return err
	})
	return out, err
}

// activityFilter checks a ledger query and resolves it (unit in scope, pillar
// to types, period to dates) into the store's filter. The list and the export
// share it, so an export holds exactly the rows its list shows.
func (a *App) activityFilter(ctx context.Context, tx *store.Tx, ac domain.Actor, q ActivityQuery) (store.ActivityFilter, error) {
	if q.Sort != "" {
		ok := false
		for _, s := range store.ActivitySorts() {
			ok = ok || s == q.Sort
		}
		if !ok {
			return store.ActivityFilter{}, domain.Invalid("sort", "must be one of %s", strings.Join(store.ActivitySorts(), ", "))
		}
	}
	for _, s := range q.Statuses {
		if !s.Valid() {
			return store.ActivityFilter{}, domain.Invalid("status", "%q is not a status (draft, submitted, approved, returned)", s)
		}
	}
	f := store.ActivityFilter{OrgID: q.OrgID, TypeIDs: q.TypeIDs, Statuses: q.Statuses, HasEvidence: q.HasEvidence,
		Query: q.Query, EvidenceSHA: q.EvidenceSHA, Sort: q.Sort, Asc: q.Asc, Limit: q.Limit, Offset: q.Offset}
	f.CreatedBy = q.CreatedBy
	if q.Venue != "" {
		if _, ok := domain.VenueNames[q.Venue]; !ok {
			return f, domain.Invalid("venue", "unknown venue %q (office, campus, classroom, community, online)", q.Venue)
		}
		f.Venue = q.Venue
	}
	if !q.EnteredOn.IsZero() {
		f.CreatedFrom, f.CreatedTo = a.EnteredRange(q.EnteredOn)
	}
	if q.ImportBatch != 0 {
		// An import into a unit outside the reader's scope is not found,
		// rather than an empty list that would pass for "no records".
		org, err := tx.ImportBatchOrg(ctx, q.ImportBatch)
		if err == nil {
			if _, err = tx.GetOrg(ctx, ac.Scope, org); domain.IsKind(err, domain.KindNotFound) {
				err = domain.NotFound("import batch %d", q.ImportBatch)
			}
		}
		if err != nil {
			return f, fieldNotFound(err, "import_batch")
		}
		f.ImportBatch = q.ImportBatch
	}
	if q.OrgID != 0 {
		if _, err := tx.GetOrg(ctx, ac.Scope, q.OrgID); err != nil {
			return f, fieldNotFound(err, "org_id")
		}
	}
	types, err := a.resolveTypes(ctx, tx, q.TypeIDs, q.Pillar)
	if err != nil {
		return f, err
	}
	f.TypeIDs = types
	r, err := a.resolveRange(ctx, tx, q.OrgID, q.Period, q.From, q.To)
	if err != nil {
		return f, err
	}
	f.Range = r
	return f, nil
}

// UpdateActivity replaces an activity's fields; version guards against lost updates.
func (a *App) UpdateActivity(ctx context.Context, ac domain.Actor, id, version int64, in domain.ActivityInput) (domain.Activity, error) {
	if err := ac.Require(domain.PermActivityWrite); err != nil {
		return domain.Activity{}, err
	}
	var out domain.Activity
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.LockActivity(ctx, ac.Scope, id)
		if err != nil {
			return err
		}
		in, t, err := a.validateActivity(ctx, tx, ac, in)
		if err != nil {
			return err
		}
		// Out of a closed period and into one are both refused.
		if err := a.checkOpen(ctx, tx, old.Date, in.Date); err != nil {
			return err
		}
		if old.Status == domain.StatusSubmitted || old.Status == domain.StatusApproved {
			if err := complete(in, t); err != nil {
				return err
			}
		}
		out, err = tx.UpdateActivity(ctx, ac.Scope, id, version, in)
		if err != nil {
			return err
		}
		changes, err := activityChanges(ctx, tx, domain.Scope{Roots: ac.Scope.Roots}, old, out)
		if err != nil {
			return err
		}
		if changes != nil {
			if err := a.addHistory(ctx, tx, ac, id, store.HistEdited, changes, ""); err != nil {
				return err
			}
		}
		if out, err = a.reviewAgain(ctx, tx, ac, out, changes != nil); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "activity.update", Target: actTarget(id), Before: old, After: out})
	})
	return out, err
}

// reviewAgain sends an approved record that changed back to review
// (submitted) unless the editor may approve it: an approved figure moves
// only after someone who may approve has seen the change. The rollups move
// with the status (approved → submitted leaves the approved figures).
func (a *App) reviewAgain(ctx context.Context, tx *store.Tx, ac domain.Actor, act domain.Activity, changed bool) (domain.Activity, error) {
	if !changed || act.Status != domain.StatusApproved || ac.Can(domain.PermActivityApprove) {
		return act, nil
	}
	out, err := tx.SetActivityStatus(ctx, ac.Scope, act.ID, domain.StatusApproved, domain.StatusSubmitted, "")
	if err != nil {
		return out, err
	}
	return out, a.addHistory(ctx, tx, ac, act.ID, store.HistReopened, nil, "")
}

// DeleteActivity removes an activity.
func (a *App) DeleteActivity(ctx context.Context, ac domain.Actor, id int64) error {
	if err := ac.Require(domain.PermActivityWrite); err != nil {
		return err
	}
	return a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.LockActivity(ctx, ac.Scope, id)
		if err != nil {
			return err
		}
		if err := a.checkOpen(ctx, tx, old.Date); err != nil {
			return err
		}
		if _, err = tx.DeleteActivity(ctx, ac.Scope, id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "activity.delete", Target: actTarget(id), Before: old})
	})
}

// Transition submits, approves or returns an activity. A return needs a reason.
func (a *App) Transition(ctx context.Context, ac domain.Actor, id int64, t domain.Transition, reason string) (domain.Activity, error) {
	var out domain.Activity
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		var err error
		out, err = a.transition(ctx, tx, ac, id, t, reason, nil)
		return err
	})
	return out, err
}

// transition changes one activity's status and records its audit row, or,
// when later is set, appends the row there for the caller to record.
func (a *App) transition(ctx context.Context, tx *store.Tx, ac domain.Actor, id int64, t domain.Transition, reason string, later *[]AuditEntry) (domain.Activity, error) {
	perm := domain.PermActivitySubmit
	if t == domain.ActApprove || t == domain.ActReturn {
		perm = domain.PermActivityApprove
	}
	if err := ac.Require(perm); err != nil {
		return domain.Activity{}, err
	}
	reason = strings.TrimSpace(reason)
	switch t {
	case domain.ActReturn:
		if reason == "" {
			return domain.Activity{}, domain.Invalid("reason", "say why the activity is returned, so its author can fix it")
		}
		if err := domain.TextBlock("reason", reason); err != nil {
			return domain.Activity{}, err
		}
		if utf8.RuneCountInString(reason) > MaxReasonLen {
			return domain.Activity{}, domain.Invalid("reason", "must be at most %d characters", MaxReasonLen)
		}
	case domain.ActSubmit, domain.ActApprove:
		reason = ""
	default:
		return domain.Activity{}, domain.Invalid("action", "unknown action %q", t)
	}
	old, err := tx.LockActivity(ctx, ac.Scope, id)
	if err != nil {
		return old, err
	}
	next, err := old.Status.Next(t)
	if err != nil {
		return old, err
	}
	if err := a.checkOpen(ctx, tx, old.Date); err != nil {
		return old, err
	}
	if t == domain.ActSubmit {
		typ, err := tx.GetType(ctx, old.TypeID)
		if err != nil {
			return old, err
		}
		in := domain.ActivityInput{Attendance: old.Attendance}
		if err := complete(in, typ); err != nil {
			return old, err
		}
	}
	out, err := tx.SetActivityStatus(ctx, ac.Scope, id, old.Status, next, reason)
	if err != nil {
		return out, err
	}
	if err := a.addHistory(ctx, tx, ac, id, historyAction(t), nil, reason); err != nil {
		return out, err
	}
	switch t {
	case domain.ActReturn:
		err = a.noticeReturned(ctx, tx, out, reason)
	case domain.ActSubmit:
		err = a.noticeSubmitted(ctx, tx, out)
	}
	if err != nil {
		return out, err
	}
	e := AuditEntry{Type: "activity." + string(t), Target: actTarget(id),
		Before: map[string]any{"status": old.Status}, After: map[string]any{"status": out.Status}, Detail: reason}
	if later != nil {
		*later = append(*later, e)
		return out, nil
	}
	return out, a.record(ctx, tx, ac, e)
}

// historyAction names the history action of a transition.
func historyAction(t domain.Transition) string {
	switch t {
	case domain.ActApprove:
		return store.HistApproved
	case domain.ActReturn:
		return store.HistReturned
	default:
		return store.HistSubmitted
	}
}

// BulkApprove approves many submitted activities in one transaction: all or
// none, with the failing position named in the error's field.
func (a *App) BulkApprove(ctx context.Context, ac domain.Actor, ids []int64) ([]domain.Activity, error) {
	if err := ac.Require(domain.PermActivityApprove); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, domain.Invalid("ids", "is empty")
	}
	if len(ids) > MaxBulk {
		return nil, domain.Invalid("ids", "at most %d activities at once, got %d", MaxBulk, len(ids))
	}
	out := make([]domain.Activity, 0, len(ids))
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		// Lock every row in ascending id order first: two bulk approvals of
		// overlapping records in different orders then queue, not deadlock.
		if err := tx.LockActivities(ctx, ac.Scope, slices.Sorted(slices.Values(ids))); err != nil {
			return err
		}
		// One key-ordered rollup write for all of them (see BatchRollups),
		// then the audit rows: the audit chain's lock is the last a write
		// takes, after its rollup rows, in every use case.
		tx.BatchRollups()
		var entries []AuditEntry
		for i, id := range ids {
			act, err := a.transition(ctx, tx, ac, id, domain.ActApprove, "", &entries)
			if err != nil {
				if e, ok := err.(*domain.Error); ok {
					c := *e
					c.Field = fmt.Sprintf("ids[%d]", i)
					c.Message = fmt.Sprintf("activity %d: %s", id, e.Message)
					return &c
				}
				return err
			}
			out = append(out, act)
		}
		if err := tx.FlushRollups(ctx); err != nil {
			return err
		}
		for _, e := range entries {
			if err := a.record(ctx, tx, ac, e); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// AttachEvidence stores a file (content-addressed) and links it to an
// activity. The blob is written before the transaction: if the transaction
// fails, an unreferenced blob remains, which is harmless and reused by the
// next upload of the same bytes.
func (a *App) AttachEvidence(ctx context.Context, ac domain.Actor, activityID int64, filename string, r io.Reader) (domain.Activity, error) {
	if err := ac.Require(domain.PermActivityWrite); err != nil {
		return domain.Activity{}, err
	}
	filename = strings.TrimSpace(filename)
	if filename == "" {
		return domain.Activity{}, domain.Invalid("filename", "is required")
	}
	if err := domain.ValidateName("filename", filename, 255); err != nil {
		return domain.Activity{}, err
	}
	// Check scope and locks before accepting the bytes.
	if err := a.st.Read(ctx, func(tx *store.Tx) error {
		old, err := tx.GetActivity(ctx, domain.Scope{Roots: ac.Scope.Roots}, activityID)
		if err != nil {
			return err
		}
		if len(old.Evidence) >= a.cfg.MaxEvidencePerActivity {
			return domain.Invalid("file", "an activity holds at most %d files", a.cfg.MaxEvidencePerActivity)
		}
		return a.checkOpen(ctx, tx, old.Date)
	}); err != nil {
		return domain.Activity{}, err
	}
	info, mediaType, err := blob.PutFile(ctx, a.blobs, r, filename, a.cfg.MaxEvidenceSize)
	if err != nil {
		return domain.Activity{}, err
	}
	var out domain.Activity
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.LockActivity(ctx, ac.Scope, activityID)
		if err != nil {
			return err
		}
		if len(old.Evidence) >= a.cfg.MaxEvidencePerActivity {
			return domain.Invalid("file", "an activity holds at most %d files", a.cfg.MaxEvidencePerActivity)
		}
		if err := a.checkOpen(ctx, tx, old.Date); err != nil {
			return err
		}
		if err := tx.PutEvidenceBlob(ctx, info.SHA256, info.Size, mediaType); err != nil {
			return err
		}
		if err := tx.AttachEvidence(ctx, ac.Scope, activityID, info.SHA256, filename); err != nil {
			return err
		}
		if err := a.record(ctx, tx, ac, AuditEntry{Type: "evidence.attach", Target: actTarget(activityID), Detail: info.SHA256 + " " + filename}); err != nil {
			return err
		}
		if err := a.addHistory(ctx, tx, ac, activityID, store.HistEvidenceAdded,
			[]store.FieldChange{{Field: "evidence", Old: nil, New: filename}}, ""); err != nil {
			return err
		}
		if _, err := a.reviewAgain(ctx, tx, ac, old, true); err != nil {
			return err
		}
		out, err = tx.GetActivity(ctx, ac.Scope, activityID)
		return err
	})
	return out, err
}

// DetachEvidence removes a file from an activity.
func (a *App) DetachEvidence(ctx context.Context, ac domain.Actor, activityID int64, sha string) (domain.Activity, error) {
	if err := ac.Require(domain.PermActivityWrite); err != nil {
		return domain.Activity{}, err
	}
	var out domain.Activity
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.LockActivity(ctx, ac.Scope, activityID)
		if err != nil {
			return err
		}
		if err := a.checkOpen(ctx, tx, old.Date); err != nil {
			return err
		}
		if err := tx.DetachEvidence(ctx, ac.Scope, activityID, sha); err != nil {
			return err
		}
		if err := a.record(ctx, tx, ac, AuditEntry{Type: "evidence.detach", Target: actTarget(activityID), Detail: sha}); err != nil {
			return err
		}
		name := sha
		for _, ev := range old.Evidence {
			if ev.SHA256 == sha {
				name = ev.Filename
			}
		}
		if err := a.addHistory(ctx, tx, ac, activityID, store.HistEvidenceRemoved,
			[]store.FieldChange{{Field: "evidence", Old: name, New: nil}}, ""); err != nil {
			return err
		}
		if _, err := a.reviewAgain(ctx, tx, ac, old, true); err != nil {
			return err
		}
		out, err = tx.GetActivity(ctx, ac.Scope, activityID)
		return err
	})
	return out, err
}

// GetEvidence returns a blob's metadata and the in-scope activities carrying it.
func (a *App) GetEvidence(ctx context.Context, ac domain.Actor, sha string) (store.EvidenceBlob, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return store.EvidenceBlob{}, err
	}
	if !blob.ValidSHA(sha) {
		return store.EvidenceBlob{}, domain.NotFound("evidence %q", sha)
	}
	var out store.EvidenceBlob
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.GetEvidence(ctx, ac.Scope, sha)
		return err
	})
	return out, err
}

// OpenEvidence opens a blob's content if an in-scope activity carries it.
func (a *App) OpenEvidence(ctx context.Context, ac domain.Actor, sha string) (store.EvidenceBlob, io.ReadCloser, error) {
	meta, err := a.GetEvidence(ctx, ac, sha)
	if err != nil {
		return meta, nil, err
	}
	rc, err := a.blobs.Open(ctx, sha)
	if err != nil {
		return meta, nil, err
	}
	// Downloads are audited (MLPS: who read which file).
	if err := a.recordAlone(ctx, ac, AuditEntry{Type: "evidence.download", Target: "evidence:" + sha}); err != nil {
		rc.Close()
		return meta, nil, err
	}
	return meta, rc, nil
}

// EvidenceThumbnail draws a small JPEG of a photo that an in-scope activity
// carries (blob.Thumbnail). A thumbnail is not the file, so showing one in a
// gallery is not audited as a download; OpenEvidence, which hands out the
// file itself, is.
func (a *App) EvidenceThumbnail(ctx context.Context, ac domain.Actor, sha string) ([]byte, error) {
	meta, err := a.GetEvidence(ctx, ac, sha)
	if err != nil {
		return nil, err
	}
	a.thumbsOnce.Do(func() {
		dir := "" // kept next to the files they are drawn from
		if fs, ok := a.blobs.(*blob.FS); ok {
			dir = filepath.Join(fs.Dir(), "thumbs")
		}
		a.thumbs = blob.NewThumbnails(dir, 2)
	})
	return a.thumbs.Get(ctx, a.blobs, sha, meta.MediaType)
}

func actTarget(id int64) string { return fmt.Sprintf("activity:%d", id) }
