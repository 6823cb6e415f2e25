package demo

import (
	"bytes"
	"context"
	"fmt"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/assess"
	"github.com/zeren-edu/zeren/internal/domain"
)

// The demo's rectifications (整改) and its assessment rubric (考核细则).
// Rectifications are opened on the app's today (an item cannot be opened in
// the past), one in each state, at the first schools of the first district,
// which reviews them; the rubric scores every school of the county for
// today's year with the indicators the ledger already answers.
var demoFindings = []struct{ finding, measures string }{
	{"中心组学习记录不完整，部分学习缺少研讨发言记录", "补齐学习记录，明确专人记录研讨发言，每月报学区审核"},
	{"意识形态阵地管理台账未及时更新，校园宣传栏内容审核无记录", "建立宣传栏内容“一审一签”制度，补登近三个月审核记录"},
	{"网络舆情监督员培训覆盖不全，两名新任监督员未参加培训", "组织新任监督员专题培训，培训记录和照片上传台账"},
	{"师德师风专题教育佐证材料不足，缺少签到表和照片", "补充签到表、照片等佐证材料，今后活动当日上传"},
}

func buildRectifications(ctx context.Context, a *app.App, op domain.Actor, seed int64, units []*unit, today domain.Date) error {
	var district *unit
	var schools []*unit
	for _, u := range units {
		if u.kind == domain.OrgDistrict && district == nil && u.until.IsZero() {
			district = u
		}
		if district != nil && u.kind == domain.OrgSchool && u.parent == district && u.until.IsZero() && len(schools) < len(demoFindings) {
			schools = append(schools, u)
		}
	}
	if district == nil || len(schools) < len(demoFindings) {
		return nil // a county too small for the demo's four items
	}
	// The district's office opens them; the schools' admins work on them.
	reviewer := op
	reviewer.Name, reviewer.OrgID, reviewer.Scope = "学区办公室", district.id, domain.Scope{Roots: []int64{district.id}}
	now := a.Today()
	for i, s := range schools {
		f := demoFindings[i]
		r, err := a.CreateRectification(ctx, reviewer, domain.RectificationInput{OrgID: s.id, Source: domain.RectFromInspection,
			Ref: fmt.Sprintf("%d年度意识形态工作督导检查", now.Year), Finding: f.finding, Measures: f.measures,
			Responsible: "分管副校长", Deadline: now.AddDays(30 - 7*i)})
		if err != nil {
			return err
		}
		owner := op
		owner.Name, owner.OrgID, owner.Scope, owner.AccountID = s.name+"管理员", s.id, domain.Scope{Roots: []int64{s.id}}, 0
		if _, err := a.AddRectNote(ctx, owner, r.ID, "已召开专题会议研究整改措施，明确责任人和完成时限。"); err != nil {
			return err
		}
		if i == 0 {
			continue // open
		}
		if _, err := a.AttachRectEvidence(ctx, owner, r.ID, "整改佐证.png", bytes.NewReader(photo(seed, 9000+i, 0))); err != nil {
			return err
		}
		if _, err := a.SubmitRectification(ctx, owner, r.ID, "已按整改措施完成，佐证材料已上传。"); err != nil {
			return err
		}
		switch i {
		case 2:
			if _, err := a.ReviewRectification(ctx, reviewer, r.ID, app.RectDecisionClose, "整改到位，同意销号。"); err != nil {
				return err
			}
		case 3:
			if _, err := a.ReviewRectification(ctx, reviewer, r.ID, app.RectDecisionReturn, "签到表不清晰，请重新上传。"); err != nil {
				return err
			}
		}
	}
	// The bureau's rubric for today's year.
	var bureau *unit
	for _, u := range units {
		if u.kind == domain.OrgBureau {
			bureau = u
			break
		}
	}
	_, err := a.SaveRubric(ctx, op, 0, app.RubricInput{OrgID: bureau.id, Year: today.Year, Name: fmt.Sprintf("%d年度学校意识形态工作责任制考核细则", today.Year),
		UnitKind: domain.OrgSchool, Items: []assess.Item{
			{Name: "中心组理论学习", Indicator: app.IndActivityCount, Weight: 10, Params: map[string]string{"types": "central_group_study"},
				Rule: assess.Rule{Kind: assess.Thresholds, Steps: []assess.Step{{At: 6, Points: 5}, {At: 12, Points: 10}}}},
			{Name: "台账及时报送", Indicator: app.IndRecordsTimely, Weight: 30, Params: map[string]string{"days": "7"},
				Rule: assess.Rule{Kind: assess.Linear, Floor: 0.5, Full: 0.95}},
			{Name: "台账审核通过", Indicator: app.IndApprovedShare, Weight: 30, Rule: assess.Rule{Kind: assess.Linear, Floor: 0.6, Full: 1}},
			{Name: "问题按期整改", Indicator: app.IndRectOnTime, Weight: 30, Rule: assess.Rule{Kind: assess.Linear, Floor: 0, Full: 1}},
		}})
	return err
}
