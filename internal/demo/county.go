package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// The demo county is fictional: 示范县 ("demonstration county") is no real
// place. Its tree is the same for every seed, so codes and names in docs and
// screenshots stay valid; the seed varies the ledger, not the org chart.
const (
	CountyName = "示范县"
	BureauCode = "BUREAU"
	bureauName = CountyName + "教育局"
)

// level is the kind of school, which decides which activities it holds and
// how many people attend them.
type level uint16

const (
	lvHigh       level = 1 << iota // 高级中学
	lvVocational                   // 职业教育中心
	lvMiddle                       // 初级中学
	lvNine                         // 九年制学校
	lvPrimary                      // 小学 and 中心小学
	lvKinder                       // 幼儿园
	lvSpecial                      // 特殊教育学校

	lvAll       = lvHigh | lvVocational | lvMiddle | lvNine | lvPrimary | lvKinder | lvSpecial
	lvNoKinder  = lvAll &^ lvKinder
	lvSecondary = lvHigh | lvVocational | lvMiddle | lvNine
	lvPupils    = lvNine | lvPrimary | lvKinder | lvSpecial // those that celebrate 六一
)

// established is when every unit that predates the demo became active.
var established = domain.NewDate(2020, time.January, 1)

// unit is one org unit of the demo tree with the facts the generator needs.
type unit struct {
	code, name string
	short      string // how titles name it: an alias or the name
	aliases    []string
	kind       domain.OrgKind
	parent     *unit
	from       domain.Date
	until      domain.Date // deactivated on this date after the ledger is built; zero: stays active

	level    level // schools, and branches of schools
	staff    int   // teachers and staff (schools, bureau, districts)
	students int   // schools
	members  int   // party members (branches)

	school *unit // for a school itself; for a branch of a school, its school
	id     int64
}

// alive reports whether the unit may log an activity on d.
func (u *unit) alive(d domain.Date) bool {
	if d.Before(u.from) {
		return false
	}
	return u.until.IsZero() || d.Before(u.until)
}

// schoolDef describes a school and how its party branches are organised.
type schoolDef struct {
	name     string
	aliases  []string
	level    level
	staff    int
	students int
	branches int         // 1 or 2
	from     domain.Date // zero: established
	// branchFrom is when the first branch was founded (zero: with the school).
	branchFrom domain.Date
	// splitOn, when set, is the day a single branch was split into two: the
	// old branch is deactivated that day and two new ones start.
	splitOn domain.Date
}

type districtDef struct {
	name    string
	aliases []string
	schools []schoolDef
}

func d(y int, m time.Month, day int) domain.Date { return domain.NewDate(y, m, day) }

