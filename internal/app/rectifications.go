package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// Rectification (整改, issue 13 item 5). Who does what:
//
//   - a unit above the owner (rectification.review) opens one for a unit in
//     its write scope — from an accepted problem, an inspection, a case or by
//     hand; the reviewing unit is the opener's own, or the owner's parent
//     when the owner opened it itself;
//   - the owner unit (activity.write over it) writes progress notes, attaches
//     closure evidence and submits;
//   - the reviewing unit (rectification.review, the reviewing unit in its
//     write scope) closes it or sends it back with a reason. Nobody signs off
//     a submission of their own;
//   - everyone who reads the owner's unit reads it (activity.read);
//   - an item still pending after its deadline escalates, a level up the
//     tree on the first late day and one more every RectEscalateEveryDays
//     (the escalation sweep), and the units concerned are notified once per
//     level.
//
// An item closed within RectImmediateDays of being opened counts as 立行立改;
// on-time and 立行立改 are judged by the day of the accepted submission.

// Defaults of the rectification settings.
const (
	DefaultRectImmediateDays    = 7
	DefaultRectEscalateEveryDay = 7
	// RectSweepName is the escalation sweep's job kind.
	RectSweepName = "rectification_escalate"
)

func (a *App) rectImmediateDays() int {
	if a.cfg.RectImmediateDays > 0 {
		return a.cfg.RectImmediateDays
	}
	return DefaultRectImmediateDays
}

func (a *App) rectEscalateEvery() int {
	if a.cfg.RectEscalateEveryDays > 0 {
		return a.cfg.RectEscalateEveryDays
	}
	return DefaultRectEscalateEveryDay
}

func rectTarget(id int64) string { return fmt.Sprintf("rectification:%d", id) }

func rectLink(id int64) string { return fmt.Sprintf("/rectifications/%d", id) }

// judged fills the computed flags of rectifications for today.
func (a *App) judged(rs ...*domain.Rectification) {
	today := a.Today()
	for _, r := range rs {
		r.Judge(today, a.rectImmediateDays())
	}
}

// CreateRectification opens a rectification for a unit in the actor's write scope.
func (a *App) CreateRectification(ctx context.Context, ac domain.Actor, in domain.RectificationInput) (domain.Rectification, error) {
	var out domain.Rectification
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		var err error
		out, err = a.createRectification(ctx, tx, ac, in)
		return err
	})
	a.judged(&out)
	return out, err
}

// createRectification is CreateRectification inside the caller's write
// transaction (a case opens one in its own).
func (a *App) createRectification(ctx context.Context, tx *store.Tx, ac domain.Actor, in domain.RectificationInput) (domain.Rectification, error) {
	if err := ac.Require(domain.PermRectReview); err != nil {
		return domain.Rectification{}, err
	}
	in, err := in.Validate()
	if err != nil {
		return domain.Rectification{}, err
	}
	if in.Deadline.Before(a.Today()) {
		return domain.Rectification{}, domain.Invalid("deadline", "%s has passed", in.Deadline)
	}
	var out domain.Rectification
	err = func() error {
		if err := tx.LockTree(ctx); err != nil {
			return err
		}
		owner, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, in.OrgID)
		if err != nil {
			return fieldNotFound(err, "org_id")
		}
		if !owner.Active {
			return domain.Invalid("org_id", "%s is deactivated", owner.Name)
		}
		review, err := a.reviewUnit(ctx, tx, ac, owner)
		if err != nil {
			return err
		}
		if in.Source == domain.RectFromProblem {
			if err := a.checkProblemRef(ctx, tx, ac, in.Ref); err != nil {
				return err
			}
		}
		if in.ResponsibleID != 0 {
			acc, err := tx.GetAccount(ctx, in.ResponsibleID)
			if err != nil {
				return fieldNotFound(err, "responsible_id")
			}
			if ok, err := tx.InScope(ctx, []int64{owner.ID}, acc.OrgID); err != nil {
				return err
			} else if !ok {
				return fieldNotFound(domain.NotFound("account %d in %s", in.ResponsibleID, owner.Name), "responsible_id")
			}
			if in.Responsible == "" {
				in.Responsible = acc.Name
			}
		}
		id, err := tx.CreateRectification(ctx, store.NewRectification{RectificationInput: in, ReviewOrgID: review,
			OpenedOn: a.Today(), CreatedBy: ac.Name, CreatedByID: ac.AccountID})
		if err != nil {
			return err
		}
		if out, err = tx.GetRectification(ctx, ac.Scope, id); err != nil {
			return err
		}
		if err := a.record(ctx, tx, ac, AuditEntry{Type: "rectification.create", Target: rectTarget(id), After: out}); err != nil {
			return err
		}
		return a.notify(ctx, tx, domain.Notice{Kind: "rectification.opened", Units: []int64{owner.ID}, Perm: domain.PermActivityWrite,
			Subject: "整改事项：" + firstLine(out.Finding), Body: "整改期限 " + out.Deadline.String(), Link: rectLink(id),
			DedupKey: fmt.Sprintf("rectification:%d:opened", id), At: tx.Now()})
	}()
	return out, err
}

