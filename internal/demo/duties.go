package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/catalog"
	"github.com/zeren-edu/zeren/internal/domain"
)

// The demo county's duty system: the bureau's leading group (the source's
// "局党委书记为组长，班子成员为副组长"), one group per district, and the
// year's plan (年度工作计划) drawn from the source document — set for the
// first year and carried into each later year with "copy last year's plan",
// as an office would.

// planDuty is one duty of the demo plan.
type planDuty struct {
	title  string
	pillar string
	// applies is "bureau" (the bureau, its whole subtree counted: a county
	// total or the bureau's own work) or "schools" (each school, its
	// branches counted).
	applies string
	measure domain.DutyMeasure
	grain   domain.DutyGrain
	atLeast int64
	types   []string
	weight  int64
	person  string
	// deadline is a month-day for checklist items due before the year's end.
	deadline string
}

var demoPlan = []planDuty{
	{"局党委每半年至少专题研究一次意识形态工作", domain.PillarLeadership, "bureau", domain.MeasureCount, domain.GrainSemester, 1, []string{catalog.CodePartyCommitteeMeeting}, 3, "局党委书记", ""},
	{"领导小组每季度召开一次会议，研究部署意识形态工作", domain.PillarLeadership, "bureau", domain.MeasureCount, domain.GrainQuarter, 1, []string{catalog.CodeLeadingGroupMeeting}, 3, "", ""},
	{"每半年开展一次意识形态领域形势分析研判", domain.PillarLeadership, "bureau", domain.MeasureCount, domain.GrainSemester, 1, []string{catalog.CodeDutyAnalysisMeeting}, 3, "", ""},
	{"班子成员落实分片包抓，每季度深入学区、学校调研指导", domain.PillarLeadership, "bureau", domain.MeasureCount, domain.GrainQuarter, 2, []string{catalog.CodeCoverageVisit}, 2, "", ""},
	{"调整充实意识形态工作领导小组，明确责任分工", domain.PillarLeadership, "bureau", domain.MeasureChecklist, domain.GrainQuarter, 0, nil, 2, "办公室主任", "03-31"},
	{"党委中心组理论学习每年不少于12次", domain.PillarTheory, "bureau", domain.MeasureCount, domain.GrainYear, 12, []string{catalog.CodeCentralGroupStudy}, 5, "局党委书记", ""},
	{"各学校每季度至少开展一次理论学习", domain.PillarTheory, "schools", domain.MeasureCount, domain.GrainQuarter, 1, nil, 3, "", ""},
	{"“习语润咸”理论宣讲全年不少于80场次", domain.PillarTheory, "bureau", domain.MeasureCount, domain.GrainYear, 80, []string{catalog.CodeOutreachLecture}, 3, "", ""},
	{"开展主题活动，全年不少于50场次", domain.PillarTheory, "bureau", domain.MeasureCount, domain.GrainYear, 50, []string{catalog.CodeThemedActivity}, 2, "", ""},
	{"各学校每学期至少开展一次德育主题教育", domain.PillarCivility, "schools", domain.MeasureCount, domain.GrainSemester, 1, []string{catalog.CodeMoralEducation}, 2, "", ""},
	{"志愿服务活动全年不少于80次", domain.PillarCivility, "bureau", domain.MeasureCount, domain.GrainYear, 80, []string{catalog.CodeVolunteerService}, 2, "", ""},
	{"网络舆情监测每月不少于2次", domain.PillarOnline, "bureau", domain.MeasureCount, domain.GrainMonth, 2, []string{catalog.CodeOnlineMonitoring}, 3, "", ""},
	{"每季度开展一次舆情分析研判", domain.PillarIssues, "bureau", domain.MeasureCount, domain.GrainQuarter, 1, []string{catalog.CodeConcernAnalysis}, 3, "", ""},
	{"各学校每年至少开展一次党纪党规教育", domain.PillarTeam, "schools", domain.MeasureCount, domain.GrainYear, 1, []string{catalog.CodeDisciplineEducation}, 2, "", ""},
	{"报送年度意识形态工作责任制落实情况报告", domain.PillarLeadership, "bureau", domain.MeasureChecklist, domain.GrainYear, 0, nil, 2, "办公室主任", ""},
}

