package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/export"
	"github.com/zeren-edu/zeren/internal/store"
)

// The lists exported besides the ledger: rosters (teams, a team's members),
// accounts, the audit trail, problems and rectifications. Each is its list
// function read a page at a time (writeExport), with the list's own
// permission and scope; the business lists also need the export permission,
// while the administrators' lists (accounts, the audit trail) need only the
// list's own, since no administrator may hold a business permission.
//
// Phones are exported masked, as every list shows them: a file travels
// further than a screen, and no one needs a whole list's numbers at once
// (one member's full number is on that member's page, for its editors).

// exportPageSize is how many rows one page of a list export reads.
func (a *App) exportPageSize() int {
	if a.listExportPage > 0 {
		return a.listExportPage
	}
	return MaxPageSize
}

// ExportTeams exports the teams ListTeams lists for q (every page).
func (a *App) ExportTeams(ctx context.Context, ac domain.Actor, q TeamQuery) (*Export, error) {
	if err := ac.Require(domain.PermExport); err != nil {
		return nil, err
	}
	kind, err := parseTeamKind(q.Kind)
	if err != nil {
		return nil, err
	}
	unit, err := a.unitWords(ctx, ac, q.OrgID)
	if err != nil {
		return nil, err
	}
	var w words
	var d auditWords
	w.add("单位", unit)
	w.add("队伍类型", domain.TeamKindNames[kind])
	w.flag("在册", q.Active)
	w.add("名称包含", q.Query)
	w.date("在册日期", q.At)
	d.add("org_id", q.OrgID)
	d.add("kind", q.Kind)
	d.add("active", q.Active)
	d.add("q", q.Query)
	d.add("at", q.At)
	what := ""
	if !q.At.IsZero() {
		what = q.At.String()
	}
	list := func(ctx context.Context, limit, offset int) ([]domain.Team, int, error) {
		p := q
		p.Limit, p.Offset = limit, offset
		return a.ListTeams(ctx, ac, p)
	}
	return a.writeExport(ctx, ac, listExport{
		auditType: "team.export", target: "teams", noun: "teams", title: "队伍名册", what: what,
		filter: w, detail: d.String(),
		columns: []export.Column{{Title: "单位", Width: 24}, {Title: "队伍类型", Width: 14}, {Title: "队伍名称", Width: 24},
			{Title: "说明", Width: 30}, {Title: "成立日期", Width: 12}, {Title: "撤销日期", Width: 12}, {Title: "状态", Width: 8},
			{Title: "成员人数", Width: 10}, {Title: "编号", Width: 9}},
		count: countOf(list),
		next: offsetPages(a.exportPageSize(), list, func(t domain.Team) exportRow {
			state := "在册"
			if !t.Active {
				state = "已撤销"
			}
			return exportRow{key: t.ID, cells: []any{t.OrgName, domain.TeamKindNames[t.Kind], t.Name, t.Description,
				t.FoundedOn, t.DissolvedOn, state, t.Members, t.ID}}
		}),
	})
}

// ExportMembers exports a team's members as ListMembers lists them (phones
// masked): today's, or everyone who ever was (all).
func (a *App) ExportMembers(ctx context.Context, ac domain.Actor, teamID int64, all bool) (*Export, error) {
	if err := ac.Require(domain.PermExport); err != nil {
		return nil, err
	}
	team, err := a.GetTeam(ctx, ac, teamID)
	if err != nil {
		return nil, err
	}
	w := words{"队伍：" + team.OrgName + " " + team.Name}
	if all {
		w.add("范围", "含已离开的成员")
	} else {
		w.add("范围", a.Today().String()+"在册成员")
	}
	done := false
	return a.writeExport(ctx, ac, listExport{
		auditType: "member.export", target: "team:" + strconv.FormatInt(teamID, 10), noun: "members",
		title: "队伍成员", what: team.Name, filter: w, detail: "all=" + strconv.FormatBool(all),
		columns: []export.Column{{Title: "姓名", Width: 12}, {Title: "角色", Width: 10}, {Title: "单位", Width: 24},
			{Title: "职务", Width: 16}, {Title: "联系电话", Width: 14}, {Title: "加入日期", Width: 12}, {Title: "离开日期", Width: 12},
			{Title: "编号", Width: 9}},
		// A team's members are one list (a team is small): one page.
		next: func(ctx context.Context) ([]exportRow, bool, error) {
			if done {
				return nil, true, nil
			}
			done = true
			ms, err := a.ListMembers(ctx, ac, teamID, all)
			rows := make([]exportRow, len(ms))
			for i, m := range ms {
				rows[i] = exportRow{key: m.ID, cells: []any{m.Name, domain.MemberRoleNames[m.Role], m.OrgName, m.Title,
					domain.MaskPhone(m.Phone), m.JoinedOn, m.LeftOn, m.ID}}
			}
			return rows, true, err
		},
	})
}

