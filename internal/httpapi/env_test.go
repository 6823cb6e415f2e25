package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/auth"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// The tests run the real thing: an App over a SQLite store in a temporary
// directory, behind the Server's handler. Every response is validated against
// the OpenAPI document the server serves.

// exercised records which routes answered which statuses, over the whole run,
// so TestEveryRouteIsExercised can fail for a route no test reaches.
var exercised = struct {
	sync.Mutex
	m map[string]map[int]bool
}{m: map[string]map[int]bool{}}

func observe(opID string, status int) {
	exercised.Lock()
	defer exercised.Unlock()
	if exercised.m[opID] == nil {
		exercised.m[opID] = map[int]bool{}
	}
	exercised.m[opID][status] = true
}

// testMaxEvidence keeps upload tests small.
const testMaxEvidence = 64 << 10

type env struct {
	t       testing.TB
	st      *store.Store
	app     *app.App
	srv     *Server
	h       http.Handler
	clk     *testClock
	dataDir string
	doc     *openapi3.T
	router  routers.Router
	logs    *bytes.Buffer
	lastOp  string // the route that answered the last request; "" for none

	bureau, district, school, school2, branch int64
	types                                     map[string]domain.ActivityType
	// admins are the three administrators zeren init made, with their
	// one-time passwords.
	admins map[string]app.CreatedAccount
	// office is the session of the bureau's office admin, which requests
	// carry unless they say otherwise (as, anon, bearer).
	office *session
}

// testClock is the clock of the app, the store and the server; tests move it
// to expire sessions and locks.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// envStart is where every test's clock starts: noon in Beijing, so no test
// depends on the time of day or the machine's zone; tests that need another
// instant set the clock.
var envStart = time.Date(2026, 11, 29, 4, 0, 0, 0, time.UTC)

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newEnv builds a server over a fresh database holding the default catalog,
// the three administrators of `zeren init`, a small tree — bureau → district
// → {school (→ branch), school2} — and the bureau's office admin, logged in
// through the API with a changed password and a second factor.
func newEnv(t testing.TB) *env { t.Helper(); return newEnvAt(t, envStart) }

// newEnvAt is newEnv with the clock starting at start.
func newEnvAt(t testing.TB, start time.Time) *env {
	t.Helper()
	e := newBareEnvAt(t, start, "xy-edu", "咸阳教育局")
	op := e.operator(e.bureau)
	mk := func(parent int64, kind domain.OrgKind, code, name string) int64 {
		o, err := e.app.CreateOrg(context.Background(), op, app.OrgInput{ParentID: parent, Kind: kind, Code: code, Name: name})
		if err != nil {
			t.Fatalf("create %s: %v", code, err)
		}
		return o.ID
	}
	e.district = mk(e.bureau, domain.OrgDistrict, "xy-d1", "第一学区")
	e.school = mk(e.district, domain.OrgSchool, "xy-s1", "实验小学")
	e.school2 = mk(e.district, domain.OrgSchool, "xy-s2", "第二中学")
	e.branch = mk(e.school, domain.OrgBranch, "xy-s1-b1", "实验小学党支部")
	e.office = e.newSession("office", "办公室张主任", e.bureau, domain.RoleOfficeAdmin)
	return e
}

// newBareEnv builds a server over a fresh database holding the default
// catalog and what `zeren init` makes: the root bureau and the three
// administrators. Nobody is logged in.
func newBareEnv(t testing.TB, bureauCode, bureauName string) *env {
	t.Helper()
	return newBareEnvAt(t, envStart, bureauCode, bureauName)
}