// reviewUnit is the unit that signs off an owner's rectification: the
// actor's own unit when it lies above the owner, else the owner's parent
// (a unit does not sign off its own work), else — the root — the owner.
func (a *App) reviewUnit(ctx context.Context, tx *store.Tx, ac domain.Actor, owner domain.OrgUnit) (int64, error) {
	if ac.OrgID != 0 && ac.OrgID != owner.ID {
		if ok, err := tx.InScope(ctx, []int64{ac.OrgID}, owner.ID); err != nil || ok {
			return ac.OrgID, err
		}
	}
	if owner.ParentID != 0 {
		return owner.ParentID, nil
	}
	return owner.ID, nil
}

// checkProblemRef checks that ref ("org_id:period:key") names a problem the
// office accepted for a unit the actor reads.
func (a *App) checkProblemRef(ctx context.Context, tx *store.Tx, ac domain.Actor, ref string) error {
	parts := strings.Split(ref, ":")
	var org int64
	if len(parts) != 3 {
		return domain.Invalid("ref", "a problem is named as unit id:period:key, e.g. 1:2025:45a27318402af8f1")
	}
	if _, err := fmt.Sscanf(parts[0], "%d", &org); err != nil {
		return domain.Invalid("ref", "%q is not a unit id", parts[0])
	}
	if _, err := tx.GetOrg(ctx, ac.Scope, org); err != nil {
		return fieldNotFound(err, "ref")
	}
	ds, err := tx.ProblemDecisions(ctx, org, parts[1])
	if err != nil {
		return err
	}
	if d, ok := ds[parts[2]]; !ok || d.Decision != DecisionAccepted {
		return domain.Invalid("ref", "problem %s of %s is not an accepted problem", parts[2], parts[1])
	}
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return s
}

// GetRectification returns one rectification the actor reads, with its
// timeline and evidence.
func (a *App) GetRectification(ctx context.Context, ac domain.Actor, id int64) (domain.Rectification, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return domain.Rectification{}, err
	}
	var out domain.Rectification
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.GetRectification(ctx, ac.Scope, id)
		return err
	})
	a.judged(&out)
	return out, err
}

// RectQuery narrows ListRectifications.
type RectQuery struct {
	OrgID     int64  // the owner's subtree; 0: the whole read scope
	State     string // a domain.RectState, or "" for all
	Overdue   bool
	Escalated bool
	// ToReview keeps the submitted items the actor may sign off.
	ToReview bool
	// Year keeps the items due in that year (what an assessment counted).
	Year int
	// Opened/Closed bound the opening and the sign-off day (To exclusive):
	// what a report figure counted (its records link carries them).
	OpenedFrom, OpenedTo, ClosedFrom, ClosedTo domain.Date
	// OnTime and Immediate keep the closed items done by their deadline,
	// and those done within RectImmediateDays of opening (立行立改).
	OnTime, Immediate bool
	Limit             int
	Offset            int
}