// ExportAccounts exports the accounts ListAccounts lists (phones masked).
func (a *App) ExportAccounts(ctx context.Context, ac domain.Actor, query string) (*Export, error) {
	list := func(ctx context.Context, limit, offset int) ([]domain.Account, int, error) {
		return a.ListAccounts(ctx, ac, query, limit, offset)
	}
	units := a.orgNames(ac)
	var w words
	w.add("用户名或姓名包含", query)
	var d auditWords
	d.add("q", query)
	next := offsetPages(a.exportPageSize(), list, func(acct domain.Account) exportRow {
		var roles []string
		for _, r := range acct.Roles {
			roles = append(roles, r.Name)
		}
		state := "正常"
		switch {
		case acct.Disabled:
			state = "已停用"
		case acct.LockedUntil.After(a.now()):
			state = "已锁定"
		}
		totp := "未开启"
		if acct.TOTPEnabled {
			totp = "已开启"
		}
		return exportRow{key: acct.ID, cells: []any{acct.Username, acct.Name, acct.OrgID, strings.Join(roles, "、"),
			domain.MaskPhone(acct.Phone), state, totp, a.local(acct.LastLoginAt), a.local(acct.CreatedAt), acct.ID}}
	})
	return a.writeExport(ctx, ac, listExport{
		auditType: "account.export", target: "accounts", noun: "accounts", title: "账号列表",
		filter: w, detail: d.String(),
		columns: []export.Column{{Title: "用户名", Width: 14}, {Title: "姓名", Width: 12}, {Title: "单位", Width: 24},
			{Title: "角色", Width: 24}, {Title: "手机号", Width: 14}, {Title: "状态", Width: 8}, {Title: "双因素认证", Width: 10},
			{Title: "最近登录", Width: 20}, {Title: "创建时间", Width: 20}, {Title: "编号", Width: 9}},
		count: countOf(list),
		next:  units.named(2, next),
	})
}

// auditOutcomeNames are the audit outcomes in Chinese.
var auditOutcomeNames = map[string]string{"success": "成功", "failure": "失败", "denied": "拒绝"}

// ExportAuditEvents exports the audit trail ListNamedAuditEvents lists for q,
// newest first (the audit administrator).
func (a *App) ExportAuditEvents(ctx context.Context, ac domain.Actor, q AuditQuery) (*Export, error) {
	if err := ac.Require(domain.PermAuditRead); err != nil {
		return nil, err
	}
	unit, err := a.unitWords(ctx, ac, q.OrgID)
	if err != nil {
		return nil, err
	}
	var w words
	var d auditWords
	w.add("单位", unit)
	w.add("结果", auditOutcomeNames[q.Outcome])
	w.add("类型", q.Type)
	if q.ActorID != 0 {
		w.add("操作人编号", strconv.FormatInt(q.ActorID, 10))
	}
	w.add("对象", q.Target)
	if !q.From.IsZero() {
		w.add("起始时间", a.local(q.From).Format("2006-01-02 15:04:05"))
	}
	if !q.To.IsZero() {
		w.add("截止时间", a.local(q.To).Format("2006-01-02 15:04:05"))
	}
	d.add("org_id", q.OrgID)
	d.add("outcome", q.Outcome)
	d.add("type", q.Type)
	d.add("actor_id", q.ActorID)
	d.add("target", q.Target)
	if !q.From.IsZero() {
		d.add("from", q.From.Format("2006-01-02T15:04:05Z07:00"))
	}
	if !q.To.IsZero() {
		d.add("to", q.To.Format("2006-01-02T15:04:05Z07:00"))
	}
	list := func(ctx context.Context, limit, offset int) ([]NamedAuditEvent, int, error) {
		p := q
		p.Limit, p.Offset = limit, offset
		return a.ListNamedAuditEvents(ctx, ac, p)
	}
	return a.writeExport(ctx, ac, listExport{
		auditType: "audit.export", target: "audit", noun: "events", title: "审计日志",
		filter: w, detail: d.String(),
		columns: []export.Column{{Title: "序号", Width: 9}, {Title: "时间", Width: 20}, {Title: "操作人", Width: 14},
			{Title: "账号", Width: 14}, {Title: "单位", Width: 24}, {Title: "事件", Width: 22}, {Title: "对象", Width: 18},
			{Title: "对象名称", Width: 24}, {Title: "结果", Width: 8}, {Title: "来源地址", Width: 16}, {Title: "说明", Width: 40}},
		count: countOf(list),
		// Newest first: events written during the export come at the front,
		// so an offset meets an older event twice, never skips one.
		next: offsetPages(a.exportPageSize(), list, func(e NamedAuditEvent) exportRow {
			outcome := auditOutcomeNames[e.Outcome]
			if outcome == "" {
				outcome = e.Outcome
			}
			return exportRow{key: e.Seq, cells: []any{e.Seq, a.local(e.Time), e.ActorName, e.Actor, e.OrgName, e.Type,
				e.Target, e.TargetName, outcome, e.ClientAddr, e.Detail}}
		}),
	})
}

