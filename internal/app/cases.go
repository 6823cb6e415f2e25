package app

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/casework"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// Public-concern cases (舆情事件处置, issue 14 item 5). Who does what:
//
//   - case.handle opens a case for a unit the actor reads — a monitor from a
//     story routed to their units, a unit's admin by hand (also an incident
//     never seen online);
//   - the case's handlers — case.handle and activity.write with the case's
//     unit in their write scope (the unit's own admin and every unit above)
//     — take its steps (internal/casework), change its severity, and add
//     notes and evidence; a monitor adds notes and evidence only;
//   - everyone who reads the unit (concern.read or activity.read) reads it;
//   - a deadline that passes with its step not done escalates the case to
//     the parent unit once (the case deadline sweep), notifying the parent's
//     handlers and the case's unit.

// CaseSweepName is the case deadline sweep's job kind.
const CaseSweepName = "case_deadlines"

// Limits of a case's text.
const (
	MaxCaseTitleLen = 200
	MaxCaseTextLen  = 5000
)

func caseTarget(id int64) string { return fmt.Sprintf("case:%d", id) }

func caseLink(id int64) string { return fmt.Sprintf("/cases/%d", id) }

// CaseInput is what the opener sets.
type CaseInput struct {
	OrgID    int64             `json:"org_id"`   // where it happened (属地); from a story, 0 takes its lowest routed unit in scope
	StoryID  int64             `json:"story_id"` // 0: by hand
	Title    string            `json:"title"`    // from a story, empty takes the story's title
	Summary  string            `json:"summary"`
	Kind     casework.Kind     `json:"kind"`
	Severity casework.Severity `json:"severity"` // from a story, empty takes the story's
}

func checkText(field, s string, max int, block bool) (string, error) {
	s = strings.TrimSpace(s)
	if n := len([]rune(s)); n > max {
		return s, domain.Invalid(field, "is %d characters long; at most %d", n, max)
	}
	if block {
		return s, domain.TextBlock(field, s)
	}
	return s, domain.TextLine(field, s)
}

// caseReader checks that the actor reads cases: concern.read (monitors,
// leaders, the office) or case.handle (a unit's admin, for its own).
func (a *App) caseReader(ac domain.Actor) error {
	if ac.Can(domain.PermConcernRead) {
		return nil
	}
	return ac.Require(domain.PermCaseHandle)
}

// caseHandler checks the permissions of whoever takes a case's steps: the
// unit's own records' writers (activity.write) who handle cases.
func caseHandler(ac domain.Actor) error {
	if err := ac.Require(domain.PermActivityWrite); err != nil {
		return err
	}
	return ac.Require(domain.PermCaseHandle)
}

// caseWho is the part the actor plays on a case: a handler when they hold
// case.handle and activity.write and the case's unit is in their write scope.
func (a *App) caseWho(ctx context.Context, tx *store.Tx, ac domain.Actor, c casework.Case) (casework.Who, error) {
	if !ac.Can(domain.PermCaseHandle) || !ac.Can(domain.PermActivityWrite) {
		return casework.Opener, nil
	}
	ok, err := tx.InScope(ctx, ac.Scope.Roots, c.OrgID)
	if err != nil || !ok {
		return casework.Opener, err
	}
	return casework.Handler, nil
}

// caseTier returns the limits in force for a severity: the office's, or the default.
func caseTier(ctx context.Context, tx *store.Tx, s casework.Severity) (casework.Tier, error) {
	tiers, err := tx.CaseTiers(ctx)
	if err != nil {
		return casework.Tier{}, err
	}
	if t, ok := tiers[s]; ok {
		return t, nil
	}
	return casework.DefaultTier(s), nil
}

// judgedCase fills the deadlines' standings at now.
func (a *App) judgedCase(cs ...*casework.Case) {
	now := a.now()
	for _, c := range cs {
		c.Judge(now)
	}
}