// ListRectifications lists rectifications the actor reads, pending and
// nearest deadline first.
func (a *App) ListRectifications(ctx context.Context, ac domain.Actor, q RectQuery) ([]domain.Rectification, int, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return nil, 0, err
	}
	if err := checkPage(q.Limit, q.Offset); err != nil {
		return nil, 0, err
	}
	f := store.RectFilter{OrgID: q.OrgID, Overdue: q.Overdue, Escalated: q.Escalated, Today: a.Today(), Limit: q.Limit, Offset: q.Offset,
		OpenedFrom: q.OpenedFrom, OpenedTo: q.OpenedTo, ClosedFrom: q.ClosedFrom, ClosedTo: q.ClosedTo}
	judgedFilter := q.OnTime || q.Immediate
	if judgedFilter {
		// Judged against today and the 立行立改 window: filtered here, then paged.
		f.States, f.Limit, f.Offset = []domain.RectState{domain.RectClosed}, 0, 0
	}
	if q.State != "" {
		s := domain.RectState(q.State)
		if !s.Valid() {
			return nil, 0, domain.Invalid("state", "%q is not a state (open, submitted, closed, returned)", q.State)
		}
		f.States = []domain.RectState{s}
	}
	if q.Year != 0 {
		if q.Year < 2000 || q.Year > 2100 {
			return nil, 0, domain.Invalid("year", "%d is not a year from 2000 to 2100", q.Year)
		}
		f.DueFrom, f.DueTo = domain.NewDate(q.Year, 1, 1), domain.NewDate(q.Year+1, 1, 1)
	}
	if q.ToReview {
		f.States = []domain.RectState{domain.RectSubmitted}
		f.ReviewRoots = ac.Scope.Roots
		if !ac.Can(domain.PermRectReview) {
			f.ReviewRoots = []int64{}
		}
	}
	var out []domain.Rectification
	var total int
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		if q.OrgID != 0 {
			if _, err := tx.GetOrg(ctx, ac.Scope, q.OrgID); err != nil {
				return fieldNotFound(err, "org_id")
			}
		}
		var err error
		out, total, err = tx.ListRectifications(ctx, ac.Scope, f)
		return err
	})
	for i := range out {
		a.judged(&out[i])
	}
	if err == nil && judgedFilter {
		kept := []domain.Rectification{}
		for _, r := range out {
			if (!q.OnTime || r.OnTime) && (!q.Immediate || r.Immediate) {
				kept = append(kept, r)
			}
		}
		total = len(kept)
		lim := q.Limit
		if lim <= 0 {
			lim = len(kept)
		}
		lo := min(q.Offset, len(kept))
		out = kept[lo:min(lo+lim, len(kept))]
	}
	return out, total, err
}

// lockOwned locks a rectification the actor's unit owns (write scope) for
// the owner's work: a note, a file, a submission.
func (a *App) lockOwned(ctx context.Context, tx *store.Tx, ac domain.Actor, id int64, act domain.RectAction) (domain.Rectification, error) {
	return a.owned(ctx, tx, ac, id, act, true)
}

// owned is lockOwned; lock false only reads (a check before a file's bytes
// are accepted, in a read transaction).
func (a *App) owned(ctx context.Context, tx *store.Tx, ac domain.Actor, id int64, act domain.RectAction, lock bool) (domain.Rectification, error) {
	if err := ac.Require(domain.PermActivityWrite); err != nil {
		return domain.Rectification{}, err
	}
	get := tx.GetRectification
	if lock {
		get = tx.LockRectification
	}
	r, err := get(ctx, domain.Scope{Roots: ac.Scope.Roots}, id)
	if err != nil {
		return r, err
	}
	if _, err := r.State.Next(act); err != nil {
		return r, err
	}
	return r, nil
}

// AddRectNote writes a progress note on an open or returned rectification.
func (a *App) AddRectNote(ctx context.Context, ac domain.Actor, id int64, body string) (domain.Rectification, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return domain.Rectification{}, domain.Invalid("body", "is required")
	}
	if err := domain.TextBlock("body", body); err != nil {
		return domain.Rectification{}, err
	}
	if n := len([]rune(body)); n > domain.MaxRectTextLen {
		return domain.Rectification{}, domain.Invalid("body", "is %d characters long; at most %d", n, domain.MaxRectTextLen)
	}
	var out domain.Rectification
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := a.lockOwned(ctx, tx, ac, id, domain.RectProgress); err != nil {
			return err
		}
		if err := tx.AddRectNote(ctx, id, "note", body, ac.Name, ac.AccountID); err != nil {
			return err
		}
		if err := tx.TouchRectification(ctx, id); err != nil {
			return err
		}
		if err := a.record(ctx, tx, ac, AuditEntry{Type: "rectification.note", Target: rectTarget(id), Detail: body}); err != nil {
			return err
		}
		var err error
		out, err = tx.GetRectification(ctx, ac.Scope, id)
		return err
	})
	a.judged(&out)
	return out, err
}

