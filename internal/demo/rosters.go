package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// The demo county's teams and members (队伍名册), shaped after the source
// report's figures. The source is the 2024 year-end report, so the teams
// are founded in the first quarter of 2024 and the figures stand on
// 2024-12-31 (and stay so after: every year of the demo tells a true story):
//
//   - 在教育系统各党支部中成立宣传队20余支，近百人的宣传队伍: 22 outreach
//     teams, one per chosen party branch, with 96 members between them;
//   - 各党组织共安排网络舆情安全监督员60余名: 63 monitors, in one monitor
//     team per district drawn from its schools;
//   - 网络评论引导 and 信息报送: a county team of online commentators and one
//     of information officers;
//   - 党员志愿服务: volunteer teams at a few schools.
//
// A few members left during 2024: they count for earlier periods only (a
// first-half report sees them, the year-end report does not).
// People are fictional: names are drawn from common surnames and given-name
// characters, phones are 1xx-xxxx-xxxx numbers made up from the seed.
const (
	demoOutreachTeams   = 22
	demoOutreachMembers = 96
	demoMonitors        = 63
)

var (
	demoSurnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
	demoGiven    = []rune("明华丽军芳静伟强磊洋艳勇杰娟涛超霞平刚英秀敏燕玲桂兰红梅琳晓宇浩然欣怡佳雪婷鹏飞建国志文博雅思远海波春晖晨曦嘉颖倩瑶凯旭东亮辉斌彬鑫昊轩睿琪萱璐瑞阳丹宁")
	demoTitles   = map[domain.TeamKind][]string{
		domain.TeamOutreach:    {"思政课教师", "语文教师", "历史教师", "班主任", "党支部书记", "团委书记", "少先队辅导员", "副校长", "德育主任"},
		domain.TeamMonitor:     {"办公室主任", "信息技术教师", "德育主任", "团委书记", "教务干事", "班主任"},
		domain.TeamCommentator: {"语文教师", "宣传干事", "团委书记", "信息技术教师", "办公室干事"},
		domain.TeamInformation: {"办公室主任", "宣传干事", "办公室干事", "教务干事"},
		domain.TeamVolunteer:   {"党支部书记", "党员教师", "班主任", "后勤主任", "教师"},
	}
)

type rosterGen struct {
	a     *app.App
	ac    domain.Actor
	r     *rand.Rand
	today domain.Date
}

func (g *rosterGen) name() string {
	n := string(demoSurnames[g.r.IntN(len(demoSurnames))]) + string(demoGiven[g.r.IntN(len(demoGiven))])
	if g.r.IntN(3) > 0 {
		n += string(demoGiven[g.r.IntN(len(demoGiven))])
	}
	return n
}

func (g *rosterGen) phone() string {
	second := []byte("35789")[g.r.IntN(5)]
	return fmt.Sprintf("1%c%d-%04d-%04d", second, g.r.IntN(10), g.r.IntN(10000), g.r.IntN(10000))
}

// rosterYear is the year the source report speaks of: the demo's teams are
// founded in its first quarter, and every change to them happens in it.
var (
	rosterFrom  = domain.NewDate(2024, time.January, 8)
	rosterUntil = domain.NewDate(2024, time.December, 1) // last joins and leaves before this day
)

// founded picks a founding day in the first quarter of 2024 (not before the
// unit, not after today).
func (g *rosterGen) founded(u *unit) domain.Date {
	d := rosterFrom.AddDays(g.r.IntN(80))
	if d.Before(u.from) {
		d = u.from
	}
	if d.After(g.today) {
		d = g.today
	}
	return d
}

// settled is the last day a member may join or leave: within 2024, so the
// year-end figures are the source's.
func (g *rosterGen) settled() domain.Date {
	if rosterUntil.Before(g.today) {
		return rosterUntil
	}
	return g.today
}

// team creates a team with n current members (the first its leader) working
// in units drawn from pool, plus left members who left before today.
func (g *rosterGen) team(ctx context.Context, owner *unit, kind domain.TeamKind, name, desc string, n, left int, pool []*unit) error {
	founded := g.founded(owner)
	t, err := g.a.CreateTeam(ctx, g.ac, domain.TeamInput{OrgID: owner.id, Kind: kind, Name: name, Description: desc, FoundedOn: founded})
	if err != nil {
		return fmt.Errorf("team %s: %w", name, err)
	}
	span := max(1, g.settled().Time().Sub(founded.Time()).Hours()/24)
	taken := map[string]bool{}
	for i := 0; i < n+left; i++ {
		u := pool[g.r.IntN(len(pool))]
		var nm string
		for nm == "" || taken[nm+u.code] {
			nm = g.name()
		}
		taken[nm+u.code] = true
		role := domain.RoleTeamMember
		switch {
		case i == 0:
			role = domain.RoleTeamLeader
		case i == 1 && n >= 6:
			role = domain.RoleTeamDeputy
		case i == 2 && n >= 4:
			role = domain.RoleTeamLiaison
		}
		titles := demoTitles[kind]
		in := domain.MemberInput{Name: nm, Role: role, OrgID: u.id, Title: titles[g.r.IntN(len(titles))], JoinedOn: founded}
		if g.r.IntN(4) > 0 {
			in.Phone = g.phone()
		}
		if i >= 3 && g.r.IntN(5) == 0 {
			// Joined later than the team's founding.
			in.JoinedOn = founded.AddDays(g.r.IntN(int(span)/2 + 1))
		}
		if i >= n {
			// One of those who left: joined at the start, left some months later, in 2024.
			in.JoinedOn = founded
			in.LeftOn = founded.AddDays(30 + g.r.IntN(max(1, int(span)-60)))
			if !in.LeftOn.Before(g.settled()) {
				in.LeftOn = g.settled().AddDays(-1)
			}
			if !in.LeftOn.After(in.JoinedOn) {
				in.LeftOn = in.JoinedOn.AddDays(1)
			}
		}
		if _, err := g.a.AddMember(ctx, g.ac, t.ID, in); err != nil {
			return fmt.Errorf("member %s of %s: %w", nm, name, err)
		}
	}
	return nil
}

