package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zeren-edu/zeren/internal/docpdf"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/period"
	"github.com/zeren-edu/zeren/internal/report"
	"github.com/zeren-edu/zeren/internal/reporttpl"
	"github.com/zeren-edu/zeren/internal/store"
)

// The work report (issue 5). Templates are versioned: an edit adds a version
// and never overwrites one. A preview renders a template for a unit and
// period without storing anything; generating stores a snapshot — the
// rendered report, every figure's value, query, records link and the digest
// of the ids it counted, and the state (version, status) of every activity
// behind it — so a later edit of one of those records flags the report as
// stale with one indexed join. Records that would NOW be counted but were
// not (a late approval) are found by recomputing the figures' digests, on
// demand (?recheck=true), since that costs a full render.
//
// The default template is stored when the server starts (serve, demo) or
// the database is migrated, and otherwise the first time anyone lists
// templates or writes a report — as the system, audited.

// Bounds of the office's slot text (下一步工作打算 …): slots of a request,
// paragraphs of a slot, characters of a paragraph.
const (
	MaxSlots            = 20
	MaxSlotParagraphs   = 50
	MaxSlotParagraphLen = 2000
)

// maxSlotParagraph bounds one paragraph the office writes (a slot's, an
// accepted problem's wording).
const maxSlotParagraph = MaxSlotParagraphLen

// MaxTemplateSize bounds a template's source.
const MaxTemplateSize = 256 << 10

// ReportFunctions describes the figure functions a template may call.
func (a *App) ReportFunctions(ac domain.Actor) ([]reporttpl.FuncSpec, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return nil, err
	}
	return a.reportRegistry(ac).Specs(), nil
}

// checkTemplate parses and checks a template source; a mistake is invalid
// field "source" with "line L, column C: …".
func (a *App) checkTemplate(ac domain.Actor, src string) (*reporttpl.Template, error) {
	if strings.TrimSpace(src) == "" {
		return nil, domain.Invalid("source", "is empty; a template starts with a title line \"# …\"")
	}
	if len(src) > MaxTemplateSize {
		return nil, &domain.Error{Kind: domain.KindTooLarge, Field: "source", Message: fmt.Sprintf("is %d bytes; at most %d", len(src), MaxTemplateSize)}
	}
	if err := domain.TextBlock("source", src); err != nil {
		return nil, err
	}
	t, err := reporttpl.Parse(src)
	if err == nil {
		err = t.Check(a.reportRegistry(ac))
	}
	var se *reporttpl.SyntaxError
	if errors.As(err, &se) {
		return nil, domain.Invalid("source", "%s", se.Error())
	}
	return t, err
}

// EnsureDefaultReportTemplate stores the default templates — one per level
// and kind of period (report.Defaults), the bureau's year template marked
// default — that are not stored yet (serve, demo and migrate call it at
// start; the use cases too, so a database never lacks them). A stored
// template is left as the office edited it.
func (a *App) EnsureDefaultReportTemplate(ctx context.Context) error {
	missing := func(tx *store.Tx) ([]report.Default, error) {
		ts, err := tx.ListReportTemplates(ctx)
		if err != nil {
			return nil, err
		}
		have := map[string]bool{}
		for _, t := range ts {
			have[t.Name] = true
		}
		var out []report.Default
		for _, d := range report.Defaults() {
			if !have[d.Name] {
				out = append(out, d)
			}
		}
		return out, nil
	}
	var todo []report.Default
	if err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		todo, err = missing(tx)
		return err
	}); err != nil || len(todo) == 0 {
		return err
	}
	sys := domain.Actor{Name: "system", Operator: true}
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		todo, err := missing(tx)
		if err != nil {
			return err
		}
		_, hasDefault, err := tx.DefaultReportTemplate(ctx)
		if err != nil {
			return err
		}
		for _, d := range todo {
			isDefault := d.Name == report.DefaultTemplateName && !hasDefault
			t, err := tx.CreateReportTemplate(ctx, d.Name, d.Source, isDefault, sys.Name)
			if err != nil {
				return err
			}
			if err := a.record(ctx, tx, sys, AuditEntry{Type: "report_template.create", Target: templateTarget(t.ID), After: map[string]any{"name": t.Name, "version": 1, "default": isDefault}}); err != nil {
				return err
			}
		}
		return nil
	})
	if domain.IsKind(err, domain.KindConflict) {
		// Two first requests raced (PostgreSQL: both saw templates missing and
		// a template's unique name let one insert win). Fine if all are there now.
		var left []report.Default
		if rerr := a.st.Read(ctx, func(tx *store.Tx) error {
			var err error
			left, err = missing(tx)
			return err
		}); rerr == nil && len(left) == 0 {
			return nil
		}
	}
	return err
}