// AttachRectEvidence stores a closure evidence file (a photo from the phone's
// camera, a scan) and links it to an open or returned rectification.
func (a *App) AttachRectEvidence(ctx context.Context, ac domain.Actor, id int64, filename string, r io.Reader) (domain.Rectification, error) {
	filename = strings.TrimSpace(filename)
	if err := domain.ValidateName("filename", filename, 255); err != nil {
		return domain.Rectification{}, err
	}
	check := func(tx *store.Tx, lock bool) error {
		old, err := a.owned(ctx, tx, ac, id, domain.RectProgress, lock)
		if err != nil {
			return err
		}
		if len(old.Evidence) >= a.cfg.MaxEvidencePerActivity {
			return domain.Invalid("file", "a rectification holds at most %d files", a.cfg.MaxEvidencePerActivity)
		}
		return nil
	}
	// Scope and state are checked before the bytes are accepted.
	if err := a.st.Read(ctx, func(tx *store.Tx) error { return check(tx, false) }); err != nil {
		return domain.Rectification{}, err
	}
	info, mediaType, err := blob.PutFile(ctx, a.blobs, r, filename, a.cfg.MaxEvidenceSize)
	if err != nil {
		return domain.Rectification{}, err
	}
	var out domain.Rectification
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		if err := check(tx, true); err != nil {
			return err
		}
		if err := tx.PutEvidenceBlob(ctx, info.SHA256, info.Size, mediaType); err != nil {
			return err
		}
		if err := tx.AttachRectEvidence(ctx, id, info.SHA256, filename); err != nil {
			return err
		}
		if err := tx.AddRectNote(ctx, id, "evidence", filename, ac.Name, ac.AccountID); err != nil {
			return err
		}
		if err := tx.TouchRectification(ctx, id); err != nil {
			return err
		}
		if err := a.record(ctx, tx, ac, AuditEntry{Type: "rectification.evidence", Target: rectTarget(id), Detail: info.SHA256 + " " + filename}); err != nil {
			return err
		}
		out, err = tx.GetRectification(ctx, ac.Scope, id)
		return err
	})
	a.judged(&out)
	return out, err
}

// OpenRectEvidence opens a closure evidence file of a rectification the actor
// reads (audited as a download, like the ledger's files).
func (a *App) OpenRectEvidence(ctx context.Context, ac domain.Actor, id int64, sha string) (store.EvidenceBlob, io.ReadCloser, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return store.EvidenceBlob{}, nil, err
	}
	if !blob.ValidSHA(sha) {
		return store.EvidenceBlob{}, nil, domain.NotFound("evidence %q", sha)
	}
	var meta store.EvidenceBlob
	if err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		meta, err = tx.RectEvidenceOf(ctx, ac.Scope, id, sha)
		return err
	}); err != nil {
		return meta, nil, err
	}
	rc, err := a.blobs.Open(ctx, sha)
	if err != nil {
		return meta, nil, err
	}
	if err := a.recordAlone(ctx, ac, AuditEntry{Type: "evidence.download", Target: rectTarget(id), Detail: sha}); err != nil {
		rc.Close()
		return meta, nil, err
	}
	return meta, rc, nil
}

// SubmitRectification reports a rectification done, with a closing statement;
// it needs at least one closure evidence file.
func (a *App) SubmitRectification(ctx context.Context, ac domain.Actor, id int64, statement string) (domain.Rectification, error) {
	if err := ac.Require(domain.PermActivitySubmit); err != nil {
		return domain.Rectification{}, err
	}
	statement = strings.TrimSpace(statement)
	if err := domain.TextBlock("statement", statement); err != nil {
		return domain.Rectification{}, err
	}
	if n := len([]rune(statement)); n > domain.MaxRectTextLen {
		return domain.Rectification{}, domain.Invalid("statement", "is %d characters long; at most %d", n, domain.MaxRectTextLen)
	}
	var out domain.Rectification
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := a.lockOwned(ctx, tx, ac, id, domain.RectSubmit)
		if err != nil {
			return err
		}
		if len(old.Evidence) == 0 {
			return domain.Invalid("evidence", "attach the closure evidence (a photo, minutes, a document) before submitting")
		}
		if err := tx.UpdateRectState(ctx, id, store.RectUpdate{State: domain.RectSubmitted, SubmittedOn: a.Today(), SubmittedByID: ac.AccountID}); err != nil {
			return err
		}
		if err := tx.AddRectNote(ctx, id, "submit", statement, ac.Name, ac.AccountID); err != nil {
			return err
		}
		if out, err = tx.GetRectification(ctx, ac.Scope, id); err != nil {
			return err
		}
		if err := a.record(ctx, tx, ac, AuditEntry{Type: "rectification.submit", Target: rectTarget(id), Before: old.State, After: out.State, Detail: statement}); err != nil {
			return err
		}
		return a.notify(ctx, tx, domain.Notice{Kind: "rectification.submitted", Units: []int64{old.ReviewOrgID}, Perm: domain.PermRectReview,
			Subject: "整改待审核：" + firstLine(old.Finding), Body: old.OrgName + " 已提交整改完成情况", Link: rectLink(id),
			DedupKey: fmt.Sprintf("rectification:%d:submitted:%d", id, out.Version), At: tx.Now()})
	})
	a.judged(&out)
	return out, err
}