// split divides total into n parts of at least least each, randomly.
func (g *rosterGen) split(total, n, least int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = least
	}
	for rest := total - n*least; rest > 0; rest-- {
		out[g.r.IntN(n)]++
	}
	return out
}

// buildRosters creates the demo county's teams and members. It runs after
// the tree is final (deactivated units have their end), and draws from a
// random stream of its own so the ledger does not change with it.
func buildRosters(ctx context.Context, a *app.App, ac domain.Actor, seed int64, units []*unit, today domain.Date) error {
	g := &rosterGen{a: a, ac: ac, r: rand.New(rand.NewPCG(uint64(seed), 0x726f73746572)), today: today}
	// Teams stand in units that exist from the start of the roster year to
	// today, so the 2024 report and today's roster count the same teams.
	live := func(u *unit) bool { return u.until.IsZero() && !u.from.After(rosterFrom) && !u.from.After(today) }
	var bureau *unit
	var branches, districts []*unit
	schoolsOf := map[*unit][]*unit{}
	for _, u := range units {
		if !live(u) {
			continue
		}
		switch u.kind {
		case domain.OrgBureau:
			bureau = u
		case domain.OrgDistrict:
			districts = append(districts, u)
		case domain.OrgSchool:
			schoolsOf[u.parent] = append(schoolsOf[u.parent], u)
		case domain.OrgBranch:
			branches = append(branches, u)
		}
	}
	if bureau == nil || len(districts) == 0 {
		return fmt.Errorf("the demo tree has no bureau or district")
	}

	// Outreach teams in party branches: the bureau's office branch and the
	// first district's first school always (the demo logins see them), the
	// rest drawn from the others.
	var first, rest []*unit
	for _, b := range branches {
		switch {
		case b.code == BureauCode+"-B1":
			first = append(first, b)
		case strings.HasPrefix(b.code, "D01-S01-") && !slices.ContainsFunc(first, func(x *unit) bool { return x.school == b.school }):
			first = append(first, b)
		default:
			rest = append(rest, b)
		}
	}
	g.r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	chosen := append(first, rest[:min(len(rest), demoOutreachTeams-len(first))]...)
	slices.SortFunc(chosen, func(x, y *unit) int { return strings.Compare(x.code, y.code) })
	sizes := g.split(demoOutreachMembers, len(chosen), 3)
	for i, b := range chosen {
		short := b.short
		if b.school != nil && len(b.school.aliases) > 0 {
			short = b.school.aliases[0] + strings.TrimPrefix(b.short, b.school.name)
		}
		name := short + "宣讲队"
		desc := "把党的创新理论宣讲送进机关、校园、课堂（“习语润咸”宣讲）。"
		if err := g.team(ctx, b, domain.TeamOutreach, name, desc, sizes[i], g.r.IntN(3)/2, []*unit{b}); err != nil {
			return err
		}
	}

	// One monitor team per district, its members from the district's schools.
	weights := make([]int, len(districts))
	for i, d := range districts {
		weights[i] = len(schoolsOf[d]) + 1
	}
	monitors := proportional(demoMonitors, weights)
	for i, d := range districts {
		pool := append([]*unit{d}, schoolsOf[d]...)
		if err := g.team(ctx, d, domain.TeamMonitor, d.short+"网络舆情安全监督员队伍",
			"及时发现、报告涉及本学区学校的网络舆情。", monitors[i], g.r.IntN(2), pool); err != nil {
			return err
		}
	}

	// County-wide teams of the bureau.
	var all []*unit
	for _, u := range units {
		if live(u) && u.kind != domain.OrgBranch {
			all = append(all, u)
		}
	}
	if err := g.team(ctx, bureau, domain.TeamCommentator, "县教育系统网评员队伍",
		"开展网络评论引导，及时回应社会关切。", 15+g.r.IntN(4), 1, all); err != nil {
		return err
	}
	if err := g.team(ctx, bureau, domain.TeamInformation, "县教育系统信息员队伍",
		"报送工作信息和亮点经验做法。", len(districts)+2, 0, append([]*unit{bureau}, districts...)); err != nil {
		return err
	}

	// Volunteer teams at a few schools.
	var schools []*unit
	for _, d := range districts {
		schools = append(schools, schoolsOf[d]...)
	}
	g.r.Shuffle(len(schools), func(i, j int) { schools[i], schools[j] = schools[j], schools[i] })
	for _, s := range schools[:min(5, len(schools))] {
		if err := g.team(ctx, s, domain.TeamVolunteer, s.short+"党员志愿服务队",
			"帮助群众抢收抢种，开展社区安全志愿宣传。", 6+g.r.IntN(5), g.r.IntN(2), []*unit{s}); err != nil {
			return err
		}
	}
	return nil
}

// proportional splits total by weights (largest remainders), each part ≥ 1.
func proportional(total int, weights []int) []int {
	sum := 0
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	given := 0
	for i, w := range weights {
		out[i] = max(1, total*w/sum)
		given += out[i]
	}
	for i := 0; given < total; i = (i + 1) % len(out) {
		out[i]++
		given++
	}
	for i := len(out) - 1; given > total; i = (i + len(out) - 1) % len(out) {
		if out[i] > 1 {
			out[i]--
			given--
		}
	}
	return out
}
