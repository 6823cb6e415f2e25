package app

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/zeren-edu/zeren/internal/assess"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// The yearly assessment (考核, issue 13 item 6): a rubric scores the units of
// one kind in a unit's subtree for a year; each item scores one indicator,
// measured from the records that already exist, by a rule of internal/assess.
// A manual adjustment needs a written reason and is audited. Writing rubrics
// and adjustments needs assessment.manage over the rubric's unit; reading
// scores needs activity.read, and a reader sees the units of its own scope
// with their rank among all the rubric's units.
//
// No indicator may measure clicks, logins or time online: only work done
// (records, their timeliness and approval, rectifications closed). The
// registry below is the one place an indicator can be added.

// IndicatorValue is one unit's measure: Value is what the rule scores (a
// count, or a share from 0 to 1 = Num/Den); Records opens what was counted.
type IndicatorValue struct {
	Value   float64 `json:"value"`
	Num     int     `json:"num"`
	Den     int     `json:"den"`
	Records string  `json:"records"`
}

// measureEnv is what an indicator measures over: the assessed units, the
// year, and the facts read once for all of them.
type measureEnv struct {
	tx      *store.Tx
	units   []int64
	year    int
	rng     domain.Range
	today   domain.Date
	records []store.UnitRecord // read on first use
	rects   []store.UnitRect
	loaded  map[string]bool
}

func (m *measureEnv) recordFacts(ctx context.Context) ([]store.UnitRecord, error) {
	if !m.loaded["records"] {
		var err error
		if m.records, err = m.tx.SubtreeRecords(ctx, m.units, m.rng); err != nil {
			return nil, err
		}
		m.loaded["records"] = true
	}
	return m.records, nil
}

func (m *measureEnv) rectFacts(ctx context.Context) ([]store.UnitRect, error) {
	if !m.loaded["rects"] {
		var err error
		if m.rects, err = m.tx.SubtreeRectifications(ctx, m.units, m.rng); err != nil {
			return nil, err
		}
		m.loaded["rects"] = true
	}
	return m.rects, nil
}

// Indicator is one measure an item may score.
type Indicator struct {
	Name    string `json:"name"`
	Label   string `json:"label"` // Chinese
	LabelEN string `json:"label_en"`
	Doc     string `json:"doc"`
	Share   bool   `json:"share"` // a share from 0 to 1 (else a count)
	// Params lists the item parameters it reads.
	Params  []string                                                                                   `json:"params"`
	measure func(ctx context.Context, m *measureEnv, it assess.Item) (map[int64]IndicatorValue, error) `json:"-"`
}

// Indicator names.
const (
	IndActivityCount   = "activity_count"
	IndRecordsTimely   = "records_timely"
	IndApprovedShare   = "approved_share"
	IndRectOnTime      = "rectifications_on_time"
	IndDutyCompletion  = "duty_completion"
	DefaultTimelyDays  = 7
	maxTimelyDays      = 366
	maxAdjustReasonLen = 500
)