// Review decisions.
const (
	RectDecisionClose  = "close"
	RectDecisionReturn = "return"
)

// ReviewRectification signs off (close) or sends back (return, with a reason)
// a submitted rectification whose reviewing unit is in the actor's write scope.
func (a *App) ReviewRectification(ctx context.Context, ac domain.Actor, id int64, decision, reason string) (domain.Rectification, error) {
	if err := ac.Require(domain.PermRectReview); err != nil {
		return domain.Rectification{}, err
	}
	act := domain.RectAction(decision)
	if act != domain.RectClose && act != domain.RectReturn {
		return domain.Rectification{}, domain.Invalid("decision", "%q is neither close nor return", decision)
	}
	reason = strings.TrimSpace(reason)
	if act == domain.RectReturn && reason == "" {
		return domain.Rectification{}, domain.Invalid("reason", "say why it is sent back")
	}
	if err := domain.TextBlock("reason", reason); err != nil {
		return domain.Rectification{}, err
	}
	if n := len([]rune(reason)); n > domain.MaxRectTextLen {
		return domain.Rectification{}, domain.Invalid("reason", "is %d characters long; at most %d", n, domain.MaxRectTextLen)
	}
	var out domain.Rectification
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.LockRectification(ctx, ac.Scope, id)
		if err != nil {
			return err
		}
		if ok, err := tx.InScope(ctx, ac.Scope.Roots, old.ReviewOrgID); err != nil {
			return err
		} else if !ok {
			return domain.Forbidden("%s signs off this rectification", old.ReviewOrgName)
		}
		if ac.AccountID != 0 && ac.AccountID == old.SubmittedByID {
			return domain.Forbidden("nobody signs off a closure they submitted themselves")
		}
		next, err := old.State.Next(act)
		if err != nil {
			return err
		}
		u := store.RectUpdate{State: next, SubmittedOn: old.SubmittedOn, SubmittedByID: old.SubmittedByID}
		kind, subject := "close", "整改已销号："
		if act == domain.RectClose {
			u.ClosedOn = a.Today()
		} else {
			u.ReturnReason, kind, subject = reason, "return", "整改被退回："
		}
		if err := tx.UpdateRectState(ctx, id, u); err != nil {
			return err
		}
		if err := tx.AddRectNote(ctx, id, kind, reason, ac.Name, ac.AccountID); err != nil {
			return err
		}
		if out, err = tx.GetRectification(ctx, ac.Scope, id); err != nil {
			return err
		}
		if err := a.record(ctx, tx, ac, AuditEntry{Type: "rectification." + kind, Target: rectTarget(id), Before: old.State, After: out.State, Detail: reason}); err != nil {
			return err
		}
		return a.notify(ctx, tx, domain.Notice{Kind: "rectification." + kind, Units: []int64{old.OrgID}, Perm: domain.PermActivityWrite,
			Subject: subject + firstLine(old.Finding), Body: reason, Link: rectLink(id),
			DedupKey: fmt.Sprintf("rectification:%d:%s:%d", id, kind, out.Version), At: tx.Now()})
	})
	a.judged(&out)
	return out, err
}

