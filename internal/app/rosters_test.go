package app_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

func (f *fixture) mustTeam(t testing.TB, ac domain.Actor, org int64, kind domain.TeamKind, name string) domain.Team {
	t.Helper()
	tm, err := f.app.CreateTeam(context.Background(), ac, domain.TeamInput{OrgID: org, Kind: kind, Name: name, FoundedOn: date("2026-01-05")})
	if err != nil {
		t.Fatalf("create team %s: %v", name, err)
	}
	return tm
}

// workbook builds an .xlsx of rows (the first being the header).
func workbook(t interface {
	Helper()
	Fatal(...any)
}, rows [][]string) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	for i, r := range rows {
		for j, v := range r {
			c, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := x.SetCellStr("Sheet1", c, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var importHeader = []string{"姓名", "角色", "单位编码", "单位名称", "职务", "手机号", "加入日期"}

func TestRosterTeamsAndMembers(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, e)
			s1, s2 := f.schools[0], f.schools[1] // both in district 1
			admin1, admin2 := actorOf(s1), actorOf(s2)
			team := f.mustTeam(t, admin1, s1.ID, domain.TeamOutreach, "红烛宣讲队")

			// Validation names the field.
			_, err := f.app.CreateTeam(ctx, admin1, domain.TeamInput{OrgID: s1.ID, Kind: "choir", Name: "x"})
			wantKind(t, err, domain.KindInvalid, "kind")
			_, err = f.app.CreateTeam(ctx, admin1, domain.TeamInput{OrgID: s1.ID, Kind: domain.TeamMonitor, Name: "  "})
			wantKind(t, err, domain.KindInvalid, "name")
			_, err = f.app.CreateTeam(ctx, admin1, domain.TeamInput{OrgID: s1.ID, Kind: domain.TeamMonitor, Name: "x", FoundedOn: date("2027-01-01")})
			wantKind(t, err, domain.KindInvalid, "founded_on")
			_, err = f.app.CreateTeam(ctx, admin1, domain.TeamInput{OrgID: s1.ID, Kind: domain.TeamMonitor, Name: "红烛宣讲队"})
			wantKind(t, err, domain.KindConflict, "name")

			// A teacher reads but cannot change.
			teacher := actorWithRole(s1, domain.RoleMember)
			_, err = f.app.CreateTeam(ctx, teacher, domain.TeamInput{OrgID: s1.ID, Kind: domain.TeamMonitor, Name: "x"})
			if !domain.IsKind(err, domain.KindForbidden) {
				t.Fatalf("teacher creates a team: %v", err)
			}

			m, err := f.app.AddMember(ctx, admin1, team.ID, domain.MemberInput{Name: "王晓明", Role: domain.RoleTeamLeader, OrgID: f.branches[0].ID,
				Title: "副校长", Phone: "138-1234-5678", JoinedOn: date("2026-02-01")})
			if err != nil {
				t.Fatal(err)
			}
			if m.Phone != "13812345678" || m.OrgName != f.branches[0].Name {
				t.Fatalf("member stored as %+v", m)
			}
			_, err = f.app.AddMember(ctx, admin1, team.ID, domain.MemberInput{Name: "李", Role: "captain", OrgID: s1.ID})
			wantKind(t, err, domain.KindInvalid, "role")
			_, err = f.app.AddMember(ctx, admin1, team.ID, domain.MemberInput{Name: "李", Role: domain.RoleTeamMember, OrgID: s1.ID, Phone: "12345"})
			wantKind(t, err, domain.KindInvalid, "phone")
			_, err = f.app.AddMember(ctx, admin1, team.ID, domain.MemberInput{Name: "李", Role: domain.RoleTeamMember, OrgID: s1.ID,
				JoinedOn: date("2026-05-01"), LeftOn: date("2026-04-01")})
			wantKind(t, err, domain.KindInvalid, "left_on")
			// Cross-unit: a unit outside the team's subtree, another school's team.
			_, err = f.app.AddMember(ctx, admin1, team.ID, domain.MemberInput{Name: "李", Role: domain.RoleTeamMember, OrgID: s2.ID})
			wantKind(t, err, domain.KindNotFound, "org_id")
			_, err = f.app.AddMember(ctx, admin2, team.ID, domain.MemberInput{Name: "李", Role: domain.RoleTeamMember, OrgID: s2.ID})
			if !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("school 2 adds to school 1's team: %v", err)
			}
			_, err = f.app.CreateTeam(ctx, admin2, domain.TeamInput{OrgID: s1.ID, Kind: domain.TeamMonitor, Name: "x"})
			wantKind(t, err, domain.KindNotFound, "org_id")
			if _, err := f.app.GetTeam(ctx, admin2, team.ID); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("school 2 reads school 1's team: %v", err)
			}
			if _, err := f.app.UpdateTeam(ctx, admin2, team.ID, domain.TeamInput{OrgID: s1.ID, Kind: domain.TeamOutreach, Name: "y"}); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("school 2 renames school 1's team: %v", err)
			}
			if _, err := f.app.UpdateMember(ctx, admin2, team.ID, m.ID, domain.MemberInput{Name: "x", Role: domain.RoleTeamMember, OrgID: s1.ID}); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("school 2 edits school 1's member: %v", err)
			}
			if err := f.app.RemoveMember(ctx, admin2, team.ID, m.ID); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("school 2 removes school 1's member: %v", err)
			}
			if _, err := f.app.ImportMembers(ctx, admin2, team.ID, bytes.NewReader(workbook(t, [][]string{importHeader, {"赵", "成员"}}))); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("school 2 imports into school 1's team: %v", err)
			}
			if _, err := f.app.SetTeamActive(ctx, admin2, team.ID, false); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("school 2 deactivates school 1's team: %v", err)
			}
			ts, n, err := f.app.ListTeams(ctx, admin2, app.TeamQuery{})
			if err != nil || n != 0 || len(ts) != 0 {
				t.Fatalf("school 2 lists %d teams: %v", n, err)
			}
			ts, n, err = f.app.ListTeams(ctx, domain.Actor{Name: "nobody", Permissions: []domain.Permission{domain.PermActivityRead}}, app.TeamQuery{})
			if err != nil || n != 0 || len(ts) != 0 {
				t.Fatalf("empty scope lists %d teams: %v", n, err)
			}
			// The district sees the team with its member count; the leader of the
			// district reads phones masked, the school's admin in full.
			dist := actorWithRole(f.districts[0], domain.RoleDistrictAdmin)
			ts, n, err = f.app.ListTeams(ctx, dist, app.TeamQuery{Kind: "outreach"})
			if err != nil || n != 1 || ts[0].Members != 1 || ts[0].OrgName != s1.Name {
				t.Fatalf("district lists %d teams %+v: %v", n, ts, err)
			}
			ms, err := f.app.ListMembers(ctx, dist, team.ID, false)
			if err != nil || len(ms) != 1 || ms[0].Phone != "138****5678" || !ms[0].PhoneMasked {
				t.Fatalf("members listed %+v: %v", ms, err)
			}
			leader := actorWithRole(f.districts[0], domain.RoleLeader)
			if got, err := f.app.GetMember(ctx, leader, team.ID, m.ID); err != nil || got.Phone != "138****5678" {
				t.Fatalf("leader reads phone %q: %v", got.Phone, err)
			}
			if got, err := f.app.GetMember(ctx, admin1, team.ID, m.ID); err != nil || got.Phone != "13812345678" || got.PhoneMasked {
				t.Fatalf("admin reads phone %q: %v", got.Phone, err)
			}
			// Leaving keeps the member for past figures.
			upd, err := f.app.UpdateMember(ctx, admin1, team.ID, m.ID, domain.MemberInput{Name: m.Name, Role: m.Role, OrgID: m.OrgID,
				Title: m.Title, Phone: m.Phone, JoinedOn: m.JoinedOn, LeftOn: date("2026-10-01")})
			if err != nil || upd.LeftOn != date("2026-10-01") {
				t.Fatalf("leaving: %+v %v", upd, err)
			}
			for at, want := range map[string]int64{"2026-09-30": 1, "2026-10-01": 0} {
				c, err := f.app.RosterCounts(ctx, dist, app.RosterQuery{OrgID: f.districts[0].ID, Kind: "outreach", At: date(at)})
				if err != nil || c.Teams != 1 || c.Members != want {
					t.Fatalf("counts at %s: %+v %v", at, c, err)
				}
			}
			c, err := f.app.RosterCounts(ctx, dist, app.RosterQuery{OrgID: f.districts[0].ID, Kind: "outreach"})
			if err != nil || c.Records != fmt.Sprintf("/rosters?at=2026-11-29&kind=outreach&org_id=%d", f.districts[0].ID) {
				t.Fatalf("records link %q: %v", c.Records, err)
			}
			if _, err := f.app.RosterCounts(ctx, admin2, app.RosterQuery{OrgID: s1.ID}); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("school 2 counts school 1: %v", err)
			}
			_, err = f.app.RosterCounts(ctx, dist, app.RosterQuery{Role: "boss"})
			wantKind(t, err, domain.KindInvalid, "role")

			if err := f.app.RemoveMember(ctx, admin1, team.ID, m.ID); err != nil {
				t.Fatal(err)
			}
			if ms, _ := f.app.ListMembers(ctx, admin1, team.ID, true); len(ms) != 0 {
				t.Fatalf("after removing: %+v", ms)
			}
			off, err := f.app.SetTeamActive(ctx, admin1, team.ID, false)
			if err != nil || off.Active || off.DissolvedOn != date(today) {
				t.Fatalf("deactivated: %+v %v", off, err)
			}
			// Every change left an audit row, phones masked.
			rows := auditRows(t, f, "")
			var types []string
			for _, r := range rows {
				if strings.HasPrefix(r.Type, "team.") || strings.HasPrefix(r.Type, "member.") {
					types = append(types, r.Type)
					if strings.Contains(r.After+r.Before, "13812345678") {
						t.Errorf("audit row %s carries a full phone: %s", r.Type, r.After)
					}
				}
			}
			for _, want := range []string{"team.create", "member.create", "member.update", "member.delete", "team.deactivate"} {
				if !slices.Contains(types, want) {
					t.Errorf("no %s audit row in %v", want, types)
				}
			}
		})
	}
}