func templateTarget(id int64) string { return fmt.Sprintf("report_template:%d", id) }
func reportTarget(id int64) string   { return fmt.Sprintf("report:%d", id) }

// ListReportTemplates lists the templates (the default one first).
func (a *App) ListReportTemplates(ctx context.Context, ac domain.Actor) ([]store.ReportTemplate, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return nil, err
	}
	if err := a.EnsureDefaultReportTemplate(ctx); err != nil {
		return nil, err
	}
	var out []store.ReportTemplate
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListReportTemplates(ctx)
		return err
	})
	return out, err
}

// GetReportTemplate returns a template with the source of version (0: current).
func (a *App) GetReportTemplate(ctx context.Context, ac domain.Actor, id int64, version int) (store.ReportTemplate, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return store.ReportTemplate{}, err
	}
	if version < 0 {
		return store.ReportTemplate{}, domain.Invalid("version", "must be positive")
	}
	var out store.ReportTemplate
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.GetReportTemplate(ctx, id, version)
		return err
	})
	return out, err
}

// ListTemplateVersions lists a template's versions, newest first.
func (a *App) ListTemplateVersions(ctx context.Context, ac domain.Actor, id int64) ([]store.TemplateVersion, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return nil, err
	}
	var out []store.TemplateVersion
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListTemplateVersions(ctx, id)
		return err
	})
	return out, err
}

// CreateReportTemplate stores a new template as version 1.
func (a *App) CreateReportTemplate(ctx context.Context, ac domain.Actor, name, source string) (store.ReportTemplate, error) {
	if err := ac.Require(domain.PermReportManage); err != nil {
		return store.ReportTemplate{}, err
	}
	name = strings.TrimSpace(name)
	if err := domain.ValidateName("name", name, 100); err != nil {
		return store.ReportTemplate{}, err
	}
	t, err := a.checkTemplate(ac, source)
	if err != nil {
		return store.ReportTemplate{}, err
	}
	if err := a.EnsureDefaultReportTemplate(ctx); err != nil {
		return store.ReportTemplate{}, err
	}
	var out store.ReportTemplate
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		if err := a.checkTemplateArgs(ctx, tx, ac, t); err != nil {
			return err
		}
		var err error
		if out, err = tx.CreateReportTemplate(ctx, name, source, false, ac.Name); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "report_template.create", Target: templateTarget(out.ID), After: map[string]any{"name": name, "version": 1}})
	})
	return out, err
}

// UpdateReportTemplate stores source as a new version; version is the one the
// editor started from (stale: conflict).
func (a *App) UpdateReportTemplate(ctx context.Context, ac domain.Actor, id int64, version int, source string) (store.ReportTemplate, error) {
	if err := ac.Require(domain.PermReportManage); err != nil {
		return store.ReportTemplate{}, err
	}
	if version <= 0 {
		return store.ReportTemplate{}, domain.Invalid("version", "is required: the version you edited")
	}
	t, err := a.checkTemplate(ac, source)
	if err != nil {
		return store.ReportTemplate{}, err
	}
	var out store.ReportTemplate
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		if err := a.checkTemplateArgs(ctx, tx, ac, t); err != nil {
			return err
		}
		var err error
		if out, err = tx.AddTemplateVersion(ctx, id, version, source, ac.Name); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "report_template.update", Target: templateTarget(id),
			Before: map[string]any{"version": version}, After: map[string]any{"version": out.Version}})
	})
	return out, err
}

// ReportRequest asks for a report: a unit, a period, a template (stored, by
// id or name; or a source to preview; default: the default template) and the
// office's slots (next_steps).
type ReportRequest struct {
	OrgID        int64               `json:"org_id"`
	OrgCode      string              `json:"-"` // instead of OrgID (the CLI's --unit)
	Period       string              `json:"period"`
	TemplateID   int64               `json:"template_id,omitempty"`
	TemplateName string              `json:"-"`
	Source       string              `json:"source,omitempty"`
	Slots        map[string][]string `json:"slots,omitempty"`
	// SigningDate is the date of writing (成文日期) the office chose, e.g.
	// 2025-01-10; empty: the default (see signingDate).
	SigningDate string `json:"signing_date,omitempty"`
	// ProblemWording rewords accepted problems for this report, by problem
	// key: the office edits zeren's sentence before generating (an unknown or
	// not accepted key is ignored).
	ProblemWording map[string]string `json:"problem_wording,omitempty"`
	// Breakdown also splits every figure by child unit (the .xlsx appendix).
	Breakdown bool `json:"-"`
}