// EscalateOverdue raises every overdue rectification to the level its
// lateness calls for and notifies the units concerned, once per level: a
// second run on the same day changes nothing and sends nothing (the row's
// level only goes up, and each notice carries its level in its DedupKey).
// It returns how many items moved up.
func (a *App) EscalateOverdue(ctx context.Context) (int, error) {
	today := a.Today()
	system := domain.Actor{Name: operatorName, Operator: true}
	moved := 0
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		moved = 0
		if err := tx.LockTree(ctx); err != nil {
			return err
		}
		items, err := tx.OverdueRectifications(ctx, today)
		if err != nil {
			return err
		}
		for _, r := range items {
			anc, err := tx.Ancestors(ctx, r.OrgID) // root first, the owner last
			if err != nil {
				return err
			}
			above := make([]int64, 0, len(anc))
			for i := len(anc) - 2; i >= 0; i-- {
				above = append(above, anc[i]) // nearest first
			}
			level := domain.EscalationLevel(r.Deadline, today, a.rectEscalateEvery(), len(above))
			if level <= r.Escalation {
				continue
			}
			to := above[level-1]
			changed, err := tx.Escalate(ctx, r.ID, level, to)
			if err != nil || !changed {
				return err
			}
			moved++
			body := fmt.Sprintf("逾期未整改（期限 %s），升级至上%d级", r.Deadline, level)
			if err := tx.AddRectNote(ctx, r.ID, "escalate", body, operatorName, 0); err != nil {
				return err
			}
			if err := a.record(ctx, tx, system, AuditEntry{Type: "rectification.escalate", Target: rectTarget(r.ID),
				Before: r.Escalation, After: level, Detail: fmt.Sprintf("org:%d", to)}); err != nil {
				return err
			}
			if err := a.notify(ctx, tx, domain.Notice{Kind: "rectification.overdue", Units: []int64{to, r.OrgID},
				Subject: "整改逾期：" + firstLine(r.Finding), Body: r.OrgName + " " + body, Link: rectLink(r.ID),
				DedupKey: fmt.Sprintf("rectification:%d:escalated:%d", r.ID, level), At: tx.Now()}); err != nil {
				return err
			}
		}
		return nil
	})
	return moved, err
}

// rectSweep is the escalation sweep a.Sweeps lists.
func (a *App) rectSweep() Sweep {
	return Sweep{Name: RectSweepName, Every: time.Hour, Run: func(ctx context.Context) error {
		_, err := a.EscalateOverdue(ctx)
		return err
	}}
}

// rectTodo is the rectifications' share of the 待办 list: the pending items
// of the actor's own units (with the earliest deadline), and the submitted
// items waiting for the actor's sign-off.
func (a *App) rectTodo(ctx context.Context, tx *store.Tx, ac domain.Actor) ([]domain.TodoItem, error) {
	var out []domain.TodoItem
	today := a.Today()
	if ac.Can(domain.PermActivityWrite) && len(ac.Scope.Roots) > 0 {
		// The owner's own items: those of the actor's units, not of every
		// unit below (those are the units' own to-dos; overdue ones reach
		// the actor through escalation).
		for _, root := range ac.Scope.Roots {
			own, _, err := tx.ListRectifications(ctx, ac.Scope, store.RectFilter{OrgID: root, OwnerOnly: true,
				States: []domain.RectState{domain.RectOpen, domain.RectReturned}, Today: today})
			if err != nil {
				return nil, err
			}
			if len(own) > 0 {
				out = append(out, rectTodoLine("待整改事项", own, today))
			}
		}
		mine, _, err := tx.ListRectifications(ctx, ac.Scope, store.RectFilter{Overdue: true, EscalatedTo: ac.Scope.Roots, Today: today})
		if err != nil {
			return nil, err
		}
		if len(mine) > 0 {
			out = append(out, rectTodoLine("下级逾期整改（已升级）", mine, today))
		}
	}
	if ac.Can(domain.PermRectReview) && len(ac.Scope.Roots) > 0 {
		items, _, err := tx.ListRectifications(ctx, ac.Scope, store.RectFilter{States: []domain.RectState{domain.RectSubmitted},
			ReviewRoots: ac.Scope.Roots, Today: today})
		if err != nil {
			return nil, err
		}
		var theirs []domain.Rectification
		for _, r := range items {
			if r.SubmittedByID == 0 || r.SubmittedByID != ac.AccountID {
				theirs = append(theirs, r)
			}
		}
		if len(theirs) > 0 {
			l := rectTodoLine("待审核整改", theirs, today)
			l.Due, l.Overdue = nil, false // waiting for the reviewer: its owner's deadline is not the reviewer's
			out = append(out, l)
		}
	}
	return out, nil
}

func rectTodoLine(title string, rs []domain.Rectification, today domain.Date) domain.TodoItem {
	due := rs[0].Deadline
	for _, r := range rs {
		if r.Deadline.Before(due) {
			due = r.Deadline
		}
	}
	l := domain.TodoItem{Kind: domain.TodoRectification, Title: title, Count: len(rs), Due: &due, Overdue: due.Before(today)}
	if len(rs) == 1 {
		l.Ref, l.OrgID, l.OrgName = rs[0].ID, rs[0].OrgID, rs[0].OrgName
	}
	return l
}
