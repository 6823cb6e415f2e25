package jobs_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/auth"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/deliver"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/jobs"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// clock is the app's pinned clock, moved by the test; River keeps real time.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// receiver counts what the fake channels deliver, by subject and address.
type receiver struct {
	mu    sync.Mutex
	got   map[string]int
	total atomic.Int64
	// robotURL, when set, is POSTed to by robot channels (a local webhook).
	client *http.Client
}

func newReceiver() *receiver { return &receiver{got: map[string]int{}, client: &http.Client{}} }

type channel struct {
	r     *receiver
	to    string
	robot deliver.Robot
}

func (c channel) Send(ctx context.Context, m deliver.Message) error {
	if c.robot.Webhook != "" {
		// A stand-in for internal/deliver's robot until it is merged: a
		// POST to the webhook, an answer other than 200 is a retryable error.
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.robot.Webhook, strings.NewReader(m.Subject))
		if err != nil {
			return &deliver.Error{Channel: c.robot.Kind, Permanent: true, Err: err}
		}
		resp, err := c.r.client.Do(req)
		if err != nil {
			return &deliver.Error{Channel: c.robot.Kind, Err: err}
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return &deliver.Error{Channel: c.robot.Kind, Err: fmt.Errorf("webhook answered %s", resp.Status)}
		}
	}
	c.r.mu.Lock()
	c.r.got[c.to+"|"+m.Subject]++
	c.r.mu.Unlock()
	c.r.total.Add(1)
	return nil
}

func (r *receiver) Email(to []string) (deliver.Channel, error) {
	return channel{r: r, to: strings.Join(to, ",")}, nil
}
func (r *receiver) Robot(rb deliver.Robot) (deliver.Channel, error) {
	return channel{r: r, robot: rb, to: rb.Kind}, nil
}

func (r *receiver) counts() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for k, v := range r.got {
		out[k] = v
	}
	return out
}

// node is one zeren node: its own store handle, app and job runner.
type node struct {
	st     *store.Store
	app    *app.App
	runner *jobs.Runner
}

type world struct {
	clock    *clock
	recv     *receiver
	nodes    []node
	op       domain.Actor
	school   domain.OrgUnit
	district domain.OrgUnit
	keys     *auth.SecretKeys
}

// newWorld opens the database of engine e and n nodes on it, each with a
// runner started with opt; the first node builds a bureau → district → school.
func newWorld(t testing.TB, e storetest.Engine, n int, opt jobs.Options) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{clock: &clock{now: time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)}, recv: newReceiver(), keys: auth.EphemeralSecretKeys()}
	first := e.Open(t, w.clock.Now)
	if err := jobs.Migrate(ctx, first); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		st := first
		if i > 0 {
			var err error
			st, err = store.Open(ctx, first.DSN(), store.Options{Now: w.clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
		}
		blobs, err := blob.NewFS(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		cfg := app.DefaultConfig()
		cfg.PasswordHashing = auth.TestParams
		cfg.SecretKeys = w.keys
		a := app.New(st, blobs, cfg, w.clock.Now)
		a.SetDeliverers(w.recv, "")
		w.nodes = append(w.nodes, node{st: st, app: a})
	}
	a := w.nodes[0].app
	op := domain.Actor{Name: "operator", Operator: true}
	if _, err := a.SeedCatalog(ctx, op); err != nil {
		t.Fatal(err)
	}
	bureau, err := a.CreateOrg(ctx, op, app.OrgInput{Kind: domain.OrgBureau, Code: "B", Name: "示范县教育局"})
	if err != nil {
		t.Fatal(err)
	}
	if w.op, err = a.OperatorActor(ctx); err != nil {
		t.Fatal(err)
	}
	if w.district, err = a.CreateOrg(ctx, w.op, app.OrgInput{ParentID: bureau.ID, Kind: domain.OrgDistrict, Code: "D1", Name: "学区一"}); err != nil {
		t.Fatal(err)
	}
	if w.school, err = a.CreateOrg(ctx, w.op, app.OrgInput{ParentID: w.district.ID, Kind: domain.OrgSchool, Code: "D1-S1", Name: "学校一"}); err != nil {
		t.Fatal(err)
	}
	if err := a.EnsureBuiltinRoles(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range w.nodes {
		o := opt
		o.ID = fmt.Sprintf("node%d", i+1)
		r, err := jobs.New(ctx, w.nodes[i].st, w.nodes[i].app, o)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		w.nodes[i].runner = r
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := r.Stop(ctx); err != nil {
				t.Logf("stop: %v", err)
			}
		})
	}
	return w
}