// built is a rendered report with what a snapshot needs.
type built struct {
	doc report.Document
	ids []int64 // the activities behind it, distinct
}

// templateFor resolves the template a request names; none named, the
// default template of the unit's level and the period's kind (the template
// marked default when that one is missing).
func (a *App) templateFor(ctx context.Context, tx *store.Tx, r ReportRequest, def report.Default) (store.ReportTemplate, error) {
	switch {
	case r.TemplateID != 0:
		t, err := tx.GetReportTemplate(ctx, r.TemplateID, 0)
		return t, fieldErr(err, "template_id")
	case r.TemplateName != "":
		t, err := tx.ReportTemplateByName(ctx, r.TemplateName)
		return t, fieldErr(err, "template")
	}
	if t, err := tx.ReportTemplateByName(ctx, def.Name); !domain.IsKind(err, domain.KindNotFound) {
		return t, err
	}
	t, ok, err := tx.DefaultReportTemplate(ctx)
	if err == nil && !ok {
		err = domain.NotFound("default report template")
	}
	return t, err
}

// buildReport renders a report in tx. withIDs fetches the record ids of every
// figure (a stored snapshot needs them; a preview does not).
func (a *App) buildReport(ctx context.Context, tx *store.Tx, ac domain.Actor, r ReportRequest, withIDs bool) (built, error) {
	if r.OrgID <= 0 && r.OrgCode == "" {
		return built{}, domain.Invalid("org_id", "is required")
	}
	if strings.TrimSpace(r.Period) == "" {
		return built{}, domain.Invalid("period", "is required (e.g. 2024, 2024Q3, 2024年第三季度)")
	}
	src := a.newReportSource(tx, ac)
	var unit report.Unit
	var err error
	if r.OrgID > 0 {
		if unit, err = src.unitByID(ctx, r.OrgID); err != nil {
			return built{}, fieldNotFound(err, "org_id")
		}
	} else if unit, err = src.UnitByCode(ctx, r.OrgCode); err != nil {
		return built{}, fieldNotFound(err, "unit")
	}
	per, err := src.Period(ctx, unit, r.Period, false)
	if err != nil {
		return built{}, fieldErr(err, "period")
	}
	var tpl store.ReportTemplate
	source := r.Source
	if source == "" {
		if tpl, err = a.templateFor(ctx, tx, r, report.DefaultFor(unit.Kind, periodKind(per.Code))); err != nil {
			return built{}, err
		}
		source = tpl.Source
	}
	t, err := a.checkTemplate(ac, source)
	if err != nil {
		return built{}, err
	}
	if err := domain.CheckCount("slots", len(r.Slots), MaxSlots, "slots"); err != nil {
		return built{}, err
	}
	slots := map[string][]string{}
	for k, v := range r.Slots {
		if err := domain.ValidateCode("slots", k); err != nil {
			return built{}, err
		}
		if k == "problems" {
			return built{}, domain.Invalid("slots", "the problems come from the accepted problems; accept them in 问题")
		}
		if err := domain.CheckCount("slots."+k, len(v), MaxSlotParagraphs, "paragraphs"); err != nil {
			return built{}, err
		}
		for i, p := range v {
			field := fmt.Sprintf("slots.%s.%d", k, i)
			if n := utf8.RuneCountInString(p); n > MaxSlotParagraphLen {
				return built{}, domain.Invalid(field, "must be at most %d characters, got %d", MaxSlotParagraphLen, n)
			}
			if err := domain.TextLine(field, p); err != nil {
				if strings.Contains(p, "\n") {
					return built{}, domain.Invalid(field, "one paragraph per item, plain text without line breaks")
				}
				return built{}, err
			}
			if strings.Contains(p, "\t") {
				return built{}, domain.Invalid(field, "one paragraph per item, plain text without tabs")
			}
		}
		slots[k] = v
	}
	problems, err := a.reportProblems(ctx, ac, unit.ID, per.Code)
	if err != nil {
		return built{}, err
	}
	for k, w := range r.ProblemWording {
		if err := domain.TextLine("problem_wording."+k, w); err != nil {
			return built{}, err
		}
		if utf8.RuneCountInString(w) > maxSlotParagraph {
			return built{}, domain.Invalid("problem_wording."+k, "is %d characters; at most %d", utf8.RuneCountInString(w), maxSlotParagraph)
		}
	}
	for _, p := range problems {
		text := p.Detail
		if w := strings.TrimSpace(r.ProblemWording[p.Key]); w != "" {
			text = w
		}
		slots["problems"] = append(slots["problems"], text)
	}
	today := a.Today()
	signing, err := a.signingDate(r.SigningDate, per.Range)
	if err != nil {
		return built{}, err
	}
	vars := map[string]string{
		"unit.name":    unit.Name,
		"unit.code":    unit.Code,
		"period.label": per.Label,
		"period.year":  strconv.Itoa(per.Year),
		"period.start": zhDate(per.Range.From),
		"period.end":   zhDate(per.Range.To.AddDays(-1)),
		"period.span":  report.SpanWord(periodKind(per.Code)),
		"today":        zhDate(today),
		"signing_date": zhDate(signing),
	}
	reg := a.reportRegistry(ac)
	env := &report.Env{Src: src, Unit: unit, Period: per, WithIDs: withIDs}
	doc, err := reg.Build(ctx, t, env, report.BuildOptions{Vars: vars, Slots: slots, Breakdown: r.Breakdown, UnitName: src.unitName})
	if err != nil {
		var fe *reporttpl.FigureError
		if errors.As(err, &fe) {
			var de *domain.Error
			if errors.As(fe.Err, &de) && de.Kind != domain.KindInvalid && de.Kind != domain.KindNotFound {
				return built{}, err
			}
			return built{}, domain.Invalid("source", "line %d, column %d: %s: %v", fe.Line, fe.Col, fe.Expr, fe.Err)
		}
		return built{}, err
	}
	doc.TemplateID, doc.TemplateVersion = tpl.ID, tpl.Version
	seen := map[int64]bool{}
	var ids []int64
	for _, f := range doc.Figures {
		if !f.CountsActivities() {
			continue
		}
		for _, id := range f.RecordIDs() {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	return built{doc: doc, ids: ids}, nil
}

// fieldErr names the field of a typed error (nil stays nil).
func fieldErr(err error, field string) error {
	if err == nil {
		return nil
	}
	return withField(err, field)
}

// reportProblems are the accepted problems of a unit and period. The rules
// behind them scan the period's ledger, so they run only when the office has
// accepted at least one problem there (no accepted decision: none to report).
func (a *App) reportProblems(ctx context.Context, ac domain.Actor, org int64, periodCode string) ([]Problem, error) {
	accepted := false
	if err := a.st.Read(ctx, func(tx *store.Tx) error {
		ds, err := tx.ProblemDecisions(ctx, org, periodCode)
		for _, d := range ds {
			accepted = accepted || d.Decision == DecisionAccepted
		}
		return err
	}); err != nil || !accepted {
		return []Problem{}, err
	}
	return a.AcceptedProblems(ctx, ac, org, periodCode)
}

// signingDate is a report's date of writing (成文日期): the date the office
// chose, or by default today for a period still running and, for a past
// period, its last day plus Config.SigningDelayDays (never after today).
// GB/T 9704-2012 §7.3.5.1 writes it in Arabic numerals, the year in full
// (2025年1月10日) — the 1999 edition's Chinese numerals (二〇二五年) are gone.
func (a *App) signingDate(chosen string, r domain.Range) (domain.Date, error) {
	if chosen != "" {
		d, err := domain.ParseDate(chosen)
		if err != nil {
			return d, domain.Invalid("signing_date", "%q is not a date like 2025-01-10", chosen)
		}
		if d.Before(r.From) {
			return d, domain.Invalid("signing_date", "%s is before the period starts (%s): a report is written after its work", d, r.From)
		}
		return d, nil
	}
	today := a.Today()
	last := r.To.AddDays(-1)
	if !today.After(last) {
		return today, nil
	}
	d := last.AddDays(max(0, a.cfg.SigningDelayDays))
	if d.After(today) {
		d = today
	}
	return d, nil
}

// periodKind is the kind of a resolved period's code (a year when the code
// does not parse, which a resolved period's code always does).
func periodKind(code string) period.Kind {
	p, err := period.Parse(code)
	if err != nil {
		return period.Year
	}
	return p.Kind
}

func zhDate(d domain.Date) string { return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day) }

// PreviewReport renders a report without storing it.
func (a *App) PreviewReport(ctx context.Context, ac domain.Actor, r ReportRequest) (report.Document, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return report.Document{}, err
	}
	if r.Source == "" {
		if err := a.EnsureDefaultReportTemplate(ctx); err != nil {
			return report.Document{}, err
		}
	}
	var out built
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = a.buildReport(ctx, tx, ac, r, false)
		return err
	})
	return out.doc, err
}

