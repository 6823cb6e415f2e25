package app_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/deliver"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// movableClock is a pinned clock a test moves forward.
type movableClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *movableClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *movableClock) Set(t time.Time)     { c.mu.Lock(); c.now = t; c.mu.Unlock() }
func (c *movableClock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// beijing is an instant given as Beijing wall time.
func beijing(s string) time.Time {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

// sentMsg is one message a fake channel received.
type sentMsg struct {
	to    []string
	robot deliver.Robot
	msg   deliver.Message
}

// fakeDeliverers records what is sent; fail, when set, is returned by every send.
type fakeDeliverers struct {
	mu   sync.Mutex
	sent []sentMsg
	fail error
}

type fakeChannel struct {
	d     *fakeDeliverers
	to    []string
	robot deliver.Robot
}

func (c fakeChannel) Send(_ context.Context, m deliver.Message) error {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	if c.d.fail != nil {
		return c.d.fail
	}
	c.d.sent = append(c.d.sent, sentMsg{to: c.to, robot: c.robot, msg: m})
	return nil
}

func (d *fakeDeliverers) Email(to []string) (deliver.Channel, error) {
	return fakeChannel{d: d, to: to}, nil
}

func (d *fakeDeliverers) Robot(r deliver.Robot) (deliver.Channel, error) {
	return fakeChannel{d: d, robot: r}, nil
}

func (d *fakeDeliverers) all() []sentMsg {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]sentMsg(nil), d.sent...)
}

func (d *fakeDeliverers) setFail(err error) { d.mu.Lock(); d.fail = err; d.mu.Unlock() }

// fanOutAll fans out every due notice and returns the deliveries to send.
func fanOutAll(t *testing.T, a *app.App) []app.DeliveryDue {
	t.Helper()
	var out []app.DeliveryDue
	for {
		due, more, err := a.FanOutDue(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, due...)
		if !more {
			return out
		}
	}
}

