// Package report writes the work report from the ledger: the figure
// functions a template calls (a pluggable registry; the ledger's count,
// attendance and units are built in, and the rosters, problems and later
// modules register their own), the default template, and the report's
// renderings (HTML, .docx, the .xlsx appendix) and snapshot digests.
//
// It reads the ledger through Source, which the application implements over
// one read transaction for one actor: every figure is scope-filtered there,
// and this package never touches the store.
package report

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/reporttpl"
)

// Unit is an org unit a figure counts (with its subtree).
type Unit struct {
	ID   int64
	Code string
	Name string
	Kind domain.OrgKind
}

// Period is a period resolved under the unit's bureau calendar.
type Period struct {
	Code  string
	Label string // 2024年
	Year  int
	Range domain.Range
	// Exact is false when Range is not the whole of Code (last year's span of
	// a period still in progress, cut at the same day): the records link then
	// names the dates instead of the code.
	Exact bool
}

// Filter is what a ledger figure counts: the records of a unit's subtree in a
// period, of some types (nil: every type), statuses, and optionally a venue.
type Filter struct {
	Unit     Unit
	Period   Period
	TypeIDs  []int64 // nil: every type
	Types    []string
	Pillar   string
	Venue    string
	Statuses []domain.Status
}

// Tally is a figure's count (场次) and attendance (人次).
type Tally struct {
	Count      int64
	Attendance int64
}

// Group is a figure's share of one direct child unit of the figure's unit
// (with its subtree); records filed on the unit itself form a group with the
// unit's own id.
type Group struct {
	UnitID int64
	Tally
}

// Source is the data a report reads, for one actor: the application
// implements it over one read transaction, filtering everything by the actor's
// scope (a unit outside it is not found).
type Source interface {
	// UnitByCode finds a unit in scope by its code.
	UnitByCode(ctx context.Context, code string) (Unit, error)
	// Period resolves a period code for a unit (lastYear: the same span a
	// year before, cut at today's date last year while the period runs).
	Period(ctx context.Context, unit Unit, code string, lastYear bool) (Period, error)
	// TypeIDs resolves type codes and/or a pillar to type ids (nil: every
	// type); an unknown code is invalid.
	TypeIDs(ctx context.Context, codes []string, pillar string) ([]int64, error)
	// Tally answers a figure (from the rollups when it can).
	Tally(ctx context.Context, f Filter) (Tally, error)
	// RecordIDs lists the ids of the records a figure counts, ascending.
	RecordIDs(ctx context.Context, f Filter) ([]int64, error)
	// ByChild splits a figure by direct child unit.
	ByChild(ctx context.Context, f Filter) ([]Group, error)
	// UnitsWith lists the units of a kind in f.Unit's subtree holding at least
	// one record matching f (in their subtree), and the records' ids when ids.
	UnitsWith(ctx context.Context, kind domain.OrgKind, f Filter, ids bool) (units, records []int64, err error)
}

// Env is what a figure function knows of the report: its data source, unit
// and period (the defaults of the unit: and period: arguments), and whether
// record ids are wanted (a stored snapshot needs them; a preview does not).
type Env struct {
	Src     Source
	Unit    Unit
	Period  Period
	WithIDs bool
}

// Provider is one figure function.
type Provider struct {
	Spec reporttpl.FuncSpec
	Eval func(ctx context.Context, env *Env, args reporttpl.Args) (reporttpl.Result, error)
	// Breakdown splits the figure by direct child unit for the appendix; nil
	// when the figure has no such split.
	Breakdown func(ctx context.Context, env *Env, args reporttpl.Args) ([]Group, error)
	// Activities marks functions whose RecordIDs are activity ids: a snapshot
	// keeps those records' state to flag later edits. Other ids (roster
	// members) are only digested.
	Activities bool
}

// Registry holds the figure functions a template may call. It is the
// reporttpl.FuncSet the templates are checked against.
type Registry struct {
	m     map[string]Provider
	order []string
}