// ReportView is a stored report with its staleness.
type ReportView struct {
	report.Document
	Stale Staleness `json:"stale"`
	// Snapshot says what a stored report keeps of its records (absent on
	// reports stored before the cap).
	Snapshot *SnapshotInfo `json:"snapshot,omitempty"`
}

// Staleness says what changed behind a stored report: records edited,
// re-reviewed or deleted since (always checked), and, when rechecked, the
// figures whose records now differ (e.g. a late approval in the period).
type Staleness struct {
	Count      int                 `json:"count"`
	Activities []store.StaleRecord `json:"activities"`
	Rechecked  bool                `json:"rechecked"`
	Figures    []StaleFigure       `json:"figures,omitempty"`
}

// StaleFigure is a figure whose recount differs from the snapshot.
type StaleFigure struct {
	Index int    `json:"index"`
	Expr  string `json:"expr"`
	Was   int64  `json:"was"`
	Now   int64  `json:"now"`
}

// DefaultSnapshotRecordCap bounds the record ids a stored report keeps for
// one figure. A figure counting more (a province's year: millions) keeps its
// value, count and digest but not its ids, and the snapshot says so
// (ReportView.Snapshot): later edits of its records are then found by
// recounting (?recheck=true compares counts and digests), not by the join.
// 50 000 keeps every figure of a county's or a district's year (a district
// year of the province benchmark holds ~26 000 records in all).
const DefaultSnapshotRecordCap = 50_000

