// Package bench measures zeren at province scale: a deterministic generator
// of org trees and ledgers, loaded through the store's bulk path, and the
// measurements behind `make bench` (bench/cmd/zbench) and the Go benchmarks of
// this package: aggregate latency from the rollups against a naive GROUP BY
// over the raw activities, subtree queries, and single-row writes through the
// application.
package bench

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"time"

	"github.com/zeren-edu/zeren/internal/catalog"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// GeneratorVersion changes whenever the generator would produce a different
// dataset for the same Config, so stale reusable datasets are rebuilt.
const GeneratorVersion = 1

// The ledger spans the calendar years 2024 and 2025.
var (
	FirstDay = domain.NewDate(2024, time.January, 1)
	EndDay   = domain.NewDate(2026, time.January, 1) // exclusive
)

// Config sizes a dataset.
type Config struct {
	Units      int    // org units, the root bureau included (at least 10)
	Activities int64  // activities over 2024-2025
	Seed       uint64 // the same seed gives the same dataset
}

// DefaultSeed is the seed zbench and the Go benchmarks use.
const DefaultSeed = 20240101

// Dataset is a generated province: the tree and the catalog in memory, the
// activities streamed on demand (they are never all held at once).
type Dataset struct {
	Config Config
	Units  []store.BulkUnit
	Types  []domain.ActivityType
	// ByKind lists unit indices by kind, in tree order.
	ByKind map[domain.OrgKind][]int

	unitPick  alias   // which unit records an activity: skewed, some units far busier than others
	typePick  []alias // which type, by the unit's kind (indexed by kindIndex)
	dayCounts []int64 // activities on each day from FirstDay
	titles    [][12]string
}

func kindIndex(k domain.OrgKind) int {
	switch k {
	case domain.OrgBureau:
		return 0
	case domain.OrgDistrict:
		return 1
	case domain.OrgSchool:
		return 2
	}
	return 3
}

// New builds the tree and the sampling tables of a dataset.
func New(cfg Config) (*Dataset, error) {
	if cfg.Units < 10 {
		return nil, fmt.Errorf("a dataset needs at least 10 units, not %d", cfg.Units)
	}
	if cfg.Activities < 0 {
		return nil, fmt.Errorf("a negative number of activities (%d)", cfg.Activities)
	}
	d := &Dataset{Config: cfg, Types: catalog.Default(), ByKind: map[domain.OrgKind][]int{}}
	rng := rand.New(rand.NewPCG(cfg.Seed, 1))
	d.buildTree(rng)
	d.buildUnitWeights(rng)
	d.buildTypeWeights()
	d.buildDays()
	d.titles = make([][12]string, len(d.Types))
	for i, t := range d.Types {
		for m := range 12 {
			d.titles[i][m] = fmt.Sprintf("%d月%s", m+1, t.Name)
		}
	}
	return d, nil
}

// established is when every generated unit became active.
var established = domain.NewDate(2023, time.September, 1)

func (d *Dataset) add(parent int, kind domain.OrgKind, code, name string) int {
	i := len(d.Units)
	d.Units = append(d.Units, store.BulkUnit{Parent: parent, Kind: kind, Code: code, Name: name, ActiveFrom: established})
	d.ByKind[kind] = append(d.ByKind[kind], i)
	return i
}

// buildTree lays out a province: the bureau (教育厅) with a few office
// branches; one district (a county bureau) per ~500 units, of skewed sizes;
// in each, two office branches and schools of 1–13 branches each (8 units a
// school on average). At 5·10⁴ units: 100 districts, ~6 000 schools, ~44 000
// branches. The total is exactly cfg.Units.
func (d *Dataset) buildTree(rng *rand.Rand) {
	n := d.Config.Units
	root := d.add(-1, domain.OrgBureau, "PROV", "示范省教育厅")
	bureauBranches := 0
	if n >= 100 {
		bureauBranches = 3
	}
	for b := 1; b <= bureauBranches; b++ {
		d.add(root, domain.OrgBranch, fmt.Sprintf("PROV-B%d", b), fmt.Sprintf("示范省教育厅机关第%d党支部", b))
	}
	districts := max(1, int(math.Round(float64(n)/500)))
	budget := n - len(d.Units) - districts
	for budget < 0 { // tiny trees: fewer districts
		districts--
		budget++
	}
	weights := make([]float64, districts)
	for i := range weights {
		weights[i] = math.Exp(0.5 * rng.NormFloat64())
	}
	for i, size := range apportion(int64(budget), weights) {
		di := d.add(root, domain.OrgDistrict, fmt.Sprintf("D%03d", i+1), fmt.Sprintf("第%03d县教育局", i+1))
		left := int(size)
		for b := 1; b <= 2 && left > 2; b++ {
			d.add(di, domain.OrgBranch, fmt.Sprintf("D%03d-B%d", i+1, b), fmt.Sprintf("第%03d县教育局机关第%d党支部", i+1, b))
			left--
		}
		for s := 1; left > 0; s++ {
			si := d.add(di, domain.OrgSchool, fmt.Sprintf("D%03d-S%03d", i+1, s), fmt.Sprintf("第%03d县第%03d学校", i+1, s))
			left--
			branches := min(left, 1+rng.IntN(13))
			for b := 1; b <= branches; b++ {
				d.add(si, domain.OrgBranch, fmt.Sprintf("D%03d-S%03d-B%d", i+1, s, b), fmt.Sprintf("第%03d县第%03d学校第%d党支部", i+1, s, b))
			}
			left -= branches
		}
	}
}

