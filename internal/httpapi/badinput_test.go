package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestBadInput sends every kind of malformed request and checks the status,
// the error shape, the field named, and that nothing was written.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	a := e.activity(e.school, "moral_education", "2024-03-01", "四德教育", 20, false)
	good := fmt.Sprintf(`{"org_id": %d, "type_id": %d, "date": "2024-03-02", "title": "t", "attendance": 3}`,
		e.school, e.types["moral_education"].ID)
	post := func(body string) *request { return req("POST", "/api/v1/activities", body) }

	cases := []struct {
		name          string
		r             *request
		status        int
		code, field   string
		messageSubstr string
	}{
		{"truncated JSON", post(`{"org_id": 1,`), 400, codeBadJSON, "", "ends early"},
		{"syntax error", post(`{"org_id": x}`), 400, codeBadJSON, "", "offset 12"},
		{"unknown field", post(strings.Replace(good, `"title"`, `"titel"`, 1)), 400, codeUnknownField, "titel", ""},
		{"wrong type", post(strings.Replace(good, fmt.Sprintf(`"org_id": %d`, e.school), `"org_id": "5"`, 1)), 400, "invalid", "org_id", "integer"},
		{"fraction", post(strings.Replace(good, `"attendance": 3`, `"attendance": 2.5`, 1)), 400, "invalid", "attendance", ""},
		{"overflow", post(strings.Replace(good, `"attendance": 3`, `"attendance": 1e30`, 1)), 400, "invalid", "attendance", ""},
		{"wrong element type", post(strings.Replace(good, `"attendance": 3`, `"venues": [1]`, 1)), 400, "invalid", "venues", ""},
		{"bad date", post(strings.Replace(good, "2024-03-02", "2024-13-01", 1)), 400, "invalid", "date", ""},
		{"future date", post(strings.Replace(good, "2024-03-02", "2099-01-01", 1)), 400, "invalid", "date", "future"},
		{"missing title", post(strings.Replace(good, `"title": "t"`, `"title": ""`, 1)), 400, "invalid", "title", ""},
		{"negative attendance", post(strings.Replace(good, `"attendance": 3`, `"attendance": -1`, 1)), 400, "invalid", "attendance", ""},
		{"trailing data", post(good + ` {}`), 400, codeBadJSON, "", "after the JSON object"},
		{"trailing garbage", post(good + `x`), 400, codeBadJSON, "", ""},
		{"array body", post(`[1, 2]`), 400, codeBadJSON, "", "JSON object"},
		{"null body", post(`null`), 400, codeBadJSON, "", ""},
		{"empty body", post(``), 400, codeBadJSON, "", "empty"},
		{"oversize body", post(`{"title": "` + strings.Repeat("x", maxJSONBody) + `"}`), 413, "too_large", "", "1 MB"},
		{"text/plain", post(good).with("Content-Type", "text/plain"), 415, codeUnsupportedMedia, "", ""},
		{"no content type", post(good).with("Content-Type", ""), 415, codeUnsupportedMedia, "", ""},
		{"latin-1 charset", post(good).with("Content-Type", "application/json; charset=latin1"), 415, codeUnsupportedMedia, "", ""},
		{"unknown org", post(strings.Replace(good, fmt.Sprintf(`"org_id": %d`, e.school), `"org_id": 99999`, 1)), 404, "not_found", "org_id", ""},
		{"invalid period", req("GET", "/api/v1/activities?period=2024Q5", nil), 400, "invalid", "period", ""},
		{"invalid period label", req("GET", "/api/v1/activities?period=2024%E5%B9%B4%E7%AC%AC%E4%BA%94%E5%AD%A3%E5%BA%A6", nil), 400, "invalid", "period", ""},
		{"bad limit", req("GET", "/api/v1/activities?limit=abc", nil), 400, "invalid", "limit", "integer"},
		{"zero limit", req("GET", "/api/v1/activities?limit=0", nil), 400, "invalid", "limit", "between"},
		{"big limit", req("GET", "/api/v1/activities?limit=501", nil), 400, "invalid", "limit", "between"},
		{"negative offset", req("GET", "/api/v1/activities?offset=-1", nil), 400, "invalid", "offset", ""},
		{"bad boolean", req("GET", "/api/v1/activities?has_evidence=yes", nil), 400, "invalid", "has_evidence", "true or false"},
		{"bad status", req("GET", "/api/v1/activities?status=approved&status=done", nil), 400, "invalid", "status", ""},
		{"bad sort", req("GET", "/api/v1/activities?sort=random", nil), 400, "invalid", "sort", ""},
		{"bad order", req("GET", "/api/v1/activities?order=up", nil), 400, "invalid", "order", ""},
		{"bad date param", req("GET", "/api/v1/activities?from=2024-02-30", nil), 400, "invalid", "from", ""},
		{"to before from", req("GET", "/api/v1/activities?from=2024-02-03&to=2024-02-01", nil), 400, "invalid", "to", ""},
		{"negative org", req("GET", "/api/v1/activities?org_id=-1", nil), 400, "invalid", "org_id", ""},
		{"bad sha", req("GET", "/api/v1/activities?evidence=abc", nil), 400, "invalid", "evidence", ""},
		{"repeated single", req("GET", "/api/v1/activities?limit=1&limit=2", nil), 400, "invalid", "limit", "once"},
		{"unknown parameter", req("GET", "/api/v1/activities?org=5", nil), 400, codeUnknownField, "org", "accepted"},
		{"malformed query", req("GET", "/api/v1/activities?q=%zz", nil), 400, "invalid", "query", ""},
		{"long search", req("GET", "/api/v1/activities?q="+strings.Repeat("x", 201), nil), 400, "invalid", "q", ""},
		{"bad kind", req("GET", "/api/v1/orgs?kind=village", nil), 400, "invalid", "kind", ""},
		{"non-numeric id", req("GET", "/api/v1/activities/abc", nil), 400, "invalid", "id", "positive integer"},
		{"zero id", req("GET", "/api/v1/activities/0", nil), 400, "invalid", "id", "positive"},
		{"huge id", req("GET", "/api/v1/activities/99999999999999999999", nil), 400, "invalid", "id", ""},
		{"non-numeric org id", req("PATCH", "/api/v1/orgs/x1", `{"name":"n"}`), 400, "invalid", "id", ""},
		{"unknown route", req("GET", "/api/v1/nope", nil), 404, codeNotFound, "", "openapi.json"},
		{"unknown version", req("GET", "/api/v2/activities", nil), 404, codeNotFound, "", ""},
		{"api root", req("GET", "/api", nil), 404, codeNotFound, "", ""},
		{"trailing slash", req("GET", "/api/v1/orgs/", nil), 404, codeNotFound, "", ""},
		{"wrong method", req("DELETE", "/api/v1/pillars", nil), 405, codeMethodNotAllowed, "", "GET"},
		{"wrong method on item", req("PATCH", activityPath(a.ID), `{}`), 405, codeMethodNotAllowed, "", "PUT"},
		{"update without version", req("PUT", activityPath(a.ID), good), 400, "invalid", "version", ""},
		{"move without parent", req("POST", fmt.Sprintf("/api/v1/orgs/%d/move", e.school), `{}`), 400, "invalid", "parent_id", ""},
		{"bulk too many", req("POST", "/api/v1/activities/approve", `{"ids": [`+strings.Repeat("1,", 500)+`1]}`), 400, "invalid", "ids", ""},
		{"close bad period", req("POST", "/api/v1/period-closures", `{"period": "someday"}`), 400, "invalid", "period", ""},
		{"reopen bad period", req("DELETE", "/api/v1/period-closures/someday", nil), 400, "invalid", "period", ""},
		{"bad org date", req("POST", "/api/v1/orgs", fmt.Sprintf(`{"parent_id": %d, "kind": "school", "code": "c", "name": "n", "active_from": "2024/01/01"}`, e.district)), 400, "invalid", "active_from", ""},
		{"type unknown field", req("POST", "/api/v1/activity-types", `{"code": "c", "pillar": "theory", "name": "n", "id": 5}`), 400, codeUnknownField, "id", ""},
	}
	e.unchanged("bad input", func() {
		for _, c := range cases {
			r := e.do(c.r)
			if r.status != c.status {
				t.Fatalf("%s: want %d, got %s", c.name, c.status, r)
			}
			got := r.errorOf(t)
			if got.Code != c.code || got.Field != c.field || !strings.Contains(got.Message, c.messageSubstr) {
				t.Fatalf("%s: got %+v, want code %s field %q message ~%q", c.name, got, c.code, c.field, c.messageSubstr)
			}
			if c.status == 405 && r.header.Get("Allow") == "" {
				t.Fatalf("%s: 405 without Allow", c.name)
			}
		}
	})
}