// countyDefs is the demo county: 4 districts, 45 schools. Staff and student
// numbers follow a county of about 300,000 people: large schools in the
// county town, a middle school, a central primary school and a kindergarten
// in every township, and small village schools.
func countyDefs() []districtDef {
	return []districtDef{
		{"城关学区", []string{"城关镇学区"}, []schoolDef{
			{name: "示范县第一高级中学", aliases: []string{"县一中", "示范一中"}, level: lvHigh, staff: 236, students: 3300, branches: 2},
			{name: "示范县第二高级中学", aliases: []string{"县二中", "示范二中"}, level: lvHigh, staff: 168, students: 2250, branches: 2,
				splitOn: d(2025, time.March, 1)},
			{name: "示范县职业教育中心", aliases: []string{"县职教中心", "职教中心"}, level: lvVocational, staff: 124, students: 1650, branches: 2},
			{name: "城关第一初级中学", aliases: []string{"城关一中"}, level: lvMiddle, staff: 146, students: 2150, branches: 2},
			{name: "城关第二初级中学", aliases: []string{"城关二中"}, level: lvMiddle, staff: 112, students: 1720, branches: 2},
			{name: "示范县实验中学", aliases: []string{"实验中学", "县实验中学"}, level: lvMiddle, staff: 98, students: 1480, branches: 2},
			{name: "城关第一小学", aliases: []string{"城关一小"}, level: lvPrimary, staff: 108, students: 2380, branches: 2},
			{name: "城关第二小学", aliases: []string{"城关二小"}, level: lvPrimary, staff: 94, students: 2010, branches: 2},
			{name: "城关第三小学", aliases: []string{"城关三小"}, level: lvPrimary, staff: 72, students: 1520, branches: 1},
			{name: "城关第四小学", aliases: []string{"城关四小"}, level: lvPrimary, staff: 56, students: 1130, branches: 1},
			{name: "示范县实验小学", aliases: []string{"实验小学", "县实验小学"}, level: lvPrimary, staff: 86, students: 1840, branches: 2},
			{name: "东关九年制学校", aliases: []string{"东关学校"}, level: lvNine, staff: 68, students: 1090, branches: 1},
			{name: "示范县第一幼儿园", aliases: []string{"县一幼"}, level: lvKinder, staff: 62, students: 720, branches: 1},
			{name: "示范县第二幼儿园", aliases: []string{"县二幼"}, level: lvKinder, staff: 46, students: 530, branches: 1},
			{name: "城关中心幼儿园", aliases: []string{"城关幼儿园"}, level: lvKinder, staff: 31, students: 360, branches: 1},
			{name: "示范县特殊教育学校", aliases: []string{"县特教学校", "特教学校"}, level: lvSpecial, staff: 29, students: 126, branches: 1},
			// Opened in the new town district in autumn 2025; its branch was
			// founded once enough party members had transferred in.
			{name: "城关第五小学", aliases: []string{"城关五小", "城南新区小学"}, level: lvPrimary, staff: 41, students: 880, branches: 1,
				from: d(2025, time.August, 25), branchFrom: d(2025, time.October, 15)},
		}},
		{"桃园镇学区", []string{"桃园学区"}, []schoolDef{
			{name: "桃园镇初级中学", aliases: []string{"桃园中学"}, level: lvMiddle, staff: 64, students: 820, branches: 2},
			{name: "桃园镇中心小学", aliases: []string{"桃园中心小学"}, level: lvPrimary, staff: 46, students: 690, branches: 1},
			{name: "桃园镇中心幼儿园", aliases: []string{"桃园幼儿园"}, level: lvKinder, staff: 19, students: 230, branches: 1},
			{name: "桃园镇马坊九年制学校", aliases: []string{"马坊学校"}, level: lvNine, staff: 39, students: 430, branches: 1},
			{name: "桃园镇李家庄小学", aliases: []string{"李家庄小学"}, level: lvPrimary, staff: 15, students: 160, branches: 1},
			{name: "桃园镇南沟小学", aliases: []string{"南沟小学"}, level: lvPrimary, staff: 11, students: 92, branches: 1},
			{name: "桃园镇西村小学", aliases: []string{"西村小学"}, level: lvPrimary, staff: 12, students: 118, branches: 1},
			{name: "桃园镇北坡小学", aliases: []string{"北坡小学"}, level: lvPrimary, staff: 9, students: 64, branches: 1},
			{name: "桃园镇杜曲小学", aliases: []string{"杜曲小学"}, level: lvPrimary, staff: 13, students: 135, branches: 1},
			{name: "桃园镇东堡幼儿园", aliases: []string{"东堡幼儿园"}, level: lvKinder, staff: 8, students: 86, branches: 1},
		}},
		{"青石镇学区", []string{"青石学区"}, []schoolDef{
			{name: "青石镇初级中学", aliases: []string{"青石中学"}, level: lvMiddle, staff: 58, students: 760, branches: 2},
			{name: "青石镇中心小学", aliases: []string{"青石中心小学"}, level: lvPrimary, staff: 42, students: 610, branches: 1},
			{name: "青石镇中心幼儿园", aliases: []string{"青石幼儿园"}, level: lvKinder, staff: 17, students: 205, branches: 1},
			{name: "青石镇高庙九年制学校", aliases: []string{"高庙学校"}, level: lvNine, staff: 36, students: 390, branches: 1},
			{name: "青石镇王家河小学", aliases: []string{"王家河小学"}, level: lvPrimary, staff: 14, students: 148, branches: 1},
			{name: "青石镇杨村小学", aliases: []string{"杨村小学"}, level: lvPrimary, staff: 10, students: 87, branches: 1},
			{name: "青石镇东沟小学", aliases: []string{"东沟小学"}, level: lvPrimary, staff: 9, students: 71, branches: 1},
			{name: "青石镇石桥小学", aliases: []string{"石桥小学"}, level: lvPrimary, staff: 12, students: 126, branches: 1},
			{name: "青石镇红星小学", aliases: []string{"红星小学"}, level: lvPrimary, staff: 11, students: 102, branches: 1},
		}},
		{"柳湾镇学区", []string{"柳湾学区"}, []schoolDef{
			{name: "柳湾镇初级中学", aliases: []string{"柳湾中学"}, level: lvMiddle, staff: 61, students: 790, branches: 2},
			{name: "柳湾镇中心小学", aliases: []string{"柳湾中心小学"}, level: lvPrimary, staff: 44, students: 650, branches: 1},
			{name: "柳湾镇中心幼儿园", aliases: []string{"柳湾幼儿园"}, level: lvKinder, staff: 18, students: 214, branches: 1},
			{name: "柳湾镇川口九年制学校", aliases: []string{"川口学校"}, level: lvNine, staff: 37, students: 405, branches: 1},
			{name: "柳湾镇张堡小学", aliases: []string{"张堡小学"}, level: lvPrimary, staff: 13, students: 139, branches: 1},
			{name: "柳湾镇新庄小学", aliases: []string{"新庄小学"}, level: lvPrimary, staff: 10, students: 84, branches: 1},
			{name: "柳湾镇河西小学", aliases: []string{"河西小学"}, level: lvPrimary, staff: 12, students: 121, branches: 1},
			{name: "柳湾镇槐树坪小学", aliases: []string{"槐树坪小学"}, level: lvPrimary, staff: 8, students: 58, branches: 1},
			{name: "柳湾镇前进小学", aliases: []string{"前进小学"}, level: lvPrimary, staff: 11, students: 97, branches: 1},
		}},
	}
}