// problemDecisionNames are the decisions on a problem in Chinese.
var problemDecisionNames = map[string]string{DecisionAccepted: "已采纳", DecisionDropped: "不采纳"}

// ExportProblems exports the problems Problems suggests for a unit and
// period, with the decisions taken.
func (a *App) ExportProblems(ctx context.Context, ac domain.Actor, orgID int64, periodCode string) (*Export, error) {
	if err := ac.Require(domain.PermExport); err != nil {
		return nil, err
	}
	list, err := a.Problems(ctx, ac, orgID, periodCode)
	if err != nil {
		return nil, err
	}
	unit, err := a.unitWords(ctx, ac, orgID)
	if err != nil {
		return nil, err
	}
	w := words{"单位：" + unit, "期间：" + list.Period.LabelZH}
	done := false
	return a.writeExport(ctx, ac, listExport{
		auditType: "problem.export", target: "problems", noun: "problems", title: "问题研判", what: list.Period.LabelZH,
		filter: w, detail: "org_id=" + strconv.FormatInt(orgID, 10) + " period=" + periodCode,
		columns: []export.Column{{Title: "问题", Width: 30}, {Title: "详情", Width: 60}, {Title: "涉及记录数", Width: 10},
			{Title: "研判", Width: 8}, {Title: "备注", Width: 30}, {Title: "研判人", Width: 12}, {Title: "研判时间", Width: 20}},
		// The problems are computed at once for the unit and period: one page.
		next: func(ctx context.Context) ([]exportRow, bool, error) {
			if done {
				return nil, true, nil
			}
			done = true
			rows := make([]exportRow, len(list.Items))
			for i, p := range list.Items {
				decision, at := "待研判", ""
				if p.Decision != nil {
					decision = problemDecisionNames[*p.Decision]
				}
				if p.DecidedAt != nil {
					at = a.local(*p.DecidedAt).Format("2006-01-02 15:04:05")
				}
				rows[i] = exportRow{key: int64(i), cells: []any{p.Title, p.Detail, p.Evidence.Count, decision, p.Note, p.DecidedBy, at}}
			}
			return rows, true, nil
		},
	})
}

// rectStateNames and rectSourceNames are as the rectification page says them.
var (
	rectStateNames = map[domain.RectState]string{domain.RectOpen: "整改中", domain.RectSubmitted: "待销号",
		domain.RectClosed: "已销号", domain.RectReturned: "已退回"}
	rectSourceNames = map[domain.RectSource]string{domain.RectFromProblem: "问题研判", domain.RectFromInspection: "督导检查",
		domain.RectFromCase: "舆情事件", domain.RectFromManual: "其他"}
)

