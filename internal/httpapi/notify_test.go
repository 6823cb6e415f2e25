package httpapi

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// stubJobs stands in for the job runner (internal/jobs, tested on both
// engines there): the API's tests check the routes, permissions and shapes.
type stubJobs struct {
	mu   sync.Mutex
	jobs map[int64]*domain.Job
}

func newStubJobs() *stubJobs {
	now := time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)
	return &stubJobs{jobs: map[int64]*domain.Job{1: {ID: 1, Kind: "notice_deliver", State: "discarded", Attempt: 8, MaxAttempts: 8,
		Args: `{"delivery_id":1}`, Errors: []string{"deliver via wecom: webhook answered 500"}, CreatedAt: now, ScheduledAt: now, FinalizedAt: &now}}}
}

func (s *stubJobs) ListJobs(_ context.Context, state string, limit int) ([]domain.Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []domain.Job{}
	for _, j := range s.jobs {
		if (state == "" || j.State == state) && len(out) < limit {
			out = append(out, *j)
		}
	}
	return out, nil
}

func (s *stubJobs) set(id int64, state string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[id]
	if !ok {
		return domain.NotFound("job %d", id)
	}
	j.State = state
	return nil
}

func (s *stubJobs) RetryJob(_ context.Context, id int64) error  { return s.set(id, "available") }
func (s *stubJobs) CancelJob(_ context.Context, id int64) error { return s.set(id, "cancelled") }