// OpenCase opens a case, from a story or by hand, with its three deadlines
// counted from now at its severity's limits.
func (a *App) OpenCase(ctx context.Context, ac domain.Actor, in CaseInput) (casework.Case, error) {
	if err := ac.Require(domain.PermCaseHandle); err != nil {
		return casework.Case{}, err
	}
	var err error
	if in.Title, err = checkText("title", in.Title, MaxCaseTitleLen, false); err != nil {
		return casework.Case{}, err
	}
	if in.Summary, err = checkText("summary", in.Summary, MaxCaseTextLen, true); err != nil {
		return casework.Case{}, err
	}
	if in.Kind == "" {
		in.Kind = casework.KindOther
	}
	if !in.Kind.Valid() {
		return casework.Case{}, domain.Invalid("kind", "%q is not a case kind", in.Kind)
	}
	if in.Severity != "" && !in.Severity.Valid() {
		return casework.Case{}, domain.Invalid("severity", "%q is not a severity (major, significant, general)", in.Severity)
	}
	if in.StoryID == 0 && in.Title == "" {
		return casework.Case{}, domain.Invalid("title", "is required")
	}
	if in.StoryID == 0 && in.OrgID == 0 {
		return casework.Case{}, domain.Invalid("org_id", "is required")
	}
	if in.StoryID == 0 && in.Severity == "" {
		return casework.Case{}, domain.Invalid("severity", "is required")
	}
	var out casework.Case
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.LockTree(ctx); err != nil {
			return err
		}
		if in.StoryID != 0 {
			s, err := tx.StoryForCase(ctx, ac.Scope, in.StoryID)
			if err != nil {
				return fieldNotFound(err, "story_id")
			}
			if in.OrgID == 0 {
				in.OrgID = s.Units[0]
			}
			if in.Title == "" {
				in.Title, err = checkText("title", firstLine(s.Title), MaxCaseTitleLen, false)
				if err != nil || in.Title == "" {
					in.Title = fmt.Sprintf("舆情 %d", s.ID)
				}
			}
			if in.Severity == "" {
				in.Severity = casework.SeverityOfStory(s.Severity)
			}
		}
		unit, err := tx.GetOrg(ctx, ac.Scope, in.OrgID)
		if err != nil {
			return fieldNotFound(err, "org_id")
		}
		if !unit.Active {
			return domain.Invalid("org_id", "%s is deactivated", unit.Name)
		}
		tier, err := caseTier(ctx, tx, in.Severity)
		if err != nil {
			return err
		}
		opened := tx.Now()
		id, err := tx.CreateCase(ctx, store.NewCase{OrgID: unit.ID, StoryID: in.StoryID, Title: in.Title, Summary: in.Summary,
			Kind: in.Kind, Severity: in.Severity, OpenedAt: opened, Due: tier.DueAll(opened, a.clock.Location()),
			CreatedBy: ac.Name, CreatedByID: ac.AccountID})
		if err != nil {
			return err
		}
		if out, err = tx.GetCase(ctx, ac.Scope, id); err != nil {
			return err
		}
		if err := a.record(ctx, tx, ac, AuditEntry{Type: "case.open", Target: caseTarget(id), After: out}); err != nil {
			return err
		}
		triage := out.DueOf(casework.DeadlineTriage).DueAt.In(a.clock.Location())
		return a.notify(ctx, tx, domain.Notice{Kind: "case.opened", Units: []int64{unit.ID}, Perm: domain.PermCaseHandle,
			Subject: "舆情事件待研判：" + firstLine(out.Title), Body: "研判时限 " + triage.Format("2006-01-02 15:04"), Link: caseLink(id),
			DedupKey: fmt.Sprintf("case:%d:opened", id), At: tx.Now()})
	})
	a.judgedCase(&out)
	return out, err
}

