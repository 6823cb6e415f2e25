package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/catalog"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/holiday"
)

// FirstYear is the first calendar year the demo ledger covers.
const FirstYear = 2024

// item is one planned activity and everything that happens to it.
type item struct {
	seq         int // creation order
	spec        *typeSpec
	typ         domain.ActivityType
	unit        *unit
	date        domain.Date
	venue       string
	fest        string
	title, desc string
	attendance  int
	publication string

	status   domain.Status
	reason   string // set for returned records, and for reworked ones
	reworked bool   // returned once, fixed, resubmitted and approved

	photos    int
	minutes   bool
	shareFrom *item // the first photo is the same file as shareFrom's first photo

	id int64
}

// dated is a planned date and, for holiday activities, its festival.
type dated struct {
	d    domain.Date
	fest string
}

type planner struct {
	r     *rand.Rand
	units []*unit
	today domain.Date
	types func(code string) (domain.ActivityType, bool)
}

// plan lays out the whole ledger from FirstYear to today, in creation order.
func (p *planner) plan() []*item {
	var items []*item
	all := specs()
	for y := FirstYear; y <= p.today.Year; y++ {
		for i := range all {
			s := &all[i]
			n := p.count(s, y)
			t, ok := p.types(s.code)
			if !ok {
				continue
			}
			used := map[*unit]bool{}
			for _, dt := range p.dates(s, y, n) {
				if dt.d.After(p.today) {
					continue
				}
				it := p.make(s, t, dt, used)
				if it != nil {
					items = append(items, it)
				}
			}
		}
	}
	// Record in date order, as units would have over the years.
	slices.SortStableFunc(items, func(a, b *item) int { return strings.Compare(a.date.String(), b.date.String()) })
	for i, it := range items {
		it.seq = i + 1
	}
	p.review(items)
	p.evidence(items)
	return items
}

// count is the county-level count of a type in year y: the base in the first
// year, then a different figure each year (between 4% and 15% up or down),
// so year-on-year comparisons have something to show.
func (p *planner) count(s *typeSpec, y int) int {
	up := p.r.IntN(2) == 0
	f := 0.04 + 0.11*p.r.Float64()
	if y == FirstYear || s.fixed {
		return s.base
	}
	if !up {
		f = -f
	}
	n := int(math.Round(float64(s.base) * (1 + f)))
	if n == s.base {
		n++
	}
	return max(1, n)
}

// dates draws n dates of year y by the type's rule.
func (p *planner) dates(s *typeSpec, y, n int) []dated {
	switch s.rule {
	case ruleMonthly:
		var out []dated
		for m := time.January; m <= time.December; m++ {
			c := workdaysIn(domain.NewDate(y, m, 8), domain.NewDate(y, m, 26))
			if len(c) == 0 {
				c = workdaysIn(domain.NewDate(y, m, 1), domain.NewDate(y, m+1, 0))
			}
			out = append(out, dated{d: c[p.r.IntN(len(c))]})
		}
		return out
	case ruleQingming:
		q := qingmingOf(y)
		c := workdaysIn(q.AddDays(-11), q.AddDays(-1))
		w := make([]float64, len(c))
		for i, x := range c {
			w[i] = 1 + 0.3*float64(11-int(q.Time().Sub(x.Time()).Hours()/24))
		}
		return p.draw(c, w, n, false)
	case ruleChildrens:
		var c []domain.Date
		var w []float64
		for x := domain.NewDate(y, 5, 27); !x.After(domain.NewDate(y, 6, 1)); x = x.AddDays(1) {
			c = append(c, x)
			switch {
			case holiday.IsWorkday(x):
				w = append(w, 1)
			case x.Month == time.June:
				w = append(w, 0.35) // a 游园 with the parents on the day itself
			default:
				w = append(w, 0.15)
			}
		}
		return p.draw(c, w, n, false)
	case ruleFestival:
		fests := festivalsOf(y)
		fw := make([]float64, len(fests))
		for i, f := range fests {
			fw[i] = map[string]float64{"五一": 0.18, "端午": 0.16, "七一": 0.34, "中秋": 0.12, "国庆": 0.2}[f.key]
		}
		var out []dated
		for range n {
			f := fests[pickIndex(p.r, fw)]
			var c []domain.Date
			var w []float64
			for x := f.day.AddDays(-f.lead); !x.After(f.day); x = x.AddDays(1) {
				c = append(c, x)
				switch {
				case x == f.day && f.key == "七一":
					w = append(w, 2.5)
				case holiday.IsWorkday(x):
					w = append(w, 1)
				default:
					w = append(w, 0.3)
				}
			}
			out = append(out, dated{d: c[pickIndex(p.r, w)], fest: f.key})
		}
		return out
	}
	// ruleSpread and ruleEven: working days, weighted by month and term.
	var c []domain.Date
	var w []float64
	bw := s.breakW
	if bw == 0 {
		bw = 0.12
	}
	for _, x := range daysOf(y) {
		if !holiday.IsWorkday(x) {
			continue
		}
		mw := s.months[x.Month-1]
		if s.months == [12]float64{} {
			mw = 1
		}
		if inBreak(x) {
			mw *= bw
		}
		if mw > 0 {
			c = append(c, x)
			w = append(w, mw)
		}
	}
	return p.draw(c, w, n, s.rule == ruleEven)
}