// account creates an account of role in unit o with an e-mail address set.
func (w *world) account(t testing.TB, o domain.OrgUnit, role, username string) domain.Actor {
	t.Helper()
	ctx := context.Background()
	a := w.nodes[0].app
	c, err := a.CreateAccount(ctx, w.op, app.AccountInput{Username: username, Name: "教师" + username, OrgID: o.ID, Roles: []string{role}})
	if err != nil {
		t.Fatal(err)
	}
	var perms []domain.Permission
	for _, r := range domain.BuiltinRoles() {
		if r.Code == role {
			perms = r.Permissions
		}
	}
	ac := domain.Actor{Name: username, AccountID: c.Account.ID, OrgID: o.ID, Scope: domain.Scope{Roots: []int64{o.ID}}, Permissions: perms}
	if _, err := a.SetNotifySettings(ctx, ac, store.NotifySettings{Email: username + "@example.cn", DigestHour: -1}); err != nil {
		t.Fatal(err)
	}
	return ac
}

// eventually waits for cond, failing the test after a generous bound (the
// bound only stops a broken test; nothing is measured by it).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 200 {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("never happened: %s", what)
}

var fast = jobs.Options{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), OutboxEvery: 500 * time.Millisecond, PollInterval: 100 * time.Millisecond, Backoff: func(int) time.Duration { return 100 * time.Millisecond }}

// Two nodes on one database: every notice reaches each recipient once, and a
// periodic sweep runs once per period, not once per node.
func TestTwoNodesDeliverOnceAndSweepOncePerPeriod(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			var runs atomic.Int64
			opt := fast
			const period = 2 * time.Second
			opt.Sweeps = []app.Sweep{{Name: "count", Every: period, Run: func(context.Context) error { runs.Add(1); return nil }}}
			start := time.Now()
			w := newWorld(t, e, 2, opt)
			approver := w.account(t, w.district, domain.RoleDistrictAdmin, "approver")
			authors := []domain.Actor{w.account(t, w.school, domain.RoleSchoolAdmin, "author1"), w.account(t, w.school, domain.RoleSchoolAdmin, "author2")}
			ty, err := w.nodes[0].app.ListTypes(ctx, "", false)
			if err != nil {
				t.Fatal(err)
			}
			const records = 10
			for i := range records {
				au := authors[i%2]
				node := w.nodes[i%2].app
				act, err := node.CreateActivity(ctx, au, domain.ActivityInput{OrgID: w.school.ID, TypeID: ty[0].ID, Date: day("2026-11-20"),
					Title: fmt.Sprintf("活动%d", i), Attendance: 10}, true)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := node.Transition(ctx, approver, act.ID, domain.ActReturn, fmt.Sprintf("原因%d", i)); err != nil {
					t.Fatal(err)
				}
			}
			w.clock.Add(11 * time.Minute) // the approvers' gathered notice is due
			want := records + 1
			eventually(t, "every notice delivered", func() bool { return w.recv.total.Load() >= int64(want) })
			time.Sleep(3 * time.Second) // a second delivery of any would show now
			got := w.recv.counts()
			if len(got) != want || int(w.recv.total.Load()) != want {
				t.Fatalf("delivered %d messages to %d (address, subject) pairs, want %d once each: %v", w.recv.total.Load(), len(got), want, got)
			}
			for k, n := range got {
				if n != 1 {
					t.Fatalf("%q delivered %d times", k, n)
				}
			}
			if got["approver@example.cn|0 条记录待审核"] != 0 || got["approver@example.cn|10 条记录待审核"] != 0 {
				t.Fatalf("the approver's count: %v", got)
			}
			// Periodic runs: at most one per period since the start (plus the
			// run at start), where two nodes each running it would double it.
			elapsed := time.Since(start)
			max := int64(elapsed/period) + 2
			if n := runs.Load(); n < 2 || n > max {
				t.Fatalf("the sweep ran %d times in %v with a %v period (want 2..%d)", n, elapsed.Round(time.Second), period, max)
			}
			jobsList, err := w.nodes[1].runner.ListJobs(ctx, "completed", 200)
			if err != nil {
				t.Fatal(err)
			}
			delivered := 0
			for _, j := range jobsList {
				if j.Kind == "notice_deliver" {
					delivered++
				}
			}
			if delivered != want {
				t.Fatalf("%d completed delivery jobs, want %d", delivered, want)
			}
		})
	}
}

