package app

import (
	"context"
	"fmt"

	"github.com/zeren-edu/zeren/internal/audit"
	"github.com/zeren-edu/zeren/internal/store"
)

// AuditAnchors is where the audit trail's anchors go: keyed checkpoints of
// the chain's head written outside the database (see audit.Anchor), so that
// deleting the newest events, or rewriting events and re-hashing the rest, is
// detected. Path is the anchor file; Key the HMAC key, which the database
// never holds.
type AuditAnchors struct {
	Path string
	Key  []byte
}

// UseAuditAnchors makes the audit admin's verification (VerifyAuditAnchored
// through the API) check the chain against these anchors too.
func (a *App) UseAuditAnchors(an AuditAnchors) { a.anchors = &an }

// AnchorAudit appends an anchor of the chain's head to an.Path, at the App's
// clock, unless the chain is empty or its head is still since (the head
// anchored last; the zero Head to always write). It returns the anchor and
// whether it wrote one.
func (a *App) AnchorAudit(ctx context.Context, an AuditAnchors, since audit.Head) (audit.Anchor, bool, error) {
	var head store.AuditRow
	var ok bool
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		head, ok, err = tx.AuditAt(ctx, 0)
		return err
	})
	if err != nil || !ok {
		return audit.Anchor{}, false, err
	}
	h := audit.Head{Seq: head.Seq, Hash: head.Hash}
	if h == since {
		return audit.Anchor{}, false, nil
	}
	anc, err := audit.NewAnchor(an.Key, h, audit.Alg(head.Alg), a.now())
	if err != nil {
		return audit.Anchor{}, false, fmt.Errorf("audit anchor at seq %d: %w", h.Seq, err)
	}
	if err := audit.AppendAnchor(an.Path, anc); err != nil {
		return audit.Anchor{}, false, err
	}
	return anc, true, nil
}

// CheckLastAuditAnchor compares the database with the newest anchor of
// an.Path, reading two rows, not the chain: serve runs it at start-up to
// report at once a trail truncated or replaced while the server was down.
// ok is false when there is no anchor yet; p is nil when the chain agrees.
func (a *App) CheckLastAuditAnchor(ctx context.Context, an AuditAnchors) (last audit.Anchor, ok bool, p *audit.Problem, err error) {
	last, ok, err = audit.LastAnchor(an.Path, an.Key)
	if err != nil || !ok {
		return last, ok, nil, err
	}
	var at, head store.AuditRow
	var found bool
	err = a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		if at, found, err = tx.AuditAt(ctx, last.Seq); err != nil {
			return err
		}
		head, _, err = tx.AuditAt(ctx, 0)
		return err
	})
	switch {
	case err != nil:
		return last, ok, nil, err
	case !found && head.Seq < last.Seq:
		p = &audit.Problem{Seq: head.Seq + 1, Kind: audit.ProblemTruncated, Message: fmt.Sprintf(
			"the trail ends at seq %d, but seq %d (%s) was anchored at %s: the events after seq %d were deleted",
			head.Seq, last.Seq, last.Hash, last.Time.Format("2006-01-02 15:04:05Z"), head.Seq)}
	case !found:
		p = &audit.Problem{Seq: last.Seq, Kind: audit.ProblemMissing, Message: fmt.Sprintf("anchored seq %d is missing from the trail", last.Seq)}
	case at.Hash != last.Hash:
		p = &audit.Problem{Seq: last.Seq, Kind: audit.ProblemHeadMismatch, Message: fmt.Sprintf(
			"seq %d has hash %s, but %s was anchored: events up to seq %d were rewritten and re-hashed, or the database was replaced",
			last.Seq, at.Hash, last.Hash, last.Seq)}
	}
	return last, ok, p, nil
}

// AuditVerification is a verification of the chain against anchors.
type AuditVerification struct {
	audit.Report
	// AnchorFile is the anchor file checked ("" when none was configured).
	AnchorFile string `json:"anchor_file,omitempty"`
	// AnchorFileFound is false when AnchorFile does not exist yet.
	AnchorFileFound bool `json:"anchor_file_found"`
	// Anchors is the number of anchors whose MAC checked out; each was
	// compared with the chain.
	Anchors int `json:"anchors"`
	// LastAnchor is the newest of them.
	LastAnchor *audit.Anchor `json:"last_anchor,omitempty"`
	// AnchorProblems are lines of the anchor file that cannot be trusted:
	// altered, forged or written with another key.
	AnchorProblems []audit.AnchorProblem `json:"anchor_problems,omitempty"`
}

// OK reports whether the chain is intact, agrees with every anchor, and every
// anchor line checked out.
func (v AuditVerification) OK() bool { return v.Report.OK() && len(v.AnchorProblems) == 0 }

// VerifyAuditAnchored re-computes the chain and compares it with every
// anchor of an.Path whose MAC checks out under an.Key. With no anchors
// configured (an == nil: the App's own, set by UseAuditAnchors), it checks
// the chain alone.
func (a *App) VerifyAuditAnchored(ctx context.Context, an *AuditAnchors) (AuditVerification, error) {
	if an == nil {
		an = a.anchors
	}
	var v AuditVerification
	var opt audit.Options
	if an != nil {
		v.AnchorFile = an.Path
		anchors, problems, found, err := audit.ReadAnchorFile(an.Path, an.Key)
		if err != nil {
			return v, fmt.Errorf("reading the audit anchors %s: %w", an.Path, err)
		}
		v.AnchorFileFound, v.Anchors, v.AnchorProblems = found, len(anchors), problems
		if len(anchors) > 0 {
			last := anchors[len(anchors)-1]
			v.LastAnchor = &last
		}
		opt.Heads = audit.AnchorHeads(anchors)
	}
	rep, err := a.verifyAudit(ctx, opt)
	v.Report = rep
	return v, err
}