func inboxSubjects(t *testing.T, a *app.App, ac domain.Actor) []string {
	t.Helper()
	items, total, err := a.Inbox(context.Background(), ac, false, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(items) {
		t.Fatalf("inbox total %d, %d items", total, len(items))
	}
	out := []string{}
	for _, it := range items {
		out = append(out, it.Subject)
	}
	return out
}

type notifyFixture struct {
	*fixture
	clock    *movableClock
	fake     *fakeDeliverers
	approver domain.Actor // district 1's admin
	other    domain.Actor // district 2's admin
	author   domain.Actor // a school admin of district 1's first school
}

func newNotifyFixture(t *testing.T, e storetest.Engine, at time.Time) *notifyFixture {
	t.Helper()
	c := &movableClock{now: at}
	f := &notifyFixture{fixture: newFixtureAt(t, e, c.Now), clock: c, fake: &fakeDeliverers{}}
	f.app.SetDeliverers(f.fake, "https://zeren.example.cn/")
	f.approver = f.accountActor(t, f.districts[0], domain.RoleDistrictAdmin, "d1admin", "学区一管理员")
	f.other = f.accountActor(t, f.districts[1], domain.RoleDistrictAdmin, "d2admin", "学区二管理员")
	f.author = f.accountActor(t, f.schools[0], domain.RoleSchoolAdmin, "s1admin", "学校一管理员")
	return f
}

// Eighteen submissions in a day make one notice to the approvers of the
// unit above, with the count at the last one; nobody else is told; a second
// fan-out sends nothing again.
func TestSubmissionsNotifyApproversOnceADay(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newNotifyFixture(t, e, beijing("2026-11-29 09:00"))
			for i := range 18 {
				if _, err := f.app.CreateActivity(ctx, f.author, f.lecture(f.schools[0].ID, "2026-11-20", 10+i), true); err != nil {
					t.Fatal(err)
				}
			}
			// Within the gathering window nothing goes out yet.
			if due := fanOutAll(t, f.app); len(due) != 0 {
				t.Fatalf("deliveries before the window ended: %v", due)
			}
			if got := inboxSubjects(t, f.app, f.approver); len(got) != 0 {
				t.Fatalf("inbox before the window ended: %v", got)
			}
			f.clock.Add(11 * time.Minute)
			fanOutAll(t, f.app)
			if got := inboxSubjects(t, f.app, f.approver); len(got) != 1 || got[0] != "18 条记录待审核" {
				t.Fatalf("approver's inbox = %v, want one \"18 条记录待审核\"", got)
			}
			for _, ac := range []domain.Actor{f.other, f.author} {
				if got := inboxSubjects(t, f.app, ac); len(got) != 0 {
					t.Fatalf("%s was told: %v", ac.Name, got)
				}
			}
			// A 19th submission the same day adds no second message.
			if _, err := f.app.CreateActivity(ctx, f.author, f.lecture(f.schools[0].ID, "2026-11-21", 5), true); err != nil {
				t.Fatal(err)
			}
			f.clock.Add(11 * time.Minute)
			fanOutAll(t, f.app)
			if got := inboxSubjects(t, f.app, f.approver); len(got) != 1 {
				t.Fatalf("approver's inbox after a 19th = %v", got)
			}
			if n, err := f.app.UnreadCount(ctx, f.approver); err != nil || n != 1 {
				t.Fatalf("unread = %d, %v", n, err)
			}
			// The next day's submission is a new notice.
			f.clock.Add(24 * time.Hour)
			if _, err := f.app.CreateActivity(ctx, f.author, f.lecture(f.schools[0].ID, "2026-11-22", 5), true); err != nil {
				t.Fatal(err)
			}
			f.clock.Add(11 * time.Minute)
			fanOutAll(t, f.app)
			if got := inboxSubjects(t, f.app, f.approver); len(got) != 2 || got[0] != "20 条记录待审核" {
				t.Fatalf("approver's inbox the next day = %v", got)
			}
			if n, err := f.app.MarkRead(ctx, f.other, nil); err != nil || n != 0 {
				t.Fatalf("another account marked %d read, %v", n, err)
			}
			if n, err := f.app.MarkRead(ctx, f.approver, nil); err != nil || n != 2 {
				t.Fatalf("mark all read = %d, %v", n, err)
			}
			if n, _ := f.app.UnreadCount(ctx, f.approver); n != 0 {
				t.Fatalf("unread after all read = %d", n)
			}
		})
	}
}

// A returned record is on its author's 待办 list with the reason and in the
// author's inbox; the approver's list counts what waits in its scope only.
func TestTodoAndReturnedNotice(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newNotifyFixture(t, e, beijing("2026-11-29 09:00"))
			var ids []int64
			for i := range 3 {
				a, err := f.app.CreateActivity(ctx, f.author, f.lecture(f.schools[0].ID, "2026-11-20", 10+i), true)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, a.ID)
			}
			todo, err := f.app.Todo(ctx, f.approver)
			if err != nil {
				t.Fatal(err)
			}
			if len(todo) != 1 || todo[0].Kind != domain.TodoApprove || todo[0].Count != 3 || todo[0].Title != "3 条记录待审核" {
				t.Fatalf("approver's todo = %+v", todo)
			}
			if todo, _ := f.app.Todo(ctx, f.other); len(todo) != 0 {
				t.Fatalf("another district's todo = %+v", todo)
			}
			if _, err := f.app.Transition(ctx, f.approver, ids[1], domain.ActReturn, "缺少签到表"); err != nil {
				t.Fatal(err)
			}
			todo, _ = f.app.Todo(ctx, f.author)
			if len(todo) != 1 || todo[0].Kind != domain.TodoFixReturned || todo[0].Ref != ids[1] || !strings.Contains(todo[0].Title, "缺少签到表") {
				t.Fatalf("author's todo = %+v", todo)
			}
			if todo, _ := f.app.Todo(ctx, f.approver); todo[0].Count != 2 {
				t.Fatalf("approver's todo after a return = %+v", todo)
			}
			fanOutAll(t, f.app)
			items, _, err := f.app.Inbox(ctx, f.author, true, 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 1 || items[0].Kind != "activity.returned" || !strings.Contains(items[0].Body, "缺少签到表") {
				t.Fatalf("author's inbox = %+v", items)
			}
			// Submitted again, the line leaves the author's list.
			if _, err := f.app.Transition(ctx, f.author, ids[1], domain.ActSubmit, ""); err != nil {
				t.Fatal(err)
			}
			if todo, _ := f.app.Todo(ctx, f.author); len(todo) != 0 {
				t.Fatalf("author's todo after resubmitting = %+v", todo)
			}
		})
	}
}