// buildDuties sets up the leading groups and the plans of FirstYear through
// today's year.
func buildDuties(ctx context.Context, a *app.App, ac domain.Actor, units []*unit, today domain.Date) error {
	types, err := a.ListTypes(ctx, "", false)
	if err != nil {
		return err
	}
	typeID := map[string]int64{}
	for _, t := range types {
		typeID[t.Code] = t.ID
	}
	bureau := units[0]
	from := domain.NewDate(FirstYear, time.January, 1)
	group := domain.LeadingGroupInput{OrgID: bureau.id, Name: "意识形态工作领导小组", Members: []domain.GroupMember{
		{Name: "赵建国", Title: "局党委书记", Role: domain.GroupRoleLeader, From: from},
		{Name: "钱志华", Title: "局长", Role: domain.GroupRoleDeputy, From: from},
		{Name: "孙立新", Title: "副局长", Role: domain.GroupRoleDeputy, From: from},
		{Name: "李红梅", Title: "纪检组长", Role: domain.GroupRoleDeputy, From: from},
		{Name: "吴敏", Title: "宣传股股长", Role: domain.GroupRoleMember, From: from},
		{Name: "郑伟", Title: "教育股股长", Role: domain.GroupRoleMember, From: from},
		{Name: "周文", Title: "办公室主任", Role: domain.GroupRoleOffice, From: from},
	}}
	if _, err := a.PutLeadingGroup(ctx, ac, group, 0); err != nil {
		return fmt.Errorf("the bureau's leading group: %w", err)
	}
	for _, u := range units {
		if u.kind != domain.OrgDistrict || !u.until.IsZero() {
			continue
		}
		g := domain.LeadingGroupInput{OrgID: u.id, Name: u.name + "意识形态工作领导小组", Members: []domain.GroupMember{
			{Name: u.short + "党总支书记", Title: "学区党总支书记", Role: domain.GroupRoleLeader, From: from},
			{Name: u.short + "学区主任", Title: "学区主任", Role: domain.GroupRoleDeputy, From: from},
			{Name: u.short + "办公室干事", Title: "办公室干事", Role: domain.GroupRoleOffice, From: from},
		}}
		if _, err := a.PutLeadingGroup(ctx, ac, g, 0); err != nil {
			return fmt.Errorf("the leading group of %s: %w", u.code, err)
		}
	}

	for _, d := range demoPlan {
		in := domain.DutyInput{Year: FirstYear, Title: d.title, Pillar: d.pillar, OwnerOrgID: bureau.id, OwnerPerson: d.person,
			Target: domain.Target{Measure: d.measure, Grain: d.grain, AtLeast: d.atLeast, TypeIDs: []int64{}}, Weight: d.weight}
		for _, c := range d.types {
			id, ok := typeID[c]
			if !ok {
				return fmt.Errorf("duty %q: no activity type %s", d.title, c)
			}
			in.Target.TypeIDs = append(in.Target.TypeIDs, id)
		}
		switch d.applies {
		case "bureau":
			in.Applies = domain.Applies{Kind: domain.AppliesList, OrgIDs: []int64{bureau.id}}
		case "schools":
			in.Applies = domain.Applies{Kind: domain.AppliesKindIn, Root: bureau.id, OrgKind: domain.OrgSchool}
		default:
			return fmt.Errorf("duty %q: applies to %q", d.title, d.applies)
		}
		if d.deadline != "" {
			dl, err := domain.ParseDate(fmt.Sprintf("%d-%s", FirstYear, d.deadline))
			if err != nil {
				return err
			}
			in.Deadline = &dl
		}
		if _, err := a.CreateDuty(ctx, ac, in); err != nil {
			return fmt.Errorf("duty %q: %w", d.title, err)
		}
	}
	for y := FirstYear + 1; y <= today.Year; y++ {
		if _, err := a.CopyPlan(ctx, ac, y-1, y); err != nil {
			return fmt.Errorf("copying the %d plan: %w", y-1, err)
		}
	}
	// The checklist items of past years were done and signed off; this
	// year's wait for the office.
	for y := FirstYear; y < today.Year; y++ {
		ds, err := a.ListDuties(ctx, ac, y, "")
		if err != nil {
			return err
		}
		for _, d := range ds {
			if d.Target.Measure != domain.MeasureChecklist {
				continue
			}
			if err := a.SubmitDutyCheck(ctx, ac, d.ID, bureau.id, "已按要求完成，材料存档备查。", nil); err != nil {
				return fmt.Errorf("duty %q of %d: %w", d.Title, y, err)
			}
			if err := a.SignDutyCheck(ctx, ac, d.ID, bureau.id); err != nil {
				return fmt.Errorf("duty %q of %d: %w", d.Title, y, err)
			}
		}
	}
	return nil
}