// GetCase returns one case the actor reads, with its deadlines, timeline and evidence.
func (a *App) GetCase(ctx context.Context, ac domain.Actor, id int64) (casework.Case, error) {
	if err := a.caseReader(ac); err != nil {
		return casework.Case{}, err
	}
	var out casework.Case
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.GetCase(ctx, ac.Scope, id)
		return err
	})
	a.judgedCase(&out)
	return out, err
}

// CaseQuery narrows ListCases.
type CaseQuery struct {
	OrgID      int64
	States     []string
	Kinds      []string
	Severities []string
	StoryID    int64
	Overdue    bool
	// Escalated keeps the cases escalated to one of the actor's own units.
	Escalated bool
	// From/To bound the opening day (To exclusive), in the bureau's zone.
	From, To domain.Date
	// IDs keeps exactly these cases (what a report figure counted).
	IDs    []int64
	Limit  int
	Offset int
}

func (a *App) caseFilter(ac domain.Actor, q CaseQuery) (store.CaseFilter, error) {
	f := store.CaseFilter{OrgID: q.OrgID, StoryID: q.StoryID, Overdue: q.Overdue, Now: a.now(), IDs: q.IDs, Limit: q.Limit, Offset: q.Offset}
	for _, s := range q.States {
		st := casework.State(s)
		if !st.Valid() {
			return f, domain.Invalid("state", "%q is not a state (new, assessing, responding, resolved, closed)", s)
		}
		f.States = append(f.States, st)
	}
	kinds, err := casework.ParseKinds("kind", q.Kinds)
	if err != nil {
		return f, err
	}
	f.Kinds = kinds
	for _, s := range q.Severities {
		sv := casework.Severity(s)
		if !sv.Valid() {
			return f, domain.Invalid("severity", "%q is not a severity (major, significant, general)", s)
		}
		f.Severities = append(f.Severities, sv)
	}
	if q.Escalated {
		f.EscalatedTo = ac.Scope.Roots
		if f.EscalatedTo == nil {
			f.EscalatedTo = []int64{}
		}
	}
	loc := a.clock.Location()
	if !q.From.IsZero() {
		f.OpenedFrom = time.Date(q.From.Year, q.From.Month, q.From.Day, 0, 0, 0, 0, loc)
	}
	if !q.To.IsZero() {
		f.OpenedTo = time.Date(q.To.Year, q.To.Month, q.To.Day, 0, 0, 0, 0, loc)
	}
	return f, nil
}

// ListCases lists the cases the actor reads: open first, newest first.
func (a *App) ListCases(ctx context.Context, ac domain.Actor, q CaseQuery) ([]casework.Case, int, error) {
	if err := a.caseReader(ac); err != nil {
		return nil, 0, err
	}
	if err := checkPage(q.Limit, q.Offset); err != nil {
		return nil, 0, err
	}
	f, err := a.caseFilter(ac, q)
	if err != nil {
		return nil, 0, err
	}
	var out []casework.Case
	var total int
	err = a.st.Read(ctx, func(tx *store.Tx) error {
		if q.OrgID != 0 {
			if _, err := tx.GetOrg(ctx, ac.Scope, q.OrgID); err != nil {
				return fieldNotFound(err, "org_id")
			}
		}
		var err error
		out, total, err = tx.ListCases(ctx, ac.Scope, f)
		return err
	})
	for i := range out {
		a.judgedCase(&out[i])
	}
	return out, total, err
}

// CaseStepInput is one step on a case: the action and its text (the
// assessment, the public response, the resolution note, the review, the
// reason to reopen — each required).
type CaseStepInput struct {
	Action casework.Action `json:"action"`
	Text   string          `json:"text"`
}