// indicators is the registry, keyed by name. Each measures work done, from
// the records; see the package comment for what may never be scored.
func (a *App) indicators() map[string]Indicator {
	reg := map[string]Indicator{
		IndActivityCount: {Name: IndActivityCount, Label: "活动场次", LabelEN: "Activities held",
			Doc:    "approved records of the given types (params.types: codes, comma-separated) or pillar (params.pillar) dated in the year",
			Params: []string{"types", "pillar"}, measure: a.measureCount},
		IndRecordsTimely: {Name: IndRecordsTimely, Label: "台账及时率", LabelEN: "Records entered on time", Share: true,
			Doc:    "share of the year's submitted and approved records entered within params.days (default 7) days of their date",
			Params: []string{"days"}, measure: a.measureTimely},
		IndApprovedShare: {Name: IndApprovedShare, Label: "审核通过率", LabelEN: "Records approved", Share: true,
			Doc: "share of the year's submitted, approved and returned records that are approved", measure: a.measureApproved},
		IndRectOnTime: {Name: IndRectOnTime, Label: "整改按时完成率", LabelEN: "Rectifications closed on time", Share: true,
			Doc:     "share of the rectifications due in the year (deadline passed) that were closed, done by their deadline; 1 when none was due",
			measure: a.measureRectOnTime},
		IndDutyCompletion: {Name: IndDutyCompletion, Label: "责任清单完成率", LabelEN: "Duties completed", Share: true,
			Doc:     "share of the duty windows of the year that ended (or checklist items due) in which the unit met its target; 1 when none was due",
			measure: a.measureDutyCompletion},
		IndCasesOnTime: {Name: IndCasesOnTime, Label: "舆情事件按时处置率", LabelEN: "Cases handled on time", Share: true,
			Doc:     "share of the public-concern cases of the unit's subtree opened in the year, with a deadline fallen or a step done, whose every such deadline was met; 1 when none",
			measure: a.measureCasesOnTime},
		IndExamAverage: {Name: IndExamAverage, Label: "考试人均得分", LabelEN: "Exam average score",
			Doc: "mean best score (100-point scale) of the unit's subtree's candidates in the exams closed in the year", measure: a.measureExamAverage},
	}
	return reg
}