// NewRegistry returns a registry with the ledger's functions (count,
// attendance, units). Other modules add theirs with Register.
func NewRegistry() *Registry {
	r := &Registry{m: map[string]Provider{}}
	for _, p := range ledgerProviders() {
		r.MustRegister(p)
	}
	return r
}

// Register adds a figure function; a name can be registered once.
func (r *Registry) Register(p Provider) error {
	if p.Spec.Name == "" || p.Eval == nil {
		return fmt.Errorf("report: a figure function needs a name and an Eval")
	}
	if p.Spec.Args == nil {
		p.Spec.Args = []reporttpl.ArgSpec{}
	}
	if _, dup := r.m[p.Spec.Name]; dup {
		return fmt.Errorf("report: figure function %q registered twice", p.Spec.Name)
	}
	r.m[p.Spec.Name] = p
	r.order = append(r.order, p.Spec.Name)
	return nil
}

// MustRegister is Register for wiring code, where a duplicate is a bug.
func (r *Registry) MustRegister(p Provider) {
	if err := r.Register(p); err != nil {
		panic(err)
	}
}

// Lookup implements reporttpl.FuncSet.
func (r *Registry) Lookup(name string) (reporttpl.FuncSpec, bool) {
	p, ok := r.m[name]
	return p.Spec, ok
}

// Specs lists the functions in registration order (for the editor's help).
func (r *Registry) Specs() []reporttpl.FuncSpec {
	out := make([]reporttpl.FuncSpec, 0, len(r.order))
	for _, n := range r.order {
		out = append(out, r.m[n].Spec)
	}
	return out
}

// Evaluator returns the reporttpl.Evaluator answering figures in env.
func (r *Registry) Evaluator(env *Env) reporttpl.Evaluator { return evaluator{r, env} }

// Breakdown splits an evaluated figure by direct child unit (nil when the
// function has no split). args are the figure's arguments as written.
func (r *Registry) Breakdown(ctx context.Context, env *Env, fn string, args reporttpl.Args) ([]Group, error) {
	p, ok := r.m[fn]
	if !ok || p.Breakdown == nil {
		return nil, nil
	}
	return p.Breakdown(ctx, env, args)
}

type evaluator struct {
	r   *Registry
	env *Env
}

func (e evaluator) Eval(ctx context.Context, fn string, args reporttpl.Args) (reporttpl.Result, error) {
	p, ok := e.r.m[fn]
	if !ok {
		return reporttpl.Result{}, domain.Invalid("source", "unknown figure function %q", fn)
	}
	res, err := p.Eval(ctx, e.env, args)
	if err != nil {
		return res, err
	}
	if res.RecordIDs == nil {
		res.RecordIDs = []int64{}
	}
	return res, nil
}

