package httpapi

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
)

func TestCreateActivityIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	school := e.newSession("s1admin", "实验小学书记", e.school, domain.RoleSchoolAdmin)
	other := e.newSession("s2admin", "第二中学书记", e.school2, domain.RoleSchoolAdmin)
	body := map[string]any{"org_id": e.school, "type_id": e.types["outreach_lecture"].ID, "date": "2024-05-06",
		"title": "手机记录的宣讲", "attendance": 40, "venues": []string{domain.VenueClassroom}, "submit": true}
	const key = "0b6f7a52-2c1d-4c1e-b7a0-3f1e2d3c4b5a"
	create := func(s *session, key string, body any) *request {
		return req("POST", "/api/v1/activities", body).as(s).with("Idempotency-Key", key)
	}

	var first, again domain.Activity
	r := e.call(create(school, key, body), 201)
	r.decode(t, &first)
	if r.header.Get("Idempotent-Replayed") != "" || first.Status != domain.StatusSubmitted {
		t.Fatalf("first: %s %v", r, r.header)
	}
	before := e.counts()
	e.unchanged("a retried request", func() {
		r = e.call(create(school, key, body), 201)
	})
	r.decode(t, &again)
	if again.ID != first.ID || r.header.Get("Idempotent-Replayed") != "true" || r.header.Get("Location") != activityPath(first.ID) {
		t.Fatalf("retry: %s %v", r, r.header)
	}
	if e.counts() != before {
		t.Fatal("the retry wrote something")
	}

	// The same key with another body: 409 naming the key and the field.
	changed := map[string]any{}
	for k, v := range body {
		changed[k] = v
	}
	changed["attendance"] = 41
	e.unchanged("a reused key", func() {
		er := e.call(create(school, key, changed), 409).errorOf(t)
		if er.Field != "Idempotency-Key" || !strings.Contains(er.Message, "attendance") {
			t.Fatalf("reused key: %+v", er)
		}
	})

	// Another account's identical key is its own: a new activity in its
	// own unit, and nothing of the first account's.
	body2 := map[string]any{}
	for k, v := range body {
		body2[k] = v
	}
	body2["org_id"] = e.school2
	var theirs domain.Activity
	r = e.call(create(other, key, body2), 201)
	r.decode(t, &theirs)
	if theirs.ID == first.ID || theirs.OrgID != e.school2 || r.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("other account: %s", r)
	}
	// The foreign account cannot reach the first unit with the key either.
	e.unchanged("a foreign unit", func() {
		if er := e.call(create(other, "foreign-1", body), 404).errorOf(t); er.Field != "org_id" {
			t.Fatalf("foreign: %+v", er)
		}
	})

	// A malformed key names the header.
	for _, bad := range []string{"has space", strings.Repeat("k", 101)} {
		if er := e.call(create(school, bad, body), 400).errorOf(t); er.Field != "Idempotency-Key" {
			t.Fatalf("bad key %q: %+v", bad, er)
		}
	}

	// A double tap: concurrent requests with one key make one activity.
	const n = 6
	ids := make([]int64, n)
	var wg sync.WaitGroup
	body["title"] = "双击提交"
	// The env's per-request checks share state; racing requests go to the
	// handler directly, observed for the route coverage only.
	saved := e.srv.observe
	e.srv.observe = observe
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, create(school, "double-tap", body).build())
			if rec.Code != 201 {
				t.Errorf("request %d: %d %s", i, rec.Code, rec.Body)
				return
			}
			var a domain.Activity
			if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
				t.Error(err)
				return
			}
			ids[i] = a.ID
		}(i)
	}
	wg.Wait()
	e.srv.observe = saved
	for i := range ids {
		if ids[i] != ids[0] {
			t.Fatalf("double tap made activities %v", ids)
		}
	}
	var page struct {
		Total int `json:"total"`
	}
	e.call(req("GET", "/api/v1/activities?q=%E5%8F%8C%E5%87%BB%E6%8F%90%E4%BA%A4", nil).as(school), 200).decode(t, &page)
	if page.Total != 1 {
		t.Fatalf("%d activities after a double tap, want 1", page.Total)
	}
}
