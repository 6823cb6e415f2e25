package demo

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/catalog"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/holiday"
	"github.com/zeren-edu/zeren/internal/store"
)

// testToday is the fixed "today" of the tests: the app's clock stands at
// the evening of this day in China.
var testToday = domain.NewDate(2026, time.November, 29)

func testClock() time.Time {
	return time.Date(2026, time.November, 29, 18, 0, 0, 0, time.FixedZone("CST", 8*3600))
}

// openApp opens a fresh SQLite database and blob directory under dir.
func openApp(dir string) (*app.App, func(), error) {
	ctx := context.Background()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, filepath.Join(dir, "demo.db"), store.Options{Create: true, Now: testClock})
	if err != nil {
		return nil, nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, nil, err
	}
	blobs, err := blob.NewFS(filepath.Join(dir, "blobs"))
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return app.New(st, blobs, app.DefaultConfig(), testClock), func() { st.Close() }, nil
}

// newApp opens a fresh app for one test.
func newApp(t *testing.T) *app.App {
	t.Helper()
	a, closeFn, err := openApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeFn)
	return a
}

// A built demo, shared by the tests that only read it. A build takes
// seconds, so each one is made once per test binary, in its own directory
// under sharedDir, on first use.
type built struct {
	app *app.App
	ac  domain.Actor
	sum Summary
	err error

	listOnce sync.Once
	acts     []domain.Activity // the whole ledger, listed once
}

var (
	sharedDir string
	buildsMu  sync.Mutex
	builds    = map[string]*built{}
	buildOnce = map[string]*sync.Once{}
	closers   []func()
)

func TestMain(m *testing.M) {
	var err error
	if sharedDir, err = os.MkdirTemp("", "zeren-demo-test-"); err != nil {
		panic(err)
	}
	code := m.Run()
	for _, c := range closers {
		c()
	}
	os.RemoveAll(sharedDir)
	os.Exit(code)
}

// demo returns the shared build called name, made with seed.
func demo(t *testing.T, name string, seed int64) *built {
	t.Helper()
	buildsMu.Lock()
	once, ok := buildOnce[name]
	if !ok {
		once = &sync.Once{}
		buildOnce[name] = once
	}
	buildsMu.Unlock()
	once.Do(func() {
		b := &built{}
		dir := filepath.Join(sharedDir, name)
		var closeFn func()
		if b.app, closeFn, b.err = openApp(dir); b.err == nil {
			ctx := context.Background()
			b.sum, b.err = Build(ctx, b.app, Options{Seed: seed, Today: testToday})
			if b.err == nil {
				b.ac, b.err = b.app.OperatorActor(ctx)
			}
		}
		buildsMu.Lock()
		builds[name] = b
		if closeFn != nil {
			closers = append(closers, closeFn)
		}
		buildsMu.Unlock()
	})
	buildsMu.Lock()
	b := builds[name]
	buildsMu.Unlock()
	if b.err != nil {
		t.Fatalf("building the demo (%s, seed %d): %v", name, seed, b.err)
	}
	return b
}

