package app

// Problems suggested from the ledger (issue 5 item 6: 存在的问题). zeren reads
// the records of a unit's subtree and period and suggests problems, each with
// the exact numbers and the link to the records behind them; the office
// accepts or drops each, and only accepted problems reach the report. zeren
// suggests, it never decides, and it never writes achievements.
//
// The rules, in the order the suggestions are listed:
//
//  1. no_theory_study: schools (org kind school) of the subtree with no
//     approved theory-study record (pillar "theory", the school's own subtree
//     counted) in a quarter of the period. One suggestion per quarter naming
//     the schools. Only quarters that lie wholly inside the period and have
//     ended are judged (a quarter in progress may still fill up), and only
//     schools alive for the whole quarter.
//  2. below_target: units of the subtree below a duty's target (duties.go)
//     in windows that lie wholly inside the period and have ended. One
//     suggestion per duty naming the units, each with the records link of
//     its first short window; a window in progress may still fill up.
//  3. pillar_drop / unit_drop: approved counts falling against the same
//     period last year, per pillar for the whole subtree and per direct child
//     unit (all pillars together), above the thresholds below. A period in
//     progress is compared with last year up to the same day, like figures.
//  4. no_evidence: the share of approved records of types that expect
//     evidence (the catalog says which) without any evidence file, above
//     MaxNoEvidencePercent of at least MinEvidenceBase such records.
//  5. reused_evidence: one evidence file (same SHA-256) carried by two or more
//     approved records of the subtree and period; one suggestion per file.
//  6. backfill: at least MinBackfillBatch approved records entered on one day
//     (China time) by one account, each dated at least MinBackfillDays before
//     that day. Records entered by the system itself (the console operator:
//     the demo builder, migrations of old ledgers) are not judged.
//
// Cost, for a subtree of U units, T types and a period of M months holding
// N activities: rules 1 and 3 read rollup rows only (O(U·M·T), independent
// of N); rule 4 is two indexed COUNTs over the subtree's records of the
// period (O(N)); rule 5 one GROUP BY over those records' evidence links
// (O(N + links)); rule 6 reads three short columns of those records (O(N))
// and groups them in memory. A county year (≈10⁴ records) takes tens of
// milliseconds.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/period"
	"github.com/zeren-edu/zeren/internal/store"
)

// Problem kinds.
const (
	ProblemNoTheoryStudy  = "no_theory_study"
	ProblemBelowTarget    = "below_target"
	ProblemPillarDrop     = "pillar_drop"
	ProblemUnitDrop       = "unit_drop"
	ProblemNoEvidence     = "no_evidence"
	ProblemReusedEvidence = "reused_evidence"
	ProblemBackfill       = "backfill"
)

// Thresholds of the rules. Each is a judgement about what is worth the
// office's attention; the reasons are part of the rule.
const (
	// A pillar's count for the whole subtree is flagged when it fell by at
	// least MinPillarDropPercent and MinPillarDropCount records: the demo's
	// and real years differ by a few percent per type from chance alone, and
	// a fall of one or two records is no finding in a report.
	MinPillarDropPercent = 10
	MinPillarDropCount   = 3
	// A direct child unit is flagged when its count (all pillars) fell by at
	// least MinUnitDropPercent and MinUnitDropCount records: one unit's
	// figures swing more than the county's, so only a large fall is named.
	MinUnitDropPercent = 30
	MinUnitDropCount   = 5
	// Records without evidence are flagged when they are more than
	// MaxNoEvidencePercent of at least MinEvidenceBase approved records: a
	// share of a handful of records says nothing.
	MaxNoEvidencePercent = 10
	MinEvidenceBase      = 20
	// A file is flagged when MinSharedActivities records carry it: two
	// activities with the same photo is already one photo too many.
	MinSharedActivities = 2
	// A batch is flagged when one account entered at least MinBackfillBatch
	// records on one day, each dated MinBackfillDays or more before it. A
	// few late records are normal (a busy week); ten in one sitting, a month
	// late, is reconstructing the ledger before a deadline.
	MinBackfillBatch = 10
	MinBackfillDays  = 30
	// At most this many unit names are spelled out in a detail sentence; the
	// evidence lists them all.
	maxNamesInDetail = 10
)

