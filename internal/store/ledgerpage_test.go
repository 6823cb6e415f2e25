package store_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// ledgerWorld is a random ledger: a tree, a few types, activities with
// random dates, titles, attendance, statuses and creation times.
type ledgerWorld struct {
	st     *store.Store
	root   int64
	units  []int64
	parent map[int64]int64
	types  []int64
	clock  *time.Time
}

func newLedgerWorld(t *testing.T, e storetest.Engine, rng *rand.Rand, n int) *ledgerWorld {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)
	w := &ledgerWorld{parent: map[int64]int64{}, clock: &now}
	// Every read of the clock moves it on by 0–3 minutes, so creation and
	// update times vary and repeat.
	w.st = e.Open(t, func() time.Time {
		*w.clock = w.clock.Add(time.Duration(rng.IntN(4)) * time.Minute)
		return *w.clock
	})
	err := w.st.Write(ctx, func(tx *store.Tx) error {
		root, err := tx.CreateOrg(ctx, store.NewOrg{Kind: domain.OrgBureau, Code: "R", Name: "局"})
		if err != nil {
			return err
		}
		w.root = root.ID
		w.units = []int64{root.ID}
		kinds := map[int64]domain.OrgKind{root.ID: domain.OrgBureau}
		for i := range 25 {
			p := w.units[rng.IntN(len(w.units))]
			var k domain.OrgKind
			for _, c := range []domain.OrgKind{domain.OrgDistrict, domain.OrgSchool, domain.OrgBranch} {
				if kinds[p].CanParent(c) {
					k = c
					break
				}
			}
			if k == "" {
				continue
			}
			o, err := tx.CreateOrg(ctx, store.NewOrg{ParentID: p, Kind: k, Code: fmt.Sprint("U", i), Name: "单位"})
			if err != nil {
				return err
			}
			w.units = append(w.units, o.ID)
			w.parent[o.ID] = p
			kinds[o.ID] = k
		}
		for i := range 3 {
			ty, err := tx.CreateType(ctx, domain.ActivityType{Code: fmt.Sprint("T", i), Pillar: domain.PillarTheory, Name: "类型", Active: true})
			if err != nil {
				return err
			}
			w.types = append(w.types, ty.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w.add(t, rng, n)
	return w
}

// add creates n random activities, each in its own transaction.
func (w *ledgerWorld) add(t *testing.T, rng *rand.Rand, n int) {
	t.Helper()
	ctx := context.Background()
	scope := domain.Scope{Roots: []int64{w.root}}
	for range n {
		in := domain.ActivityInput{
			OrgID: w.units[rng.IntN(len(w.units))], TypeID: w.types[rng.IntN(len(w.types))],
			Date: domain.NewDate(2025, time.January, 1).AddDays(rng.IntN(60)),
			// Few distinct titles and attendances: ties are what keyset paging must get right.
			Title: []string{"学习", "宣讲", "Study", "班会"}[rng.IntN(4)], Attendance: rng.IntN(5) * 10,
		}
		st := domain.Statuses[rng.IntN(len(domain.Statuses))]
		if err := w.st.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.CreateActivity(ctx, scope, in, st, []string{"a", "b"}[rng.IntN(2)])
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// all reads every activity (the oracle's input).
func (w *ledgerWorld) all(t *testing.T) []domain.Activity {
	t.Helper()
	var out []domain.Activity
	err := w.st.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		out, _, err = tx.ListActivities(context.Background(), domain.Scope{Roots: []int64{w.root}}, store.ActivityFilter{Sort: "id", Limit: 100_000})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// under tells whether unit u lies in the subtree of r, from the parent pointers.
func (w *ledgerWorld) under(u, r int64) bool {
	for ; u != 0; u = w.parent[u] {
		if u == r {
			return true
		}
	}
	return false
}

func sortKey(a domain.Activity, sort string) string {
	switch sort {
	case "created_at":
		return a.CreatedAt.UTC().Format("2006-01-02T15:04:05.000000000")
	case "updated_at":
		return a.UpdatedAt.UTC().Format("2006-01-02T15:04:05.000000000")
	case "attendance":
		return fmt.Sprintf("%012d", a.Attendance)
	case "title":
		return a.Title
	case "id":
		return ""
	}
	return a.Date.String()
}

// expected is the brute-force answer: the activities that match, in the list's order.
func (w *ledgerWorld) expected(all []domain.Activity, scope domain.Scope, f store.ActivityFilter) []int64 {
	var keep []domain.Activity
	if f.OrgID != 0 {
		// A unit outside the scope lists nothing (not the part of its subtree in scope).
		in := false
		for _, r := range scope.ReadRoots() {
			in = in || w.under(f.OrgID, r)
		}
		if !in {
			return []int64{}
		}
	}
	for _, a := range all {
		in := false
		for _, r := range scope.ReadRoots() {
			in = in || w.under(a.OrgID, r)
		}
		if !in || (f.OrgID != 0 && !w.under(a.OrgID, f.OrgID)) {
			continue
		}
		if f.TypeIDs != nil && !slices.Contains(f.TypeIDs, a.TypeID) {
			continue
		}
		if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, a.Status) {
			continue
		}
		if f.Range != nil && (a.Date.Before(f.Range.From) || !a.Date.Before(f.Range.To)) {
			continue
		}
		if f.Query != "" && !strings.Contains(a.Title, f.Query) {
			continue
		}
		keep = append(keep, a)
	}
	sort := f.Sort
	if sort == "" {
		sort = "date"
	}
	slices.SortFunc(keep, func(x, y domain.Activity) int {
		c := cmp.Compare(sortKey(x, sort), sortKey(y, sort))
		if c == 0 {
			c = cmp.Compare(x.ID, y.ID)
		}
		if !f.Asc {
			c = -c
		}
		return c
	})
	ids := make([]int64, len(keep))
	if len(keep) == 0 {
		return []int64{}
	}
	for i, a := range keep {
		ids[i] = a.ID
	}
	return ids
}

// randomFilter is a random ledger filter and scope.
func (w *ledgerWorld) randomFilter(rng *rand.Rand, sort string) (domain.Scope, store.ActivityFilter) {
	scope := domain.Scope{Roots: []int64{w.root}}
	switch rng.IntN(4) {
	case 1: // one subtree
		scope = domain.Scope{Roots: []int64{w.units[1+rng.IntN(len(w.units)-1)]}}
	case 2: // a unit and covered units, possibly nested or repeated
		scope = domain.Scope{Roots: []int64{w.units[1+rng.IntN(len(w.units)-1)]},
			Covered: []int64{w.units[rng.IntN(len(w.units))], w.units[1+rng.IntN(len(w.units)-1)]}}
	}
	f := store.ActivityFilter{Sort: sort, Asc: rng.IntN(2) == 0, Count: store.CountCapped}
	if rng.IntN(3) == 0 {
		f.OrgID = w.units[rng.IntN(len(w.units))]
	}
	if rng.IntN(3) == 0 {
		f.TypeIDs = []int64{w.types[rng.IntN(len(w.types))]}
	}
	if rng.IntN(3) == 0 {
		f.Statuses = []domain.Status{domain.Statuses[rng.IntN(len(domain.Statuses))], domain.StatusApproved}
	}
	if rng.IntN(3) == 0 {
		from := domain.NewDate(2025, time.January, 1).AddDays(rng.IntN(50))
		f.Range = &domain.Range{From: from, To: from.AddDays(1 + rng.IntN(40))}
	}
	if rng.IntN(5) == 0 {
		f.Query = []string{"学", "Stu", "会"}[rng.IntN(3)]
	}
	return scope, f
}

// Keyset paging: for every sort, in both directions, over random scopes and
// filters, pages of random size followed by their cursors concatenate to the
// brute-force list — no row twice, none missing — and the first page's total
// is the brute-force count. Covers both ways a page is read (the sort index
// walked for a large scope, the scope's rows sorted for a small one) and the
// scope as a closure join, against the subtree test on the parent pointers.
func TestLedgerKeysetPagesEqualTheSortedList(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(10, 4))
			w := newLedgerWorld(t, e, rng, 250)
			all := w.all(t)
			if len(all) != 250 {
				t.Fatalf("read %d activities, want 250", len(all))
			}
			for i := range 120 {
				sort := store.ActivitySorts()[i%len(store.ActivitySorts())]
				scope, f := w.randomFilter(rng, sort)
				want := w.expected(all, scope, f)
				f.Limit = 1 + rng.IntN(40)
				got := []int64{}
				for pages := 0; ; pages++ {
					if pages > 300 {
						t.Fatalf("%+v: no end after %d pages", f, pages)
					}
					var p store.ActivityPage
					err := w.st.Read(ctx, func(tx *store.Tx) error {
						var err error
						p, err = tx.ListActivityPage(ctx, scope, f)
						return err
					})
					if err != nil {
						t.Fatalf("%+v: %v", f, err)
					}
					if pages == 0 && (p.Total != len(want) || p.Capped) {
						t.Errorf("scope %+v filter %+v: total %d (capped %v), brute force %d", scope, f, p.Total, p.Capped, len(want))
					}
					if pages > 0 && p.Total != -1 {
						t.Errorf("a later page counted again: total %d", p.Total)
					}
					for _, a := range p.Items {
						got = append(got, a.ID)
					}
					if p.Next == nil {
						break
					}
					f.After, f.Count = p.Next, store.CountNone
				}
				if !slices.Equal(got, want) {
					t.Fatalf("scope %+v filter %+v limit %d:\n got %v\nwant %v", scope, f, f.Limit, got, want)
				}
			}
		})
	}
}

// Rows inserted while a client pages through the ledger never make a row
// appear twice, and every row that was there from the start is listed once.
func TestLedgerKeysetPagingWithConcurrentInserts(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(11, 5))
			w := newLedgerWorld(t, e, rng, 120)
			before := w.all(t)
			scope := domain.Scope{Roots: []int64{w.root}}
			for _, sort := range store.ActivitySorts() {
				f := store.ActivityFilter{Sort: sort, Asc: rng.IntN(2) == 0, Limit: 7}
				seen := map[int64]bool{}
				for {
					var p store.ActivityPage
					if err := w.st.Read(ctx, func(tx *store.Tx) error {
						var err error
						p, err = tx.ListActivityPage(ctx, scope, f)
						return err
					}); err != nil {
						t.Fatal(err)
					}
					for _, a := range p.Items {
						if seen[a.ID] {
							t.Fatalf("sort %s: activity %d listed twice", sort, a.ID)
						}
						seen[a.ID] = true
					}
					if p.Next == nil {
						break
					}
					f.After = p.Next
					w.add(t, rng, 3) // other writers, between two pages
				}
				for _, a := range before {
					if !seen[a.ID] {
						t.Fatalf("sort %s: activity %d, there from the start, was never listed", sort, a.ID)
					}
				}
			}
		})
	}
}

