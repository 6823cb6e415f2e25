package httpapi

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
)

// FuzzDecodeJSON drives the body decoder with arbitrary bytes: it must never
// panic, and every refusal must be a client error (4xx) of a known code.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"org_id": 1, "type_id": 2, "date": "2024-01-02", "title": "t", "venues": ["campus"], "submit": true}`,
		`{"org_id": 1,`, `{"org_id": "1"}`, `{"x": 1}`, `[]`, `null`, ``, `{} {}`, `{"attendance": 1e400}`,
		`{"venues": [1]}`, `{"title": "\ud800"}`, "{\"title\": \"\xff\"}", `{"org_id": -0}`, `{"date": {}}`,
		`{"submit": "yes"}`, `{"org_id": 1}garbage`, `  {}  `, `{"version": 3}`, `{"title": "a", "title": "b"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var body activityCreateBody
		err := unmarshalStrict(b, &body)
		if err == nil {
			if _, err := body.input(); err != nil && !domain.IsKind(err, domain.KindInvalid) {
				t.Fatalf("input(): %v", err)
			}
			return
		}
		var he *httpError
		switch {
		case errors.As(err, &he):
			if he.status < 400 || he.status >= 500 || he.code == "" || he.message == "" {
				t.Fatalf("%q: %+v", b, he)
			}
		case domain.IsKind(err, domain.KindInvalid):
		default:
			t.Fatalf("%q: untyped error %v", b, err)
		}
	})
}

// FuzzRequests sends arbitrary query strings to the list and aggregate
// endpoints and arbitrary bodies to the create endpoint of a real server:
// never a panic, never a 5xx, and every error in the error shape.
func FuzzRequests(f *testing.F) {
	e := newEnv(f)
	for _, s := range []string{
		"org_id=1&period=2024", "type_id=1&type_id=x", "status=approved&status=", "period=2024%E5%B9%B4", "q=%25_%5C",
		"limit=500&offset=99999999999", "from=2024-01-01&to=2023-01-01", "has_evidence=true&evidence=" + strings.Repeat("a", 64),
		"sort=title&order=asc", "org=1", "%zz", "period=2024-2026学年", "group_by=child&org_id=1&period=2024Q1&compare=last_year",
		"org_id=9223372036854775807&period=9999", "period=1899", "type_id=-1", "pillar=theory&type_id=1",
	} {
		f.Add(s, []byte(`{"org_id": 3, "type_id": 1, "date": "2024-01-02", "title": "t"}`))
	}
	f.Fuzz(func(t *testing.T, query string, body []byte) {
		var reqs []*http.Request
		for _, path := range []string{"/api/v1/activities", "/api/v1/aggregates", "/api/v1/orgs"} {
			r, err := http.NewRequest("GET", "http://127.0.0.1"+path+"?"+query, nil)
			if err != nil {
				return // not a URL a client could send
			}
			reqs = append(reqs, r)
		}
		post := httptest.NewRequest("POST", "/api/v1/activities", bytes.NewReader(body))
		post.Header.Set("Content-Type", "application/json")
		for _, r := range append(reqs, post) {
			e.office.authorize(r)
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, r)
			if rec.Code >= 500 {
				t.Fatalf("%s %s: %d %s", r.Method, r.URL, rec.Code, rec.Body)
			}
			if rec.Code >= 400 {
				resp{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}.errorOf(t)
			}
		}
	})
}