// draw picks n dates among c by weight: independently, or spread evenly
// (systematic sampling: one random offset, then equal steps of weight).
func (p *planner) draw(c []domain.Date, w []float64, n int, even bool) []dated {
	out := make([]dated, 0, n)
	if len(c) == 0 || n <= 0 {
		return out
	}
	cum := make([]float64, len(w))
	total := 0.0
	for i, x := range w {
		total += x
		cum[i] = total
	}
	off := p.r.Float64()
	for i := range n {
		var v float64
		if even {
			v = (float64(i) + off) / float64(n) * total
		} else {
			v = p.r.Float64() * total
		}
		j, _ := slices.BinarySearch(cum, v)
		j = min(j, len(c)-1)
		out = append(out, dated{d: c[j]})
	}
	return out
}

// pickIndex chooses an index by weight.
func pickIndex(r *rand.Rand, w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	v := r.Float64() * total
	for i, x := range w {
		if v < x {
			return i
		}
		v -= x
	}
	return len(w) - 1
}

// poolOf tells which pool a unit belongs to.
func poolOf(u *unit) pool {
	switch u.kind {
	case domain.OrgBureau:
		return poolBureau
	case domain.OrgDistrict:
		return poolDistrict
	case domain.OrgSchool:
		return poolSchool
	}
	if u.school == nil {
		return poolBureauBranch
	}
	return poolBranch
}

// size weighs a unit: bigger schools and branches log more.
func size(u *unit) float64 {
	switch u.kind {
	case domain.OrgSchool:
		return math.Pow(float64(u.staff), 0.65)
	case domain.OrgBranch:
		return math.Pow(float64(u.members), 0.7)
	}
	return 1
}

// pick chooses the unit that holds an activity on dt.
func (p *planner) pick(shares []share, dt domain.Date, used map[*unit]bool) *unit {
	cands := make([][]*unit, len(shares))
	sw := make([]float64, len(shares))
	for i, s := range shares {
		for _, u := range p.units {
			if poolOf(u) != s.p || !u.alive(dt) || used[u] {
				continue
			}
			if s.levels != 0 && u.level&s.levels == 0 {
				continue
			}
			cands[i] = append(cands[i], u)
		}
		if len(cands[i]) > 0 {
			sw[i] = s.w
		}
	}
	if slices.Max(sw) == 0 {
		return nil
	}
	us := cands[pickIndex(p.r, sw)]
	w := make([]float64, len(us))
	for i, u := range us {
		w[i] = size(u)
	}
	return us[pickIndex(p.r, w)]
}