// SnapshotInfo says what a stored report keeps of the records behind it.
type SnapshotInfo struct {
	RecordCap     int   `json:"record_cap"`     // ids kept per figure at most
	CappedFigures []int `json:"capped_figures"` // indexes of figures over the cap: their ids are not kept
}

// errSnapshotMoved: records behind a snapshot changed between its read
// phase and its write.
var errSnapshotMoved = errors.New("the records behind the report changed while it was generated")

func (a *App) snapshotCap() int {
	if a.cfg.SnapshotRecordCap > 0 {
		return a.cfg.SnapshotRecordCap
	}
	return DefaultSnapshotRecordCap
}

// GenerateReport renders a report and stores it as a snapshot, with its
// audit row. The rendering — seconds for a district, unbounded for a
// province — runs in a read transaction, so logins and ledger writes do not
// wait for SQLite's one writer; the short write then stores the result and
// checks that the records it copies are those the figures counted (their
// count and summed versions, which every change raises). If one changed in
// between, the report is rendered once more, then a conflict is answered.
func (a *App) GenerateReport(ctx context.Context, ac domain.Actor, r ReportRequest) (ReportView, error) {
	if err := ac.Require(domain.PermReportManage); err != nil {
		return ReportView{}, err
	}
	if r.Source != "" {
		return ReportView{}, domain.Invalid("source", "a stored report uses a stored template; save the template first")
	}
	if err := a.EnsureDefaultReportTemplate(ctx); err != nil {
		return ReportView{}, err
	}
	r.Breakdown = true
	var id int64
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		if id, err = a.generateOnce(ctx, ac, r); !errors.Is(err, errSnapshotMoved) {
			break
		}
	}
	if errors.Is(err, errSnapshotMoved) {
		return ReportView{}, domain.Conflict("", "%v, twice; generate it again", errSnapshotMoved)
	}
	if err != nil {
		return ReportView{}, err
	}
	var out ReportView
	err = a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = a.reportView(ctx, tx, ac, id, false)
		return err
	})
	return out, err
}