// StepCase takes a step on a case the actor handles; the step's moment
// meets the deadline it belongs to.
func (a *App) StepCase(ctx context.Context, ac domain.Actor, id int64, in CaseStepInput) (casework.Case, error) {
	if err := caseHandler(ac); err != nil {
		return casework.Case{}, err
	}
	if !slices.Contains(casework.Actions, in.Action) {
		return casework.Case{}, domain.Invalid("action", "%q is not a step (assess, respond, resolve, close, reopen)", in.Action)
	}
	text, err := checkText("text", in.Text, MaxCaseTextLen, true)
	if err != nil {
		return casework.Case{}, err
	}
	if text == "" {
		return casework.Case{}, domain.Invalid("text", "write the %s", map[casework.Action]string{
			casework.ActAssess: "assessment", casework.ActRespond: "public response", casework.ActResolve: "resolution",
			casework.ActClose: "post-incident review", casework.ActReopen: "reason to reopen"}[in.Action])
	}
	var out casework.Case
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.LockCase(ctx, ac.Scope, id)
		if err != nil {
			return err
		}
		who, err := a.caseWho(ctx, tx, ac, old)
		if err != nil {
			return err
		}
		next, err := old.State.Next(in.Action, who)
		if err != nil {
			return err
		}
		now := tx.Now()
		u := store.CaseUpdate{State: next, Severity: old.Severity, Assessment: old.Assessment, PublicResponse: old.PublicResponse,
			Review: old.Review, ResolvedAt: old.ResolvedAt, ClosedAt: old.ClosedAt}
		var met casework.Deadline
		switch in.Action {
		case casework.ActAssess:
			u.Assessment, met = text, casework.DeadlineTriage
		case casework.ActRespond:
			u.PublicResponse, met = text, casework.DeadlineResponse
		case casework.ActResolve:
			u.ResolvedAt, met = now, casework.DeadlineResolution
		case casework.ActClose:
			u.Review, u.ClosedAt = text, now
		case casework.ActReopen:
			u.ResolvedAt, u.ClosedAt = time.Time{}, time.Time{}
			if err := tx.MarkCaseDeadline(ctx, id, casework.DeadlineResolution, time.Time{}); err != nil {
				return err
			}
		}
		if met != "" && old.DueOf(met).DoneAt.IsZero() {
			if err := tx.MarkCaseDeadline(ctx, id, met, now); err != nil {
				return err
			}
		}
		if err := tx.UpdateCase(ctx, id, u); err != nil {
			return err
		}
		if err := tx.AddCaseStep(ctx, id, string(in.Action), text, ac.Name, ac.AccountID); err != nil {
			return err
		}
		if out, err = tx.GetCase(ctx, ac.Scope, id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "case." + string(in.Action), Target: caseTarget(id), Before: old.State, After: out.State, Detail: text})
	})
	a.judgedCase(&out)
	return out, err
}

// SetCaseSeverity changes a case's severity and recomputes its deadlines
// from the moment it was opened at the new tier's limits.
func (a *App) SetCaseSeverity(ctx context.Context, ac domain.Actor, id int64, sev casework.Severity, reason string) (casework.Case, error) {
	if err := caseHandler(ac); err != nil {
		return casework.Case{}, err
	}
	if !sev.Valid() {
		return casework.Case{}, domain.Invalid("severity", "%q is not a severity (major, significant, general)", sev)
	}
	reason, err := checkText("reason", reason, MaxCaseTextLen, true)
	if err != nil {
		return casework.Case{}, err
	}
	var out casework.Case
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.LockCase(ctx, ac.Scope, id)
		if err != nil {
			return err
		}
		if who, err := a.caseWho(ctx, tx, ac, old); err != nil {
			return err
		} else if who != casework.Handler {
			return domain.Forbidden("only the case's handlers change its severity")
		}
		if old.State == casework.StateClosed {
			return domain.Conflict("state", "the case is closed")
		}
		if old.Severity == sev {
			out = old
			return nil
		}
		tier, err := caseTier(ctx, tx, sev)
		if err != nil {
			return err
		}
		for d, due := range tier.DueAll(old.OpenedAt, a.clock.Location()) {
			if err := tx.SetCaseDeadline(ctx, id, d, due); err != nil {
				return err
			}
		}
		u := store.CaseUpdate{State: old.State, Severity: sev, Assessment: old.Assessment, PublicResponse: old.PublicResponse,
			Review: old.Review, ResolvedAt: old.ResolvedAt, ClosedAt: old.ClosedAt}
		if err := tx.UpdateCase(ctx, id, u); err != nil {
			return err
		}
		if err := tx.AddCaseStep(ctx, id, "severity", strings.TrimSpace(string(old.Severity)+" → "+string(sev)+" "+reason), ac.Name, ac.AccountID); err != nil {
			return err
		}
		if out, err = tx.GetCase(ctx, ac.Scope, id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "case.severity", Target: caseTarget(id), Before: old.Severity, After: sev, Detail: reason})
	})
	a.judgedCase(&out)
	return out, err
}

