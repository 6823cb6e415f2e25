package httpapi

import (
	"fmt"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/report"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// The API's today is the bureau's (Asia/Shanghai) at one minute before and
// after midnight in Beijing and in UTC: GET /api/v1/clock, which the web app
// takes today from; rosters; the running-period comparison the dashboard
// shows; and the report's signing date.
func TestAPITodayIsTheBureaus(t *testing.T) {
	for _, m := range storetest.Midnights() {
		t.Run(m.Name, func(t *testing.T) {
			// Logins (with their second factors) happen before the instant.
			e := newEnvAt(t, m.At.Add(-10*time.Minute))
			e.clk.set(m.At)
			year, month := m.Today[:4], m.Today[:7]

			var c clockBody
			e.call(req("GET", "/api/v1/clock", nil), 200).decode(t, &c)
			if c.Today.String() != m.Today || c.TimeZone != "Asia/Shanghai" || !c.Now.Equal(m.At) {
				t.Fatalf("clock: %+v, want today %s in Asia/Shanghai at %s", c, m.Today, m.At)
			}
			if _, off := c.Now.Zone(); off != 8*3600 {
				t.Errorf("now %s is not written with Beijing's offset", c.Now)
			}
			e.call(req("GET", "/api/v1/clock", nil).anon(), 401)

			// Rosters: imported members without a date join today and count today.
			var team domain.Team
			e.call(req("POST", "/api/v1/teams", map[string]any{"org_id": e.school, "kind": "outreach", "name": "红烛宣讲队"}), 201).decode(t, &team)
			if team.FoundedOn.String() != m.Today {
				t.Errorf("founded on %s, want %s", team.FoundedOn, m.Today)
			}
			teamPath := fmt.Sprintf("/api/v1/teams/%d", team.ID)
			var res app.ImportResult
			e.call(upload(teamPath+"/members/import", "名单.xlsx", rosterWorkbook(t, [][]string{{"姓名", "角色"}, {"张一", "队长"}, {"张二", "成员"}})), 200).decode(t, &res)
			if res.Members != 2 {
				t.Errorf("import: %+v; the members who joined today must count today", res)
			}
			var p page[domain.Team]
			e.call(req("GET", "/api/v1/teams?at="+m.Today, nil), 200).decode(t, &p)
			if p.Total != 1 || p.Items[0].Members != 2 {
				t.Errorf("teams standing today: %+v", p)
			}

			// The dashboard: the running year and month, compared with last
			// year up to today's date in Beijing.
			for kind, code := range map[string]string{"year": year, "month": month} {
				var cur app.ResolvedPeriod
				e.call(req("GET", "/api/v1/periods/current?kind="+kind, nil), 200).decode(t, &cur)
				if cur.Code != code {
					t.Errorf("current %s: %s, want %s", kind, cur.Code, code)
				}
				var agg app.AggResult
				e.call(req("GET", fmt.Sprintf("/api/v1/aggregates?org_id=%d&period=%s&compare=last_year", e.bureau, code), nil), 200).decode(t, &agg)
				want := map[string]string{"2025-12-31": "2025-01-01", "2026-01-01": "2025-01-02"}[m.Today]
				if agg.LastYear == nil || agg.LastYear.Period.Range.To.String() != want {
					t.Errorf("running %s compared with last year up to %+v, want %s", code, agg.LastYear, want)
				}
			}

			// The report's signing date.
			var doc report.Document
			e.call(req("POST", "/api/v1/reports/preview", map[string]any{"org_id": e.bureau, "period": year,
				"source": "# {{ unit.name }}报告\n\n@{{ unit.name }}\n@{{ today }}\n"}), 200).decode(t, &doc)
			want := map[string]string{"2025-12-31": "2025年12月31日", "2026-01-01": "2026年1月1日"}[m.Today]
			if last := doc.Blocks[len(doc.Blocks)-1]; last.Text() != want {
				t.Errorf("signing date %q, want %s", last.Text(), want)
			}
		})
	}
}