// TestDatabaseOutage closes the store under a running server: the probes and
// the API answer 503 in the error shape, not 500.
func TestDatabaseOutage(t *testing.T) {
	e := newEnv(t)
	e.call(req("GET", "/readyz", nil), 200)
	if err := e.st.Close(); err != nil {
		t.Fatal(err)
	}
	e.call(req("GET", "/healthz", nil), 200)
	for _, r := range []*request{
		req("GET", "/readyz", nil),
		req("GET", "/api/v1/orgs", nil),
		req("GET", "/api/v1/activity-types", nil),
		req("GET", fmt.Sprintf("/api/v1/aggregates?org_id=%d&period=2024", e.district), nil),
		req("POST", "/api/v1/activities", fmt.Sprintf(`{"org_id": %d, "type_id": 1, "date": "2024-01-02", "title": "t"}`, e.school)),
	} {
		got := e.call(r, 503).errorOf(t)
		if got.Code != "unavailable" || strings.Contains(got.Message, "sql") {
			t.Fatalf("%s %s: %+v", r.method, r.target, got)
		}
	}
	// The probe of the process and this document need no database; every
	// other route reads the session from it.
	e.call(req("GET", "/api/openapi.json", nil).anon(), 200)
	e.call(req("GET", "/api/v1/pillars", nil), 503)
}

