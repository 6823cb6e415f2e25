package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// AddDeliveries inserts in multi-row batches: every delivery added comes
// back with the id of its own row (whatever order RETURNING gives), a
// repeated one (within a batch, across batches or across calls) is skipped,
// and only the pending ones are returned.
func TestAddDeliveriesInBatches(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			st := e.Open(t, storetest.Clock("2026-11-29"))
			var noticeID int64
			err := st.Write(ctx, func(tx *store.Tx) error {
				n := domain.Notice{Kind: "k", Subject: "s", DedupKey: "batch-test", Recipients: []int64{1}}
				if err := tx.InsertNotice(ctx, n, tx.Now()); err != nil {
					return err
				}
				ids, err := tx.DueNoticeIDs(ctx, 10)
				if len(ids) == 1 {
					noticeID = ids[0]
				}
				return err
			})
			if err != nil || noticeID == 0 {
				t.Fatalf("notice: %v, id %d", err, noticeID)
			}
			later := time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC)
			var ds []store.Delivery
			for acc := int64(1); acc <= 1203; acc++ {
				d := store.Delivery{NoticeID: noticeID, AccountID: acc, Channel: "email", State: "pending", NotBefore: later}
				if acc%100 == 0 {
					d.State = "digest"
				}
				ds = append(ds, d)
			}
			ds = append(ds, store.Delivery{NoticeID: noticeID, RobotID: 7, Channel: "dingtalk", State: "pending", NotBefore: later})
			ds = append(ds, ds[3]) // the same one twice in one call
			var first, second []store.Delivery
			err = st.Write(ctx, func(tx *store.Tx) (err error) {
				if first, err = tx.AddDeliveries(ctx, ds); err != nil {
					return err
				}
				// Again, with one new: only the new one is added.
				more := append(ds[:600:600], store.Delivery{NoticeID: noticeID, AccountID: 5000, Channel: "email", State: "pending", NotBefore: later})
				second, err = tx.AddDeliveries(ctx, more)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if want := 1203 - 12 + 1; len(first) != want {
				t.Fatalf("first call added %d pending deliveries, want %d", len(first), want)
			}
			if len(second) != 1 || second[0].AccountID != 5000 {
				t.Fatalf("second call added %+v, want only account 5000's", second)
			}
			seen := map[int64]bool{}
			err = st.Read(ctx, func(tx *store.Tx) error {
				for _, d := range append(first, second...) {
					if seen[d.ID] {
						t.Errorf("id %d returned twice", d.ID)
					}
					seen[d.ID] = true
					got, err := tx.GetDelivery(ctx, d.ID)
					if err != nil {
						return err
					}
					if got.AccountID != d.AccountID || got.RobotID != d.RobotID || got.Channel != d.Channel || got.State != "pending" || !got.NotBefore.Equal(later) {
						t.Errorf("delivery %d is %+v, returned as %+v", d.ID, got, d)
					}
				}
				all, err := tx.ListDeliveries(ctx, "", 5000)
				if len(all) != 1203+1+1 {
					t.Errorf("%d delivery rows, want %d", len(all), 1205)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
