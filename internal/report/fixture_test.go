package report_test

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// county is a small county on one engine: a bureau with its own branch, two
// districts, each with two schools, each school with a branch.
type county struct {
	st      *store.Store
	app     *app.App
	op      domain.Actor
	bureau  domain.OrgUnit
	units   []domain.OrgUnit // every unit, bureau first
	parent  map[int64]int64
	byCode  map[string]domain.OrgUnit
	types   map[string]domain.ActivityType
	typeIDs map[int64]domain.ActivityType
}

const today = "2026-03-01"

func newCounty(t testing.TB, e storetest.Engine) *county {
	t.Helper()
	ctx := context.Background()
	clock := storetest.Clock(today)
	st := e.Open(t, clock)
	blobs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(st, blobs, app.DefaultConfig(), clock)
	c := &county{st: st, app: a, parent: map[int64]int64{}, byCode: map[string]domain.OrgUnit{},
		types: map[string]domain.ActivityType{}, typeIDs: map[int64]domain.ActivityType{}}
	sys := domain.Actor{Name: "operator", Operator: true}
	if _, err := a.SeedCatalog(ctx, sys); err != nil {
		t.Fatal(err)
	}
	types, err := a.ListTypes(ctx, "", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, ty := range types {
		c.types[ty.Code], c.typeIDs[ty.ID] = ty, ty
	}
	mk := func(parent int64, kind domain.OrgKind, code, name string) domain.OrgUnit {
		o, err := a.CreateOrg(ctx, sys, app.OrgInput{ParentID: parent, Kind: kind, Code: code, Name: name})
		if err != nil {
			t.Fatalf("create %s: %v", code, err)
		}
		if parent == 0 {
			if sys, err = a.OperatorActor(ctx); err != nil {
				t.Fatal(err)
			}
		}
		c.units = append(c.units, o)
		c.parent[o.ID] = parent
		c.byCode[code] = o
		return o
	}
	c.bureau = mk(0, domain.OrgBureau, "B", "示范县教育局")
	mk(c.bureau.ID, domain.OrgBranch, "B-B1", "局机关党支部")
	for d := 1; d <= 2; d++ {
		dist := mk(c.bureau.ID, domain.OrgDistrict, fmt.Sprintf("D%d", d), fmt.Sprintf("第%d学区", d))
		for s := 1; s <= 2; s++ {
			sch := mk(dist.ID, domain.OrgSchool, fmt.Sprintf("D%d-S%d", d, s), fmt.Sprintf("第%d学区第%d小学", d, s))
			mk(sch.ID, domain.OrgBranch, sch.Code+"-B1", sch.Name+"党支部")
		}
	}
	c.op = sys
	return c
}

// within reports whether unit u lies in root's subtree.
func (c *county) within(u, root int64) bool {
	for ; u != 0; u = c.parent[u] {
		if u == root {
			return true
		}
	}
	return false
}

// actor is a built-in role's actor whose scope is one unit's subtree.
func actor(o domain.OrgUnit, role string) domain.Actor {
	for _, r := range domain.BuiltinRoles() {
		if r.Code == role {
			return domain.Actor{Name: role + "@" + o.Code, OrgID: o.ID, Scope: domain.Scope{Roots: []int64{o.ID}}, Permissions: r.Permissions}
		}
	}
	panic("no role " + role)
}

// add records an activity and takes it to status.
func (c *county) add(t testing.TB, in domain.ActivityInput, status domain.Status) domain.Activity {
	t.Helper()
	ctx := context.Background()
	a, err := c.app.CreateActivity(ctx, c.op, in, status != domain.StatusDraft)
	if err != nil {
		t.Fatalf("create %+v: %v", in, err)
	}
	switch status {
	case domain.StatusApproved:
		a, err = c.app.Transition(ctx, c.op, a.ID, domain.ActApprove, "")
	case domain.StatusReturned:
		a, err = c.app.Transition(ctx, c.op, a.ID, domain.ActReturn, "请补充佐证材料")
	}
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// all lists every activity of the county.
func (c *county) all(t testing.TB) []domain.Activity {
	t.Helper()
	var out []domain.Activity
	for off := 0; ; off += app.MaxPageSize {
		page, total, err := c.app.ListActivities(context.Background(), c.op, app.ActivityQuery{Limit: app.MaxPageSize, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(out) >= total || len(page) == 0 {
			return out
		}
	}
}

// linkQuery turns a figure's records link (/ledger?…) into the ledger query
// the web page would send, so a test lists exactly what the link shows.
func linkQuery(t testing.TB, link string) app.ActivityQuery {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Path != "/ledger" {
		t.Fatalf("records link %q is not a ledger page", link)
	}
	v := u.Query()
	q := app.ActivityQuery{Period: v.Get("period"), Pillar: v.Get("pillar"), Venue: v.Get("venue"), Limit: app.MaxPageSize}
	q.OrgID, _ = strconv.ParseInt(v.Get("org_id"), 10, 64)
	for _, s := range v["type_id"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("link %q: type_id %q", link, s)
		}
		q.TypeIDs = append(q.TypeIDs, id)
	}
	for _, s := range v["status"] {
		q.Statuses = append(q.Statuses, domain.Status(s))
	}
	for _, k := range []string{"from", "to"} {
		if s := v.Get(k); s != "" {
			d, err := domain.ParseDate(s)
			if err != nil {
				t.Fatalf("link %q: %s", link, k)
			}
			if k == "from" {
				q.From = d
			} else {
				q.To = d
			}
		}
	}
	return q
}

// listed is what a figure's records link lists: every record on every page.
func listed(t testing.TB, a *app.App, ac domain.Actor, link string) []domain.Activity {
	t.Helper()
	q := linkQuery(t, link)
	var out []domain.Activity
	for {
		page, total, err := a.ListActivities(context.Background(), ac, q)
		if err != nil {
			t.Fatalf("listing %s: %v", link, err)
		}
		out = append(out, page...)
		if len(out) >= total || len(page) == 0 {
			return out
		}
		q.Offset += len(page)
	}
}