// AddCaseNote writes a note on a case that is not closed (its handlers and
// the monitors who read it).
func (a *App) AddCaseNote(ctx context.Context, ac domain.Actor, id int64, body string) (casework.Case, error) {
	if err := ac.Require(domain.PermCaseHandle); err != nil {
		return casework.Case{}, err
	}
	body, err := checkText("body", body, MaxCaseTextLen, true)
	if err != nil {
		return casework.Case{}, err
	}
	if body == "" {
		return casework.Case{}, domain.Invalid("body", "is required")
	}
	var out casework.Case
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.LockCase(ctx, ac.Scope, id)
		if err != nil {
			return err
		}
		if !old.State.CanNote() {
			return domain.Conflict("state", "the case is closed; reopen it first")
		}
		if err := tx.AddCaseStep(ctx, id, "note", body, ac.Name, ac.AccountID); err != nil {
			return err
		}
		if err := tx.TouchCase(ctx, id); err != nil {
			return err
		}
		if err := a.record(ctx, tx, ac, AuditEntry{Type: "case.note", Target: caseTarget(id), Detail: body}); err != nil {
			return err
		}
		out, err = tx.GetCase(ctx, ac.Scope, id)
		return err
	})
	a.judgedCase(&out)
	return out, err
}

// AttachCaseEvidence stores an evidence file (a screenshot, a photo, the
// published statement) and links it to a case that is not closed.
func (a *App) AttachCaseEvidence(ctx context.Context, ac domain.Actor, id int64, filename string, r io.Reader) (casework.Case, error) {
	if err := ac.Require(domain.PermCaseHandle); err != nil {
		return casework.Case{}, err
	}
	filename = strings.TrimSpace(filename)
	if err := domain.ValidateName("filename", filename, 255); err != nil {
		return casework.Case{}, err
	}
	check := func(tx *store.Tx, lock bool) error {
		get := tx.GetCase
		if lock {
			get = tx.LockCase
		}
		old, err := get(ctx, ac.Scope, id)
		if err != nil {
			return err
		}
		if !old.State.CanNote() {
			return domain.Conflict("state", "the case is closed; reopen it first")
		}
		if len(old.Evidence) >= a.cfg.MaxEvidencePerActivity {
			return domain.Invalid("file", "a case holds at most %d files", a.cfg.MaxEvidencePerActivity)
		}
		return nil
	}
	// Scope and state are checked before the bytes are accepted.
	if err := a.st.Read(ctx, func(tx *store.Tx) error { return check(tx, false) }); err != nil {
		return casework.Case{}, err
	}
	info, mediaType, err := blob.PutFile(ctx, a.blobs, r, filename, a.cfg.MaxEvidenceSize)
	if err != nil {
		return casework.Case{}, err
	}
	var out casework.Case
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		if err := check(tx, true); err != nil {
			return err
		}
		if err := tx.PutEvidenceBlob(ctx, info.SHA256, info.Size, mediaType); err != nil {
			return err
		}
		if err := tx.AttachCaseEvidence(ctx, id, info.SHA256, filename); err != nil {
			return err
		}
		if err := tx.AddCaseStep(ctx, id, "evidence", filename, ac.Name, ac.AccountID); err != nil {
			return err
		}
		if err := tx.TouchCase(ctx, id); err != nil {
			return err
		}
		if err := a.record(ctx, tx, ac, AuditEntry{Type: "case.evidence", Target: caseTarget(id), Detail: info.SHA256 + " " + filename}); err != nil {
			return err
		}
		out, err = tx.GetCase(ctx, ac.Scope, id)
		return err
	})
	a.judgedCase(&out)
	return out, err
}