// TestRecover: a panicking handler answers 500 in the error shape and the log
// gets the stack; the message does not leak the panic.
func TestRecover(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	h := withRequestID(s.withRecover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret internal state")
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/x", nil))
	r := resp{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	got := r.errorOf(t)
	if r.status != 500 || got.Code != codeInternal || strings.Contains(got.Message, "secret") ||
		!strings.Contains(got.Message, rec.Header().Get("X-Request-Id")) {
		t.Fatalf("panic answered %s", r)
	}
	if !strings.Contains(logs.String(), "secret internal state") || !strings.Contains(logs.String(), "goroutine") {
		t.Fatalf("the log lacks the panic and its stack: %s", logs.String())
	}
}

// TestUntypedError: an error no layer classified answers 500 with a generic
// message while the database is up, and the real error is logged.
func TestUntypedError(t *testing.T) {
	e := newEnv(t)
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/api/v1/x", nil)
	e.srv.writeError(rec, r, fmt.Errorf("driver: table activities has no column frob"))
	got := resp{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}.errorOf(t)
	if rec.Code != 500 || got.Code != codeInternal || strings.Contains(got.Message, "frob") {
		t.Fatalf("untyped error: %d %+v", rec.Code, got)
	}
	if !strings.Contains(e.logs.String(), "frob") {
		t.Fatal("the real error is not logged")
	}
	// A request whose own deadline passed answers 503.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec = httptest.NewRecorder()
	e.srv.writeError(rec, r.WithContext(ctx), context.DeadlineExceeded)
	if rec.Code != 503 {
		t.Fatalf("deadline: %d", rec.Code)
	}
}

// TestDuplicateKeys: a JSON body with one key twice, at any depth, is refused
// with the key named, instead of the last value silently winning.
func TestDuplicateKeys(t *testing.T) {
	e := newEnv(t)
	good := fmt.Sprintf(`{"org_id": %d, "type_id": %d, "date": "2024-03-02", "title": "t", "attendance": 3}`,
		e.school, e.types["moral_education"].ID)
	post := func(body string) *request { return req("POST", "/api/v1/activities", body) }
	e.unchanged("duplicate keys", func() {
		for _, c := range []struct{ body, field string }{
			{strings.Replace(good, `"title": "t"`, `"title": "a", "title": "b"`, 1), "title"},
			{strings.Replace(good, `"title": "t"`, `"title": "a", "Title": "b"`, 1), "Title"},
			{strings.Replace(good, `"attendance": 3`, `"attendance": 3, "venues": ["campus"], "attendance": 300`, 1), "attendance"},
		} {
			got := e.call(post(c.body), 400).errorOf(t)
			if got.Code != codeBadJSON || got.Field != c.field || !strings.Contains(got.Message, "more than once") {
				t.Fatalf("%s: %+v", c.body, got)
			}
		}
	})
	// Nested: the path names the object.
	for _, c := range []struct{ body, field string }{
		{`{"a": {"b": 1, "b": 2}}`, "a.b"},
		{`{"a": [{"x": 1}, {"y": 1, "y": 2}]}`, "a.1.y"},
		{`{"a": [[], {"k": {"z": 1, "z": 1}}]}`, "a.1.k.z"},
	} {
		err := checkKeys([]byte(c.body))
		var he *httpError
		if !errors.As(err, &he) || he.field != c.field || he.status != 400 {
			t.Fatalf("%s: %v", c.body, err)
		}
	}
	// Keys repeated in sibling objects are not duplicates; depth is bounded.
	if err := checkKeys([]byte(`{"a": {"x": 1}, "b": {"x": 1}, "c": [{"x": 1}, {"x": 2}]}`)); err != nil {
		t.Fatal(err)
	}
	deep := strings.Repeat(`{"a":`, maxJSONDepth+1) + "1" + strings.Repeat("}", maxJSONDepth+1)
	if err := checkKeys([]byte(deep)); err == nil || !strings.Contains(err.Error(), "deeper") {
		t.Fatalf("deep: %v", err)
	}
	if err := checkKeys([]byte(strings.Repeat(`{"a":`, maxJSONDepth) + "1" + strings.Repeat("}", maxJSONDepth))); err != nil {
		t.Fatalf("at the depth bound: %v", err)
	}
}