// A cursor of one order cannot continue another: that would skip or repeat rows.
func TestLedgerCursorOfAnotherOrderIsInvalid(t *testing.T) {
	e := storetest.Engines(t)[0]
	ctx := context.Background()
	w := newLedgerWorld(t, e, rand.New(rand.NewPCG(1, 1)), 5)
	err := w.st.Read(ctx, func(tx *store.Tx) error {
		_, err := tx.ListActivityPage(ctx, domain.Scope{Roots: []int64{w.root}},
			store.ActivityFilter{Sort: "title", After: &store.ActivityCursor{Sort: "date", Key: "2025-01-01", ID: 1}})
		return err
	})
	if !domain.IsKind(err, domain.KindInvalid) {
		t.Fatalf("got %v, want invalid", err)
	}
}

// One file on many records: each record of a page lists at most
// SharedWithMax of the others (the first by id, all in the reader's scope)
// and counts them all; records outside the scope are neither listed nor counted.
func TestSharedWithIsBounded(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			st := e.Open(t, storetest.Clock("2025-03-01"))
			const sha = "0000000000000000000000000000000000000000000000000000000000000001"
			var inside, outside int64
			var carriers []int64
			err := st.Write(ctx, func(tx *store.Tx) error {
				root, err := tx.CreateOrg(ctx, store.NewOrg{Kind: domain.OrgBureau, Code: "R", Name: "局"})
				if err != nil {
					return err
				}
				a, err := tx.CreateOrg(ctx, store.NewOrg{ParentID: root.ID, Kind: domain.OrgDistrict, Code: "A", Name: "甲"})
				if err != nil {
					return err
				}
				b, err := tx.CreateOrg(ctx, store.NewOrg{ParentID: root.ID, Kind: domain.OrgDistrict, Code: "B", Name: "乙"})
				if err != nil {
					return err
				}
				inside, outside = a.ID, b.ID
				ty, err := tx.CreateType(ctx, domain.ActivityType{Code: "T", Pillar: domain.PillarTheory, Name: "类型", Active: true})
				if err != nil {
					return err
				}
				if err := tx.PutEvidenceBlob(ctx, sha, 10, "image/png"); err != nil {
					return err
				}
				scope := domain.Scope{Roots: []int64{root.ID}}
				for i := range 36 {
					org := inside
					if i%6 == 5 {
						org = outside
					}
					act, err := tx.CreateActivity(ctx, scope, domain.ActivityInput{OrgID: org, TypeID: ty.ID,
						Date: domain.NewDate(2025, time.January, 1+i%28), Title: "标志"}, domain.StatusDraft, "a")
					if err != nil {
						return err
					}
					if err := tx.AttachEvidence(ctx, scope, act.ID, sha, "logo.png"); err != nil {
						return err
					}
					if org == inside {
						carriers = append(carriers, act.ID)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var p store.ActivityPage
			err = st.Read(ctx, func(tx *store.Tx) error {
				var err error
				p, err = tx.ListActivityPage(ctx, domain.Scope{Roots: []int64{inside}}, store.ActivityFilter{Limit: 50})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Items) != len(carriers) {
				t.Fatalf("listed %d, want %d", len(p.Items), len(carriers))
			}
			for _, a := range p.Items {
				ev := a.Evidence[0]
				var want []int64
				for _, c := range carriers {
					if c != a.ID && len(want) < store.SharedWithMax {
						want = append(want, c)
					}
				}
				if !slices.Equal(ev.SharedWith, want) || ev.SharedCount != len(carriers)-1 {
					t.Fatalf("activity %d: shared with %v (count %d), want %v (count %d)", a.ID, ev.SharedWith, ev.SharedCount, want, len(carriers)-1)
				}
			}
		})
	}
}