// partyShare is the share of school staff who are party members.
const partyShare = 0.34

// countyUnits builds the tree as it stands on today: units founded later are
// left out, and a split that has not happened yet keeps the single branch.
// The order is the creation order (parents first).
func countyUnits(today domain.Date) []*unit {
	bureau := &unit{code: BureauCode, name: bureauName, short: "县教育局", kind: domain.OrgBureau,
		aliases: []string{"示范县教育局党委", "县教育局", "县教育局党委", "局党委"}, from: established, staff: 72}
	out := []*unit{bureau}
	out = append(out,
		&unit{code: BureauCode + "-B1", name: "示范县教育局机关党支部", short: "局机关党支部", kind: domain.OrgBranch, parent: bureau,
			aliases: []string{"局机关党支部", "教育局机关党支部"}, from: established, members: 34},
		&unit{code: BureauCode + "-B2", name: "示范县教学研究室党支部", short: "县教研室党支部", kind: domain.OrgBranch, parent: bureau,
			aliases: []string{"县教研室党支部", "教研室党支部"}, from: established, members: 17},
	)
	for di, dd := range countyDefs() {
		dist := &unit{code: fmt.Sprintf("D%02d", di+1), name: dd.name, short: dd.name, kind: domain.OrgDistrict, parent: bureau,
			aliases: dd.aliases, from: established, staff: 9}
		out = append(out, dist)
		for si, sd := range dd.schools {
			from := sd.from
			if from.IsZero() {
				from = established
			}
			if from.After(today) {
				continue
			}
			sch := &unit{code: fmt.Sprintf("%s-S%02d", dist.code, si+1), name: sd.name, short: sd.name, kind: domain.OrgSchool,
				parent: dist, aliases: sd.aliases, from: from, level: sd.level, staff: sd.staff, students: sd.students}
			sch.school = sch
			out = append(out, sch)
			members := max(5, int(float64(sd.staff)*partyShare+0.5))
			bfrom := sd.branchFrom
			if bfrom.IsZero() {
				bfrom = from
			}
			branch := func(n int, suffix string, from, until domain.Date, members int) *unit {
				b := &unit{code: fmt.Sprintf("%s-B%d", sch.code, n), name: sd.name + suffix, short: sd.name + suffix,
					kind: domain.OrgBranch, parent: sch, from: from, until: until, level: sd.level, members: members, school: sch}
				if len(sd.aliases) > 0 {
					b.aliases = []string{sd.aliases[0] + suffix}
				}
				return b
			}
			switch {
			case bfrom.After(today):
			case !sd.splitOn.IsZero():
				split := sd.splitOn
				if split.After(today) {
					out = append(out, branch(1, "党支部", bfrom, domain.Date{}, members))
					break
				}
				out = append(out, branch(1, "党支部", bfrom, split, members),
					branch(2, "教师第一党支部", split, domain.Date{}, (members+1)/2),
					branch(3, "教师第二党支部", split, domain.Date{}, members/2))
			case sd.branches >= 2:
				out = append(out, branch(1, "教师第一党支部", bfrom, domain.Date{}, (members+1)/2),
					branch(2, "教师第二党支部", bfrom, domain.Date{}, members/2))
			default:
				out = append(out, branch(1, "党支部", bfrom, domain.Date{}, members))
			}
		}
	}
	return out
}

// createUnits stores the tree through the application layer.
func createUnits(ctx context.Context, a *app.App, ac domain.Actor, units []*unit) error {
	for _, u := range units {
		in := app.OrgInput{Kind: u.kind, Code: u.code, Name: u.name, Aliases: u.aliases, ActiveFrom: u.from}
		if u.parent != nil {
			in.ParentID = u.parent.id
		}
		o, err := a.CreateOrg(ctx, ac, in)
		if err != nil {
			return fmt.Errorf("creating %s %s: %w", u.code, u.name, err)
		}
		u.id = o.ID
		if u.parent == nil {
			// The root exists now: later units need an actor whose scope holds it.
			if ac, err = a.OperatorActor(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}
