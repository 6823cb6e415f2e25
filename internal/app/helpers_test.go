package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// today is the fixed date of every app test.
const today = "2026-11-29"

type fixture struct {
	st  *store.Store
	app *app.App
	op  domain.Actor
	// a small county: bureau → 2 districts → 2 schools each → 1 branch each,
	// plus the bureau's office branch.
	bureau, office domain.OrgUnit
	districts      []domain.OrgUnit
	schools        []domain.OrgUnit
	branches       []domain.OrgUnit
	types          map[string]domain.ActivityType
}

func newFixture(t testing.TB, e storetest.Engine) *fixture {
	t.Helper()
	return newFixtureAt(t, e, storetest.Clock(today))
}

// newFixtureAt is newFixture with the clock pinned elsewhere.
func newFixtureAt(t testing.TB, e storetest.Engine, clock func() time.Time) *fixture {
	t.Helper()
	ctx := context.Background()
	st := e.Open(t, clock)
	blobs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(st, blobs, app.DefaultConfig(), clock)
	f := &fixture{st: st, app: a, types: map[string]domain.ActivityType{}}
	f.op = domain.Actor{Name: "operator", Operator: true}
	if _, err := a.SeedCatalog(ctx, f.op); err != nil {
		t.Fatal(err)
	}
	types, err := a.ListTypes(ctx, "", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, ty := range types {
		f.types[ty.Code] = ty
	}
	f.bureau = f.mustOrg(t, app.OrgInput{Kind: domain.OrgBureau, Code: "B", Name: "示范县教育局"})
	f.op, err = a.OperatorActor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.office = f.mustOrg(t, app.OrgInput{ParentID: f.bureau.ID, Kind: domain.OrgBranch, Code: "B-B1", Name: "机关党支部"})
	for d := 1; d <= 2; d++ {
		dist := f.mustOrg(t, app.OrgInput{ParentID: f.bureau.ID, Kind: domain.OrgDistrict, Code: code("D", d), Name: code("学区", d)})
		f.districts = append(f.districts, dist)
		for s := 1; s <= 2; s++ {
			sch := f.mustOrg(t, app.OrgInput{ParentID: dist.ID, Kind: domain.OrgSchool, Code: dist.Code + code("-S", s), Name: dist.Name + code("学校", s)})
			f.schools = append(f.schools, sch)
			f.branches = append(f.branches, f.mustOrg(t, app.OrgInput{ParentID: sch.ID, Kind: domain.OrgBranch, Code: sch.Code + "-B1", Name: sch.Name + "党支部"}))
		}
	}
	return f
}

func code(p string, n int) string { return p + string(rune('0'+n)) }

func (f *fixture) mustOrg(t testing.TB, in app.OrgInput) domain.OrgUnit {
	t.Helper()
	o, err := f.app.CreateOrg(context.Background(), f.op, in)
	if err != nil {
		t.Fatalf("create org %s: %v", in.Code, err)
	}
	return o
}

// actorOf is an actor whose write scope is one unit's subtree.
func actorOf(o domain.OrgUnit) domain.Actor {
	return actorWithRole(o, domain.RoleSchoolAdmin)
}

// actorWithRole is an actor of a built-in role whose scope is one unit's subtree.
func actorWithRole(o domain.OrgUnit, role string) domain.Actor {
	for _, r := range domain.BuiltinRoles() {
		if r.Code == role {
			return domain.Actor{Name: role + " of " + o.Code, OrgID: o.ID, Scope: domain.Scope{Roots: []int64{o.ID}}, Permissions: r.Permissions}
		}
	}
	panic("no role " + role)
}

func date(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (f *fixture) lecture(org int64, d string, att int) domain.ActivityInput {
	return domain.ActivityInput{OrgID: org, TypeID: f.types["outreach_lecture"].ID, Date: date(d), Title: "宣讲进课堂", Attendance: att, Venues: []string{domain.VenueClassroom}}
}

func wantKind(t testing.TB, err error, kind domain.Kind, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want a %s error on %q, got none", kind, field)
	}
	e, ok := err.(*domain.Error)
	if !ok {
		t.Fatalf("want a domain error, got %T: %v", err, err)
	}
	if e.Kind != kind || e.Field != field {
		t.Fatalf("want %s on %q, got %s on %q: %v", kind, field, e.Kind, e.Field, err)
	}
}

func appAll(org int64) app.AggRequest {
	return app.AggRequest{OrgID: org, Period: "2025", Statuses: domain.Statuses}
}

func fmtInt(n int64) string { return strconv.FormatInt(n, 10) }