// allOrgs lists every unit in tree order.
func allOrgs(t *testing.T, b *built) []domain.OrgUnit {
	t.Helper()
	orgs, _, err := b.app.ListOrgs(context.Background(), b.ac, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return orgs
}

// allActivities lists the whole ledger by id, page by page, through the
// app (once per build: the tests only read it).
func allActivities(t *testing.T, b *built) []domain.Activity {
	t.Helper()
	var err error
	b.listOnce.Do(func() {
		for off := 0; ; off += app.MaxPageSize {
			page, total, e := b.app.ListActivities(context.Background(), b.ac,
				app.ActivityQuery{Sort: "id", Asc: true, Limit: app.MaxPageSize, Offset: off})
			if e != nil {
				err = e
				return
			}
			b.acts = append(b.acts, page...)
			if len(b.acts) >= total || len(page) == 0 {
				if len(b.acts) != total {
					err = fmt.Errorf("listed %d activities, the total says %d", len(b.acts), total)
				}
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if b.acts == nil {
		t.Fatal("the ledger could not be listed (see the first failure)")
	}
	return b.acts
}

func typesByID(t *testing.T, b *built) map[int64]domain.ActivityType {
	t.Helper()
	ts, err := b.app.ListTypes(context.Background(), "", false)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]domain.ActivityType{}
	for _, x := range ts {
		out[x.ID] = x
	}
	return out
}

func typeID(t *testing.T, b *built, code string) int64 {
	t.Helper()
	for _, x := range typesByID(t, b) {
		if x.Code == code {
			return x.ID
		}
	}
	t.Fatalf("no type %s", code)
	return 0
}

// orgKey is what must be equal between two builds of one seed.
type orgKey struct {
	ID, Parent  int64
	Kind        domain.OrgKind
	Code, Name  string
	Aliases     string
	Active      bool
	From, Until domain.Date
}

func orgKeys(orgs []domain.OrgUnit) []orgKey {
	out := make([]orgKey, len(orgs))
	for i, o := range orgs {
		out[i] = orgKey{o.ID, o.ParentID, o.Kind, o.Code, o.Name, strings.Join(o.Aliases, "|"), o.Active, o.ActiveFrom, o.ActiveUntil}
	}
	return out
}

// activityKey is an activity without its wall-clock timestamps.
type activityKey struct {
	ID, Org, Type       int64
	Date                domain.Date
	Title, Desc         string
	Attendance          int
	Venues, Publication string
	Status              domain.Status
	Reason              string
	Evidence            string
	Version             int64
}

func activityKeys(acts []domain.Activity) []activityKey {
	out := make([]activityKey, len(acts))
	for i, a := range acts {
		var ev []string
		for _, e := range a.Evidence {
			ev = append(ev, fmt.Sprintf("%s %s %s %d %v", e.SHA256, e.Filename, e.MediaType, e.Size, e.SharedWith))
		}
		out[i] = activityKey{a.ID, a.OrgID, a.TypeID, a.Date, a.Title, a.Description, a.Attendance,
			strings.Join(a.Venues, ","), a.Publication, a.Status, a.ReturnReason, strings.Join(ev, ";"), a.Version}
	}
	return out
}

func TestSameSeedSameLedger(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("two more builds of the demo; TestPlanDeterministic covers the plan")
	}
	a, b := demo(t, "seed1", 1), demo(t, "seed1-again", 1)
	if !reflect.DeepEqual(orgKeys(allOrgs(t, a)), orgKeys(allOrgs(t, b))) {
		t.Error("two builds with seed 1 have different org trees")
	}
	x, y := activityKeys(allActivities(t, a)), activityKeys(allActivities(t, b))
	if len(x) != len(y) {
		t.Fatalf("two builds with seed 1 have %d and %d activities", len(x), len(y))
	}
	for i := range x {
		if x[i] != y[i] {
			t.Fatalf("two builds with seed 1 differ at activity %d:\n%+v\n%+v", i, x[i], y[i])
		}
	}
	sa, sb := a.sum, b.sum
	sa.Duration, sb.Duration = 0, 0
	if !reflect.DeepEqual(sa, sb) {
		t.Errorf("summaries differ:\n%s\n%s", sa, sb)
	}
}

func TestDifferentSeedDifferentLedger(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("two more builds of the demo; TestPlanDeterministic covers the plan")
	}
	a, b := demo(t, "seed1", 1), demo(t, "seed2", 2)
	if !reflect.DeepEqual(orgKeys(allOrgs(t, a)), orgKeys(allOrgs(t, b))) {
		t.Error("the org tree should not depend on the seed")
	}
	x, y := activityKeys(allActivities(t, a)), activityKeys(allActivities(t, b))
	same := 0
	for i := range min(len(x), len(y)) {
		if x[i].Date == y[i].Date && x[i].Title == y[i].Title && x[i].Org == y[i].Org {
			same++
		}
	}
	if same > len(x)/10 {
		t.Errorf("seeds 1 and 2 share %d of %d activities (date, unit and title)", same, len(x))
	}
}

func TestOrgTree(t *testing.T) {
	t.Parallel()
	b := demo(t, "seed1", 1)
	orgs := allOrgs(t, b)
	count := map[domain.OrgKind]int{}
	byID := map[int64]domain.OrgUnit{}
	codes := map[string]bool{}
	for _, o := range orgs {
		count[o.Kind]++
		byID[o.ID] = o
		if codes[o.Code] {
			t.Errorf("code %s used twice", o.Code)
		}
		codes[o.Code] = true
	}
	check := func(k domain.OrgKind, lo, hi int) {
		if n := count[k]; n < lo || n > hi {
			t.Errorf("%d units of kind %s, want %d–%d", n, k, lo, hi)
		}
		if n := b.sum.UnitCount(k); n != count[k] {
			t.Errorf("the summary counts %d %s units, the tree has %d", n, k, count[k])
		}
	}
	check(domain.OrgBureau, 1, 1)
	check(domain.OrgDistrict, 4, 4)
	check(domain.OrgSchool, 40, 50)
	check(domain.OrgBranch, 55, 70)

	withAlias, bureauBranches := 0, 0
	for _, o := range orgs {
		p := byID[o.ParentID]
		switch o.Kind {
		case domain.OrgBureau:
			if o.Code != BureauCode || o.ParentID != 0 {
				t.Errorf("bureau %s has code %s and parent %d", o.Name, o.Code, o.ParentID)
			}
		case domain.OrgDistrict:
			if p.Kind != domain.OrgBureau || !strings.HasSuffix(o.Name, "学区") {
				t.Errorf("district %s %s under %s", o.Code, o.Name, p.Kind)
			}
		case domain.OrgSchool:
			if p.Kind != domain.OrgDistrict || !strings.HasPrefix(o.Code, p.Code+"-S") {
				t.Errorf("school %s %s under %s %s", o.Code, o.Name, p.Kind, p.Code)
			}
			if len(o.Aliases) > 0 {
				withAlias++
			}
		case domain.OrgBranch:
			if !strings.HasPrefix(o.Code, p.Code+"-B") || !strings.Contains(o.Name, "党支部") {
				t.Errorf("branch %s %s under %s", o.Code, o.Name, p.Code)
			}
			if p.Kind == domain.OrgBureau {
				bureauBranches++
			}
		}
	}
	cal, err := b.app.GetSemesterCalendar(context.Background(), b.ac, b.sum.BureauID)
	if err != nil || cal.SpringStart != springStart || cal.AutumnStart != autumnStart {
		t.Errorf("semester calendar %+v, %v", cal, err)
	}
	if bureauBranches == 0 {
		t.Error("the bureau has no office branch (机关党支部)")
	}
	if withAlias < count[domain.OrgSchool]*3/4 {
		t.Errorf("only %d schools have aliases", withAlias)
	}
	// Later modules match public concerns by alias: the short names people use.
	found := false
	for _, o := range orgs {
		found = found || (o.Name == "示范县第一高级中学" && slices.Contains(o.Aliases, "县一中"))
	}
	if !found {
		t.Error("示范县第一高级中学 should be known as 县一中")
	}
	// Every school has a branch; some have two.
	branches := map[int64]int{}
	for _, o := range orgs {
		if o.Kind == domain.OrgBranch && o.Active {
			branches[o.ParentID]++
		}
	}
	two := 0
	for _, o := range orgs {
		if o.Kind != domain.OrgSchool {
			continue
		}
		switch branches[o.ID] {
		case 1:
		case 2:
			two++
		default:
			t.Errorf("school %s has %d active branches", o.Name, branches[o.ID])
		}
	}
	if two < 5 {
		t.Errorf("only %d schools have two branches", two)
	}
}

// sourceFigures are the counts the source document reports for a year; the
// demo's first year reproduces them exactly.
var sourceFigures = map[string]int{
	catalog.CodeThemedActivity:          57,
	catalog.CodeOutreachLecture:         84,
	catalog.CodeStudySession:            72,
	catalog.CodeMoralEducation:          97,
	catalog.CodeVolunteerService:        82,
	catalog.CodeCommunitySafetyOutreach: 50,
	catalog.CodeCommemoration:           43,
	catalog.CodeArticleSubmission:       12,
	catalog.CodeCentralGroupStudy:       12,
	catalog.CodePartyCommitteeMeeting:   8,
}

func TestTypeCountsPlausible(t *testing.T) {
	t.Parallel()
	b := demo(t, "seed1", 1)
	bands := []struct {
		code   string
		lo, hi int
	}{
		{catalog.CodeThemedActivity, 45, 70},
		{catalog.CodeOutreachLecture, 60, 110},
		{catalog.CodeStudySession, 55, 90},
		{catalog.CodeMoralEducation, 70, 120},
		{catalog.CodeVolunteerService, 60, 110},
		{catalog.CodeCommunitySafetyOutreach, 35, 65},
		{catalog.CodeCommemoration, 25, 60},
		{catalog.CodeArticleSubmission, 8, 20},
		{catalog.CodeCentralGroupStudy, 12, 12},
		{catalog.CodePartyCommitteeMeeting, 6, 10},
		{catalog.CodeHolidayActivity, 25, 60},
		{catalog.CodeChildrensDay, 15, 40},
		{catalog.CodeDisciplineEducation, 15, 45},
		{catalog.CodeIntegrityEducation, 10, 30},
		{catalog.CodeReligionPolicyEducation, 20, 50},
		{catalog.CodeOnlineMonitoring, 15, 45},
		{catalog.CodeTeamTraining, 2, 8},
	}
	bureau := b.sum.BureauID
	changed := 0
	for _, band := range bands {
		id := typeID(t, b, band.code)
		var got [2]int64
		for i, year := range []string{"2024", "2025"} {
			res, err := b.app.Aggregate(context.Background(), b.ac, app.AggRequest{OrgID: bureau, Period: year, TypeIDs: []int64{id}})
			if err != nil {
				t.Fatal(err)
			}
			got[i] = res.Count
			if res.Count < int64(band.lo) || res.Count > int64(band.hi) {
				t.Errorf("%s %s: %d approved, want %d–%d", year, band.code, res.Count, band.lo, band.hi)
			}
			if res.Count > 0 && res.Attendance == 0 && typesByID(t, b)[id].ExpectsAttendance {
				t.Errorf("%s %s: no attendance", year, band.code)
			}
		}
		if want, ok := sourceFigures[band.code]; ok && got[0] != int64(want) {
			t.Errorf("2024 %s: %d approved, the source reports %d", band.code, got[0], want)
		}
		if got[0] != got[1] {
			changed++
		}
	}
	if changed < len(bands)*2/3 {
		t.Errorf("only %d of %d types changed from 2024 to 2025; year-on-year figures should move", changed, len(bands))
	}
	// Bigger schools log more.
	res, err := b.app.Aggregate(context.Background(), b.ac, app.AggRequest{OrgID: bureau, Period: "2025", GroupBy: store.GroupChild})
	if err != nil {
		t.Fatal(err)
	}
	perDistrict := map[string]int64{}
	for _, g := range res.Groups {
		perDistrict[g.Key] = g.Count
	}
	orgs := allOrgs(t, b)
	var town, township int64
	for _, o := range orgs {
		if o.Kind == domain.OrgDistrict {
			if o.Code == "D01" {
				town = perDistrict[fmt.Sprint(o.ID)]
			} else {
				township = max(township, perDistrict[fmt.Sprint(o.ID)])
			}
		}
	}
	if town <= township {
		t.Errorf("the county town's district logs %d activities in 2025, a township %d: size should show", town, township)
	}
}

func TestDatesPlausible(t *testing.T) {
	t.Parallel()
	b := demo(t, "seed1", 1)
	types := typesByID(t, b)
	orgs := map[int64]domain.OrgUnit{}
	for _, o := range allOrgs(t, b) {
		orgs[o.ID] = o
	}
	holidayTypes := []string{catalog.CodeHolidayActivity, catalog.CodeChildrensDay}
	perMonth := map[string]int{}
	for _, a := range allActivities(t, b) {
		typ, o := types[a.TypeID], orgs[a.OrgID]
		if a.Date.After(testToday) {
			t.Errorf("activity %d is dated %s, after today", a.ID, a.Date)
		}
		if a.Date.Before(domain.NewDate(FirstYear, 1, 1)) {
			t.Errorf("activity %d is dated %s, before %d", a.ID, a.Date, FirstYear)
		}
		if !o.Lived(a.Date) {
			t.Errorf("activity %d of %s is dated %s, outside the unit's life %s–%s", a.ID, o.Code, a.Date, o.ActiveFrom, o.ActiveUntil)
		}
		if !slices.Contains(holidayTypes, typ.Code) && !holiday.IsWorkday(a.Date) {
			t.Errorf("activity %d (%s) is dated %s, not a working day (%s)", a.ID, typ.Code, a.Date, holiday.Name(a.Date))
		}
		switch typ.Code {
		case catalog.CodeCommemoration:
			q := qingmingOf(a.Date.Year)
			if !a.Date.Before(q) || a.Date.Before(q.AddDays(-11)) {
				t.Errorf("commemoration %d on %s, not in the days before 清明 (%s)", a.ID, a.Date, q)
			}
		case catalog.CodeChildrensDay:
			if a.Date.Before(domain.NewDate(a.Date.Year, 5, 27)) || a.Date.After(domain.NewDate(a.Date.Year, 6, 1)) {
				t.Errorf("六一 celebration %d on %s", a.ID, a.Date)
			}
		case catalog.CodeHolidayActivity:
			ok := false
			for _, f := range festivalsOf(a.Date.Year) {
				// Schools move it to the last working day before a long holiday.
				ok = ok || (!a.Date.After(f.day) && !a.Date.Before(f.day.AddDays(-f.lead-7)))
			}
			if !ok {
				t.Errorf("holiday activity %d on %s is near no festival", a.ID, a.Date)
			}
		}
		for _, v := range a.Venues {
			if !typ.AllowsVenue(v) {
				t.Errorf("activity %d has venue %s, not allowed for %s", a.ID, v, typ.Code)
			}
		}
		if typ.ExpectsAttendance && a.Status != domain.StatusDraft && a.Attendance <= 0 {
			t.Errorf("activity %d (%s) has no attendance", a.ID, typ.Code)
		}
		if typ.TracksPublication != (a.Publication != "") {
			t.Errorf("activity %d (%s) has publication %q", a.ID, typ.Code, a.Publication)
		}
		if strings.Contains(a.Title+a.Description, "{") {
			t.Errorf("activity %d has an unfilled template: %s / %s", a.ID, a.Title, a.Description)
		}
		if a.Date.Year == 2025 {
			perMonth[a.Date.MonthKey()]++
		}
	}
	// The summer holiday is quiet.
	if aug, oct := perMonth["2025-08"], perMonth["2025-10"]; aug*3 > oct {
		t.Errorf("August 2025 has %d activities, October %d: the summer break should show", aug, oct)
	}
}

func TestAttendancePlausible(t *testing.T) {
	t.Parallel()
	b := demo(t, "seed1", 1)
	central := typeID(t, b, catalog.CodeCentralGroupStudy)
	lecture := typeID(t, b, catalog.CodeOutreachLecture)
	study := typeID(t, b, catalog.CodeStudySession)
	orgs := map[int64]domain.OrgUnit{}
	for _, o := range allOrgs(t, b) {
		orgs[o.ID] = o
	}
	for _, a := range allActivities(t, b) {
		switch {
		case a.TypeID == central:
			if orgs[a.OrgID].Kind != domain.OrgBureau || a.Attendance < 10 || a.Attendance > 15 {
				t.Errorf("central group study %d at %s with %d people", a.ID, orgs[a.OrgID].Code, a.Attendance)
			}
		case a.TypeID == lecture && slices.Contains(a.Venues, domain.VenueCampus):
			if a.Attendance < 20 || a.Attendance > 600 {
				t.Errorf("campus lecture %d with %d people", a.ID, a.Attendance)
			}
		case a.TypeID == lecture && slices.Contains(a.Venues, domain.VenueClassroom):
			if a.Attendance < 5 || a.Attendance > 60 {
				t.Errorf("classroom lecture %d with %d people", a.ID, a.Attendance)
			}
		case a.TypeID == study && orgs[a.OrgID].Kind == domain.OrgBranch:
			if a.Attendance < 3 || a.Attendance > 60 {
				t.Errorf("branch study session %d with %d people", a.ID, a.Attendance)
			}
		}
	}
}

func TestStatuses(t *testing.T) {
	t.Parallel()
	b := demo(t, "seed1", 1)
	old := testToday.AddDays(-75)
	recent := map[domain.Status]int{}
	for _, a := range allActivities(t, b) {
		if a.Date.Before(old) && a.Status != domain.StatusApproved {
			t.Errorf("activity %d of %s is still %s", a.ID, a.Date, a.Status)
		}
		if !a.Date.Before(testToday.AddDays(-21)) {
			recent[a.Status]++
		}
		if (a.Status == domain.StatusReturned) != (a.ReturnReason != "") {
			t.Errorf("activity %d is %s with reason %q", a.ID, a.Status, a.ReturnReason)
		}
	}
	for _, s := range domain.Statuses {
		if recent[s] == 0 {
			t.Errorf("no %s activity in the last three weeks: %v", s, recent)
		}
	}
}

func TestEvidence(t *testing.T) {
	t.Parallel()
	b := demo(t, "seed1", 1)
	types := typesByID(t, b)
	orgs := map[int64]domain.OrgUnit{}
	for _, o := range allOrgs(t, b) {
		orgs[o.ID] = o
	}
	schoolOf := func(id int64) int64 {
		o := orgs[id]
		if o.Kind == domain.OrgBranch {
			return o.ParentID
		}
		return o.ID
	}
	expect, with := 0, 0
	unitOf := map[int64]int64{}
	carriers := map[string][]int64{}
	var shas []string
	for _, a := range allActivities(t, b) {
		unitOf[a.ID] = a.OrgID
		if types[a.TypeID].ExpectsEvidence {
			expect++
			if len(a.Evidence) > 0 {
				with++
			}
		}
		for _, e := range a.Evidence {
			if _, ok := carriers[e.SHA256]; !ok {
				shas = append(shas, e.SHA256)
			}
			carriers[e.SHA256] = append(carriers[e.SHA256], a.ID)
		}
	}
	if share := float64(with) / float64(expect); share < 0.55 || share > 0.75 {
		t.Errorf("%.0f%% of the activities that expect evidence have some, want about two thirds", share*100)
	}
	pairs := 0
	for _, sha := range shas {
		if len(carriers[sha]) < 2 {
			continue
		}
		eb, err := b.app.GetEvidence(context.Background(), b.ac, sha)
		if err != nil {
			t.Fatal(err)
		}
		if len(eb.Activities) < 2 {
			t.Errorf("evidence %s: the app shows %v, the ledger %v", sha, eb.Activities, carriers[sha])
			continue
		}
		if eb.MediaType != blob.TypeJPEG {
			t.Errorf("shared evidence %s is %s, want a photo", sha, eb.MediaType)
		}
		x, y := eb.Activities[0], eb.Activities[1]
		if schoolOf(unitOf[x]) == schoolOf(unitOf[y]) {
			t.Errorf("evidence %s is shared by activities %d and %d of the same school", sha, x, y)
		}
		pairs++
	}
	if pairs < 2 || pairs > 3 {
		t.Errorf("%d photos are attached to two activities, want 2–3", pairs)
	}
	if b.sum.Evidence.Shared != pairs {
		t.Errorf("the summary counts %d shared photos, the ledger %d", b.sum.Evidence.Shared, pairs)
	}
	if b.sum.Evidence.Bytes > 10<<20 {
		t.Errorf("%d bytes of evidence: keep the demo small", b.sum.Evidence.Bytes)
	}
	if b.sum.Evidence.Minutes == 0 {
		t.Error("no meeting minutes among the evidence")
	}
}

func TestClosedYearIsLocked(t *testing.T) {
	t.Parallel()
	b := demo(t, "seed1", 1)
	ctx := context.Background()
	cs, err := b.app.ListClosures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Period != "2024" {
		t.Fatalf("closures %+v, want 2024", cs)
	}
	page, _, err := b.app.ListActivities(ctx, b.ac, app.ActivityQuery{Period: "2024", Limit: 1})
	if err != nil || len(page) == 0 {
		t.Fatal(err, len(page))
	}
	a := page[0]
	in := domain.ActivityInput{OrgID: a.OrgID, TypeID: a.TypeID, Date: a.Date, Title: a.Title + "（修改）",
		Description: a.Description, Attendance: a.Attendance, Venues: a.Venues, Publication: a.Publication}
	if _, err := b.app.UpdateActivity(ctx, b.ac, a.ID, a.Version, in); !domain.IsKind(err, domain.KindLocked) {
		t.Errorf("editing an approved 2024 activity: %v, want locked", err)
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	b := demo(t, "seed1", 1)
	s := b.sum
	t.Logf("\n%s", s)
	total := 0
	for _, y := range s.Years {
		total += y.Activities
	}
	if total != s.Activities || len(s.Years) != 3 {
		t.Errorf("years %+v do not add up to %d", s.Years, s.Activities)
	}
	st := 0
	for _, c := range s.Statuses {
		st += c.Count
	}
	if st != s.Activities {
		t.Errorf("statuses %+v do not add up to %d", s.Statuses, s.Activities)
	}
	if s.Activities < 2000 || s.Activities > 5000 {
		t.Errorf("%d activities; a county makes a few thousand in three years", s.Activities)
	}
	for _, w := range []string{"示范县教育局", "seed 1", "2026-11-29", "学校 schools", "已通过 approved", "佐证 evidence", "2024"} {
		if !strings.Contains(s.String(), w) {
			t.Errorf("the summary lacks %q:\n%s", w, s)
		}
	}
}

func TestBuildRefusesNonEmptyDatabase(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	ac, err := a.OperatorActor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateOrg(ctx, ac, app.OrgInput{Kind: domain.OrgBureau, Code: "X", Name: "某县教育局"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(ctx, a, Options{Seed: 1, Today: testToday}); !domain.IsKind(err, domain.KindConflict) {
		t.Errorf("building into a database with a bureau: %v, want a conflict", err)
	}
}

func TestBuildRefusesBadToday(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, d := range []domain.Date{testToday.AddDays(1), domain.NewDate(2023, 12, 31)} {
		if _, err := Build(context.Background(), a, Options{Seed: 1, Today: d}); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("today %s: %v, want invalid", d, err)
		}
	}
}

// The plan alone (no database): fast checks over many seeds.

func testPlan(seed int64, today domain.Date) []*item {
	types := catalog.Default()
	for i := range types {
		types[i].ID = int64(i + 1)
	}
	units := countyUnits(today)
	for i, u := range units {
		u.id = int64(i + 1)
	}
	p := &planner{r: rand.New(rand.NewPCG(uint64(seed), 0x7a6572656e)), units: units, today: today,
		types: func(code string) (domain.ActivityType, bool) {
			for _, t := range types {
				if t.Code == code {
					return t, true
				}
			}
			return domain.ActivityType{}, false
		}}
	return p.plan()
}

// planKey is what a planned activity is made of.
func planKey(it *item) string {
	return fmt.Sprintf("%d %s %s %s %s %q %q %d %s %s %q %d %v %v", it.seq, it.spec.code, it.unit.code, it.date, it.venue,
		it.title, it.desc, it.attendance, it.publication, it.status, it.reason, it.photos, it.minutes, it.shareFrom != nil)
}

func TestPlanDeterministic(t *testing.T) {
	keys := func(seed int64) []string {
		var out []string
		for _, it := range testPlan(seed, testToday) {
			out = append(out, planKey(it))
		}
		return out
	}
	a, b, c := keys(4), keys(4), keys(5)
	if !slices.Equal(a, b) {
		t.Error("two plans with seed 4 differ")
	}
	if slices.Equal(a, c) {
		t.Error("seeds 4 and 5 give the same plan")
	}
	if !bytes.Equal(photo(4, 10, 0), photo(4, 10, 0)) {
		t.Error("photos are not deterministic")
	}
}

func TestPlanOverSeeds(t *testing.T) {
	for seed := int64(0); seed < 8; seed++ {
		items := testPlan(seed, testToday)
		shared := 0
		for _, it := range items {
			if strings.Contains(it.title+it.desc, "{") {
				t.Fatalf("seed %d: unfilled template %q / %q", seed, it.title, it.desc)
			}
			if !it.unit.alive(it.date) {
				t.Fatalf("seed %d: %s logs %q on %s, outside its life", seed, it.unit.code, it.title, it.date)
			}
			if it.shareFrom != nil {
				shared++
				if it.shareFrom.unit.school == it.unit.school {
					t.Fatalf("seed %d: a photo shared within one school", seed)
				}
			}
		}
		if shared < 2 {
			t.Errorf("seed %d: only %d shared photos", seed, shared)
		}
	}
}

func TestPlanEarlyToday(t *testing.T) {
	// A demo built in mid-2024: units not founded yet are absent, the split
	// branch is still one, and nothing is dated after today.
	today := domain.NewDate(2024, time.June, 30)
	for _, u := range countyUnits(today) {
		if u.from.After(today) || !u.until.IsZero() {
			t.Errorf("unit %s (%s–%s) should not exist on %s", u.code, u.from, u.until, today)
		}
	}
	for _, it := range testPlan(3, today) {
		if it.date.After(today) {
			t.Fatalf("%q dated %s, after %s", it.title, it.date, today)
		}
	}
}

// Every pool a type may pick has a write-up that fits it.
func TestVariantsCoverPools(t *testing.T) {
	units := countyUnits(testToday)
	for _, s := range specs() {
		for _, pl := range s.places {
			for _, sh := range pl.shares {
				for _, u := range units {
					if poolOf(u) != sh.p || (sh.levels != 0 && u.level&sh.levels == 0) {
						continue
					}
					fests := []string{""}
					if s.rule == ruleFestival {
						fests = []string{"五一", "端午", "七一", "中秋", "国庆"}
					}
					for _, f := range fests {
						if !hasVariant(s, u, pl.venue, f) {
							t.Errorf("%s: no variant for %s (%s) at venue %q, festival %q", s.code, u.code, u.name, pl.venue, f)
						}
					}
				}
			}
		}
	}
}

func hasVariant(s typeSpec, u *unit, venue, fest string) bool {
	for _, v := range s.variants {
		if v.kinds != 0 && v.kinds&maskOf(poolOf(u)) == 0 {
			continue
		}
		if v.levels != 0 && v.levels&u.level == 0 {
			continue
		}
		if v.fest != "" && v.fest != fest {
			continue
		}
		if (v.venue == "-" && venue != "") || (v.venue != "" && v.venue != "-" && v.venue != venue) {
			continue
		}
		if len(v.months) > 0 || v.from != "" {
			continue
		}
		return true
	}
	return false
}

func TestFilesAreAccepted(t *testing.T) {
	it := &item{seq: 5, date: testToday, unit: &unit{code: "D01-S01"}, attendance: 12}
	for _, f := range []struct {
		name string
		data []byte
		want string
	}{
		{photoName(1, it, 0), photo(1, 5, 0), blob.TypeJPEG},
		{minutesName(it), minutesPDF(it), blob.TypePDF},
	} {
		got, err := blob.Sniff(f.data, f.name)
		if err != nil || got != f.want {
			t.Errorf("%s: %q, %v; want %s", f.name, got, err, f.want)
		}
	}
	first, again, other := photo(1, 5, 0), photo(1, 5, 0), photo(1, 6, 0)
	if !bytes.Equal(first, again) || bytes.Equal(first, other) {
		t.Error("photos must be deterministic and differ between records")
	}
}

func TestBuildEarlyToday(t *testing.T) {
	t.Parallel()
	// Built as if in mid-2024: a small ledger, no closed year, the schools
	// and branches of later years absent.
	a := newApp(t)
	today := domain.NewDate(2024, time.March, 31)
	s, err := Build(context.Background(), a, Options{Seed: 9, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Closed) != 0 || len(s.Years) != 1 || s.Activities == 0 || s.Activities > 400 {
		t.Errorf("unexpected summary:\n%s", s)
	}
	if s.UnitCount(domain.OrgSchool) != 44 {
		t.Errorf("%d schools on %s, want 44 (城关第五小学 opens in 2025)", s.UnitCount(domain.OrgSchool), today)
	}
	for _, c := range s.Units {
		if c.Active != c.Count {
			t.Errorf("%d of %d %s units inactive on %s", c.Count-c.Active, c.Count, c.Kind, today)
		}
	}
}