func auditRows(t testing.TB, f *fixture, typ string) []store.AuditRow {
	t.Helper()
	var rows []store.AuditRow
	err := f.st.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		rows, _, err = tx.ListAudit(context.Background(), store.AuditFilter{Scope: domain.Scope{Roots: []int64{f.bureau.ID}}, Type: typ, Limit: 1000})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestRosterImport(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, e)
			s1 := f.schools[0]
			admin := actorOf(s1)
			team := f.mustTeam(t, admin, s1.ID, domain.TeamMonitor, "舆情监督员队")
			branch := f.branches[0]

			// A bad 5th row (Excel numbering: header on row 1) refuses the whole file.
			bad := [][]string{importHeader,
				{"张一", "队长", s1.Code, "", "书记", "139-0000-0001", "2025-09-01"},
				{"张二", "副队长", "", branch.Name, "", "", ""},
				{"张三", "成员", "", "", "", "13900000003", "2025/9/1"},
				{"张四", "队员长", "", "", "", "", ""},
				{"张五", "联络员", "", "", "", "12", "2099-01-01"},
			}
			_, err := f.app.ImportMembers(ctx, admin, team.ID, bytes.NewReader(workbook(t, bad)))
			wantKind(t, err, domain.KindInvalid, "rows[5].role")
			msg := err.(*domain.Error).Message
			for _, want := range []string{"第 5 行 角色：未知角色“队员长”", "第 6 行 手机号", "第 6 行 加入日期"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q lacks %q", msg, want)
				}
			}
			if ms, _ := f.app.ListMembers(ctx, admin, team.ID, true); len(ms) != 0 {
				t.Fatalf("a refused import left %d members", len(ms))
			}
			if rows := auditRows(t, f, "member.import"); len(rows) != 0 {
				t.Fatalf("a refused import was audited as done")
			}

			// Units outside the team's subtree or the scope, and duplicates.
			other := f.schools[2] // district 2
			bad = [][]string{importHeader,
				{"李一", "成员", other.Code, "", "", "", ""},
				{"李二", "成员", "", "不存在的学校", "", "", ""},
				{"李三", "成员", "", "", "", "", ""},
				{"李三", "成员", s1.Code, "", "", "", ""},
			}
			_, err = f.app.ImportMembers(ctx, admin, team.ID, bytes.NewReader(workbook(t, bad)))
			wantKind(t, err, domain.KindInvalid, "rows[2].org_code")
			msg = err.(*domain.Error).Message
			for _, want := range []string{"第 2 行 单位编码", "第 3 行 单位名称", "第 5 行 姓名：李三（" + s1.Name + "）与第 4 行重复"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q lacks %q", msg, want)
				}
			}

			// The good rows import; a title row above the header is fine.
			good := append([][]string{{"舆情监督员名单"}}, bad[0])
			good = append(good, [][]string{
				{"张一", "队长", s1.Code, "", "书记", "139-0000-0001", "2025-09-01"},
				{"张二", "副队长", "", branch.Name, "", "", ""},
				{},
				{"张三", "队员", "", "", "", "13900000003", "2025年9月1日"},
			}...)
			res, err := f.app.ImportMembers(ctx, admin, team.ID, bytes.NewReader(workbook(t, good)))
			if err != nil || res.Imported != 3 || res.Members != 3 {
				t.Fatalf("import: %+v %v", res, err)
			}
			ms, _ := f.app.ListMembers(ctx, admin, team.ID, true)
			if len(ms) != 3 || ms[0].Name != "张一" || ms[0].Role != domain.RoleTeamLeader || ms[0].JoinedOn != date("2025-09-01") ||
				ms[1].OrgID != branch.ID || ms[2].Role != domain.RoleTeamMember || ms[2].JoinedOn != date("2025-09-01") {
				t.Fatalf("imported members: %+v", ms)
			}
			if rows := auditRows(t, f, "member.import"); len(rows) != 1 || strings.Contains(rows[0].After, "13900000003") {
				t.Fatalf("import audit rows: %+v", rows)
			}
			// Importing again: every row is already a member.
			_, err = f.app.ImportMembers(ctx, admin, team.ID, bytes.NewReader(workbook(t, good)))
			wantKind(t, err, domain.KindInvalid, "rows[3].name")
			if !strings.Contains(err.Error(), "已是本队成员") {
				t.Fatalf("re-import: %v", err)
			}
			// Not a workbook; no header.
			_, err = f.app.ImportMembers(ctx, admin, team.ID, strings.NewReader("name,role\n"))
			wantKind(t, err, domain.KindInvalid, "file")
			_, err = f.app.ImportMembers(ctx, admin, team.ID, bytes.NewReader(workbook(t, [][]string{{"a", "b"}})))
			wantKind(t, err, domain.KindInvalid, "file")
			// A teacher cannot import.
			_, err = f.app.ImportMembers(ctx, actorWithRole(s1, domain.RoleMember), team.ID, bytes.NewReader(workbook(t, good)))
			if !domain.IsKind(err, domain.KindForbidden) {
				t.Fatalf("teacher imports: %v", err)
			}
		})
	}
}