// generateOnce renders a snapshot in a read transaction and stores it in a
// short write; errSnapshotMoved when records changed in between.
func (a *App) generateOnce(ctx context.Context, ac domain.Actor, r ReportRequest) (int64, error) {
	inScope := func(tx *store.Tx) error {
		if ok, err := tx.InScope(ctx, ac.Scope.Roots, r.OrgID); err != nil {
			return err
		} else if !ok && r.OrgID > 0 {
			return &domain.Error{Kind: domain.KindNotFound, Field: "org_id", Message: fmt.Sprintf("org unit %d not found", r.OrgID)}
		}
		return nil
	}
	var nr store.NewReport
	var ids []int64
	var stamp store.RecordStamp
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		if err := inScope(tx); err != nil {
			return err
		}
		b, err := a.buildReport(ctx, tx, ac, r, true)
		if err != nil {
			return err
		}
		limit := a.snapshotCap()
		info := SnapshotInfo{RecordCap: limit, CappedFigures: []int{}}
		seen := map[int64]bool{}
		for _, f := range b.doc.Figures {
			sf := store.StoredFigure{Index: f.Index, Expr: f.Expr, Value: f.Value, Query: f.Query, Records: f.Records,
				Digest: f.Digest, NRecords: f.NRecords, IDs: f.RecordIDs()}
			if len(sf.IDs) > limit {
				sf.IDs = nil
				info.CappedFigures = append(info.CappedFigures, f.Index)
			} else if f.CountsActivities() {
				for _, id := range sf.IDs {
					if !seen[id] {
						seen[id] = true
						ids = append(ids, id)
					}
				}
			}
			nr.Figures = append(nr.Figures, sf)
		}
		params, _ := json.Marshal(map[string]any{"org_id": r.OrgID, "period": b.doc.Period, "template_id": b.doc.TemplateID,
			"slots": r.Slots, "snapshot": info, "signing_date": r.SigningDate, "problem_wording": r.ProblemWording})
		rendered, err := json.Marshal(b.doc)
		if err != nil {
			return err
		}
		nr.OrgID, nr.Period, nr.TemplateID, nr.TemplateVersion = b.doc.OrgID, b.doc.Period, b.doc.TemplateID, b.doc.TemplateVersion
		nr.Params, nr.Rendered, nr.CreatedBy = string(params), string(rendered), ac.Name
		if stamp, err = tx.RecordStamp(ctx, ids); err != nil {
			return err
		}
		if a.slowPhase != nil {
			a.slowPhase("report")
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	var id int64
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		// Cheap re-validation: the unit is still in scope and the template
		// version still there (versions are never removed; a template edit
		// since adds a version and leaves this one valid).
		if err := inScope(tx); err != nil {
			return err
		}
		if _, err := tx.GetReportTemplate(ctx, nr.TemplateID, nr.TemplateVersion); err != nil {
			return err
		}
		var err error
		if id, err = tx.CreateReport(ctx, nr, ids); err != nil {
			return err
		}
		if now, err := tx.ReportRecordStamp(ctx, id); err != nil {
			return err
		} else if now != stamp {
			return errSnapshotMoved
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "report.generate", Target: reportTarget(id),
			After: map[string]any{"org_id": nr.OrgID, "period": nr.Period, "template_id": nr.TemplateID, "template_version": nr.TemplateVersion,
				"figures": len(nr.Figures), "capped_figures": len(nr.Figures) - countKept(nr.Figures)}})
	})
	return id, err
}

// countKept counts the figures whose ids a snapshot keeps.
func countKept(fs []store.StoredFigure) int {
	n := 0
	for _, f := range fs {
		if f.IDs != nil {
			n++
		}
	}
	return n
}

// ReportSummary is a stored report in a list.
type ReportSummary struct {
	ID              int64     `json:"id"`
	OrgID           int64     `json:"org_id"`
	Period          string    `json:"period"`
	TemplateID      int64     `json:"template_id"`
	TemplateName    string    `json:"template_name"`
	TemplateVersion int       `json:"template_version"`
	CreatedAt       time.Time `json:"created_at"`
	CreatedBy       string    `json:"created_by"`
	StaleCount      int       `json:"stale_count"`
}

// ListReports lists stored reports of units in the actor's scope (of org's
// subtree when given), newest first, each with its number of stale records.
func (a *App) ListReports(ctx context.Context, ac domain.Actor, org int64, limit, offset int) ([]ReportSummary, int, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return nil, 0, err
	}
	if limit < 0 || limit > MaxPageSize {
		return nil, 0, domain.Invalid("limit", "must be between 1 and %d", MaxPageSize)
	}
	if offset < 0 {
		return nil, 0, domain.Invalid("offset", "cannot be negative")
	}
	var rows []store.StoredReport
	var total int
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		if org != 0 {
			if _, err := tx.GetOrg(ctx, ac.Scope, org); err != nil {
				return fieldNotFound(err, "org_id")
			}
		}
		var err error
		rows, total, err = tx.ListReports(ctx, ac.Scope, org, limit, offset)
		return err
	})
	out := make([]ReportSummary, 0, len(rows))
	for _, r := range rows {
		out = append(out, ReportSummary{ID: r.ID, OrgID: r.OrgID, Period: r.Period, TemplateID: r.TemplateID, TemplateName: r.TemplateName,
			TemplateVersion: r.TemplateVersion, CreatedAt: r.CreatedAt, CreatedBy: r.CreatedBy, StaleCount: r.StaleCount})
	}
	return out, total, err
}