// buildUnitWeights gives each unit its share of the activities: a base by kind
// (offices hold more meetings than a branch) times a log-normal factor, with
// one unit in twenty nearly dormant, so some units are far busier than others.
func (d *Dataset) buildUnitWeights(rng *rand.Rand) {
	base := [4]float64{40, 8, 3, 1}
	w := make([]float64, len(d.Units))
	for i, u := range d.Units {
		w[i] = base[kindIndex(u.Kind)] * math.Exp(rng.NormFloat64())
		if rng.IntN(20) == 0 {
			w[i] *= 0.05
		}
	}
	d.unitPick = newAlias(w)
}

// typeFrequency scales how often each type occurs relative to the others.
var typeFrequency = map[string]float64{
	catalog.CodeStudySession:            5,
	catalog.CodePartyMemberThemeDay:     4,
	catalog.CodeThemedActivity:          3,
	catalog.CodeMoralEducation:          3,
	catalog.CodeInformationRelease:      3,
	catalog.CodeVolunteerService:        2,
	catalog.CodeArticleSubmission:       2,
	catalog.CodeXuexiGroupStudy:         2,
	catalog.CodeOnlineMonitoring:        2,
	catalog.CodeCentralGroupStudy:       1.5,
	catalog.CodeDutyAnalysisMeeting:     0.5,
	catalog.CodeIncidentDrill:           0.5,
	catalog.CodeChildrensDay:            0.3,
	catalog.CodeReligionPolicyEducation: 0.5,
}

// buildTypeWeights: leadership meetings belong to offices and schools, not
// to branches; everything else follows typeFrequency.
func (d *Dataset) buildTypeWeights() {
	d.typePick = make([]alias, 4)
	for k := range 4 {
		w := make([]float64, len(d.Types))
		for i, t := range d.Types {
			f, ok := typeFrequency[t.Code]
			if !ok {
				f = 1
			}
			if t.Pillar == domain.PillarLeadership {
				f *= [4]float64{3, 3, 1, 0.1}[k]
			}
			w[i] = f
		}
		d.typePick[k] = newAlias(w)
	}
}

// buildDays spreads the activities over the days: fewer at weekends and in
// the winter and summer holidays, a tenth more in 2025 than in 2024.
func (d *Dataset) buildDays() {
	var w []float64
	for day := FirstDay; day.Before(EndDay); day = day.AddDays(1) {
		f := 1.0
		switch day.Weekday() {
		case time.Saturday:
			f = 0.3
		case time.Sunday:
			f = 0.2
		}
		md := int(day.Month)*100 + day.Day
		if md >= 120 && md < 220 || md >= 710 && md < 901 {
			f *= 0.4
		}
		if day.Year == 2025 {
			f *= 1.1
		}
		w = append(w, f)
	}
	d.dayCounts = apportion(d.Config.Activities, w)
}

// apportion splits total into parts proportional to w (largest remainder),
// summing exactly to total.
func apportion(total int64, w []float64) []int64 {
	var sum float64
	for _, x := range w {
		sum += x
	}
	out := make([]int64, len(w))
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(w))
	var given int64
	for i, x := range w {
		exact := float64(total) * x / sum
		out[i] = int64(exact)
		given += out[i]
		rems[i] = rem{i, exact - float64(out[i])}
	}
	// Hand out the rest to the largest remainders (ties by index: deterministic).
	for left := total - given; left > 0; left-- {
		best := -1
		for j, r := range rems {
			if best < 0 || r.r > rems[best].r {
				best = j
			}
		}
		out[rems[best].i]++
		rems[best].r = -1
	}
	return out
}