// make plans one activity of type t on a date: where, who, what it is called
// and how many came.
func (p *planner) make(s *typeSpec, t domain.ActivityType, dt dated, used map[*unit]bool) *item {
	pw := make([]float64, len(s.places))
	for i, pl := range s.places {
		pw[i] = pl.w
	}
	pl := s.places[pickIndex(p.r, pw)]
	shares := pl.shares
	if dt.fest == "七一" {
		// 七一 is the Party's birthday: mostly the branches.
		shares = []share{{p: poolBranch, w: 0.6}, {p: poolBureauBranch, w: 0.12}, {p: poolBureau, w: 0.1}, {p: poolSchool, w: 0.18}}
	}
	u := p.pick(shares, dt.d, used)
	if u == nil {
		return nil
	}
	if s.oncePerUnit {
		used[u] = true
	}
	if dt.fest != "" && u.kind != domain.OrgBranch {
		// Pupils and office staff are not in on a day off: schools and the
		// bureau hold it on the last working day before. Branches may meet
		// on the day (a visit to old party members on the festival).
		for x := dt.d; !x.Before(dt.d.AddDays(-7)); x = x.AddDays(-1) {
			if holiday.IsWorkday(x) && u.alive(x) {
				dt.d = x
				break
			}
		}
	}
	it := &item{spec: s, typ: t, unit: u, date: dt.d, venue: pl.venue, fest: dt.fest}
	v := p.variant(s, u, it)
	it.attendance = p.attendance(v.aud, u)
	if t.ExpectsAttendance && it.attendance == 0 {
		it.attendance = p.between(5, 20) // the bureau made the type count people
	}
	if it.venue != "" && !t.AllowsVenue(it.venue) {
		it.venue = "" // the bureau narrowed the type's venues
	}
	vals := p.values(v, it)
	it.title = fill(v.title, vals)
	it.desc = fill(v.desc, vals)
	if t.TracksPublication {
		it.publication = domain.PublicationSubmitted
	}
	return it
}

// variant chooses how the activity is written up among those that fit; when
// none fits the month or theme window, the constraints are relaxed in turn.
func (p *planner) variant(s *typeSpec, u *unit, it *item) variant {
	kind := maskOf(poolOf(u))
	month := int(it.date.Month)
	day := it.date.String()
	fits := func(v variant, strict int) bool {
		if v.kinds != 0 && v.kinds&kind == 0 {
			return false
		}
		if strict >= 1 {
			if v.levels != 0 && v.levels&u.level == 0 {
				return false
			}
			if v.fest != "" && v.fest != it.fest {
				return false
			}
			switch {
			case v.venue == "-" && it.venue != "":
				return false
			case v.venue != "" && v.venue != "-" && v.venue != it.venue:
				return false
			}
		}
		if strict >= 2 {
			if len(v.months) > 0 && !slices.Contains(v.months, month) {
				return false
			}
			if (v.from != "" && day < v.from) || (v.to != "" && day > v.to) {
				return false
			}
		}
		return true
	}
	for strict := 2; strict >= 0; strict-- {
		var vs []variant
		var w []float64
		for _, v := range s.variants {
			if fits(v, strict) {
				vs = append(vs, v)
				w = append(w, cmpOr(v.w, 1))
			}
		}
		if len(vs) > 0 {
			return vs[pickIndex(p.r, w)]
		}
	}
	return s.variants[0]
}

// cmpOr returns x, or def when x is zero.
func cmpOr(x, def float64) float64 {
	if x == 0 {
		return def
	}
	return x
}

// between returns a random integer in [lo, hi].
func (p *planner) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + p.r.IntN(hi-lo+1)
}

// share returns n times a random fraction in [lo, hi], at least 1.
func (p *planner) frac(n int, lo, hi float64) int {
	return max(1, int(math.Round(float64(n)*(lo+(hi-lo)*p.r.Float64()))))
}

// people the unit can gather.
func members(u *unit) int {
	switch u.kind {
	case domain.OrgBranch:
		return u.members
	case domain.OrgSchool:
		return max(4, int(float64(u.staff)*partyShare))
	case domain.OrgBureau:
		return 51
	}
	return 8
}

func staffOf(u *unit) int {
	switch u.kind {
	case domain.OrgBranch:
		return max(u.members, int(float64(u.members)/partyShare))
	case domain.OrgDistrict:
		return 30
	}
	return u.staff
}

func studentsOf(u *unit) int {
	if u.school != nil {
		return u.school.students
	}
	return 0
}

