package demo

import (
	"context"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/casework"
	"github.com/zeren-edu/zeren/internal/domain"
)

// The demo's public-concern cases (舆情事件): opened now (a case cannot be
// opened in the past), at the first schools of the first district, one in
// each of three states — waiting for its assessment, responded to, and
// closed in time with its review — so the board, the case page and the
// figures have something to show. An overdue case appears by itself once
// the new one's assessment deadline passes unmet.
func buildCases(ctx context.Context, a *app.App, op domain.Actor, units []*unit) error {
	var district *unit
	var schools []*unit
	for _, u := range units {
		if u.kind == domain.OrgDistrict && district == nil && u.until.IsZero() {
			district = u
		}
		if district != nil && u.kind == domain.OrgSchool && u.parent == district && u.until.IsZero() && len(schools) < 3 {
			schools = append(schools, u)
		}
	}
	if district == nil || len(schools) < 3 {
		return nil
	}
	type step struct {
		act  casework.Action
		text string
	}
	cases := []struct {
		title, summary string
		kind           casework.Kind
		sev            casework.Severity
		steps          []step
	}{
		{"家长在微信群反映学校食堂饭菜变凉", "家长群截图流传，涉及午餐保温", casework.KindService, casework.SevGeneral, nil},
		{"网传某教师课堂发表不当言论", "短视频平台出现剪辑视频，转发较多", casework.KindEthics, casework.SevMajor, []step{
			{casework.ActAssess, "经核实，视频系断章取义，课堂内容无不当之处，但需及时澄清"},
			{casework.ActRespond, "学校官方账号发布情况说明，附完整课堂视频"},
		}},
		{"校门口上下学时段交通拥堵引发投诉", "12345 热线转办", casework.KindSafety, casework.SevGeneral, []step{
			{casework.ActAssess, "属实，上下学高峰家长车辆临时停放所致"},
			{casework.ActRespond, "学校回复热线并在家长群发布错峰接送安排"},
			{casework.ActResolve, "联系交警设置临时停车区，安排教师值守"},
			{casework.ActClose, "复盘：建立上下学时段护学岗制度，每学期评估一次"},
		}},
	}
	for i, c := range cases {
		handler := op
		handler.Name, handler.OrgID, handler.Scope, handler.AccountID = schools[i].name+"管理员", schools[i].id, domain.Scope{Roots: []int64{schools[i].id}}, 0
		opened, err := a.OpenCase(ctx, handler, app.CaseInput{OrgID: schools[i].id, Title: c.title, Summary: c.summary, Kind: c.kind, Severity: c.sev})
		if err != nil {
			return err
		}
		for _, s := range c.steps {
			if _, err := a.StepCase(ctx, handler, opened.ID, app.CaseStepInput{Action: s.act, Text: s.text}); err != nil {
				return err
			}
		}
	}
	return nil
}