// Indicators lists the registry for the rubric editor.
func (a *App) Indicators() []Indicator {
	reg := a.indicators()
	out := make([]Indicator, 0, len(reg))
	for _, ind := range reg {
		if ind.Params == nil {
			ind.Params = []string{}
		}
		out = append(out, ind)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (m *measureEnv) link(org int64, kv ...string) string {
	return link(org, append([]string{"period", strconv.Itoa(m.year)}, kv...)...)
}

func share(num, den int) float64 {
	if den == 0 {
		return 0
	}
	return float64(num) / float64(den)
}

func (a *App) measureCount(ctx context.Context, m *measureEnv, it assess.Item) (map[int64]IndicatorValue, error) {
	var typeIDs map[int64]bool
	kv := []string{"status", string(domain.StatusApproved)}
	if codes := strings.TrimSpace(it.Params["types"]); codes != "" {
		typeIDs = map[int64]bool{}
		for _, c := range strings.Split(codes, ",") {
			ty, err := m.tx.TypeByCode(ctx, strings.TrimSpace(c))
			if err != nil {
				return nil, domain.Invalid("params.types", "%q is not an activity type", strings.TrimSpace(c))
			}
			typeIDs[ty.ID] = true
			kv = append(kv, "type_id", strconv.FormatInt(ty.ID, 10))
		}
	} else if p := strings.TrimSpace(it.Params["pillar"]); p != "" {
		types, err := m.tx.ListTypes(ctx, p, false)
		if err != nil {
			return nil, err
		}
		if len(types) == 0 {
			return nil, domain.Invalid("params.pillar", "%q is not a pillar with activity types", p)
		}
		typeIDs = map[int64]bool{}
		for _, ty := range types {
			typeIDs[ty.ID] = true
		}
		kv = append(kv, "pillar", p)
	}
	recs, err := m.recordFacts(ctx)
	if err != nil {
		return nil, err
	}
	n := map[int64]int{}
	for _, r := range recs {
		if r.Status == domain.StatusApproved && (typeIDs == nil || typeIDs[r.TypeID]) {
			n[r.Unit]++
		}
	}
	out := map[int64]IndicatorValue{}
	for _, u := range m.units {
		out[u] = IndicatorValue{Value: float64(n[u]), Num: n[u], Records: m.link(u, kv...)}
	}
	return out, nil
}

func timelyDays(it assess.Item) (int, error) {
	s := strings.TrimSpace(it.Params["days"])
	if s == "" {
		return DefaultTimelyDays, nil
	}
	d, err := strconv.Atoi(s)
	if err != nil || d < 0 || d > maxTimelyDays {
		return 0, domain.Invalid("params.days", "%q is not a number of days from 0 to %d", s, maxTimelyDays)
	}
	return d, nil
}

func (a *App) measureTimely(ctx context.Context, m *measureEnv, it assess.Item) (map[int64]IndicatorValue, error) {
	days, err := timelyDays(it)
	if err != nil {
		return nil, err
	}
	recs, err := m.recordFacts(ctx)
	if err != nil {
		return nil, err
	}
	num, den := map[int64]int{}, map[int64]int{}
	for _, r := range recs {
		if r.Status != domain.StatusSubmitted && r.Status != domain.StatusApproved {
			continue
		}
		den[r.Unit]++
		// Entered on the bureau's calendar day, not UTC's.
		if !a.clock.DateOf(r.CreatedAt).After(r.Date.AddDays(days)) {
			num[r.Unit]++
		}
	}
	out := map[int64]IndicatorValue{}
	for _, u := range m.units {
		out[u] = IndicatorValue{Value: share(num[u], den[u]), Num: num[u], Den: den[u],
			Records: m.link(u, "status", string(domain.StatusSubmitted), "status", string(domain.StatusApproved))}
	}
	return out, nil
}

func (a *App) measureApproved(ctx context.Context, m *measureEnv, _ assess.Item) (map[int64]IndicatorValue, error) {
	recs, err := m.recordFacts(ctx)
	if err != nil {
		return nil, err
	}
	num, den := map[int64]int{}, map[int64]int{}
	for _, r := range recs {
		den[r.Unit]++ // every non-draft record
		if r.Status == domain.StatusApproved {
			num[r.Unit]++
		}
	}
	out := map[int64]IndicatorValue{}
	for _, u := range m.units {
		out[u] = IndicatorValue{Value: share(num[u], den[u]), Num: num[u], Den: den[u],
			Records: m.link(u, "status", string(domain.StatusSubmitted), "status", string(domain.StatusApproved), "status", string(domain.StatusReturned))}
	}
	return out, nil
}

func (a *App) measureRectOnTime(ctx context.Context, m *measureEnv, _ assess.Item) (map[int64]IndicatorValue, error) {
	rs, err := m.rectFacts(ctx)
	if err != nil {
		return nil, err
	}
	num, den := map[int64]int{}, map[int64]int{}
	for _, r := range rs {
		// Due: the deadline has passed, or it was closed anyway.
		if r.State != domain.RectClosed && !r.Deadline.Before(m.today) {
			continue
		}
		den[r.Unit]++
		if r.State == domain.RectClosed && !r.SubmittedOn.After(r.Deadline) {
			num[r.Unit]++
		}
	}
	out := map[int64]IndicatorValue{}
	for _, u := range m.units {
		v := 1.0 // nothing was due: nothing was late
		if den[u] > 0 {
			v = share(num[u], den[u])
		}
		out[u] = IndicatorValue{Value: v, Num: num[u], Den: den[u],
			Records: fmt.Sprintf("/rectifications?org_id=%d&year=%d", u, m.year)}
	}
	return out, nil
}

// measureDutyCompletion scores the duty list: windows met over windows due,
// from the same progress the duty pages show (the rollups).
func (a *App) measureDutyCompletion(ctx context.Context, m *measureEnv, _ assess.Item) (map[int64]IndicatorValue, error) {
	tally, err := a.DutyCompletion(ctx, m.tx, m.units, m.year)
	if err != nil {
		return nil, err
	}
	out := map[int64]IndicatorValue{}
	for _, u := range m.units {
		t := tally[u]
		v := 1.0 // nothing was due: nothing was missed
		if t.Due > 0 {
			v = share(t.Done, t.Due)
		}
		out[u] = IndicatorValue{Value: v, Num: t.Done, Den: t.Due,
			Records: fmt.Sprintf("/duty/unit?org_id=%d&year=%d", u, m.year)}
	}
	return out, nil
}

// RubricInput is what the office sets on a rubric.
type RubricInput struct {
	OrgID    int64          `json:"org_id"`
	Year     int            `json:"year"`
	Name     string         `json:"name"`
	UnitKind domain.OrgKind `json:"unit_kind"`
	Total    float64        `json:"total"`
	Items    []assess.Item  `json:"items"`
}

// Rubric is a rubric as the API shows it.
type Rubric struct {
	ID       int64          `json:"id"`
	OrgID    int64          `json:"org_id"`
	OrgName  string         `json:"org_name"`
	Year     int            `json:"year"`
	Name     string         `json:"name"`
	UnitKind domain.OrgKind `json:"unit_kind"`
	Total    float64        `json:"total"`
	Items    []assess.Item  `json:"items"`
	Version  int64          `json:"version"`
}

func rubricOf(s store.Rubric) Rubric {
	r := Rubric{ID: s.ID, OrgID: s.OrgID, OrgName: s.OrgName, Year: s.Year, Name: s.Name, UnitKind: s.UnitKind, Total: s.Total, Version: s.Version}
	if err := json.Unmarshal(s.Items, &r.Items); err != nil || r.Items == nil {
		r.Items = []assess.Item{}
	}
	return r
}

func rubricTarget(id int64) string { return fmt.Sprintf("rubric:%d", id) }

func (a *App) validateRubric(in RubricInput) (RubricInput, assess.Rubric, error) {
	in.Name = strings.TrimSpace(in.Name)
	if err := domain.ValidateName("name", in.Name, 100); err != nil {
		return in, assess.Rubric{}, err
	}
	if in.Year < 2000 || in.Year > 2100 {
		return in, assess.Rubric{}, domain.Invalid("year", "%d is not a year from 2000 to 2100", in.Year)
	}
	switch in.UnitKind {
	case domain.OrgDistrict, domain.OrgSchool, domain.OrgBranch:
	default:
		return in, assess.Rubric{}, domain.Invalid("unit_kind", "%q: a rubric scores districts, schools or branches", in.UnitKind)
	}
	reg := a.indicators()
	r, err := assess.Rubric{Total: in.Total, Items: in.Items}.Validate(func(n string) bool { _, ok := reg[n]; return ok })
	if err != nil {
		return in, r, err
	}
	for i, it := range r.Items {
		if it.Indicator == IndRecordsTimely {
			if _, err := timelyDays(it); err != nil {
				return in, r, domain.Invalid(fmt.Sprintf("items[%d].params.days", i), "%s", strings.TrimPrefix(err.Error(), "params.days: "))
			}
		}
	}
	in.Total, in.Items = r.Total, r.Items
	return in, r, nil
}

// SaveRubric creates (id 0) or replaces a rubric of a unit in the actor's
// write scope. A rubric keeps its unit and year: on a change, in.OrgID and
// in.Year are taken from the stored rubric.
func (a *App) SaveRubric(ctx context.Context, ac domain.Actor, id int64, in RubricInput) (Rubric, error) {
	if err := ac.Require(domain.PermAssessManage); err != nil {
		return Rubric{}, err
	}
	var out Rubric
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.LockTree(ctx); err != nil {
			return err
		}
		write := domain.Scope{Roots: ac.Scope.Roots}
		var before any
		if id != 0 {
			old, err := tx.GetRubric(ctx, write, id, false)
			if err != nil {
				return err
			}
			in.OrgID, in.Year = old.OrgID, old.Year
			before = rubricOf(old)
		}
		in, _, err := a.validateRubric(in)
		if err != nil {
			return err
		}
		items, _ := json.Marshal(in.Items)
		if id == 0 {
			if _, err := tx.GetOrg(ctx, write, in.OrgID); err != nil {
				return fieldNotFound(err, "org_id")
			}
		}
		sid, err := tx.SaveRubric(ctx, store.Rubric{ID: id, OrgID: in.OrgID, Year: in.Year, Name: in.Name, UnitKind: in.UnitKind,
			Total: in.Total, Items: items, CreatedBy: ac.Name})
		if err != nil {
			return err
		}
		s, err := tx.GetRubric(ctx, write, sid, false)
		if err != nil {
			return err
		}
		out = rubricOf(s)
		typ := "rubric.create"
		if id != 0 {
			typ = "rubric.update"
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: typ, Target: rubricTarget(sid), Before: before, After: out})
	})
	return out, err
}