// OpenCaseEvidence opens an evidence file of a case the actor reads
// (audited as a download, like the ledger's files).
func (a *App) OpenCaseEvidence(ctx context.Context, ac domain.Actor, id int64, sha string) (store.EvidenceBlob, io.ReadCloser, error) {
	if err := a.caseReader(ac); err != nil {
		return store.EvidenceBlob{}, nil, err
	}
	if !blob.ValidSHA(sha) {
		return store.EvidenceBlob{}, nil, domain.NotFound("evidence %q", sha)
	}
	var meta store.EvidenceBlob
	if err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		meta, err = tx.CaseEvidenceOf(ctx, ac.Scope, id, sha)
		return err
	}); err != nil {
		return meta, nil, err
	}
	rc, err := a.blobs.Open(ctx, sha)
	if err != nil {
		return meta, nil, err
	}
	if err := a.recordAlone(ctx, ac, AuditEntry{Type: "evidence.download", Target: caseTarget(id), Detail: sha}); err != nil {
		rc.Close()
		return meta, nil, err
	}
	return meta, rc, nil
}

// CaseRectInput is a rectification opened from a case: what to fix, how, by
// whom and by when (the unit is the case's, the source "case").
type CaseRectInput struct {
	Finding       string      `json:"finding"`
	Measures      string      `json:"measures"`
	Responsible   string      `json:"responsible"`
	ResponsibleID int64       `json:"responsible_id"`
	Deadline      domain.Date `json:"deadline"`
}

// OpenCaseRectification opens a rectification for the case's unit from the
// case (source "case", ref "case:ID") and links it back, in one transaction.
// A case leads to at most one rectification.
func (a *App) OpenCaseRectification(ctx context.Context, ac domain.Actor, id int64, in CaseRectInput) (casework.Case, error) {
	if err := ac.Require(domain.PermRectReview); err != nil { // a unit above opens rectifications
		return casework.Case{}, err
	}
	if err := caseHandler(ac); err != nil {
		return casework.Case{}, err
	}
	var out casework.Case
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.LockCase(ctx, ac.Scope, id)
		if err != nil {
			return err
		}
		if who, err := a.caseWho(ctx, tx, ac, old); err != nil {
			return err
		} else if who != casework.Handler {
			return domain.Forbidden("only the case's handlers open a rectification from it")
		}
		if old.RectificationID != 0 {
			return domain.Conflict("rectification_id", "rectification %d was already opened from this case", old.RectificationID)
		}
		r, err := a.createRectification(ctx, tx, ac, domain.RectificationInput{OrgID: old.OrgID, Source: domain.RectFromCase,
			Ref: caseTarget(id), Finding: in.Finding, Measures: in.Measures, Responsible: in.Responsible,
			ResponsibleID: in.ResponsibleID, Deadline: in.Deadline})
		if err != nil {
			return err
		}
		if err := tx.LinkCaseRectification(ctx, id, r.ID); err != nil {
			return err
		}
		if err := tx.AddCaseStep(ctx, id, "rectification", firstLine(r.Finding), ac.Name, ac.AccountID); err != nil {
			return err
		}
		if out, err = tx.GetCase(ctx, ac.Scope, id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "case.rectification", Target: caseTarget(id), Detail: rectTarget(r.ID)})
	})
	a.judgedCase(&out)
	return out, err
}

