package app_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// countTitled counts the activities titled title in the actor's scope.
func countTitled(t *testing.T, f *fixture, ac domain.Actor, title string) int {
	t.Helper()
	items, total, err := f.app.ListActivities(context.Background(), ac, app.ActivityQuery{Query: title, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range items {
		if a.Title == title {
			n++
		}
	}
	if n != total {
		t.Fatalf("%d of %d listed activities are titled %q", n, total, title)
	}
	return n
}

func TestCreateActivityOnceReplaysTheSameRequest(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			ac := actorOf(f.schools[0])
			in := f.lecture(f.schools[0].ID, "2026-11-20", 30)
			in.Title = "重试的宣讲"
			const key = "5f0c6a1e-8d1b-4c3e-9a57-1d2f3e4a5b6c"

			first, replayed, err := f.app.CreateActivityOnce(ctx, ac, key, in, true)
			if err != nil || replayed {
				t.Fatalf("first: replayed %v, %v", replayed, err)
			}
			if first.Status != domain.StatusSubmitted {
				t.Fatalf("status %s", first.Status)
			}
			again, replayed, err := f.app.CreateActivityOnce(ctx, ac, key, in, true)
			if err != nil || !replayed || again.ID != first.ID || again.Version != first.Version {
				t.Fatalf("retry: id %d (first %d), replayed %v, %v", again.ID, first.ID, replayed, err)
			}
			if n := countTitled(t, f, ac, in.Title); n != 1 {
				t.Fatalf("%d activities after a retried request, want 1", n)
			}
			// The aggregate counts it once.
			res, err := f.app.Aggregate(ctx, ac, app.AggRequest{OrgID: f.schools[0].ID, Period: "2026", Statuses: domain.Statuses,
				TypeIDs: []int64{in.TypeID}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Count != 1 {
				t.Fatalf("aggregate counts %d, want 1", res.Count)
			}

			// The same key with another body is refused, naming what differs.
			changed := in
			changed.Attendance = 31
			changed.Title = "另一场宣讲"
			_, _, err = f.app.CreateActivityOnce(ctx, ac, key, changed, true)
			wantKind(t, err, domain.KindConflict, "Idempotency-Key")
			if msg := err.Error(); !strings.Contains(msg, "title, attendance") {
				t.Fatalf("the conflict does not name the differing fields: %v", err)
			}
			_, _, err = f.app.CreateActivityOnce(ctx, ac, key, in, false)
			wantKind(t, err, domain.KindConflict, "Idempotency-Key")

			// A new key is a new activity.
			second, replayed, err := f.app.CreateActivityOnce(ctx, ac, "another-key", in, true)
			if err != nil || replayed || second.ID == first.ID {
				t.Fatalf("new key: id %d, replayed %v, %v", second.ID, replayed, err)
			}

			// Deleting the activity forgets its key.
			if err := f.app.DeleteActivity(ctx, ac, first.ID); err != nil {
				t.Fatal(err)
			}
			third, replayed, err := f.app.CreateActivityOnce(ctx, ac, key, in, true)
			if err != nil || replayed || third.ID == first.ID {
				t.Fatalf("after delete: id %d, replayed %v, %v", third.ID, replayed, err)
			}
		})
	}
}

func TestCreateActivityOnceKeysBelongToTheirActor(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			const key = "shared-key-1"
			// Two actors of different districts use the same key text.
			mine, other := actorOf(f.schools[0]), actorOf(f.schools[2])
			a, _, err := f.app.CreateActivityOnce(ctx, mine, key, f.lecture(f.schools[0].ID, "2026-11-20", 30), true)
			if err != nil {
				t.Fatal(err)
			}
			// The other actor's request with the same key and the same body
			// (save the unit) creates its own activity and learns nothing.
			b, replayed, err := f.app.CreateActivityOnce(ctx, other, key, f.lecture(f.schools[2].ID, "2026-11-20", 30), true)
			if err != nil || replayed || b.ID == a.ID || b.OrgID != f.schools[2].ID {
				t.Fatalf("other actor: %+v, replayed %v, %v", b, replayed, err)
			}
			// Even a body naming the first unit does not replay the first
			// activity: it is validated as a new record, outside the scope.
			_, _, err = f.app.CreateActivityOnce(ctx, other, "foreign-1", f.lecture(f.schools[0].ID, "2026-11-20", 30), true)
			wantKind(t, err, domain.KindNotFound, "org_id")
			// Same key, same account name space: the owner still replays its own.
			again, replayed, err := f.app.CreateActivityOnce(ctx, mine, key, f.lecture(f.schools[0].ID, "2026-11-20", 30), true)
			if err != nil || !replayed || again.ID != a.ID {
				t.Fatalf("owner retry: id %d want %d, replayed %v, %v", again.ID, a.ID, replayed, err)
			}
			// Accounts are told apart by id, not by name.
			acct1, acct2 := mine, mine
			acct1.AccountID, acct2.AccountID = 101, 102
			x, _, err := f.app.CreateActivityOnce(ctx, acct1, "k", f.lecture(f.schools[0].ID, "2026-11-21", 5), false)
			if err != nil {
				t.Fatal(err)
			}
			y, replayed, err := f.app.CreateActivityOnce(ctx, acct2, "k", f.lecture(f.schools[0].ID, "2026-11-21", 5), false)
			if err != nil || replayed || y.ID == x.ID {
				t.Fatalf("second account: id %d (first %d), replayed %v, %v", y.ID, x.ID, replayed, err)
			}
		})
	}
}