// Figure is a count and summed attendance.
type Figure = store.Figure

// Tally counts what a stream produced, by year (2024, 2025) and status.
type Tally struct {
	ByYear [2]map[domain.Status]Figure
}

// Total returns the figure of the given statuses over both years (all
// statuses when none are given).
func (t *Tally) Total(statuses ...domain.Status) Figure {
	if len(statuses) == 0 {
		statuses = domain.Statuses
	}
	var f Figure
	for _, y := range t.ByYear {
		for _, s := range statuses {
			f.Count += y[s].Count
			f.Attendance += y[s].Attendance
		}
	}
	return f
}

// recentFrom starts the last weeks of the ledger, where records are still
// under review: more drafts and submissions than approvals.
var recentFrom = domain.NewDate(2025, time.November, 17)

// Activities streams the dataset's activities in date order, the same ones on
// every call. If t is not nil it is reset and filled as the stream goes.
func (d *Dataset) Activities(t *Tally) iter.Seq[store.BulkActivity] {
	return func(yield func(store.BulkActivity) bool) {
		rng := rand.New(rand.NewPCG(d.Config.Seed, 2))
		if t != nil {
			*t = Tally{ByYear: [2]map[domain.Status]Figure{{}, {}}}
		}
		attBase := [4]float64{150, 80, 45, 12}
		day := FirstDay
		for _, n := range d.dayCounts {
			recent := !day.Before(recentFrom)
			for range n {
				u := d.unitPick.pick(rng)
				k := kindIndex(d.Units[u].Kind)
				ti := d.typePick[k].pick(rng)
				typ := &d.Types[ti]
				a := store.BulkActivity{Unit: u, Type: ti, Date: day, Title: d.titles[ti][day.Month-1], Status: status(rng, recent)}
				if typ.ExpectsAttendance {
					a.Attendance = max(1, min(domain.MaxAttendance, int(attBase[k]*math.Exp(0.6*rng.NormFloat64()))))
				}
				if len(typ.Venues) > 0 && rng.IntN(10) < 7 {
					a.Venues = typ.Venues[rng.IntN(len(typ.Venues)):][:1]
				}
				if typ.TracksPublication {
					switch r := rng.IntN(20); {
					case r < 10:
						a.Publication = domain.PublicationSubmitted
					case r < 17:
						a.Publication = domain.PublicationAccepted
					default:
						a.Publication = domain.PublicationPublished
					}
				}
				if t != nil {
					f := t.ByYear[day.Year-2024][a.Status]
					f.Count++
					f.Attendance += int64(a.Attendance)
					t.ByYear[day.Year-2024][a.Status] = f
				}
				if !yield(a) {
					return
				}
			}
			day = day.AddDays(1)
		}
	}
}

func status(rng *rand.Rand, recent bool) domain.Status {
	r := rng.IntN(100)
	if recent {
		switch {
		case r < 55:
			return domain.StatusApproved
		case r < 80:
			return domain.StatusSubmitted
		case r < 95:
			return domain.StatusDraft
		}
		return domain.StatusReturned
	}
	switch {
	case r < 93:
		return domain.StatusApproved
	case r < 95:
		return domain.StatusSubmitted
	case r < 97:
		return domain.StatusDraft
	}
	return domain.StatusReturned
}

// alias samples an index with probability proportional to its weight in O(1)
// (Vose's alias method).
type alias struct {
	prob  []float64
	alias []int32
}

func newAlias(w []float64) alias {
	n := len(w)
	var sum float64
	for _, x := range w {
		sum += x
	}
	a := alias{prob: make([]float64, n), alias: make([]int32, n)}
	scaled := make([]float64, n)
	var small, large []int
	for i, x := range w {
		scaled[i] = x * float64(n) / sum
		if scaled[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small, large = small[:len(small)-1], large[:len(large)-1]
		a.prob[s], a.alias[s] = scaled[s], int32(l)
		scaled[l] += scaled[s] - 1
		if scaled[l] < 1 {
			small = append(small, l)
		} else {
			large = append(large, l)
		}
	}
	for _, i := range append(small, large...) {
		a.prob[i], a.alias[i] = 1, int32(i)
	}
	return a
}

func (a alias) pick(rng *rand.Rand) int {
	i := rng.IntN(len(a.prob))
	if rng.Float64() < a.prob[i] {
		return i
	}
	return int(a.alias[i])
}