// TestNotificationsAPI: a returned record reaches its author's 待办 list and
// inbox; the approver's list counts what waits in its district; another
// school sees neither; settings, robots and the admin's job list answer
// only whom they should.
func TestNotificationsAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	approver := e.newSession("d1admin", "学区管理员", e.district, domain.RoleDistrictAdmin)
	author := e.newSession("s1admin", "学校管理员", e.school, domain.RoleSchoolAdmin)
	other := e.newSession("s2admin", "二中管理员", e.school2, domain.RoleSchoolAdmin)

	var created domain.Activity
	e.call(req("POST", "/api/v1/activities", map[string]any{"submit": true, "org_id": e.school, "type_id": e.types["outreach_lecture"].ID,
		"date": "2026-03-02", "title": "宣讲进课堂", "attendance": 40, "venues": []string{domain.VenueClassroom}}).as(author), 201).decode(t, &created)
	type todoList struct {
		Items []domain.TodoItem `json:"items"`
	}
	var todo todoList
	e.call(req("GET", "/api/v1/todo", nil).as(approver), 200).decode(t, &todo)
	if len(todo.Items) != 1 || todo.Items[0].Kind != domain.TodoApprove || todo.Items[0].Count != 1 {
		t.Fatalf("approver's todo = %+v", todo)
	}
	e.call(req("POST", activityPath(created.ID)+"/return", map[string]any{"reason": "缺少签到表"}).as(approver), 200)
	e.call(req("GET", "/api/v1/todo", nil).as(author), 200).decode(t, &todo)
	if len(todo.Items) != 1 || todo.Items[0].Kind != domain.TodoFixReturned || todo.Items[0].Ref != created.ID ||
		!strings.Contains(todo.Items[0].Title, "缺少签到表") {
		t.Fatalf("author's todo = %+v", todo)
	}
	e.call(req("GET", "/api/v1/todo", nil).as(other), 200).decode(t, &todo)
	if len(todo.Items) != 0 {
		t.Fatalf("another school's todo = %+v", todo)
	}

	e.clk.add(11 * time.Minute)
	if _, _, err := e.app.FanOutDue(ctx); err != nil {
		t.Fatal(err)
	}
	var unread struct{ Unread int }
	e.call(req("GET", "/api/v1/notifications/unread-count", nil).as(author), 200).decode(t, &unread)
	if unread.Unread != 1 {
		t.Fatalf("author's unread = %d", unread.Unread)
	}
	var inbox struct {
		Items []struct {
			ID      int64
			Kind    string
			Subject string
			Read    bool
		}
		Total int
	}
	e.call(req("GET", "/api/v1/notifications?unread=true&limit=10", nil).as(author), 200).decode(t, &inbox)
	if inbox.Total != 1 || inbox.Items[0].Kind != "activity.returned" || !strings.Contains(inbox.Items[0].Subject, "宣讲进课堂") {
		t.Fatalf("author's inbox = %+v", inbox)
	}
	// Another account's read of the author's notice changes nothing.
	var marked struct{ Marked int }
	e.call(req("POST", "/api/v1/notifications/read", map[string]any{"notification_ids": []int64{inbox.Items[0].ID}}).as(other), 200).decode(t, &marked)
	if marked.Marked != 0 {
		t.Fatalf("another account marked %d", marked.Marked)
	}
	e.call(req("GET", "/api/v1/notifications", nil).as(other), 200).decode(t, &inbox)
	if inbox.Total != 0 {
		t.Fatalf("another school's inbox = %+v", inbox)
	}
	e.call(req("POST", "/api/v1/notifications/read", map[string]any{"notification_ids": []int64{}}).as(author), 200).decode(t, &marked)
	if marked.Marked != 1 {
		t.Fatalf("marked %d", marked.Marked)
	}
	e.call(req("GET", "/api/v1/notifications/unread-count", nil).as(author), 200).decode(t, &unread)
	if unread.Unread != 0 {
		t.Fatalf("unread after reading = %d", unread.Unread)
	}

	// Settings: the caller's own, checked field by field.
	e.call(req("GET", "/api/v1/notifications/settings", nil).as(author), 200)
	bad := e.call(req("PUT", "/api/v1/notifications/settings", map[string]any{"email": "a@b.cn", "email_kinds": []string{},
		"quiet_from": "22:00", "quiet_to": "", "digest_hour": -1}).as(author), 400).errorOf(t)
	if bad.Field != "quiet_to" {
		t.Fatalf("bad quiet hours named %q", bad.Field)
	}
	var set struct{ Email string }
	e.call(req("PUT", "/api/v1/notifications/settings", map[string]any{"email": "s1@example.cn", "email_kinds": []string{},
		"quiet_from": "22:00", "quiet_to": "07:00", "digest_hour": -1}).as(author), 200).decode(t, &set)
	if set.Email != "s1@example.cn" {
		t.Fatalf("settings = %+v", set)
	}

	// Robots: the office adds one to a school; a school admin may not.
	robot := map[string]any{"org_id": e.school, "kind": "feishu", "name": "实验小学群", "webhook": "https://open.feishu.cn/open-apis/bot/v2/hook/x", "secret": "s", "kinds": []string{}}
	e.call(req("POST", "/api/v1/robots", robot).as(author), 403)
	r := e.call(req("POST", "/api/v1/robots", robot), 201)
	if strings.Contains(string(r.body), "open.feishu.cn") {
		t.Fatalf("the webhook was shown: %s", r.body)
	}
	var robots struct{ Items []struct{ Name string } }
	e.call(req("GET", "/api/v1/robots", nil), 200).decode(t, &robots)
	if len(robots.Items) != 1 || robots.Items[0].Name != "实验小学群" {
		t.Fatalf("robots = %+v", robots)
	}
	var added struct{ ID int64 }
	r.decode(t, &added)
	e.call(req("DELETE", "/api/v1/robots/"+strconv.FormatInt(added.ID, 10), nil).as(author), 403)
	e.call(req("DELETE", "/api/v1/robots/"+strconv.FormatInt(added.ID, 10), nil), 204)
	e.call(req("DELETE", "/api/v1/robots/"+strconv.FormatInt(added.ID, 10), nil), 404)
	e.call(req("GET", "/api/v1/robots", nil), 200).decode(t, &robots)
	if len(robots.Items) != 0 {
		t.Fatalf("robots after the delete = %+v", robots)
	}

	// The system admin's view of the jobs and deliveries.
	e.app.SetJobQueue(newStubJobs())
	sys := e.adminSession("sysadmin")
	e.call(req("GET", "/api/v1/admin/jobs", nil).as(author), 403)
	var jobs struct{ Items []domain.Job }
	e.call(req("GET", "/api/v1/admin/jobs?state=discarded", nil).as(sys), 200).decode(t, &jobs)
	if len(jobs.Items) != 1 || len(jobs.Items[0].Errors) != 1 {
		t.Fatalf("jobs = %+v", jobs)
	}
	e.call(req("POST", "/api/v1/admin/jobs/1/retry", nil).as(sys), 204)
	e.call(req("POST", "/api/v1/admin/jobs/1/cancel", nil).as(sys), 204)
	e.call(req("POST", "/api/v1/admin/jobs/99/cancel", nil).as(sys), 404)
	e.call(req("GET", "/api/v1/admin/jobs?state=lost", nil).as(sys), 400)
	var ds struct {
		Items []struct{ Channel, State string }
	}
	e.call(req("GET", "/api/v1/admin/deliveries", nil).as(sys), 200).decode(t, &ds)
	e.call(req("GET", "/api/v1/admin/deliveries", nil).as(approver), 403)
}