// Problem is one suggested problem with its evidence and the office's
// decision.
type Problem struct {
	// Key identifies the problem within its unit and period: a hash of the
	// kind and its parameters (the quarter, the pillar, the child unit, the
	// file, the account and day), the same every time the rules run.
	Key      string          `json:"key"`
	Kind     string          `json:"kind"`
	Title    string          `json:"title"`     // short, in the register of the report (zh)
	TitleEN  string          `json:"title_en"`  // for the English interface
	Detail   string          `json:"detail"`    // one sentence with the exact numbers (zh): the report's paragraph
	DetailEN string          `json:"detail_en"` // the same in English
	Evidence ProblemEvidence `json:"evidence"`
	// Decision is nil while undecided, else "accepted" or "dropped".
	Decision  *string    `json:"decision"`
	Note      string     `json:"note"`
	DecidedBy string     `json:"decided_by,omitempty"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
}

// ProblemEvidence is what backs a problem. Records is the query string for
// GET /api/v1/activities (and the /ledger page) listing exactly the Count
// records the problem counts; it is empty when the evidence is an absence of
// records, and Units then names the units, each with the link showing its
// empty ledger.
type ProblemEvidence struct {
	Records string        `json:"records"`
	Count   int64         `json:"count"`
	Units   []ProblemUnit `json:"units,omitempty"`
	// Compare is the figure compared with (last year's, for a drop).
	Compare *ProblemFigure `json:"compare,omitempty"`
	// Total is the base of a share (all approved records, for no_evidence).
	Total *ProblemFigure `json:"total,omitempty"`
}

// ProblemUnit is a unit named by a problem.
type ProblemUnit struct {
	ID      int64  `json:"id"`
	Code    string `json:"code"`
	Name    string `json:"name"`
	Records string `json:"records"`
}

// ProblemFigure is a count with its records link.
type ProblemFigure struct {
	Records string `json:"records"`
	Count   int64  `json:"count"`
}

// ProblemList is the answer of Problems.
type ProblemList struct {
	OrgID  int64          `json:"org_id"`
	Period ResolvedPeriod `json:"period"`
	Items  []Problem      `json:"items"`
}

// Decisions on a problem.
const (
	DecisionAccepted = "accepted"
	DecisionDropped  = "dropped"
)

// MaxProblemNoteLen bounds a decision's note.
const MaxProblemNoteLen = 500

// operatorName is the name the system's own actor records as an author (see
// OperatorActor); its entries are migrations of history, not back-filling.
const operatorName = "operator"

// Problems suggests the problems of a unit's subtree in a period, with the
// decisions taken on them. It needs activity.read and the unit in the read
// scope (404 otherwise).
func (a *App) Problems(ctx context.Context, ac domain.Actor, orgID int64, periodCode string) (ProblemList, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return ProblemList{}, err
	}
	p, err := problemArgs(orgID, periodCode)
	if err != nil {
		return ProblemList{}, err
	}
	var out ProblemList
	err = a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = a.problems(ctx, tx, ac.Scope, orgID, p)
		return err
	})
	return out, err
}

// AcceptedProblems returns the problems the office accepted for a unit and
// period, in the order Problems lists them, each with its note: the report
// engine prints one paragraph per problem (its Detail) under 存在的问题. A
// problem accepted earlier that the data no longer suggests (the records
// were corrected) is not returned. Same permission and scope as Problems.
func (a *App) AcceptedProblems(ctx context.Context, ac domain.Actor, orgID int64, periodCode string) ([]Problem, error) {
	list, err := a.Problems(ctx, ac, orgID, periodCode)
	if err != nil {
		return nil, err
	}
	out := []Problem{}
	for _, pr := range list.Items {
		if pr.Decision != nil && *pr.Decision == DecisionAccepted {
			out = append(out, pr)
		}
	}
	return out, nil
}

// ProblemDecisionInput is a decision on one problem: Decision nil makes it
// undecided again.
type ProblemDecisionInput struct {
	OrgID    int64   `json:"org_id"`
	Period   string  `json:"period"`
	Decision *string `json:"decision"`
	Note     string  `json:"note"`
}

var problemKeyRE = regexp.MustCompile(`^[0-9a-f]{16}$`)

// DecideProblem records the office's decision on a suggested problem. It
// needs report.manage and the unit in the actor's own (write) scope; a key
// the data does not suggest for that unit and period is not found.
func (a *App) DecideProblem(ctx context.Context, ac domain.Actor, key string, in ProblemDecisionInput) (Problem, error) {
	if err := ac.Require(domain.PermReportManage); err != nil {
		return Problem{}, err
	}
	if !problemKeyRE.MatchString(key) {
		return Problem{}, domain.NotFound("problem %q", key)
	}
	p, err := problemArgs(in.OrgID, in.Period)
	if err != nil {
		return Problem{}, err
	}
	if in.Decision != nil && *in.Decision != DecisionAccepted && *in.Decision != DecisionDropped {
		return Problem{}, domain.Invalid("decision", "must be accepted, dropped or null (undecided), got %q", *in.Decision)
	}
	note := strings.TrimSpace(in.Note)
	if err := domain.TextBlock("note", note); err != nil {
		return Problem{}, err
	}
	if n := utf8.RuneCountInString(note); n > MaxProblemNoteLen {
		return Problem{}, domain.Invalid("note", "must be at most %d characters, got %d", MaxProblemNoteLen, n)
	}
	if in.Decision == nil && note != "" {
		return Problem{}, domain.Invalid("note", "an undecided problem carries no note")
	}
	var out Problem
	for attempt := 0; attempt < 2; attempt++ {
		if out, err = a.decideOnce(ctx, ac, key, in, p, note); !errors.Is(err, errDecisionMoved) {
			return out, err
		}
	}
	return Problem{}, domain.Conflict("decision", "the decision on problem %s was changed by someone else meanwhile; reload and decide again", key)
}

// errDecisionMoved: a problem's decision changed between the read phase of
// a decision and its write.
var errDecisionMoved = errors.New("the problem's decision changed")

// decideOnce runs the problem rules — scans of the period's ledger — in a
// read transaction, then records the decision in a short write that first
// checks the decision it replaces is still the one read (errDecisionMoved
// otherwise), so the rules never hold SQLite's one writer.
func (a *App) decideOnce(ctx context.Context, ac domain.Actor, key string, in ProblemDecisionInput, p period.Period, note string) (Problem, error) {
	write := domain.Scope{Roots: ac.Scope.Roots}
	var out Problem
	var seen store.ProblemDecision
	var had bool
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		list, err := a.problems(ctx, tx, write, in.OrgID, p)
		if err != nil {
			return err
		}
		found := false
		for _, pr := range list.Items {
			if pr.Key == key {
				out, found = pr, true
			}
		}
		if !found {
			return domain.NotFound("problem %s of unit %d in %s (the data no longer suggests it, or it never did)", key, in.OrgID, p.Code())
		}
		ds, err := tx.ProblemDecisions(ctx, in.OrgID, p.Code())
		seen, had = ds[key]
		if a.slowPhase != nil {
			a.slowPhase("problems")
		}
		return err
	})
	if err != nil {
		return Problem{}, err
	}
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		// Decisions of one unit are taken one at a time (PostgreSQL), so the
		// check below and the audit's "before" see the decision replaced.
		if err := tx.LockProblemDecisions(ctx, in.OrgID); err != nil {
			return err
		}
		if _, err := tx.GetOrg(ctx, write, in.OrgID); err != nil {
			return fieldNotFound(err, "org_id")
		}
		ds, err := tx.ProblemDecisions(ctx, in.OrgID, p.Code())
		if err != nil {
			return err
		}
		if now, has := ds[key]; has != had || now != seen {
			return errDecisionMoved
		}
		before := map[string]any{"decision": out.Decision, "note": out.Note}
		target := fmt.Sprintf("problem:%d/%s/%s", in.OrgID, p.Code(), key)
		if in.Decision == nil {
			if err := tx.ClearProblemDecision(ctx, in.OrgID, p.Code(), key); err != nil {
				return err
			}
			out.Decision, out.Note, out.DecidedBy, out.DecidedAt = nil, "", "", nil
		} else {
			d, err := tx.SetProblemDecision(ctx, store.ProblemDecision{OrgID: in.OrgID, Period: p.Code(), Key: key, Kind: out.Kind,
				Decision: *in.Decision, Note: note, DecidedBy: ac.Name})
			if err != nil {
				return err
			}
			dec := d.Decision
			at := d.DecidedAt
			out.Decision, out.Note, out.DecidedBy, out.DecidedAt = &dec, d.Note, d.DecidedBy, &at
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "problem.decide", Target: target, Before: before,
			After: map[string]any{"decision": out.Decision, "note": out.Note, "kind": out.Kind, "title": out.Title}})
	})
	return out, err
}

func problemArgs(orgID int64, code string) (period.Period, error) {
	if orgID <= 0 {
		return period.Period{}, domain.Invalid("org_id", "is required")
	}
	if code == "" {
		return period.Period{}, domain.Invalid("period", "is required (e.g. 2024, 2024Q3, 2024-2025学年)")
	}
	return period.Parse(code)
}

// problemKey hashes a kind and its parameters into a stable key.
func problemKey(kind string, params ...string) string {
	h := sha256.New()
	h.Write([]byte(kind))
	for _, p := range params {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// problemRun is one evaluation of the rules.
type problemRun struct {
	a        *App
	tx       *store.Tx
	scope    domain.Scope
	org      domain.OrgUnit
	p        period.Period
	rp       ResolvedPeriod
	cal      period.Calendar
	today    domain.Date
	approved []domain.Status
	out      []Problem
}

func (a *App) problems(ctx context.Context, tx *store.Tx, scope domain.Scope, orgID int64, p period.Period) (ProblemList, error) {
	org, err := tx.GetOrg(ctx, scope, orgID)
	if err != nil {
		return ProblemList{}, fieldNotFound(err, "org_id")
	}
	cal, err := a.calendarOf(ctx, tx, orgID)
	if err != nil {
		return ProblemList{}, err
	}
	r := &problemRun{a: a, tx: tx, scope: scope, org: org, p: p, rp: resolved(p, cal), cal: cal, today: a.Today(),
		approved: []domain.Status{domain.StatusApproved}, out: []Problem{}}
	for _, rule := range []func(context.Context) error{r.noTheoryStudy, r.belowTarget, r.pillarDrops, r.unitDrops, r.noEvidence, r.reusedEvidence, r.backfill} {
		if err := rule(ctx); err != nil {
			return ProblemList{}, err
		}
	}
	decisions, err := tx.ProblemDecisions(ctx, orgID, p.Code())
	if err != nil {
		return ProblemList{}, err
	}
	for i := range r.out {
		if d, ok := decisions[r.out[i].Key]; ok {
			dec, at := d.Decision, d.DecidedAt
			r.out[i].Decision, r.out[i].Note, r.out[i].DecidedBy, r.out[i].DecidedAt = &dec, d.Note, d.DecidedBy, &at
		}
	}
	return ProblemList{OrgID: orgID, Period: r.rp, Items: r.out}, nil
}

// link builds a ledger query string; approved records unless statuses say
// otherwise is the caller's business.
func link(org int64, kv ...string) string {
	v := url.Values{}
	v.Set("org_id", strconv.FormatInt(org, 10))
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v.Encode()
}

// names joins unit names for a detail sentence, at most maxNamesInDetail.
func names(us []ProblemUnit, sep string) string {
	var ns []string
	for i, u := range us {
		if i == maxNamesInDetail {
			break
		}
		ns = append(ns, u.Name)
	}
	return strings.Join(ns, sep)
}

// pct is the whole percent part/whole, rounded down (honest words).
func pct(part, whole int64) int64 {
	if whole <= 0 {
		return 0
	}
	return part * 100 / whole
}

// Rule 1.
func (r *problemRun) noTheoryStudy(ctx context.Context) error {
	var quarters []period.Period
	for y := r.rp.Range.From.Year; y <= r.rp.Range.To.Year; y++ {
		for n := 1; n <= 4; n++ {
			q := period.Period{Kind: period.Quarter, Year: y, N: n}
			qr := q.Range(r.cal)
			inside := !qr.From.Before(r.rp.Range.From) && !r.rp.Range.To.Before(qr.To)
			ended := !r.today.Before(qr.To)
			if inside && ended {
				quarters = append(quarters, q)
			}
		}
	}
	if len(quarters) == 0 {
		return nil
	}
	types, err := r.a.resolveTypes(ctx, r.tx, nil, domain.PillarTheory)
	if err != nil {
		return err
	}
	schools, _, err := r.tx.ListOrgs(ctx, r.scope, store.OrgFilter{Under: r.org.ID, Kind: domain.OrgSchool})
	if err != nil || len(schools) == 0 {
		return err
	}
	first, last := quarters[0].Range(r.cal), quarters[len(quarters)-1].Range(r.cal)
	counts, err := r.tx.UnitMonthCounts(ctx, r.scope, store.UnitMonthQuery{Root: r.org.ID, Kind: domain.OrgSchool, TypeIDs: types,
		Statuses: r.approved, FromMonth: first.From.MonthKey(), UntilMonth: last.To.MonthKey()})
	if err != nil {
		return err
	}
	held := map[int64]map[string]int64{} // unit → month → count
	for _, c := range counts {
		if held[c.OrgID] == nil {
			held[c.OrgID] = map[string]int64{}
		}
		held[c.OrgID][c.Month] += c.Count
	}
	for _, q := range quarters {
		qr := q.Range(r.cal)
		var missing []ProblemUnit
		for _, s := range schools {
			if !s.Lived(qr.From) || !s.Lived(qr.To.AddDays(-1)) {
				continue
			}
			var n int64
			for m := qr.From; m.Before(qr.To); m = domain.NewDate(m.Year, m.Month+1, 1) {
				n += held[s.ID][m.MonthKey()]
			}
			if n == 0 {
				missing = append(missing, ProblemUnit{ID: s.ID, Code: s.Code, Name: s.Name,
					Records: link(s.ID, "period", q.Code(), "pillar", domain.PillarTheory, "status", string(domain.StatusApproved))})
			}
		}
		if len(missing) == 0 {
			continue
		}
		k := len(missing)
		more, moreEN := "", ""
		if k > maxNamesInDetail {
			more, moreEN = "等", " and others"
		}
		r.out = append(r.out, Problem{
			Key: problemKey(ProblemNoTheoryStudy, q.Code()), Kind: ProblemNoTheoryStudy,
			Title:    fmt.Sprintf("%s部分学校理论学习存在空档", q.Label("zh")),
			TitleEN:  fmt.Sprintf("Schools with no theory study in %s", q.Label("en")),
			Detail:   fmt.Sprintf("%s，%s%s%d所学校未开展理论学习活动。", q.Label("zh"), names(missing, "、"), more, k),
			DetailEN: fmt.Sprintf("In %s, %d school(s) held no theory study: %s%s.", q.Label("en"), k, names(missing, ", "), moreEN),
			Evidence: ProblemEvidence{Count: int64(k), Units: missing},
		})
	}
	return nil
}

// Rule 2.
func (r *problemRun) belowTarget(ctx context.Context) error {
	sub := domain.Scope{Roots: []int64{r.org.ID}}
	var ds []domain.Duty
	for y := r.rp.Range.From.Year; y <= r.rp.Range.To.AddDays(-1).Year; y++ {
		got, err := r.tx.ListDuties(ctx, sub, store.DutyFilter{Year: y})
		if err != nil {
			return err
		}
		ds = append(ds, got...)
	}
	if len(ds) == 0 {
		return nil
	}
	units, err := r.a.dutyUnits(ctx, r.tx, sub, ds)
	if err != nil {
		return err
	}
	m, err := r.a.newProgressRun(r.tx, sub).measure(ctx, units, ds)
	if err != nil {
		return err
	}
	byDuty := map[int64][]ProblemUnit{}
	windows := map[int64]map[string]string{} // duty → window code → label, of the short ones
	for _, u := range units {
		for _, p := range m[u.ID] {
			first, short := "", false
			for i, w := range p.Windows {
				inside := !w.Range.From.Before(r.rp.Range.From) && !r.rp.Range.To.Before(w.Range.To)
				if !inside || !w.Ended || w.Met {
					continue
				}
				if !short {
					first, short = p.WindowRecords[i], true // "" for a checklist item: no record measures it
				}
				if windows[p.DutyID] == nil {
					windows[p.DutyID] = map[string]string{}
				}
				windows[p.DutyID][w.Code] = w.LabelZH
			}
			if short {
				byDuty[p.DutyID] = append(byDuty[p.DutyID], ProblemUnit{ID: u.ID, Code: u.Code, Name: u.Name, Records: first})
			}
		}
	}
	for _, d := range ds {
		missing := byDuty[d.ID]
		if len(missing) == 0 {
			continue
		}
		var codes []string
		for c := range windows[d.ID] {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		var labels []string
		for _, c := range codes {
			labels = append(labels, windows[d.ID][c])
		}
		k := len(missing)
		more, moreEN := "", ""
		if k > maxNamesInDetail {
			more, moreEN = "等", " and others"
		}
		r.out = append(r.out, Problem{
			Key: problemKey(ProblemBelowTarget, strconv.FormatInt(d.ID, 10)), Kind: ProblemBelowTarget,
			Title:    fmt.Sprintf("部分单位未完成“%s”目标", d.Title),
			TitleEN:  fmt.Sprintf("Units below the target of \"%s\"", d.Title),
			Detail:   fmt.Sprintf("“%s”在%s未达到目标，涉及%s%s%d个单位。", d.Title, strings.Join(labels, "、"), names(missing, "、"), more, k),
			DetailEN: fmt.Sprintf("%d unit(s) fell short of \"%s\" in %s: %s%s.", k, d.Title, strings.Join(codes, ", "), names(missing, ", "), moreEN),
			Evidence: ProblemEvidence{Count: int64(k), Units: missing},
		})
	}
	return nil
}

// lastYear is the period compared with: the same period a year earlier, up
// to the same day when the period is in progress (as figures compare). It
// returns the range and its ledger parameters.
func (r *problemRun) lastYear() (domain.Range, []string) {
	lp := resolved(r.p.SameLastYear(), r.cal)
	if r.rp.Range.Contains(r.today) {
		cut := domain.NewDate(r.today.Year-1, r.today.Month, r.today.Day).AddDays(1)
		if cut.Before(lp.Range.To) && lp.Range.From.Before(cut) {
			rg := domain.Range{From: lp.Range.From, To: cut}
			return rg, []string{"from", rg.From.String(), "to", cut.AddDays(-1).String()}
		}
	}
	return lp.Range, []string{"period", lp.Code}
}

func (r *problemRun) count(ctx context.Context, org int64, types []int64, rg domain.Range) (int64, error) {
	gs, err := r.tx.Aggregate(ctx, r.scope, store.AggQuery{OrgID: org, TypeIDs: types, Range: rg, Statuses: r.approved}, store.GroupNone)
	if err != nil {
		return 0, err
	}
	return store.Total(gs).Count, nil
}

// Rule 3, per pillar.
func (r *problemRun) pillarDrops(ctx context.Context) error {
	lyRange, lyParams := r.lastYear()
	for _, pl := range domain.Pillars {
		types, err := r.a.resolveTypes(ctx, r.tx, nil, pl.Code)
		if err != nil {
			return err
		}
		now, err := r.count(ctx, r.org.ID, types, r.rp.Range)
		if err != nil {
			return err
		}
		before, err := r.count(ctx, r.org.ID, types, lyRange)
		if err != nil {
			return err
		}
		drop := before - now
		if drop < MinPillarDropCount || pct(drop, before) < MinPillarDropPercent {
			continue
		}
		st := []string{"pillar", pl.Code, "status", string(domain.StatusApproved)}
		r.out = append(r.out, Problem{
			Key: problemKey(ProblemPillarDrop, pl.Code), Kind: ProblemPillarDrop,
			Title:   fmt.Sprintf("%s工作开展场次同比下降", pillarShort(pl)),
			TitleEN: fmt.Sprintf("Fewer %s activities than last year", strings.ToLower(pl.NameEN)),
			Detail: fmt.Sprintf("%s%s%s类活动共开展%d场次，较去年同期（%d场次）减少%d场次，下降%d%%。",
				r.rp.LabelZH, r.org.Name, pillarShort(pl), now, before, drop, pct(drop, before)),
			DetailEN: fmt.Sprintf("%s: %s held %d %s activities, %d fewer than the same period last year (%d), down %d%%.",
				r.rp.LabelEN, r.org.Name, now, strings.ToLower(pl.NameEN), drop, before, pct(drop, before)),
			Evidence: ProblemEvidence{Records: link(r.org.ID, append([]string{"period", r.rp.Code}, st...)...), Count: now,
				Compare: &ProblemFigure{Records: link(r.org.ID, append(append([]string{}, lyParams...), st...)...), Count: before}},
		})
	}
	return nil
}

// pillarShort is a pillar's name as a report says it in a sentence
// ("理论学习", not the heading "狠抓理论学习").
func pillarShort(p domain.Pillar) string {
	switch p.Code {
	case domain.PillarLeadership:
		return "组织领导"
	case domain.PillarTheory:
		return "理论学习"
	}
	return p.Name
}

// Rule 3, per direct child unit.
func (r *problemRun) unitDrops(ctx context.Context) error {
	lyRange, lyParams := r.lastYear()
	active := true
	children, _, err := r.tx.ListOrgs(ctx, r.scope, store.OrgFilter{Under: r.org.ID, ParentID: r.org.ID, Active: &active})
	if err != nil {
		return err
	}
	for _, c := range children {
		now, err := r.count(ctx, c.ID, nil, r.rp.Range)
		if err != nil {
			return err
		}
		before, err := r.count(ctx, c.ID, nil, lyRange)
		if err != nil {
			return err
		}
		drop := before - now
		if drop < MinUnitDropCount || pct(drop, before) < MinUnitDropPercent {
			continue
		}
		st := []string{"status", string(domain.StatusApproved)}
		r.out = append(r.out, Problem{
			Key: problemKey(ProblemUnitDrop, strconv.FormatInt(c.ID, 10)), Kind: ProblemUnitDrop,
			Title:   fmt.Sprintf("%s各项活动开展场次同比明显下降", c.Name),
			TitleEN: fmt.Sprintf("%s: far fewer activities than last year", c.Name),
			Detail: fmt.Sprintf("%s%s共开展各类活动%d场次，较去年同期（%d场次）减少%d场次，下降%d%%。",
				r.rp.LabelZH, c.Name, now, before, drop, pct(drop, before)),
			DetailEN: fmt.Sprintf("%s: %s held %d activities, %d fewer than the same period last year (%d), down %d%%.",
				r.rp.LabelEN, c.Name, now, drop, before, pct(drop, before)),
			Evidence: ProblemEvidence{Records: link(c.ID, append([]string{"period", r.rp.Code}, st...)...), Count: now,
				Compare: &ProblemFigure{Records: link(c.ID, append(append([]string{}, lyParams...), st...)...), Count: before}},
		})
	}
	return nil
}

// Rule 4. Only types that expect evidence are judged: a monitoring patrol
// needs no photo, and asking for one would be formalism (see the catalog).
func (r *problemRun) noEvidence(ctx context.Context) error {
	all, err := r.tx.ListTypes(ctx, "", false)
	if err != nil {
		return err
	}
	types := []int64{}
	typeParams := []string{}
	for _, t := range all {
		if t.ExpectsEvidence {
			types = append(types, t.ID)
			typeParams = append(typeParams, "type_id", strconv.FormatInt(t.ID, 10))
		}
	}
	if len(types) == 0 {
		return nil
	}
	no := false
	base := store.ActivityFilter{OrgID: r.org.ID, TypeIDs: types, Range: &r.rp.Range, Statuses: r.approved, Limit: 1}
	_, total, err := r.tx.ListActivities(ctx, r.scope, base)
	if err != nil {
		return err
	}
	without := base
	without.HasEvidence = &no
	_, n, err := r.tx.ListActivities(ctx, r.scope, without)
	if err != nil {
		return err
	}
	if total < MinEvidenceBase || int64(n)*100 <= int64(total)*MaxNoEvidencePercent {
		return nil
	}
	share := pct(int64(n), int64(total))
	approved := append([]string{"period", r.rp.Code, "status", string(domain.StatusApproved)}, typeParams...)
	r.out = append(r.out, Problem{
		Key: problemKey(ProblemNoEvidence), Kind: ProblemNoEvidence,
		Title:    "部分活动佐证材料不全",
		TitleEN:  "Activities without evidence",
		Detail:   fmt.Sprintf("%s已审核通过、应附佐证材料的%d项活动中，有%d项未上传佐证材料，占%d%%。", r.rp.LabelZH, total, n, share),
		DetailEN: fmt.Sprintf("%s: %d of %d approved activities of types that expect evidence (%d%%) have no evidence file.", r.rp.LabelEN, n, total, share),
		Evidence: ProblemEvidence{Records: link(r.org.ID, append(approved, "has_evidence", "false")...), Count: int64(n),
			Total: &ProblemFigure{Records: link(r.org.ID, approved...), Count: int64(total)}},
	})
	return nil
}

// Rule 5.
func (r *problemRun) reusedEvidence(ctx context.Context) error {
	files, err := r.tx.SharedEvidence(ctx, r.scope, r.org.ID, r.rp.Range, r.approved, MinSharedActivities)
	if err != nil {
		return err
	}
	for _, f := range files {
		units := ""
		unitsEN := ""
		if f.Units > 1 {
			units = fmt.Sprintf("，涉及%d个单位", f.Units)
			unitsEN = fmt.Sprintf(" of %d units", f.Units)
		}
		r.out = append(r.out, Problem{
			Key: problemKey(ProblemReusedEvidence, f.SHA256), Kind: ProblemReusedEvidence,
			Title:    "佐证材料存在重复使用情况",
			TitleEN:  "The same evidence file on several activities",
			Detail:   fmt.Sprintf("%s，同一佐证文件“%s”被%d项活动重复使用%s。", r.rp.LabelZH, f.Filename, f.Activities, units),
			DetailEN: fmt.Sprintf("%s: the same file \"%s\" backs %d activities%s.", r.rp.LabelEN, f.Filename, f.Activities, unitsEN),
			Evidence: ProblemEvidence{Records: link(r.org.ID, "period", r.rp.Code, "status", string(domain.StatusApproved), "evidence", f.SHA256),
				Count: f.Activities},
		})
	}
	return nil
}

// Rule 6.
func (r *problemRun) backfill(ctx context.Context) error {
	rows, err := r.tx.EntryRows(ctx, r.scope, r.org.ID, r.rp.Range, r.approved, operatorName)
	if err != nil {
		return err
	}
	type batchKey struct {
		by  string
		day domain.Date
	}
	type batch struct {
		n        int64
		earliest domain.Date
	}
	batches := map[batchKey]*batch{}
	for _, e := range rows {
		day := r.a.clock.DateOf(e.CreatedAt)
		if day.AddDays(-MinBackfillDays).Before(e.Date) {
			continue // entered within MinBackfillDays of the activity
		}
		k := batchKey{e.CreatedBy, day}
		b := batches[k]
		if b == nil {
			b = &batch{earliest: e.Date}
			batches[k] = b
		}
		b.n++
		if e.Date.Before(b.earliest) {
			b.earliest = e.Date
		}
	}
	keys := make([]batchKey, 0, len(batches))
	for k, b := range batches {
		if b.n >= MinBackfillBatch {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].day != keys[j].day {
			return keys[i].day.Before(keys[j].day)
		}
		return keys[i].by < keys[j].by
	})
	for _, k := range keys {
		b := batches[k]
		to := k.day.AddDays(-MinBackfillDays)
		if last := r.rp.Range.To.AddDays(-1); last.Before(to) {
			to = last
		}
		r.out = append(r.out, Problem{
			Key: problemKey(ProblemBackfill, k.by, k.day.String()), Kind: ProblemBackfill,
			Title:   "活动记录存在集中补录情况",
			TitleEN: "Activities entered in bulk long after they happened",
			Detail: fmt.Sprintf("%d年%d月%d日，账号%s集中录入了%s开展的%d项活动，均在活动开展%d天以后录入（最早一项为%d年%d月%d日）。",
				k.day.Year, k.day.Month, k.day.Day, k.by, r.rp.LabelZH, b.n, MinBackfillDays, b.earliest.Year, b.earliest.Month, b.earliest.Day),
			DetailEN: fmt.Sprintf("On %s the account %s entered %d activities of %s, each %d or more days after it happened (the earliest on %s).",
				k.day, k.by, b.n, r.rp.LabelEN, MinBackfillDays, b.earliest),
			Evidence: ProblemEvidence{Records: link(r.org.ID, "from", r.rp.Range.From.String(), "to", to.String(),
				"status", string(domain.StatusApproved), "created_by", k.by, "entered_on", k.day.String()), Count: b.n},
		})
	}
	return nil
}

// EnteredRange is the instants of a day in the bureau's time zone, [from,
// to), for the ledger's entered_on filter.
func (a *App) EnteredRange(day domain.Date) (time.Time, time.Time) {
	return a.clock.Instants(domain.Range{From: day, To: day.AddDays(1)})
}