// GetReport returns a stored report with what changed behind it; recheck
// also recounts every figure and names those whose records now differ.
func (a *App) GetReport(ctx context.Context, ac domain.Actor, id int64, recheck bool) (ReportView, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return ReportView{}, err
	}
	var out ReportView
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = a.reportView(ctx, tx, ac, id, recheck)
		return err
	})
	return out, err
}

func (a *App) reportView(ctx context.Context, tx *store.Tx, ac domain.Actor, id int64, recheck bool) (ReportView, error) {
	sr, figs, err := tx.GetReport(ctx, ac.Scope, id)
	if err != nil {
		return ReportView{}, err
	}
	var v ReportView
	if err := json.Unmarshal([]byte(sr.Rendered), &v.Document); err != nil {
		return v, fmt.Errorf("report %d: stored rendering: %w", id, err)
	}
	v.ID, v.CreatedBy = sr.ID, sr.CreatedBy
	created := sr.CreatedAt
	v.CreatedAt = &created
	if v.Stale.Activities, err = tx.StaleRecords(ctx, id); err != nil {
		return v, err
	}
	v.Stale.Count = len(v.Stale.Activities)
	var params struct {
		Slots          map[string][]string `json:"slots"`
		SigningDate    string              `json:"signing_date"`
		ProblemWording map[string]string   `json:"problem_wording"`
		Snapshot       *SnapshotInfo       `json:"snapshot"`
	}
	_ = json.Unmarshal([]byte(sr.Params), &params)
	v.Snapshot = params.Snapshot
	if recheck {
		tpl, err := tx.GetReportTemplate(ctx, sr.TemplateID, sr.TemplateVersion)
		if err != nil {
			return v, err
		}
		now, err := a.buildReport(ctx, tx, ac, ReportRequest{OrgID: sr.OrgID, Period: sr.Period, Source: tpl.Source, Slots: params.Slots, SigningDate: params.SigningDate, ProblemWording: params.ProblemWording}, true)
		if err != nil {
			return v, err
		}
		v.Stale.Rechecked = true
		v.Stale.Figures = []StaleFigure{}
		for i, f := range figs {
			if i >= len(now.doc.Figures) {
				break
			}
			nf := now.doc.Figures[i]
			if nf.Digest != f.Digest || nf.Value != f.Value {
				v.Stale.Figures = append(v.Stale.Figures, StaleFigure{Index: f.Index, Expr: f.Expr, Was: f.Value, Now: nf.Value})
			}
		}
	}
	return v, nil
}

// ReportFile is a downloadable rendering of a report.
type ReportFile struct {
	Name        string
	ContentType string
	Data        []byte
}

// Report download formats.
const (
	FormatDOCX = "docx"
	FormatXLSX = "xlsx"
	FormatHTML = "html"
	FormatPDF  = "pdf"
)

// DownloadReport renders a stored report as a file (export permission),
// audited like every export.
func (a *App) DownloadReport(ctx context.Context, ac domain.Actor, id int64, format string) (ReportFile, error) {
	if err := ac.Require(domain.PermExport); err != nil {
		return ReportFile{}, err
	}
	if err := checkFormat(format); err != nil {
		return ReportFile{}, err
	}
	var view ReportView
	var records map[int][]report.RecordLine
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		if view, err = a.reportView(ctx, tx, ac, id, false); err != nil {
			return err
		}
		if format == FormatXLSX {
			_, figs, err := tx.GetReport(ctx, ac.Scope, id)
			if err != nil {
				return err
			}
			records, err = a.figureRecords(ctx, tx, ac, view.Document, func(i int) []int64 { return figs[i].IDs })
			return err
		}
		return nil
	})
	if err != nil {
		return ReportFile{}, err
	}
	f, err := a.renderReport(view.Document, format, records)
	if err != nil {
		return f, err
	}
	if format == FormatPDF {
		if f, err = a.reportPDF(ctx, f); err != nil {
			return f, err
		}
	}
	err = a.recordAlone(ctx, ac, AuditEntry{Type: "report.download", Target: reportTarget(id), Detail: format})
	return f, err
}