func newBareEnvAt(t testing.TB, start time.Time, bureauCode, bureauName string) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	clk := &testClock{t: start}
	st, err := store.Open(ctx, filepath.Join(dir, "zeren.db"), store.Options{Create: true, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(dir, "data")
	blobs, err := blob.NewFS(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(st, blobs, app.Config{MaxEvidenceSize: testMaxEvidence, MaxEvidencePerActivity: 3,
		PasswordHashing: auth.TestParams}, clk.now)
	logs := &bytes.Buffer{}
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := New(a, log, Options{Version: "test", Now: clk.now})
	e := &env{t: t, st: st, app: a, srv: srv, h: srv.Handler(), clk: clk, dataDir: dataDir, logs: logs,
		types: map[string]domain.ActivityType{}, admins: map[string]app.CreatedAccount{}}
	srv.observe = func(opID string, status int) {
		observe(opID, status)
		e.lastOp = opID
	}
	e.loadDoc()

	if _, err := a.SeedCatalog(ctx, domain.Actor{Name: "test", Operator: true}); err != nil {
		t.Fatal(err)
	}
	types, err := a.ListTypes(ctx, "", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, ty := range types {
		e.types[ty.Code] = ty
	}
	res, err := a.Init(ctx, bureauCode, bureauName)
	if err != nil {
		t.Fatal(err)
	}
	e.bureau = res.Bureau.ID
	for _, c := range res.Accounts {
		e.admins[c.Account.Username] = c
	}
	return e
}

// operator is the console's actor over one subtree, for building fixtures
// behind the API.
func (e *env) operator(root int64) domain.Actor {
	return domain.Actor{Name: "test", Operator: true, Scope: domain.Scope{Roots: []int64{root}}}
}

// lockedWriter serialises log writes from concurrent handlers.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// loadDoc loads and validates the served OpenAPI document with kin-openapi,
// which understands OpenAPI 3.1 and validates with JSON Schema 2020-12.
func (e *env) loadDoc() {
	e.t.Helper()
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/openapi.json", nil))
	if rec.Code != 200 {
		e.t.Fatalf("GET /api/openapi.json: %d", rec.Code)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(rec.Body.Bytes())
	if err != nil {
		e.t.Fatalf("loading the OpenAPI document: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		e.t.Fatalf("the document is OpenAPI %s, not 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		e.t.Fatalf("the OpenAPI document does not validate: %v", err)
	}
	e.doc = doc
	e.router, err = legacy.NewRouter(doc)
	if err != nil {
		e.t.Fatal(err)
	}
}

// resp is a recorded response.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

func (r resp) String() string { return fmt.Sprintf("%d %s", r.status, bytes.TrimSpace(r.body)) }

// errorOf returns the error of an error response, failing if it lacks the shape.
func (r resp) errorOf(t testing.TB) errorDetail {
	t.Helper()
	var b struct {
		Error *errorDetail `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil || b.Error == nil || b.Error.Code == "" || b.Error.Message == "" {
		t.Fatalf("not the error shape (%v): %s", err, r.body)
	}
	return *b.Error
}

// request is a request to send. Unless it says otherwise (as, anon,
// bearer), env.do sends it with the office admin's session.
type request struct {
	method, target string
	body           []byte
	header         http.Header
	sess           *session
	anonymous      bool
	token          string
	remote         string // the client's host:port; "" is httptest's 192.0.2.1:1234
	noCSRF         bool   // a session's change without its CSRF token
}

// withoutCSRF sends a session's change without the X-CSRF-Token header.
func (r *request) withoutCSRF() *request { r.noCSRF = true; return r }

// from sends the request from another client address.
func (r *request) from(remote string) *request { r.remote = remote; return r }

// clone copies the request, so that one can be sent as several actors.
func (r *request) clone() *request {
	c := *r
	c.header = r.header.Clone()
	return &c
}

// as sends the request with s's session cookie and, on a change, its CSRF token.
func (r *request) as(s *session) *request { r.sess = s; return r }

// anon sends the request without credentials.
func (r *request) anon() *request { r.anonymous = true; return r }

// bearer sends the request with an API token instead of a session.
func (r *request) bearer(token string) *request { r.token = token; return r }

// req builds a request; body may be nil, a []byte or string (sent as is), or
// a value (sent as JSON). JSON bodies get Content-Type application/json.
func req(method, target string, body any) *request {
	r := &request{method: method, target: target, header: http.Header{}}
	switch b := body.(type) {
	case nil:
	case []byte:
		r.body = b
		r.header.Set("Content-Type", "application/json")
	case string:
		r.body = []byte(b)
		r.header.Set("Content-Type", "application/json")
	default:
		j, err := json.Marshal(b)
		if err != nil {
			panic(err)
		}
		r.body = j
		r.header.Set("Content-Type", "application/json")
	}
	return r
}

func (r *request) with(key, value string) *request {
	if value == "" {
		r.header.Del(key)
	} else {
		r.header.Set(key, value)
	}
	return r
}

func (r *request) build() *http.Request {
	hr := httptest.NewRequest(r.method, r.target, bytes.NewReader(r.body))
	hr.Header = r.header.Clone()
	if r.remote != "" {
		hr.RemoteAddr = r.remote
	}
	switch {
	case r.token != "":
		hr.Header.Set("Authorization", "Bearer "+r.token)
	case r.sess != nil:
		csrf := hr.Header.Get(csrfHeader)
		r.sess.authorize(hr)
		switch {
		case r.noCSRF:
			hr.Header.Del(csrfHeader)
		case csrf != "": // a test's own token wins
			hr.Header.Set(csrfHeader, csrf)
		}
	}
	return hr
}

// do sends r and checks the response against the document: its status must be
// documented for the route, its body must validate against the documented
// schema, and an error must have the error shape. A request that succeeds is
// itself validated against the document as well.
func (e *env) do(r *request) resp {
	e.t.Helper()
	if r.sess == nil && !r.anonymous && r.token == "" {
		r.sess = e.office
	}
	rec := httptest.NewRecorder()
	e.lastOp = ""
	e.h.ServeHTTP(rec, r.build())
	out := resp{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	e.check(r, out)
	return out
}

// call sends r and fails unless the status is want.
func (e *env) call(r *request, want int) resp {
	e.t.Helper()
	out := e.do(r)
	if out.status != want {
		e.t.Fatalf("%s %s: want %d, got %s", r.method, r.target, want, out)
	}
	return out
}

func (e *env) check(r *request, out resp) {
	e.t.Helper()
	if out.status >= 400 {
		out.errorOf(e.t)
		if ct := out.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			e.t.Fatalf("%s %s: error with Content-Type %q", r.method, r.target, ct)
		}
	}
	if out.header.Get("X-Content-Type-Options") != "nosniff" || out.header.Get("X-Request-Id") == "" {
		e.t.Fatalf("%s %s: missing security or request-id headers: %v", r.method, r.target, out.header)
	}
	hr := r.build()
	if e.lastOp == "" {
		// No route answered: an unknown API path (404), a wrong method (405)
		// or a page of the web app. Only the error shape can be checked.
		if out.status < 400 && strings.HasPrefix(r.target, "/api/") {
			e.t.Fatalf("%s %s answered %d without a route", r.method, r.target, out.status)
		}
		if out.status >= 400 {
			e.validateSchema("Error", out.body)
		}
		return
	}
	route, pathParams, err := e.router.FindRoute(hr)
	if err != nil || route.Operation.OperationID != e.lastOp {
		e.t.Fatalf("%s %s: the server's route %s is not the document's (%v)", r.method, r.target, e.lastOp, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: hr, PathParams: pathParams, Route: route,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, AuthenticationFunc: checkCredentials}}
	rv := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: out.status, Header: out.header,
		Options: in.Options}
	rv.SetBodyBytes(out.body)
	if err := openapi3filter.ValidateResponse(context.Background(), rv); err != nil {
		e.t.Fatalf("%s %s → %d: the response does not match the document: %v\n%s", r.method, r.target, out.status, err, out.body)
	}
	if out.status < 300 && !isMultipart(r) {
		in.Request = r.build()
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			e.t.Fatalf("%s %s succeeded but the request does not match the document: %v", r.method, r.target, err)
		}
	}
}

// checkCredentials holds a successful request to the security the document
// declares for its operation: the cookie, the CSRF header, or a bearer token.
func checkCredentials(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	switch in.SecuritySchemeName {
	case "cookieAuth":
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			return nil
		}
	case "csrfToken":
		if r.Header.Get(csrfHeader) != "" {
			return nil
		}
	case "bearerAuth":
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer zrn_") {
			return nil
		}
	}
	return in.NewError(nil)
}

func isMultipart(r *request) bool {
	return strings.HasPrefix(r.header.Get("Content-Type"), "multipart/")
}

// validateSchema validates body against a component schema.
func (e *env) validateSchema(name string, body []byte) {
	e.t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		e.t.Fatalf("not JSON: %s", body)
	}
	s := e.doc.Components.Schemas[name]
	if s == nil || s.Value == nil {
		e.t.Fatalf("no schema %s", name)
	}
	if err := s.Value.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.MultiErrors()); err != nil {
		e.t.Fatalf("%s does not validate against %s: %v", body, name, err)
	}
}

// upload builds a multipart upload of content as field "file".
func upload(target, filename string, content []byte) *request {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, filename))
	h.Set("Content-Type", "application/octet-stream")
	part, _ := mw.CreatePart(h)
	_, _ = part.Write(content)
	_ = mw.Close()
	r := &request{method: "POST", target: target, body: buf.Bytes(), header: http.Header{}}
	r.header.Set("Content-Type", mw.FormDataContentType())
	return r
}

// pngBytes is a small valid PNG header followed by filler up to n bytes.
func pngBytes(n int, seed byte) []byte {
	b := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 0, n)...)
	for len(b) < n {
		b = append(b, seed)
	}
	return b
}

// activity creates an activity through the API and returns it.
func (e *env) activity(org int64, typeCode, date, title string, attendance int, submit bool) domain.Activity {
	e.t.Helper()
	body := map[string]any{"org_id": org, "type_id": e.types[typeCode].ID, "date": date, "title": title,
		"attendance": attendance, "submit": submit}
	var a domain.Activity
	e.call(req("POST", "/api/v1/activities", body), 201).decode(e.t, &a)
	return a
}

// counts is how many records of each kind exist, to prove a refused request
// wrote nothing.
type counts struct{ activities, orgs, types, closures, blobs, evidence int }

func (e *env) counts() counts {
	e.t.Helper()
	ctx := context.Background()
	op := e.operator(e.bureau)
	var c counts
	acts, n, err := e.app.ListActivities(ctx, op, app.ActivityQuery{Limit: app.MaxPageSize})
	if err != nil {
		e.t.Fatal(err)
	}
	c.activities = n
	for _, a := range acts {
		c.evidence += len(a.Evidence)
	}
	if _, c.orgs, err = e.app.ListOrgs(ctx, op, app.OrgFilter{Limit: 1}); err != nil {
		e.t.Fatal(err)
	}
	types, err := e.app.ListTypes(ctx, "", false)
	if err != nil {
		e.t.Fatal(err)
	}
	c.types = len(types)
	cl, err := e.app.ListClosures(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	c.closures = len(cl)
	_ = filepath.WalkDir(e.dataDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			c.blobs++
		}
		return nil
	})
	return c
}

// unchanged fails the test if env's records changed during fn.
func (e *env) unchanged(what string, fn func()) {
	e.t.Helper()
	before := e.counts()
	fn()
	if after := e.counts(); after != before {
		e.t.Fatalf("%s changed the records: before %+v, after %+v", what, before, after)
	}
}