// attendance is how many took part, by audience and unit.
func (p *planner) attendance(a audience, u *unit) int {
	switch a {
	case audNone:
		return 0
	case audLeaders:
		switch u.kind {
		case domain.OrgBureau:
			return p.between(10, 15)
		case domain.OrgBranch:
			return p.between(3, 7)
		}
		return p.between(5, 9)
	case audMeeting:
		switch u.kind {
		case domain.OrgBureau:
			return p.between(12, 24)
		case domain.OrgDistrict:
			return p.between(8, 16)
		case domain.OrgBranch:
			return p.frac(u.members, 0.7, 1)
		}
		return min(staffOf(u), p.between(6, 14))
	case audMembers:
		return max(3, p.frac(members(u), 0.72, 1))
	case audStaff:
		return max(3, p.frac(staffOf(u), 0.7, 0.98))
	case audTeachers:
		return max(4, p.frac(staffOf(u), 0.08, 0.22))
	case audStudents:
		st, sf := studentsOf(u), staffOf(u)
		if st == 0 {
			return max(3, p.frac(sf, 0.7, 0.98))
		}
		if st+sf < 200 {
			return p.frac(st, 0.85, 1) + p.frac(sf, 0.6, 1)
		}
		n := p.frac(st, 0.12, 0.45) + p.frac(sf, 0.05, 0.2)
		return min(max(n, 50), p.between(480, 600))
	case audClass:
		st := studentsOf(u)
		size := 45
		if st < 1500 {
			size = max(8, st/8)
		}
		return min(55, p.frac(size, 0.8, 1.15))
	case audAll:
		st, sf := studentsOf(u), staffOf(u)
		n := p.frac(st, 0.85, 1) + p.frac(sf, 0.8, 1)
		if st > 1000 {
			n = p.between(800, 1400) // the celebration is held by grades
		}
		return n
	case audVolunteers:
		return min(p.between(6, 25), max(3, members(u)+p.between(0, 4)))
	case audTeam:
		return p.between(5, 14)
	case audDistrict:
		return p.between(40, 150)
	case audTraining:
		return p.between(52, 78)
	case audYoung:
		switch u.kind {
		case domain.OrgBureau:
			return p.between(14, 30)
		case domain.OrgSchool:
			return max(3, p.frac(staffOf(u), 0.15, 0.35))
		}
		return max(3, p.frac(u.members, 0.35, 0.7))
	case audNonParty:
		return max(3, p.frac(staffOf(u)-members(u), 0.5, 0.9))
	}
	return 0
}

// values builds the template values of an activity. Every draw is made
// whether or not the template uses it, so the stream of random numbers does
// not depend on the wording.
func (p *planner) values(v variant, it *item) *strings.Replacer {
	theme := pickWeighted(p.r, themes, it.date)
	book := pickWeighted(p.r, books, it.date)
	x := ""
	if len(v.xs) > 0 {
		x = v.xs[p.r.IntN(len(v.xs))]
	}
	headline := headlines[p.r.IntN(len(headlines))]
	grades := gradesOf(it.unit.level)
	grade := grades[p.r.IntN(len(grades))]
	visited := p.visited(it.date)
	short := it.unit.short
	if it.unit.school != nil && len(it.unit.school.aliases) > 0 {
		short = it.unit.school.aliases[0]
	}
	y := it.date.Year
	return strings.NewReplacer(
		"{U}", it.unit.short,
		"{T}", theme,
		"{B}", book,
		"{X}", x,
		"{V}", domain.VenueNames[it.venue],
		"{A}", itoa(it.attendance),
		"{D}", cnDate(it.date),
		"{M}", itoa(int(it.date.Month)),
		"{Q}", quarterLabel(it.date),
		"{H}", halfLabel(it.date),
		"{TERM}", termLabel(it.date),
		"{N1}", itoa(y-1921),
		"{N2}", itoa(y-1949),
		"{S}", visited,
		"{G}", strings.ReplaceAll(headline, "{U}", short),
		"{GRADE}", grade,
	)
}

// gradesOf lists the grades (年级) of a school level.
func gradesOf(l level) []string {
	switch l {
	case lvPrimary:
		return []string{"一年级", "二年级", "三年级", "四年级", "五年级", "六年级"}
	case lvMiddle:
		return []string{"七年级", "八年级", "九年级"}
	case lvHigh:
		return []string{"高一年级", "高二年级", "高三年级"}
	case lvNine:
		return []string{"三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级"}
	case lvVocational:
		return []string{"一年级", "二年级", "三年级"}
	case lvKinder:
		return []string{"大班", "中班", "小班"}
	case lvSpecial:
		return []string{"培智低年级", "培智中年级", "培智高年级"}
	}
	return []string{"各年级"}
}

// visited picks the school or district a leader's coverage visit went to.
func (p *planner) visited(dt domain.Date) string {
	var cands []*unit
	for _, u := range p.units {
		if (u.kind == domain.OrgSchool || u.kind == domain.OrgDistrict) && u.alive(dt) {
			cands = append(cands, u)
		}
	}
	if len(cands) == 0 {
		return "各学区"
	}
	return cands[p.r.IntN(len(cands))].name
}