// EscalatePassedCases escalates every open case with a deadline passed
// unmet to its unit's parent (the root's cases stay at the root), notifying
// the parent's handlers and the case's unit: once per deadline, whichever
// node sweeps, however often (the row's escalated_at is set once, and each
// notice carries the deadline in its DedupKey). It returns how many
// deadlines escalated.
func (a *App) EscalatePassedCases(ctx context.Context) (int, error) {
	system := domain.Actor{Name: operatorName, Operator: true}
	moved := 0
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		moved = 0
		now := tx.Now()
		passed, err := tx.PassedCaseDeadlines(ctx, now)
		if err != nil {
			return err
		}
		for _, p := range passed {
			anc, err := tx.Ancestors(ctx, p.OrgID) // root first, the unit last
			if err != nil {
				return err
			}
			to := int64(0)
			if len(anc) >= 2 {
				to = anc[len(anc)-2]
			}
			changed, err := tx.EscalateCaseDeadline(ctx, p.CaseID, p.Kind, to)
			if err != nil {
				return err
			}
			if !changed {
				continue
			}
			moved++
			due := p.DueAt.In(a.clock.Location()).Format("2006-01-02 15:04")
			body := fmt.Sprintf("%s时限 %s 已过，未完成", deadlineName(p.Kind), due)
			if to != 0 {
				body += "，已上报上级单位"
			}
			if err := tx.AddCaseStep(ctx, p.CaseID, "escalate", body, operatorName, 0); err != nil {
				return err
			}
			if err := a.record(ctx, tx, system, AuditEntry{Type: "case.escalate", Target: caseTarget(p.CaseID),
				Detail: fmt.Sprintf("%s org:%d", p.Kind, to)}); err != nil {
				return err
			}
			units := []int64{p.OrgID}
			if to != 0 {
				units = append([]int64{to}, units...)
			}
			if err := a.notify(ctx, tx, domain.Notice{Kind: "case.overdue", Units: units, Perm: domain.PermCaseHandle,
				Subject: "舆情事件超时：" + firstLine(p.Title), Body: body, Link: caseLink(p.CaseID),
				DedupKey: fmt.Sprintf("case:%d:escalated:%s", p.CaseID, p.Kind), At: now}); err != nil {
				return err
			}
		}
		return nil
	})
	return moved, err
}

func deadlineName(d casework.Deadline) string {
	switch d {
	case casework.DeadlineTriage:
		return "研判"
	case casework.DeadlineResponse:
		return "回应"
	}
	return "处置"
}

// caseSweep is the deadline sweep a.Sweeps lists: every minute, so a
// deadline escalates within a minute of passing, on whichever node runs it.
func (a *App) caseSweep() Sweep {
	return Sweep{Name: CaseSweepName, Every: time.Minute, Run: func(ctx context.Context) error {
		_, err := a.EscalatePassedCases(ctx)
		return err
	}}
}

// CaseTiers returns the time limits in force for every severity.
func (a *App) CaseTiers(ctx context.Context, ac domain.Actor) ([]casework.Tier, error) {
	if err := a.caseReader(ac); err != nil {
		return nil, err
	}
	var out []casework.Tier
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		for _, s := range casework.Severities {
			t, err := caseTier(ctx, tx, s)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	return out, err
}

// PutCaseTier sets the time limits of one severity for the whole
// installation: the office's (case.tiers). Cases opened later use them; open
// cases keep theirs until their severity changes.
func (a *App) PutCaseTier(ctx context.Context, ac domain.Actor, t casework.Tier) ([]casework.Tier, error) {
	if err := ac.Require(domain.PermCaseTiers); err != nil {
		return nil, err
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := caseTier(ctx, tx, t.Severity)
		if err != nil {
			return err
		}
		if err := tx.PutCaseTier(ctx, t, ac.Name); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "case.tier", Target: "case_tier:" + string(t.Severity), Before: old.String(), After: t.String()})
	})
	if err != nil {
		return nil, err
	}
	return a.CaseTiers(ctx, ac)
}