// A robot webhook that answers 500, or hangs, is retried with backoff, then
// its delivery is failed with the error and its job shown as discarded; a
// write meanwhile is not held up.
func TestRobotFailingOrHangingIsRetriedThenFailed(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			var calls atomic.Int64
			release := make(chan struct{})
			hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}))
			defer hanging.Close()
			defer close(release)
			failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				http.Error(w, "boom", http.StatusInternalServerError)
			}))
			defer failing.Close()

			opt := fast
			opt.MaxAttempts = 3
			opt.DeliverTimeout = 300 * time.Millisecond
			w := newWorld(t, e, 1, opt)
			a := w.nodes[0].app
			office := domain.Actor{Name: "office", Scope: domain.Scope{Roots: []int64{w.district.ID}}, Permissions: []domain.Permission{domain.PermOrgManage}}
			for i, url := range []string{failing.URL, hanging.URL} {
				if _, err := a.AddRobot(ctx, office, app.RobotInput{OrgID: w.district.ID, Kind: "wecom", Name: fmt.Sprintf("群%d", i), Webhook: url}); err != nil {
					t.Fatal(err)
				}
			}
			w.account(t, w.district, domain.RoleDistrictAdmin, "approver")
			author := w.account(t, w.school, domain.RoleSchoolAdmin, "author")
			ty, _ := a.ListTypes(ctx, "", false)
			in := domain.ActivityInput{OrgID: w.school.ID, TypeID: ty[0].ID, Date: day("2026-11-20"), Title: "活动", Attendance: 10}
			if _, err := a.CreateActivity(ctx, author, in, true); err != nil {
				t.Fatal(err)
			}
			w.clock.Add(11 * time.Minute)
			eventually(t, "the hanging webhook is called", func() bool { return calls.Load() >= 2 })
			// While a send hangs, writes go through.
			if _, err := a.CreateActivity(ctx, author, in, true); err != nil {
				t.Fatal(err)
			}
			sys := domain.Actor{Name: "sys", Permissions: []domain.Permission{domain.PermConfigManage}}
			eventually(t, "both robot deliveries failed", func() bool {
				ds, err := a.ListDeliveries(ctx, sys, "failed", 10)
				return err == nil && len(ds) == 2
			})
			ds, _ := a.ListDeliveries(ctx, sys, "failed", 10)
			for _, d := range ds {
				if d.Attempts != 3 || d.LastError == "" {
					t.Fatalf("failed delivery %+v: want 3 attempts and the error", d)
				}
			}
			if n := calls.Load(); n != 6 {
				t.Fatalf("the webhooks were called %d times, want 3 each", n)
			}
			if ok, _ := a.ListDeliveries(ctx, sys, "sent", 10); len(ok) != 1 {
				t.Fatalf("the approver's e-mail: %+v", ok) // the e-mail channel still went
			}
			if js, err := a.ListJobs(ctx, sys, "discarded", 10); err != nil || len(js) != 0 {
				t.Fatalf("jobs listed with no runner wired: %v, %v", js, err)
			}
			a.SetJobQueue(w.nodes[0].runner)
			eventually(t, "both robot jobs discarded", func() bool {
				d, err := a.ListJobs(ctx, sys, "discarded", 10)
				return err == nil && len(d) == 2
			})
			discarded, err := a.ListJobs(ctx, sys, "discarded", 10)
			if err != nil || len(discarded) != 2 || len(discarded[0].Errors) != 3 {
				t.Fatalf("discarded jobs = %+v, %v", discarded, err)
			}
			if _, err := a.ListJobs(ctx, author, "", 10); !domain.IsKind(err, domain.KindForbidden) {
				t.Fatalf("a school admin listed jobs: %v", err)
			}
			if err := a.RetryJob(ctx, sys, discarded[0].ID); err != nil {
				t.Fatal(err)
			}
			if err := a.CancelJob(ctx, sys, 1<<40); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("cancel of a missing job: %v", err)
			}
		})
	}
}

func day(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