// ListRubrics lists the rubrics the actor may read: those of units in its
// scope and those of the units above it (which score it), of one year when given.
func (a *App) ListRubrics(ctx context.Context, ac domain.Actor, year int) ([]Rubric, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return nil, err
	}
	out := []Rubric{}
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		rs, err := tx.ListRubrics(ctx, ac.Scope, year)
		for _, r := range rs {
			out = append(out, rubricOf(r))
		}
		return err
	})
	return out, err
}

// GetRubric returns one rubric the actor may read.
func (a *App) GetRubric(ctx context.Context, ac domain.Actor, id int64) (Rubric, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return Rubric{}, err
	}
	var out Rubric
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		r, err := tx.GetRubric(ctx, ac.Scope, id, true)
		out = rubricOf(r)
		return err
	})
	return out, err
}

// ItemResult is one item of a unit's score, with the indicator behind it.
type ItemResult struct {
	Name      string  `json:"name"`
	Indicator string  `json:"indicator"`
	Weight    float64 `json:"weight"`
	Points    float64 `json:"points"`
	IndicatorValue
}

// UnitScore is one unit's score under a rubric.
type UnitScore struct {
	OrgID       int64              `json:"org_id"`
	OrgCode     string             `json:"org_code"`
	OrgName     string             `json:"org_name"`
	Total       float64            `json:"total"`
	Adjustment  float64            `json:"adjustment"`
	Rank        int                `json:"rank"`
	Items       []ItemResult       `json:"items"`
	Adjustments []store.Adjustment `json:"adjustments"`
}