// E-mail deliveries: sent once however often the job runs; a failing server
// is retried (the delivery stays pending with its error) and on the last
// attempt marked failed and listed; a permanent failure fails at once.
func TestEmailDeliveryRetriedThenFailed(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newNotifyFixture(t, e, beijing("2026-11-29 09:00"))
			if _, err := f.app.SetNotifySettings(ctx, f.author, store.NotifySettings{Email: "s1@example.cn", DigestHour: -1}); err != nil {
				t.Fatal(err)
			}
			send := func(reason string) []app.DeliveryDue {
				a, err := f.app.CreateActivity(ctx, f.author, f.lecture(f.schools[0].ID, "2026-11-20", 10), true)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.app.Transition(ctx, f.approver, a.ID, domain.ActReturn, reason); err != nil {
					t.Fatal(err)
				}
				return fanOutAll(t, f.app)
			}
			due := send("照片不清晰")
			if len(due) != 1 {
				t.Fatalf("deliveries = %v", due)
			}
			for range 2 {
				if _, err := f.app.Deliver(ctx, due[0].ID, false); err != nil {
					t.Fatal(err)
				}
			}
			got := f.fake.all()
			if len(got) != 1 || got[0].to[0] != "s1@example.cn" || !strings.Contains(got[0].msg.Body, "照片不清晰") ||
				got[0].msg.Link != "https://zeren.example.cn/ledger?status=returned" {
				t.Fatalf("sent = %+v", got)
			}

			f.fake.setFail(&deliver.Error{Channel: "smtp", Err: errors.New("421 try again later")})
			due = send("缺少签到表")
			if _, err := f.app.Deliver(ctx, due[0].ID, false); err == nil {
				t.Fatal("a refused send reported no error")
			}
			if ds, _ := f.app.ListDeliveries(ctx, sysAdmin(f.fixture), "pending", 10); len(ds) != 1 || !strings.Contains(ds[0].LastError, "421") {
				t.Fatalf("pending after a retryable failure = %+v", ds)
			}
			if _, err := f.app.Deliver(ctx, due[0].ID, true); err == nil {
				t.Fatal("the last refused send reported no error")
			}
			ds, err := f.app.ListDeliveries(ctx, sysAdmin(f.fixture), "failed", 10)
			if err != nil || len(ds) != 1 || ds[0].Attempts != 2 || !strings.Contains(ds[0].LastError, "421") {
				t.Fatalf("failed deliveries = %+v, %v", ds, err)
			}
			if _, err := f.app.ListDeliveries(ctx, f.approver, "", 10); !domain.IsKind(err, domain.KindForbidden) {
				t.Fatalf("a district admin read the deliveries: %v", err)
			}

			f.fake.setFail(&deliver.Error{Channel: "smtp", Permanent: true, Err: errors.New("550 no such user")})
			due = send("日期有误")
			out, err := f.app.Deliver(ctx, due[0].ID, false)
			if err == nil || !out.Permanent {
				t.Fatalf("a permanent failure: %+v, %v", out, err)
			}
			if ds, _ := f.app.ListDeliveries(ctx, sysAdmin(f.fixture), "failed", 10); len(ds) != 2 {
				t.Fatalf("failed after a permanent failure = %d", len(ds))
			}
		})
	}
}

func sysAdmin(f *fixture) domain.Actor {
	ac := actorWithRole(f.bureau, domain.RoleSystemAdmin)
	return ac
}

