package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/jobs"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// fanOutRecipients is the size of the benchmark's audience.
const fanOutRecipients = 10_000

// BenchmarkFanOut: one notice to 10⁴ recipients (the approvers of a district,
// each with an e-mail address), fanned out to 10⁴ inboxes and 10⁴ delivery
// jobs, all delivered to a local receiver by one node's runner. Each
// iteration is a new day's notice; it reports the deliveries per second from
// the commit of the record that causes the notice to the last delivery.
//
//	ZEREN_TEST_PG=postgres://… go test ./internal/jobs -run '^$' -bench FanOut -benchtime 1x
func BenchmarkFanOut(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			opt := jobs.Options{OutboxEvery: time.Second, PollInterval: 50 * time.Millisecond, Workers: 8}
			w := newWorld(b, e, 1, opt)
			author := w.account(b, w.school, domain.RoleSchoolAdmin, "author")
			addRecipients(b, w, fanOutRecipients)
			a := w.nodes[0].app
			ty, err := a.ListTypes(ctx, "", false)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			var total time.Duration
			for i := range b.N {
				before := w.recv.total.Load()
				start := time.Now()
				in := domain.ActivityInput{OrgID: w.school.ID, TypeID: ty[0].ID, Date: day("2026-11-20"), Title: fmt.Sprintf("活动%d", i), Attendance: 10}
				if _, err := a.CreateActivity(ctx, author, in, true); err != nil {
					b.Fatal(err)
				}
				w.clock.Add(11 * time.Minute) // the gathering window has passed
				want := before + fanOutRecipients
				for w.recv.total.Load() < want {
					time.Sleep(20 * time.Millisecond)
				}
				total += time.Since(start)
				w.clock.Add(24 * time.Hour) // the next iteration's notice is the next day's
			}
			b.ReportMetric(float64(b.N*fanOutRecipients)/total.Seconds(), "deliveries/s")
			if got := w.recv.total.Load(); got != int64(b.N*fanOutRecipients) {
				b.Fatalf("delivered %d, want %d", got, b.N*fanOutRecipients)
			}
		})
	}
}

// BenchmarkFanOutInserts times the fan-out alone — one notice to 10⁴
// recipients turned into 10⁴ inbox rows and 10⁴ delivery rows (FanOutDue, the
// outbox job's work, called directly; the runner's own outbox job is held
// off) — and reports the deliveries written per second.
//
//	ZEREN_TEST_PG=postgres://… go test ./internal/jobs -run '^$' -bench FanOutInserts -benchtime 3x
func BenchmarkFanOutInserts(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			w := newWorld(b, e, 1, jobs.Options{OutboxEvery: time.Hour, PollInterval: time.Second})
			author := w.account(b, w.school, domain.RoleSchoolAdmin, "author")
			addRecipients(b, w, fanOutRecipients)
			a := w.nodes[0].app
			ty, err := a.ListTypes(ctx, "", false)
			if err != nil {
				b.Fatal(err)
			}
			var total time.Duration
			written := map[int64]bool{} // the earlier days' deliveries, never sent here, come back as stale: count each once
			b.ResetTimer()
			for i := range b.N {
				in := domain.ActivityInput{OrgID: w.school.ID, TypeID: ty[0].ID, Date: day("2026-11-20"), Title: fmt.Sprintf("活动%d", i), Attendance: 10}
				if _, err := a.CreateActivity(ctx, author, in, true); err != nil {
					b.Fatal(err)
				}
				w.clock.Add(11 * time.Minute)
				start := time.Now()
				for more := true; more; {
					var due []app.DeliveryDue
					if due, more, err = a.FanOutDue(ctx); err != nil {
						b.Fatal(err)
					}
					for _, d := range due {
						written[d.ID] = true
					}
				}
				total += time.Since(start)
				w.clock.Add(24 * time.Hour)
			}
			if len(written) != b.N*fanOutRecipients {
				b.Fatalf("fanned out %d deliveries, want %d", len(written), b.N*fanOutRecipients)
			}
			b.ReportMetric(float64(len(written))/total.Seconds(), "deliveries/s")
		})
	}
}

// addRecipients adds n district admins of the world's district, each with an
// e-mail address, in a few statements (creating them through the API would
// hash n passwords).
func addRecipients(b *testing.B, w *world, n int) {
	b.Helper()
	ctx := context.Background()
	st := w.nodes[0].st
	now := w.clock.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	const batch = 500
	for start := 0; start < n; start += batch {
		var rows []string
		var args []any
		for i := start; i < min(start+batch, n); i++ {
			args = append(args, fmt.Sprintf("bench%05d", i))
			rows = append(rows, fmt.Sprintf("($%d, '接收人', %d, 'x', '%s', '%s', '%s')", len(args), w.district.ID, now, now, now))
		}
		if err := st.ExecRaw(ctx, `INSERT INTO accounts (username, name, org_id, password_hash, password_changed_at, created_at, updated_at) VALUES `+
			strings.Join(rows, ","), args...); err != nil {
			b.Fatal(err)
		}
	}
	if err := st.ExecRaw(ctx, `INSERT INTO account_roles (account_id, role_id) SELECT a.id, r.id FROM accounts a, roles r
		WHERE a.username LIKE 'bench%' AND r.code = 'district_admin'`); err != nil {
		b.Fatal(err)
	}
	if err := st.ExecRaw(ctx, `INSERT INTO notify_settings (account_id, email, updated_at) SELECT id, username || '@example.cn', $1
		FROM accounts WHERE username LIKE 'bench%'`, now); err != nil {
		b.Fatal(err)
	}
}