// Scores is a rubric's result: the units the reader sees, best first, each
// ranked among all the rubric's units (Of).
type Scores struct {
	Rubric Rubric      `json:"rubric"`
	Of     int         `json:"of"`
	Units  []UnitScore `json:"units"`
}

// Scores computes a rubric's scores now, from the records: fresh at every
// read, nothing stored but the adjustments.
func (a *App) Scores(ctx context.Context, ac domain.Actor, id int64) (Scores, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return Scores{}, err
	}
	var out Scores
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = a.scores(ctx, tx, ac, id)
		return err
	})
	return out, err
}

func (a *App) scores(ctx context.Context, tx *store.Tx, ac domain.Actor, id int64) (Scores, error) {
	s, err := tx.GetRubric(ctx, ac.Scope, id, true)
	if err != nil {
		return Scores{}, err
	}
	rub := rubricOf(s)
	out := Scores{Rubric: rub, Units: []UnitScore{}}
	// Every unit of the rubric is scored (a rank is among all of them);
	// the reader then sees those of its own scope.
	all := domain.Scope{Roots: []int64{rub.OrgID}}
	units, _, err := tx.ListOrgs(ctx, all, store.OrgFilter{Under: rub.OrgID, Kind: rub.UnitKind})
	if err != nil {
		return out, err
	}
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	yr := domain.Range{From: domain.NewDate(rub.Year, 1, 1), To: domain.NewDate(rub.Year+1, 1, 1)}
	m := &measureEnv{tx: tx, units: ids, year: rub.Year, rng: yr, today: a.Today(), loaded: map[string]bool{}}
	reg := a.indicators()
	values := make([]map[int64]IndicatorValue, len(rub.Items))
	for i, it := range rub.Items {
		ind, ok := reg[it.Indicator]
		if !ok { // a rubric stored before an indicator was withdrawn
			return out, domain.Invalid(fmt.Sprintf("items[%d].indicator", i), "%q is no longer an indicator", it.Indicator)
		}
		if values[i], err = ind.measure(ctx, m, it); err != nil {
			if e, ok := err.(*domain.Error); ok && strings.HasPrefix(e.Field, "params.") {
				c := *e
				c.Field = fmt.Sprintf("items[%d].%s", i, e.Field)
				return out, &c
			}
			return out, err
		}
	}
	adjs, err := tx.Adjustments(ctx, id)
	if err != nil {
		return out, err
	}
	adjBy := map[int64][]store.Adjustment{}
	adjSum := map[int64]float64{}
	for _, ad := range adjs {
		adjBy[ad.OrgID] = append(adjBy[ad.OrgID], ad)
		adjSum[ad.OrgID] += ad.Points
	}
	engine := assess.Rubric{Total: rub.Total, Items: rub.Items}
	scores := make([]assess.Score, len(units))
	for i, u := range units {
		vals := map[string]float64{}
		for j, it := range rub.Items {
			vals[it.Name] = values[j][u.ID].Value
		}
		scores[i] = engine.ScoreUnit(u.ID, vals, adjSum[u.ID])
	}
	assess.Rank(scores)
	byID := map[int64]domain.OrgUnit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	out.Of = len(scores)
	for _, sc := range scores {
		ok, err := tx.InScope(ctx, ac.Scope.ReadRoots(), sc.OrgID)
		if err != nil {
			return out, err
		}
		if !ok {
			continue
		}
		u := byID[sc.OrgID]
		us := UnitScore{OrgID: u.ID, OrgCode: u.Code, OrgName: u.Name, Total: sc.Total, Adjustment: sc.Adjustment, Rank: sc.Rank,
			Items: make([]ItemResult, len(sc.Items)), Adjustments: adjBy[u.ID]}
		if us.Adjustments == nil {
			us.Adjustments = []store.Adjustment{}
		}
		for j, is := range sc.Items {
			it := rub.Items[j]
			us.Items[j] = ItemResult{Name: it.Name, Indicator: it.Indicator, Weight: it.Weight, Points: is.Points, IndicatorValue: values[j][u.ID]}
		}
		out.Units = append(out.Units, us)
	}
	return out, nil
}