// Quiet hours hold an e-mail until they end (in the bureau's zone, across
// midnight); the daily digest sends the waiting notices as one message at
// its hour, once.
func TestQuietHoursAndDigest(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newNotifyFixture(t, e, beijing("2026-11-29 23:00"))
			if _, err := f.app.SetNotifySettings(ctx, f.author, store.NotifySettings{Email: "s1@example.cn", QuietFrom: "22:00", QuietTo: "07:00", DigestHour: -1}); err != nil {
				t.Fatal(err)
			}
			a, err := f.app.CreateActivity(ctx, f.author, f.lecture(f.schools[0].ID, "2026-11-20", 10), true)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.app.Transition(ctx, f.approver, a.ID, domain.ActReturn, "缺少签到表"); err != nil {
				t.Fatal(err)
			}
			due := fanOutAll(t, f.app)
			if len(due) != 1 || !due[0].At.Equal(beijing("2026-11-30 07:00")) {
				t.Fatalf("deliveries = %+v, want one at 07:00 the next morning", due)
			}
			f.clock.Set(beijing("2026-11-30 06:59"))
			out, err := f.app.Deliver(ctx, due[0].ID, false)
			if err != nil || !out.Wait.Equal(beijing("2026-11-30 07:00")) || len(f.fake.all()) != 0 {
				t.Fatalf("a send in quiet hours: %+v, %v, sent %d", out, err, len(f.fake.all()))
			}
			f.clock.Set(beijing("2026-11-30 07:00"))
			if _, err := f.app.Deliver(ctx, due[0].ID, false); err != nil || len(f.fake.all()) != 1 {
				t.Fatalf("after quiet hours: %v, sent %d", err, len(f.fake.all()))
			}

			// Digest at 08:00: two returns wait and go as one message.
			if _, err := f.app.SetNotifySettings(ctx, f.author, store.NotifySettings{Email: "s1@example.cn", DigestHour: 8}); err != nil {
				t.Fatal(err)
			}
			for _, reason := range []string{"照片不清晰", "日期有误"} {
				a, err := f.app.CreateActivity(ctx, f.author, f.lecture(f.schools[0].ID, "2026-11-21", 10), true)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.app.Transition(ctx, f.approver, a.ID, domain.ActReturn, reason); err != nil {
					t.Fatal(err)
				}
			}
			if due := fanOutAll(t, f.app); len(due) != 0 {
				t.Fatalf("digest notices queued one by one: %v", due)
			}
			digest := sweep(t, f.app, "notice_digest")
			if err := digest(ctx); err != nil || len(f.fake.all()) != 1 {
				t.Fatalf("digest before its hour: %v, sent %d", err, len(f.fake.all()))
			}
			f.clock.Set(beijing("2026-11-30 08:05"))
			for range 2 {
				if err := digest(ctx); err != nil {
					t.Fatal(err)
				}
			}
			got := f.fake.all()
			if len(got) != 2 || got[1].msg.Subject != "每日通知汇总：2 条" || strings.Count(got[1].msg.Body, "记录被退回") != 2 {
				t.Fatalf("digest = %+v", got)
			}
		})
	}
}

func sweep(t *testing.T, a *app.App, name string) func(context.Context) error {
	t.Helper()
	for _, s := range a.Sweeps() {
		if s.Name == name {
			return s.Run
		}
	}
	t.Fatalf("no sweep %s", name)
	return nil
}