// Digest is the SHA-256 (hex) of a figure's record ids, sorted ascending and
// written as decimal numbers one per line: two snapshots counted the same
// records exactly when their digests agree.
func Digest(ids []int64) string {
	s := slices.Clone(ids)
	slices.Sort(s)
	h := sha256.New()
	var buf []byte
	for _, id := range s {
		buf = strconv.AppendInt(buf[:0], id, 10)
		buf = append(buf, '\n')
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ——— the ledger's functions ———

// Common argument specs.
var (
	argUnit = reporttpl.ArgSpec{Name: "unit", Kind: reporttpl.KindString, Doc: "org unit code (default: the report's unit); its whole subtree counts",
		Label: "单位", DocZh: "单位代码（默认：本报告的单位），含其全部下级单位"}
	argPeriod = reporttpl.ArgSpec{Name: "period", Kind: reporttpl.KindString, Doc: "period code or label, e.g. 2024, 2024Q3, 2024年第三季度 (default: the report's period)",
		Label: "期间", DocZh: "期间，如 2024、2024Q3、2024年第三季度（默认：本报告的期间）"}
	argStatus = reporttpl.ArgSpec{Name: "status", Kind: reporttpl.KindString, Doc: "review status counted: approved (default), submitted, draft, returned",
		Label: "审核状态", DocZh: "只计此审核状态的记录：approved 已审核（默认）、submitted 已提交、draft 草稿、returned 已退回"}
	argType = reporttpl.ArgSpec{Name: "type", Kind: reporttpl.KindString, Doc: "activity type code, e.g. outreach_lecture",
		Label: "活动类型", DocZh: "一种活动类型；在下方“活动类型”表中按名称点“插入”即可，不必记代码"}
	argTypes = reporttpl.ArgSpec{Name: "types", Kind: reporttpl.KindList, Doc: "several activity type codes, counted together",
		Label: "多种活动类型", DocZh: "几种活动类型合并计数，写成列表，如 [\"类型一\", \"类型二\"]（代码见下方“活动类型”表）"}
	argPillar = reporttpl.ArgSpec{Name: "pillar", Kind: reporttpl.KindString, Doc: "one of the six pillars: leadership, theory, civility, online, issues, team",
		Label: "工作板块", DocZh: "六个板块之一：leadership 加强组织领导、theory 狠抓理论学习、civility 精神文明创建、online 网络意识形态安全、issues 问题处置、team 队伍建设"}
	argVenue = reporttpl.ArgSpec{Name: "venue", Kind: reporttpl.KindString, Doc: "only records carrying this venue tag: office, campus, classroom, community, online",
		Label: "场所", DocZh: "只计带此场所标签的记录：office 机关、campus 校园、classroom 课堂、community 社区、online 线上"}
	argCmp = reporttpl.ArgSpec{Name: reporttpl.CompareArg, Kind: reporttpl.KindString, Doc: "last_year: the same figure for the same span a year before (added by | vs_last_year)",
		Label: "同比", DocZh: "上年同期的同一数字（由 | vs_last_year 自动加上，不必手写）"}
)

func ledgerArgs() []reporttpl.ArgSpec {
	return []reporttpl.ArgSpec{argType, argTypes, argPillar, argVenue, argUnit, argPeriod, argStatus, argCmp}
}

func ledgerProviders() []Provider {
	return []Provider{
		{Activities: true, Spec: reporttpl.FuncSpec{Name: "count", Unit: "场次", Args: ledgerArgs(),
			Doc:   "number of activities (场次) of a unit's subtree in the period, by type, types or pillar, optionally at one venue",
			Label: "场次", DocZh: "单位（含下级）在期间内开展活动的场次，可按活动类型、多种类型或板块统计，可限定场所"},
			Eval: func(ctx context.Context, env *Env, a reporttpl.Args) (reporttpl.Result, error) {
				return ledgerFigure(ctx, env, "count", a)
			},
			Breakdown: func(ctx context.Context, env *Env, a reporttpl.Args) ([]Group, error) {
				return ledgerBreakdown(ctx, env, a)
			}},
		{Activities: true, Spec: reporttpl.FuncSpec{Name: "attendance", Unit: "人次", Args: ledgerArgs(),
			Doc:   "summed attendance (人次) of the same activities count() counts",
			Label: "人次", DocZh: "与“场次”统计的同一批活动的参加人次合计"},
			Eval: func(ctx context.Context, env *Env, a reporttpl.Args) (reporttpl.Result, error) {
				return ledgerFigure(ctx, env, "attendance", a)
			},
			Breakdown: func(ctx context.Context, env *Env, a reporttpl.Args) ([]Group, error) {
				return ledgerBreakdown(ctx, env, a)
			}},
		{Activities: true, Spec: reporttpl.FuncSpec{Name: "units", Unit: "个", Args: append([]reporttpl.ArgSpec{
			{Name: "kind", Kind: reporttpl.KindString, Required: true, Doc: "unit kind counted: school, district or branch",
				Label: "单位类别", DocZh: "统计的单位类别：school 学校、district 学区、branch 分支（支部等）"}}, ledgerArgs()...),
			Doc:   "number of units of a kind (e.g. schools) in the subtree that held at least one such activity (themselves or their branches)",
			Label: "开展单位数", DocZh: "下级中至少开展过一次此类活动（本身或其分支）的某类单位（如学校）的个数"},
			Eval: unitsFigure},
	}
}

// filterOf reads the common arguments of a ledger figure into a Filter.
func filterOf(ctx context.Context, env *Env, a reporttpl.Args) (Filter, error) {
	f := Filter{Unit: env.Unit, Period: env.Period, Statuses: []domain.Status{domain.StatusApproved}}
	if v, ok := a["unit"]; ok {
		u, err := env.Src.UnitByCode(ctx, v.Str)
		if err != nil {
			return f, argErr("unit", err)
		}
		f.Unit = u
	}
	lastYear := a[reporttpl.CompareArg].Str == reporttpl.CompareLastYear
	if v, ok := a[reporttpl.CompareArg]; ok && !lastYear {
		return f, domain.Invalid(reporttpl.CompareArg, "must be %q, not %q", reporttpl.CompareLastYear, v.Str)
	}
	code := f.Period.Code
	if v, ok := a["period"]; ok {
		code = v.Str
	}
	if _, ok := a["period"]; ok || lastYear || f.Unit.ID != env.Unit.ID {
		p, err := env.Src.Period(ctx, f.Unit, code, lastYear)
		if err != nil {
			return f, argErr("period", err)
		}
		f.Period = p
	}
	if v, ok := a["status"]; ok {
		s := domain.Status(v.Str)
		if !s.Valid() {
			return f, domain.Invalid("status", "%q is not a status (draft, submitted, approved, returned)", v.Str)
		}
		f.Statuses = []domain.Status{s}
	}
	if v, ok := a["type"]; ok {
		f.Types = append(f.Types, v.Str)
	}
	if v, ok := a["types"]; ok {
		if len(v.List) == 0 {
			return f, domain.Invalid("types", "names no type; list at least one type code")
		}
		f.Types = append(f.Types, v.List...)
	}
	if v, ok := a["pillar"]; ok {
		if _, ok := domain.PillarByCode(v.Str); !ok {
			return f, domain.Invalid("pillar", "unknown pillar %q (leadership, theory, civility, online, issues, team)", v.Str)
		}
		f.Pillar = v.Str
	}
	if v, ok := a["venue"]; ok {
		if _, ok := domain.VenueNames[v.Str]; !ok {
			return f, domain.Invalid("venue", "unknown venue %q (office, campus, classroom, community, online)", v.Str)
		}
		f.Venue = v.Str
	}
	if f.Types != nil || f.Pillar != "" {
		ids, err := env.Src.TypeIDs(ctx, f.Types, f.Pillar)
		if err != nil {
			return f, err
		}
		if f.Types != nil && f.Pillar != "" && len(ids) == 0 {
			return f, domain.Invalid("pillar", "none of the types %s belongs to the pillar %s", strings.Join(f.Types, ", "), f.Pillar)
		}
		f.TypeIDs = ids
	}
	return f, nil
}

// argErr names the argument on a not-found or invalid error from the source.
func argErr(arg string, err error) error {
	var de *domain.Error
	if errors.As(err, &de) && (de.Kind == domain.KindNotFound || de.Kind == domain.KindInvalid) {
		return domain.Invalid(arg, "%s", de.Message)
	}
	return err
}

func ledgerFigure(ctx context.Context, env *Env, fn string, a reporttpl.Args) (reporttpl.Result, error) {
	f, err := filterOf(ctx, env, a)
	if err != nil {
		return reporttpl.Result{}, err
	}
	t, err := env.Src.Tally(ctx, f)
	if err != nil {
		return reporttpl.Result{}, err
	}
	res := reporttpl.Result{Value: t.Count, Unit: "场次", Query: Query(fn, f), Records: RecordsLink(f)}
	if fn == "attendance" {
		res.Value, res.Unit = t.Attendance, "人次"
	}
	if env.WithIDs {
		if res.RecordIDs, err = env.Src.RecordIDs(ctx, f); err != nil {
			return res, err
		}
	}
	return res, nil
}

func ledgerBreakdown(ctx context.Context, env *Env, a reporttpl.Args) ([]Group, error) {
	f, err := filterOf(ctx, env, a)
	if err != nil {
		return nil, err
	}
	return env.Src.ByChild(ctx, f)
}

func unitsFigure(ctx context.Context, env *Env, a reporttpl.Args) (reporttpl.Result, error) {
	kind := domain.OrgKind(a["kind"].Str)
	if !kind.Valid() || kind == domain.OrgBureau {
		return reporttpl.Result{}, domain.Invalid("kind", "unknown unit kind %q (district, school, branch)", a["kind"].Str)
	}
	f, err := filterOf(ctx, env, a)
	if err != nil {
		return reporttpl.Result{}, err
	}
	units, ids, err := env.Src.UnitsWith(ctx, kind, f, env.WithIDs)
	if err != nil {
		return reporttpl.Result{}, err
	}
	q := Query("units", f) + " kind=" + string(kind)
	return reporttpl.Result{Value: int64(len(units)), Unit: "个", Query: q, Records: RecordsLink(f), RecordIDs: ids}, nil
}

// Query is the canonical text of a ledger figure: the same figure always
// prints the same text, and the text says everything that was counted.
func Query(fn string, f Filter) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s unit=%s(%d) period=%s[%s,%s)", fn, f.Unit.Code, f.Unit.ID, f.Period.Code, f.Period.Range.From, f.Period.Range.To)
	if f.Types != nil {
		t := slices.Clone(f.Types)
		sort.Strings(t)
		fmt.Fprintf(&b, " types=%s", strings.Join(slices.Compact(t), ","))
	}
	if f.Pillar != "" {
		fmt.Fprintf(&b, " pillar=%s", f.Pillar)
	}
	if f.TypeIDs != nil {
		ids := slices.Clone(f.TypeIDs)
		slices.Sort(ids)
		s := make([]string, len(ids))
		for i, id := range ids {
			s[i] = strconv.FormatInt(id, 10)
		}
		fmt.Fprintf(&b, " type_ids=%s", strings.Join(s, ","))
	}
	if f.Venue != "" {
		fmt.Fprintf(&b, " venue=%s", f.Venue)
	}
	st := make([]string, len(f.Statuses))
	for i, s := range f.Statuses {
		st[i] = string(s)
	}
	fmt.Fprintf(&b, " status=%s", strings.Join(st, ","))
	return b.String()
}

// RecordsLink is the web app's ledger page filtered to exactly the records a
// figure counts: the same filter as GET /api/v1/activities.
func RecordsLink(f Filter) string {
	v := url.Values{}
	v.Set("org_id", strconv.FormatInt(f.Unit.ID, 10))
	if f.Period.Exact {
		v.Set("period", f.Period.Code)
	} else {
		v.Set("from", f.Period.Range.From.String())
		v.Set("to", f.Period.Range.To.AddDays(-1).String())
	}
	if f.Pillar != "" {
		v.Set("pillar", f.Pillar)
	}
	if f.Types != nil {
		ids := slices.Clone(f.TypeIDs)
		slices.Sort(ids)
		for _, id := range ids {
			v.Add("type_id", strconv.FormatInt(id, 10))
		}
	}
	if f.Venue != "" {
		v.Set("venue", f.Venue)
	}
	for _, s := range f.Statuses {
		v.Add("status", string(s))
	}
	return "/ledger?" + v.Encode()
}

// CountsActivities reports whether fn's record ids are activity ids.
func (r *Registry) CountsActivities(fn string) bool { return r.m[fn].Activities }