// AdjustmentInput is a manual change of one unit's score.
type AdjustmentInput struct {
	OrgID  int64   `json:"org_id"`
	Points float64 `json:"points"`
	Reason string  `json:"reason"`
}

// AdjustScore adds a manual adjustment, with its written reason, to a unit's
// score under a rubric of a unit in the actor's write scope. Audited.
func (a *App) AdjustScore(ctx context.Context, ac domain.Actor, id int64, in AdjustmentInput) (store.Adjustment, error) {
	if err := ac.Require(domain.PermAssessManage); err != nil {
		return store.Adjustment{}, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		return store.Adjustment{}, domain.Invalid("reason", "an adjustment needs a written reason")
	}
	if err := domain.TextBlock("reason", in.Reason); err != nil {
		return store.Adjustment{}, err
	}
	if n := len([]rune(in.Reason)); n > maxAdjustReasonLen {
		return store.Adjustment{}, domain.Invalid("reason", "is %d characters long; at most %d", n, maxAdjustReasonLen)
	}
	if in.Points == 0 || math.IsNaN(in.Points) || math.IsInf(in.Points, 0) {
		return store.Adjustment{}, domain.Invalid("points", "must be a number other than 0")
	}
	in.Points = math.Round(in.Points*100) / 100
	var out store.Adjustment
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.LockTree(ctx); err != nil {
			return err
		}
		r, err := tx.GetRubric(ctx, domain.Scope{Roots: ac.Scope.Roots}, id, false)
		if err != nil {
			return err
		}
		if math.Abs(in.Points) > r.Total {
			return domain.Invalid("points", "at most %g either way", r.Total)
		}
		u, err := tx.GetOrg(ctx, domain.Scope{Roots: []int64{r.OrgID}}, in.OrgID)
		if err != nil || u.Kind != r.UnitKind {
			return fieldNotFound(domain.NotFound("unit %d among the units this rubric scores", in.OrgID), "org_id")
		}
		if out, err = tx.AddAdjustment(ctx, store.Adjustment{RubricID: id, OrgID: in.OrgID, Points: in.Points, Reason: in.Reason, Author: ac.Name}); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "assessment.adjust", Target: rubricTarget(id), After: out,
			Detail: fmt.Sprintf("org:%d %+g %s", in.OrgID, in.Points, in.Reason)})
	})
	return out, err
}