// A unit's robot receives the notices of its unit, with the webhook and
// secret unsealed; another district's admin cannot add one to the unit.
func TestUnitRobotDelivery(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newNotifyFixture(t, e, beijing("2026-11-29 09:00"))
			office := actorWithRole(f.districts[0], domain.RoleOfficeAdmin)
			in := app.RobotInput{OrgID: f.districts[0].ID, Kind: "dingtalk", Name: "学区一工作群", Webhook: "https://oapi.dingtalk.com/robot/send?access_token=abc", Secret: "SECabc"}
			if _, err := f.app.AddRobot(ctx, actorWithRole(f.districts[1], domain.RoleOfficeAdmin), in); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("another district added a robot: %v", err)
			}
			bad := in
			bad.Kind = "slack"
			if _, err := f.app.AddRobot(ctx, office, bad); err == nil || !strings.Contains(err.Error(), "kind") {
				t.Fatalf("a bad kind: %v", err)
			}
			if _, err := f.app.AddRobot(ctx, office, in); err != nil {
				t.Fatal(err)
			}
			rs, err := f.app.ListRobots(ctx, office)
			if err != nil || len(rs) != 1 || rs[0].Name != "学区一工作群" {
				t.Fatalf("robots = %+v, %v", rs, err)
			}
			if rs, _ := f.app.ListRobots(ctx, actorWithRole(f.districts[1], domain.RoleOfficeAdmin)); len(rs) != 0 {
				t.Fatalf("another district sees %+v", rs)
			}
			if _, err := f.app.CreateActivity(ctx, f.author, f.lecture(f.schools[0].ID, "2026-11-20", 10), true); err != nil {
				t.Fatal(err)
			}
			f.clock.Add(11 * time.Minute)
			due := fanOutAll(t, f.app)
			if len(due) != 1 {
				t.Fatalf("deliveries = %v", due)
			}
			if _, err := f.app.Deliver(ctx, due[0].ID, false); err != nil {
				t.Fatal(err)
			}
			got := f.fake.all()
			if len(got) != 1 || got[0].robot != (deliver.Robot{Kind: "dingtalk", Webhook: in.Webhook, Secret: "SECabc"}) || got[0].msg.Subject != "1 条记录待审核" {
				t.Fatalf("robot got %+v", got)
			}

			// The next day's notice waits for the robot when the district
			// removes it: another district cannot, the office can, and the
			// waiting delivery fails with the reason instead of staying
			// pending for good.
			f.clock.Add(24 * time.Hour)
			if _, err := f.app.CreateActivity(ctx, f.author, f.lecture(f.schools[0].ID, "2026-11-21", 10), true); err != nil {
				t.Fatal(err)
			}
			f.clock.Add(11 * time.Minute)
			if due = fanOutAll(t, f.app); len(due) != 1 {
				t.Fatalf("deliveries = %v", due)
			}
			if err := f.app.DeleteRobot(ctx, actorWithRole(f.districts[1], domain.RoleOfficeAdmin), rs[0].ID); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("another district deleted the robot: %v", err)
			}
			if err := f.app.DeleteRobot(ctx, office, rs[0].ID); err != nil {
				t.Fatal(err)
			}
			if err := f.app.DeleteRobot(ctx, office, rs[0].ID); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("deleted twice: %v", err)
			}
			if rs, _ := f.app.ListRobots(ctx, office); len(rs) != 0 {
				t.Fatalf("robots after the delete = %+v", rs)
			}
			if _, err := f.app.Deliver(ctx, due[0].ID, false); err != nil {
				t.Fatal(err)
			}
			if got := f.fake.all(); len(got) != 1 {
				t.Fatalf("the removed robot was sent %+v", got[1:])
			}
			failed, err := f.app.ListDeliveries(ctx, sysAdmin(f.fixture), "failed", 10)
			if err != nil || len(failed) != 1 || failed[0].ID != due[0].ID || failed[0].LastError != "群机器人已删除" {
				t.Fatalf("failed deliveries = %+v, %v", failed, err)
			}
			if pending, _ := f.app.ListDeliveries(ctx, sysAdmin(f.fixture), "pending", 10); len(pending) != 0 {
				t.Fatalf("still pending: %+v", pending)
			}
		})
	}
}

// Settings are checked field by field.
func TestNotifySettingsValidation(t *testing.T) {
	e := storetest.Engines(t)[0]
	ctx := context.Background()
	f := newNotifyFixture(t, e, beijing("2026-11-29 09:00"))
	for field, s := range map[string]store.NotifySettings{
		"email":       {Email: "not-an-address", DigestHour: -1},
		"quiet_to":    {QuietFrom: "22:00", DigestHour: -1},
		"quiet_from":  {QuietFrom: "25:00", QuietTo: "07:00", DigestHour: -1},
		"digest_hour": {DigestHour: 24},
	} {
		_, err := f.app.SetNotifySettings(ctx, f.author, s)
		wantKind(t, err, domain.KindInvalid, field)
	}
	got, err := f.app.NotifySettings(ctx, f.author)
	if err != nil || got.DigestHour != -1 || got.Email != "" {
		t.Fatalf("settings after refusals = %+v, %v", got, err)
	}
}