// ExportReport renders a report without storing it (the CLI): the same
// files a stored report downloads as.
func (a *App) ExportReport(ctx context.Context, ac domain.Actor, r ReportRequest, format string) (ReportFile, report.Document, error) {
	if err := ac.Require(domain.PermExport); err != nil {
		return ReportFile{}, report.Document{}, err
	}
	if err := checkFormat(format); err != nil {
		return ReportFile{}, report.Document{}, err
	}
	if err := a.EnsureDefaultReportTemplate(ctx); err != nil {
		return ReportFile{}, report.Document{}, err
	}
	r.Breakdown = format == FormatXLSX
	var b built
	var records map[int][]report.RecordLine
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		if b, err = a.buildReport(ctx, tx, ac, r, format == FormatXLSX); err != nil {
			return err
		}
		if format == FormatXLSX {
			records, err = a.figureRecords(ctx, tx, ac, b.doc, func(i int) []int64 { return b.doc.Figures[i].RecordIDs() })
		}
		return err
	})
	if err != nil {
		return ReportFile{}, b.doc, err
	}
	f, err := a.renderReport(b.doc, format, records)
	if err == nil && format == FormatPDF {
		f, err = a.reportPDF(ctx, f)
	}
	return f, b.doc, err
}

// reportPDF converts a report's .docx to PDF with LibreOffice; without
// LibreOffice on the server it answers unavailable, saying so.
func (a *App) reportPDF(ctx context.Context, docxFile ReportFile) (ReportFile, error) {
	pdf, err := docpdf.Convert(ctx, docxFile.Data)
	if errors.Is(err, docpdf.ErrNoOffice) {
		return ReportFile{}, &domain.Error{Kind: domain.KindUnavailable, Field: "format",
			Message: "PDF needs LibreOffice on the server, which is not installed; download the .docx and print it, or ask the administrator to install libreoffice-writer-nogui"}
	}
	if err != nil {
		return ReportFile{}, err
	}
	return ReportFile{Name: strings.TrimSuffix(docxFile.Name, ".docx") + ".pdf", ContentType: "application/pdf", Data: pdf}, nil
}

// fileSafe keeps a name fit for a file name on every system: the characters
// Windows refuses become "_".
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, s)
}

func checkFormat(format string) error {
	switch format {
	case FormatDOCX, FormatXLSX, FormatHTML, FormatPDF:
		return nil
	}
	return domain.Invalid("format", "must be docx, xlsx, html or pdf, not %q", format)
}

// figureRecords lists the activities behind each ledger figure (the appendix
// lists them; records deleted since are left out).
func (a *App) figureRecords(ctx context.Context, tx *store.Tx, ac domain.Actor, d report.Document, ids func(int) []int64) (map[int][]report.RecordLine, error) {
	reg := a.reportRegistry(ac)
	types, err := tx.ListTypes(ctx, "", false)
	if err != nil {
		return nil, err
	}
	typeName := map[int64]string{}
	for _, t := range types {
		typeName[t.ID] = t.Name
	}
	src := a.newReportSource(tx, ac)
	out := map[int][]report.RecordLine{}
	for i, f := range d.Figures {
		if !reg.CountsActivities(f.Func) {
			continue
		}
		acts, err := tx.ActivitiesByID(ctx, ac.Scope, ids(i))
		if err != nil {
			return nil, err
		}
		lines := make([]report.RecordLine, 0, len(acts))
		for _, x := range acts {
			code, name := src.unitName(ctx, x.OrgID)
			lines = append(lines, report.RecordLine{ID: x.ID, Date: x.Date.String(), UnitCode: code, UnitName: name, Type: typeName[x.TypeID],
				Title: x.Title, Attendance: int64(x.Attendance), Status: string(x.Status)})
		}
		out[i] = lines
	}
	return out, nil
}

// renderReport writes a document in a format.
func (a *App) renderReport(d report.Document, format string, records map[int][]report.RecordLine) (ReportFile, error) {
	base := fileSafe(d.OrgName) + "-" + fileSafe(d.PeriodLabel) + "意识形态工作责任制落实情况报告"
	switch format {
	case FormatHTML:
		b, err := report.HTML(d, "")
		return ReportFile{Name: base + ".html", ContentType: "text/html; charset=utf-8", Data: b}, err
	case FormatDOCX, FormatPDF:
		b, err := report.DOCX(d)
		return ReportFile{Name: base + ".docx", ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Data: b}, err
	default:
		b, err := report.XLSX(d, records)
		return ReportFile{Name: base + "（附表）.xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: b}, err
	}
}