// The template downloads, fills in and imports back.
func TestRosterImportTemplateRoundTrip(t *testing.T) {
	e := storetest.Engines(t)[0]
	ctx := context.Background()
	f := newFixture(t, e)
	s1 := f.schools[0]
	admin := actorOf(s1)
	team := f.mustTeam(t, admin, s1.ID, domain.TeamVolunteer, "党员志愿服务队")
	var buf bytes.Buffer
	if err := app.WriteImportTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	sheet := x.GetSheetList()[0]
	rows, err := x.GetRows(sheet)
	if err != nil || len(rows) != 2 || !slices.Equal(rows[0], app.ImportColumns) || rows[1][0] != "王晓明" {
		t.Fatalf("template rows %v: %v", rows, err)
	}
	// The example row as it stands imports into the team's own unit.
	res, err := f.app.ImportMembers(ctx, admin, team.ID, bytes.NewReader(buf.Bytes()))
	if err != nil || res.Imported != 1 {
		t.Fatalf("template as is: %+v %v", res, err)
	}
	// Filled in below the example, by unit name and code.
	for i, r := range [][]any{
		{"陈志强", "队长", s1.Code, "", "校长", "13711112222", "2024-09-01"},
		{"刘芳", "联络员", "", f.branches[0].Name, "团委书记", "", ""},
	} {
		for j, v := range r {
			c, _ := excelize.CoordinatesToCellName(j+1, i+3)
			if err := x.SetCellValue(sheet, c, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The first row (the example) is now a member already: delete it, as the
	// template's instructions say.
	if err := x.RemoveRow(sheet, 2); err != nil {
		t.Fatal(err)
	}
	var filled bytes.Buffer
	if _, err := x.WriteTo(&filled); err != nil {
		t.Fatal(err)
	}
	res, err = f.app.ImportMembers(ctx, admin, team.ID, bytes.NewReader(filled.Bytes()))
	if err != nil || res.Imported != 2 || res.Members != 3 {
		t.Fatalf("filled template: %+v %v", res, err)
	}
	ms, _ := f.app.ListMembers(ctx, admin, team.ID, true)
	if len(ms) != 3 || ms[0].Name != "陈志强" || ms[0].JoinedOn != date("2024-09-01") || ms[0].Phone != "137****2222" {
		t.Fatalf("members: %+v", ms)
	}
}

// RosterCounts equals a count done by hand over random rosters, for random
// units, kinds, roles and days, on both engines.
func TestRosterCountsMatchBruteForce(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, e)
			rng := rand.New(rand.NewPCG(7, uint64(len(e.Name))))
			units := append(append(append([]domain.OrgUnit{f.bureau, f.office}, f.districts...), f.schools...), f.branches...)
			scope := domain.Scope{Roots: []int64{f.bureau.ID}}
			day := func() domain.Date { return date("2025-01-01").AddDays(rng.IntN(690)) }
			type tm struct {
				team    domain.Team
				dissolv domain.Date
			}
			var teams []tm
			var members []domain.Member
			err := f.st.Write(ctx, func(tx *store.Tx) error {
				for i := 0; i < 25; i++ {
					u := units[rng.IntN(len(units))]
					founded := day()
					team, err := tx.CreateTeam(ctx, scope, domain.TeamInput{OrgID: u.ID, Kind: domain.TeamKinds[rng.IntN(len(domain.TeamKinds))],
						Name: fmt.Sprint("队", i), FoundedOn: founded}, "test")
					if err != nil {
						return err
					}
					var diss domain.Date
					if rng.IntN(4) == 0 {
						diss = founded.AddDays(rng.IntN(300))
						if _, err := tx.SetTeamActive(ctx, scope, team.ID, false, diss); err != nil {
							return err
						}
					}
					teams = append(teams, tm{team, diss})
					// Members work in units of the team's subtree.
					var sub []domain.OrgUnit
					for _, o := range units {
						if ok, _ := tx.InScope(ctx, []int64{u.ID}, o.ID); ok {
							sub = append(sub, o)
						}
					}
					for j := rng.IntN(8); j > 0; j-- {
						in := domain.MemberInput{Name: fmt.Sprint("人", i, "-", j), Role: domain.MemberRoles[rng.IntN(len(domain.MemberRoles))],
							OrgID: sub[rng.IntN(len(sub))].ID, JoinedOn: day()}
						if rng.IntN(3) == 0 {
							in.LeftOn = in.JoinedOn.AddDays(rng.IntN(200))
						}
						m, err := tx.CreateMember(ctx, scope, team.ID, in)
						if err != nil {
							return err
						}
						members = append(members, m)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			under := func(root, org int64) bool {
				for _, o := range units {
					if o.ID == org {
						for p := o; ; {
							if p.ID == root {
								return true
							}
							if p.ParentID == 0 {
								return false
							}
							p = unitByID(units, p.ParentID)
						}
					}
				}
				return false
			}
			kinds := append([]domain.TeamKind{""}, domain.TeamKinds...)
			roles := append([]domain.MemberRole{""}, domain.MemberRoles...)
			for q := 0; q < 150; q++ {
				// The actor: the bureau, or one district or school.
				root := units[rng.IntN(len(units))]
				ac := actorWithRole(root, domain.RoleDistrictAdmin)
				org := root.ID
				if rng.IntN(3) == 0 {
					org = 0
				}
				kind, role, at := kinds[rng.IntN(len(kinds))], roles[rng.IntN(len(roles))], day()
				standing := map[int64]bool{}
				var wantTeams, wantMembers []int64
				for _, x := range teams {
					if !under(root.ID, x.team.OrgID) || (kind != "" && x.team.Kind != kind) {
						continue
					}
					if at.Before(x.team.FoundedOn) || (!x.dissolv.IsZero() && !at.Before(x.dissolv)) {
						continue
					}
					standing[x.team.ID] = true
					wantTeams = append(wantTeams, x.team.ID)
				}
				for _, m := range members {
					if standing[m.TeamID] && (role == "" || m.Role == role) && domain.ActiveAt(m.JoinedOn, m.LeftOn, at) {
						wantMembers = append(wantMembers, m.ID)
					}
				}
				slices.Sort(wantTeams)
				slices.Sort(wantMembers)
				got, err := f.app.RosterCounts(ctx, ac, app.RosterQuery{OrgID: org, Kind: string(kind), Role: string(role), At: at})
				if err != nil {
					t.Fatal(err)
				}
				if got.Teams != int64(len(wantTeams)) || got.Members != int64(len(wantMembers)) ||
					!slices.Equal(got.TeamIDs, nonNilIDs(wantTeams)) || !slices.Equal(got.MemberIDs, nonNilIDs(wantMembers)) {
					t.Fatalf("unit %s kind %q role %q at %s: got %d teams %d members, want %d %d",
						root.Code, kind, role, at, got.Teams, got.Members, len(wantTeams), len(wantMembers))
				}
				// The figure's records: the team list asked for that day shows
				// exactly the teams counted, and (all roles) their members.
				list, total, err := f.app.ListTeams(ctx, ac, app.TeamQuery{OrgID: org, Kind: string(kind), At: at, Limit: app.MaxPageSize})
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				var sum int64
				for _, x := range list {
					ids = append(ids, x.ID)
					sum += int64(x.Members)
				}
				slices.Sort(ids)
				if int64(total) != got.Teams || !slices.Equal(nonNilIDs(ids), got.TeamIDs) || (role == "" && sum != got.Members) {
					t.Fatalf("unit %s kind %q at %s: the list shows %d teams with %d members, the figure %d and %d",
						root.Code, kind, at, total, sum, got.Teams, got.Members)
				}
			}
		})
	}
}

func unitByID(units []domain.OrgUnit, id int64) domain.OrgUnit {
	for _, u := range units {
		if u.ID == id {
			return u
		}
	}
	panic("no unit")
}

func nonNilIDs(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}