// review decides where each record stands today: everything older than a
// couple of months is approved (a few after being returned once and fixed);
// the recent weeks are a mix of drafts, records waiting for review, records
// sent back with a reason, and approved ones.
func (p *planner) review(items []*item) {
	for _, it := range items {
		age := int(p.today.Time().Sub(it.date.Time()).Hours() / 24)
		v := p.r.Float64()
		var mix [4]float64 // approved, submitted, returned, draft
		switch {
		case age > 75:
			mix = [4]float64{1, 0, 0, 0}
		case age > 45:
			mix = [4]float64{0.93, 0.05, 0.02, 0}
		case age > 21:
			mix = [4]float64{0.76, 0.13, 0.05, 0.06}
		case age > 7:
			mix = [4]float64{0.42, 0.36, 0.09, 0.13}
		default:
			mix = [4]float64{0.08, 0.47, 0.05, 0.40}
		}
		switch {
		case v < mix[0]:
			it.status = domain.StatusApproved
		case v < mix[0]+mix[1]:
			it.status = domain.StatusSubmitted
		case v < mix[0]+mix[1]+mix[2]:
			it.status = domain.StatusReturned
		default:
			it.status = domain.StatusDraft
		}
		w := p.r.Float64()
		ri := p.r.IntN(len(returnReasons))
		if p.r.IntN(2) == 0 {
			ri = 0 // missing photos is the commonest reason
		}
		if ri == 0 && !it.typ.ExpectsEvidence {
			ri = 1 + p.r.IntN(len(returnReasons)-1)
		}
		switch it.status {
		case domain.StatusReturned:
			it.reason = returnReasons[ri]
		case domain.StatusApproved:
			if w < 0.02 {
				it.reworked, it.reason = true, returnReasons[ri]
			}
		}
		if it.typ.TracksPublication {
			pv := p.r.Float64()
			switch {
			case age > 90 && pv < 0.4:
				it.publication = domain.PublicationPublished
			case age > 90 && pv < 0.7:
				it.publication = domain.PublicationAccepted
			case age > 30 && pv < 0.15:
				it.publication = domain.PublicationPublished
			case age > 30 && pv < 0.45:
				it.publication = domain.PublicationAccepted
			case age > 7 && pv < 0.15:
				it.publication = domain.PublicationAccepted
			}
		}
	}
}

// evidence decides the files of each record: photos for about two thirds of
// the records whose type expects evidence, minutes for some meetings, and a
// few photos sent in twice, by two different schools.
func (p *planner) evidence(items []*item) {
	for _, it := range items {
		v, k, m := p.r.Float64(), p.r.Float64(), p.r.Float64()
		if !it.typ.ExpectsEvidence {
			continue
		}
		prob := 0.68
		switch {
		case it.status == domain.StatusDraft:
			prob = 0.4
		case it.reason == returnReasons[0] && it.status == domain.StatusReturned:
			prob = 0
		}
		if v < prob {
			switch {
			case k < 0.8:
				it.photos = 1
			case k < 0.97:
				it.photos = 2
			default:
				it.photos = 3
			}
		}
		if it.spec.minutes && m < 0.5 && it.status != domain.StatusDraft {
			it.minutes = true
		}
	}
	p.sharePhotos(items)
}

// sharePhotos makes three pairs of records of two different schools carry
// the same photo: the kind of reuse a reviewer should notice.
func (p *planner) sharePhotos(items []*item) {
	year := p.today.Year - 1
	if year < FirstYear {
		year = p.today.Year
	}
	shareable := []string{catalog.CodeCommemoration, catalog.CodeVolunteerService, catalog.CodeMoralEducation,
		catalog.CodeThemedActivity, catalog.CodeCommunitySafetyOutreach}
	var cands []*item
	for _, it := range items {
		if it.date.Year == year && it.status == domain.StatusApproved && it.photos > 0 && it.unit.school != nil &&
			slices.Contains(shareable, it.spec.code) {
			cands = append(cands, it)
		}
	}
	taken := map[*item]bool{}
	pairs := 0
	for try := 0; try < 200 && pairs < 3 && len(cands) > 1; try++ {
		a := cands[p.r.IntN(len(cands))]
		if taken[a] {
			continue
		}
		for _, b := range cands {
			if b.seq <= a.seq || taken[b] || b.spec != a.spec || b.unit.school == a.unit.school {
				continue
			}
			if b.date.Time().Sub(a.date.Time()) > 40*24*time.Hour {
				break
			}
			b.shareFrom = a
			taken[a], taken[b] = true, true
			pairs++
			break
		}
	}
}