func TestCreateActivityOnceRejectsBadKeysAndInput(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			ac := actorOf(f.schools[0])
			in := f.lecture(f.schools[0].ID, "2026-11-20", 30)
			for _, k := range []string{"", "has space", "中文", strings.Repeat("a", app.MaxIdempotencyKeyLen+1)} {
				_, _, err := f.app.CreateActivityOnce(ctx, ac, k, in, true)
				wantKind(t, err, domain.KindInvalid, "Idempotency-Key")
			}
			// A request that fails validation stores no key: fixed, it goes through.
			bad := in
			bad.Attendance = 0
			_, _, err := f.app.CreateActivityOnce(ctx, ac, "k-1", bad, true)
			wantKind(t, err, domain.KindInvalid, "attendance")
			a, replayed, err := f.app.CreateActivityOnce(ctx, ac, "k-1", in, true)
			if err != nil || replayed || a.Attendance != 30 {
				t.Fatalf("after the fix: %+v, replayed %v, %v", a, replayed, err)
			}
			// A member cannot submit, with or without a key.
			_, _, err = f.app.CreateActivityOnce(ctx, actorWithRole(f.schools[0], domain.RoleMember), "k-2", in, true)
			wantKind(t, err, domain.KindForbidden, "")
		})
	}
}

// Racing requests with one key create exactly one activity on both engines:
// on PostgreSQL the losers hit the primary key and re-read the winner's.
func TestCreateActivityOnceConcurrentDuplicatesCreateOne(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			ac := actorOf(f.schools[1])
			in := f.lecture(f.schools[1].ID, "2026-11-22", 12)
			in.Title = "双击提交"
			for round := 0; round < 5; round++ {
				key := "race-" + fmtInt(int64(round))
				const n = 8
				ids := make([]int64, n)
				errs := make([]error, n)
				var replays int
				var mu sync.Mutex
				var wg sync.WaitGroup
				start := make(chan struct{})
				for i := 0; i < n; i++ {
					wg.Add(1)
					go func(i int) {
						defer wg.Done()
						<-start
						a, replayed, err := f.app.CreateActivityOnce(ctx, ac, key, in, true)
						ids[i], errs[i] = a.ID, err
						if replayed {
							mu.Lock()
							replays++
							mu.Unlock()
						}
					}(i)
				}
				close(start)
				wg.Wait()
				for i, err := range errs {
					if err != nil {
						t.Fatalf("round %d request %d: %v", round, i, err)
					}
					if ids[i] != ids[0] {
						t.Fatalf("round %d: request %d got activity %d, request 0 got %d", round, i, ids[i], ids[0])
					}
				}
				if replays != n-1 {
					t.Fatalf("round %d: %d replays, want %d", round, replays, n-1)
				}
				if got := countTitled(t, f, ac, in.Title); got != round+1 {
					t.Fatalf("round %d: %d activities, want %d", round, got, round+1)
				}
			}
		})
	}
}