// ExportRectifications exports the rectifications ListRectifications lists
// for q (every page): what a figure counted, when q is its records link.
func (a *App) ExportRectifications(ctx context.Context, ac domain.Actor, q RectQuery) (*Export, error) {
	if err := ac.Require(domain.PermExport); err != nil {
		return nil, err
	}
	unit, err := a.unitWords(ctx, ac, q.OrgID)
	if err != nil {
		return nil, err
	}
	var w words
	var d auditWords
	w.add("单位", unit)
	w.add("状态", rectStateNames[domain.RectState(q.State)])
	if q.Year != 0 {
		w.add("整改期限年度", strconv.Itoa(q.Year))
	}
	w.date("交办日期起", q.OpenedFrom)
	w.date("交办日期止（不含）", q.OpenedTo)
	w.date("销号日期起", q.ClosedFrom)
	w.date("销号日期止（不含）", q.ClosedTo)
	for _, f := range []struct {
		on    bool
		label string
		key   string
	}{{q.Overdue, "只看逾期", "overdue"}, {q.Escalated, "已上报", "escalated"}, {q.ToReview, "待我审核", "to_review"},
		{q.OnTime, "按期完成", "on_time"}, {q.Immediate, "立行立改", "immediate"}} {
		if f.on {
			w = append(w, f.label)
			d.add(f.key, true)
		}
	}
	d.add("org_id", q.OrgID)
	d.add("state", q.State)
	d.add("year", q.Year)
	d.add("opened_from", q.OpenedFrom)
	d.add("opened_to", q.OpenedTo)
	d.add("closed_from", q.ClosedFrom)
	d.add("closed_to", q.ClosedTo)
	list := func(ctx context.Context, limit, offset int) ([]domain.Rectification, int, error) {
		p := q
		p.Limit, p.Offset = limit, offset
		return a.ListRectifications(ctx, ac, p)
	}
	what := ""
	if q.Year != 0 {
		what = strconv.Itoa(q.Year)
	}
	return a.writeExport(ctx, ac, listExport{
		auditType: "rectification.export", target: "rectifications", noun: "rectifications", title: "整改台账", what: what,
		filter: w, detail: d.String(),
		columns: []export.Column{{Title: "责任单位", Width: 24}, {Title: "来源", Width: 10}, {Title: "问题", Width: 36},
			{Title: "整改措施", Width: 36}, {Title: "责任人", Width: 12}, {Title: "交办日期", Width: 12}, {Title: "整改期限", Width: 12},
			{Title: "状态", Width: 8}, {Title: "逾期", Width: 6}, {Title: "销号日期", Width: 12}, {Title: "审核单位", Width: 24},
			{Title: "编号", Width: 9}},
		count: countOf(list),
		next: offsetPages(a.exportPageSize(), list, func(r domain.Rectification) exportRow {
			overdue := ""
			if r.Overdue {
				overdue = "是"
			}
			return exportRow{key: r.ID, cells: []any{r.OrgName, rectSourceNames[r.Source], r.Finding, r.Measures, r.Responsible,
				r.OpenedOn, r.Deadline, rectStateNames[r.State], overdue, r.ClosedOn, r.ReviewOrgName, r.ID}}
		}),
	})
}

// countOf counts a paged list's matching rows with a one-row page.
func countOf[T any](list func(ctx context.Context, limit, offset int) ([]T, int, error)) func(ctx context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		_, total, err := list(ctx, 1, 0)
		return total, err
	}
}

// local is an instant in the bureau's time zone; the zero time stays zero.
func (a *App) local(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(a.clock.Location())
}

// unitNames names the units of a list that carries only their ids, reading
// each unit once, within the reader's scope.
type unitNames struct {
	a     *App
	scope domain.Scope
	names map[int64]string
}

func (a *App) orgNames(ac domain.Actor) *unitNames {
	return &unitNames{a: a, scope: ac.Scope, names: map[int64]string{}}
}

// named wraps a page reader so that the cell at col, a unit id, becomes the
// unit's name.
func (u *unitNames) named(col int, next func(ctx context.Context) ([]exportRow, bool, error)) func(ctx context.Context) ([]exportRow, bool, error) {
	return func(ctx context.Context) ([]exportRow, bool, error) {
		rows, done, err := next(ctx)
		if err != nil {
			return nil, false, err
		}
		err = u.a.st.Read(ctx, func(tx *store.Tx) error {
			for _, r := range rows {
				id, _ := r.cells[col].(int64)
				name, ok := u.names[id]
				if !ok {
					if o, err := tx.GetOrg(ctx, u.scope, id); err == nil {
						name = o.Name
					}
					u.names[id] = name
				}
				r.cells[col] = name
			}
			return nil
		})
		return rows, done, err
	}
}
