package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/auth"
	"github.com/zeren-edu/zeren/internal/demo"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// syncBuffer is an io.Writer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runCmd runs zeren with args to completion.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb syncBuffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// oneLine fails unless s is exactly one line mentioning every want.
func oneLine(t *testing.T, s string, want ...string) {
	t.Helper()
	if strings.Count(s, "\n") != 1 || !strings.HasSuffix(s, "\n") {
		t.Fatalf("want one line, got %q", s)
	}
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Fatalf("%q does not mention %q", s, w)
		}
	}
}

func TestBadSettings(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--nope"}, "--nope: unknown flag"},
		{[]string{"serve", "-nope=1"}, "--nope"},
		{[]string{"serve", "--addr"}, "--addr: needs a value"},
		{[]string{"serve", "--addr", "example.com:80"}, "--addr: example.com:80: give an IP address"},
		{[]string{"serve", "--addr", "8080"}, "--addr: 8080 is not host:port"},
		{[]string{"serve", "--trusted-proxies", "10.0.0.0/33"}, "--trusted-proxies: \"10.0.0.0/33\" is not a CIDR"},
		{[]string{"serve", "--trusted-proxies", "proxy.internal"}, "--trusted-proxies: \"proxy.internal\" is neither"},
		{[]string{"serve", "--trusted-proxies", ","}, "--trusted-proxies: lists no proxy"},
		{[]string{"migrate", "--trusted-proxies", "10.0.0.1"}, "--trusted-proxies: unknown flag"},
		{[]string{"serve", "--addr", "127.0.0.1"}, "--addr: 127.0.0.1 is not host:port"},
		{[]string{"serve", "--addr", "127.0.0.1:99999"}, "--addr"},
		{[]string{"serve", "--max-evidence-mb", "0"}, "--max-evidence-mb"},
		{[]string{"serve", "--max-evidence-mb", "lots"}, "--max-evidence-mb"},
		{[]string{"serve", "--log-level", "loud"}, "--log-level"},
		{[]string{"serve", "--db", ""}, "--db: is empty"},
		{[]string{"serve", "--db", dir}, "--db"},
		{[]string{"serve", "--db", "mysql://x"}, "--db"},
		{[]string{"serve", "--db", db, "extra"}, "unexpected argument"},
		{[]string{"migrate", "--addr", "127.0.0.1:1"}, "--addr: unknown flag"},
		{[]string{"demo", "--seed", "x"}, "--seed"},
		{[]string{"frobnicate"}, "frobnicate"},
		{[]string{"version", "now"}, "now"},
		{[]string{"help", "nope"}, "nope"},
	} {
		code, _, stderr := runCmd(t, c.args...)
		if code != exitUsage {
			t.Fatalf("%v: exit %d, want 2 (%s)", c.args, code, stderr)
		}
		oneLine(t, stderr, c.want)
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("a refused command created the database")
	}
}

func TestEnvironment(t *testing.T) {
	t.Setenv("ZEREN_ADDR", "zeren.internal:80")
	code, _, stderr := runCmd(t, "serve", "--db", filepath.Join(t.TempDir(), "z.db"))
	if code != exitUsage {
		t.Fatalf("exit %d", code)
	}
	oneLine(t, stderr, "ZEREN_ADDR: zeren.internal:80: give an IP address")

	// Beyond loopback is allowed now that every request is authenticated;
	// the default stays on loopback.
	for _, addr := range []string{"0.0.0.0:80", ":8080", "[::]:8080", "192.168.1.20:8080", "localhost:0"} {
		t.Setenv("ZEREN_ADDR", addr)
		if cfg, err := parseConfig("serve", nil); err != nil || cfg.addr != addr || isLoopback(addr) != (addr == "localhost:0") {
			t.Fatalf("ZEREN_ADDR %s: %+v %v", addr, cfg, err)
		}
	}
	t.Setenv("ZEREN_ADDR", "")
	if cfg, _ := parseConfig("serve", nil); cfg.addr != "127.0.0.1:8080" || !isLoopback(cfg.addr) || cfg.trustedProxies != nil {
		t.Fatalf("default: %+v", cfg)
	}
	t.Setenv("ZEREN_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.5 ,::1,10.1.2.3/16")
	cfg, err := parseConfig("demo", nil)
	if err != nil || fmt.Sprint(cfg.trustedProxies) != "[10.0.0.0/8 192.168.1.5/32 ::1/128 10.1.0.0/16]" {
		t.Fatalf("ZEREN_TRUSTED_PROXIES: %v %v", cfg.trustedProxies, err)
	}
	t.Setenv("ZEREN_TRUSTED_PROXIES", "")

	// A flag wins over the environment.
	t.Setenv("ZEREN_MAX_EVIDENCE_MB", "many")
	cfg, err = parseConfig("serve", []string{"--addr", "localhost:0", "--max-evidence-mb", "5"})
	if err != nil || cfg.addr != "localhost:0" || cfg.maxEvidenceMB != 5 {
		t.Fatalf("flags over env: %+v %v", cfg, err)
	}
	t.Setenv("ZEREN_ADDR", "[::1]:9000")
	t.Setenv("ZEREN_MAX_EVIDENCE_MB", "")
	t.Setenv("ZEREN_DB", "postgres://u:p@db.internal/zeren")
	cfg, err = parseConfig("serve", nil)
	if err != nil || cfg.addr != "[::1]:9000" || cfg.maxEvidenceMB != 20 || cfg.dataDir != "data" {
		t.Fatalf("env: %+v %v", cfg, err)
	}
	// The demo ignores ZEREN_DB and ZEREN_DATA_DIR: they name real data.
	t.Setenv("ZEREN_DATA_DIR", "/srv/zeren/data")
	cfg, err = parseConfig("demo", nil)
	if err != nil || cfg.db != "zeren-demo.db" || cfg.dataDir != "zeren-demo-data" {
		t.Fatalf("demo: %+v %v", cfg, err)
	}
	cfg, err = parseConfig("serve", []string{"--db", "/var/lib/zeren/zeren.db"})
	if err != nil || cfg.dataDir != "/srv/zeren/data" {
		t.Fatalf("serve data dir from env: %+v %v", cfg, err)
	}
	t.Setenv("ZEREN_DATA_DIR", "")
	cfg, _ = parseConfig("serve", []string{"--db", "/var/lib/zeren/zeren.db"})
	if cfg.dataDir != "/var/lib/zeren/data" {
		t.Fatalf("default data dir: %+v", cfg)
	}
}

func TestDatabaseProblems(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	code, _, stderr := runCmd(t, "serve", "--db", missing, "--addr", "127.0.0.1:0")
	if code != exitFailed {
		t.Fatalf("missing: exit %d", code)
	}
	oneLine(t, stderr, "does not exist", "zeren migrate")
	if _, err := os.Stat(missing); err == nil {
		t.Fatal("serve created the missing database")
	}

	corrupt := filepath.Join(dir, "corrupt.db")
	if err := os.WriteFile(corrupt, bytes.Repeat([]byte("not a database "), 500), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"serve", "migrate"} {
		code, _, stderr = runCmd(t, cmd, "--db", corrupt, "--addr", "127.0.0.1:0")
		if cmd == "migrate" {
			code, _, stderr = runCmd(t, cmd, "--db", corrupt)
		}
		if code != exitFailed {
			t.Fatalf("%s corrupt: exit %d (%s)", cmd, code, stderr)
		}
		oneLine(t, stderr, corrupt)
	}

	// A PostgreSQL server that refuses: one line, the password hidden.
	code, _, stderr = runCmd(t, "serve", "--db", "postgres://zeren:s3cret@127.0.0.1:1/zeren?connect_timeout=3", "--addr", "127.0.0.1:0")
	if code != exitFailed || strings.Contains(stderr, "s3cret") {
		t.Fatalf("postgres down: exit %d: %s", code, stderr)
	}
	oneLine(t, stderr, "127.0.0.1:1")
}

func TestVersionAndHelp(t *testing.T) {
	code, out, _ := runCmd(t, "version")
	if code != exitOK || !strings.Contains(out, "zeren dev") || !strings.Contains(out, "revision ") || !strings.Contains(out, "go go1.") {
		t.Fatalf("version: %d %q", code, out)
	}
	code, out, _ = runCmd(t, "help")
	if code != exitOK || !strings.Contains(out, "zeren serve") {
		t.Fatalf("help: %d %q", code, out)
	}
	code, out, _ = runCmd(t, "help", "serve")
	if code != exitOK || !strings.Contains(out, "--addr") || !strings.Contains(out, "ZEREN_ADDR") {
		t.Fatalf("help serve: %d %q", code, out)
	}
	code, out, _ = runCmd(t, "serve", "--help")
	if code != exitOK || !strings.Contains(out, "--max-evidence-mb") {
		t.Fatalf("serve --help: %d %q", code, out)
	}
	if code, _, stderr := runCmd(t); code != exitUsage || !strings.Contains(stderr, "Usage") {
		t.Fatalf("no command: %d", code)
	}
}

// TestEveryCommandHelp: `zeren CMD --help` (and -h, and after other arguments)
// prints that command's help on stdout and exits 0, for every command; nothing
// runs, so no database is opened.
func TestEveryCommandHelp(t *testing.T) {
	for name := range commands {
		if name == "help" {
			continue
		}
		for _, args := range [][]string{{name, "--help"}, {name, "-h"}, {name, "--db", "x.db", "-help"}, {"help", name}, {"help", name, "--help"}} {
			if name == "audit" && args[1] != "--db" && args[0] != "help" {
				args = append([]string{"audit", "verify"}, args[1:]...)
			}
			code, out, stderr := runCmd(t, args...)
			if code != exitOK || !strings.HasPrefix(out, "zeren "+name+" — ") || stderr != "" {
				t.Errorf("zeren %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, stderr)
			}
		}
	}
	for _, args := range [][]string{{"help", "--help"}, {"help", "-h"}, {"--help"}} {
		if code, out, _ := runCmd(t, args...); code != exitOK || !strings.Contains(out, "Usage:") {
			t.Errorf("zeren %s: exit %d, stdout %q", strings.Join(args, " "), code, out)
		}
	}
	// After "--", a help flag is an argument like any other.
	if code, _, _ := runCmd(t, "version", "--", "--help"); code != exitUsage {
		t.Errorf("version -- --help: exit %d, want %d", code, exitUsage)
	}
}

var listening = regexp.MustCompile(`listening on (https?://[^/\s]+/)`)

// startServe runs args (a serving command) until the returned cancel; it
// waits for the listening line and returns the base URL and the exit code's
// channel.
func startServe(t *testing.T, timeout time.Duration, args ...string) (base string, cancel func(), done <-chan int, out, errb *syncBuffer) {
	t.Helper()
	ctx, cancelCtx := context.WithCancel(context.Background())
	out, errb = &syncBuffer{}, &syncBuffer{}
	ch := make(chan int, 1)
	go func() { ch <- run(ctx, args, out, errb) }()
	deadline := time.Now().Add(timeout)
	for {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case code := <-ch:
			t.Fatalf("%v exited with %d before listening: %s", args, code, errb.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancelCtx()
			t.Fatalf("%v: not listening after %s: %s", args, timeout, errb.String())
		}
	}
	t.Cleanup(cancelCtx)
	return base, cancelCtx, ch, out, errb
}

// client is a browser's view of one login: the session cookie and the CSRF token.
type client struct {
	t      *testing.T
	base   string
	cookie *http.Cookie
	csrf   string
	http   *http.Client // nil: http.DefaultClient
	// last is the last answer's header.
	last http.Header
}

// call sends a JSON request and fails unless the status is want; out, when
// not nil, receives the JSON answer.
func (c *client) call(method, path string, body any, want int, out any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.authorize(req)
	hc := c.http
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	c.last = res.Header
	msg, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		c.t.Fatalf("%s %s: want %d, got %d %s", method, path, want, res.StatusCode, msg)
	}
	for _, ck := range res.Cookies() {
		if ck.Name == "zeren_session" {
			c.cookie = ck
		}
	}
	if out != nil {
		if err := json.Unmarshal(msg, out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, msg)
		}
	}
}

func (c *client) authorize(req *http.Request) {
	if c.cookie != nil {
		req.AddCookie(&http.Cookie{Name: c.cookie.Name, Value: c.cookie.Value})
	}
	if c.csrf != "" && req.Method != "GET" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
}

// login logs in through the API and passes the pending steps of a first
// login: a new password, a second factor.
func login(t *testing.T, base, username, password string) *client {
	t.Helper()
	return loginWith(t, nil, base, username, password)
}

// loginWith logs in through hc (nil: http.DefaultClient).
func loginWith(t *testing.T, hc *http.Client, base, username, password string) *client {
	t.Helper()
	c := &client{t: t, base: base, http: hc}
	var res struct {
		CSRFToken string `json:"csrf_token"`
		Pending   string `json:"pending"`
	}
	c.call("POST", "api/v1/auth/login", map[string]string{"username": username, "password": password}, 200, &res)
	c.csrf = res.CSRFToken
	for pending := res.Pending; pending != ""; {
		var me struct {
			Pending string `json:"pending"`
		}
		switch pending {
		case "password_change":
			next := "Zeren-Cmd-2026!"
			c.call("POST", "api/v1/auth/password", map[string]string{"current_password": password, "new_password": next}, 200, &me)
			password = next
		case "totp_enrol":
			var en struct{ Secret string }
			c.call("POST", "api/v1/auth/totp/enrol", nil, 200, &en)
			code, err := totp.GenerateCode(en.Secret, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			c.call("POST", "api/v1/auth/totp/verify", map[string]string{"code": code}, 200, &me)
		default:
			t.Fatalf("pending %s", pending)
		}
		if me.Pending == pending {
			t.Fatalf("step %s did not pass", pending)
		}
		pending = me.Pending
	}
	return c
}

// TestMigrateThenServe migrates a new database, serves it (saying that no
// one can log in before `zeren init`), initialises it, logs in through the
// API, and shuts the server down the way SIGTERM does (cancelling run's
// context) while an upload is in flight: the upload completes, new
// connections are refused, exit code 0.
func TestMigrateThenServe(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "sub", "zeren.db")
	code, out, stderr := runCmd(t, "migrate", "--db", db)
	if code != exitOK || !strings.Contains(out, "schema version") || !strings.Contains(out, "seeded the default activity catalog") {
		t.Fatalf("migrate: %d %q %q", code, out, stderr)
	}
	code, out, _ = runCmd(t, "migrate", "--db", db)
	if code != exitOK || strings.Contains(out, "seeded") {
		t.Fatalf("migrate again: %d %q", code, out)
	}

	// Before init: the server says so, and nobody gets in.
	base, cancel, done, sout, _ := startServe(t, 20*time.Second, "serve", "--db", db, "--addr", "127.0.0.1:0", "--log-level", "warn")
	if n := strings.Count(sout.String(), "zeren init"); n != 1 {
		t.Fatalf("no line about zeren init: %q", sout.String())
	}
	res, err := http.Get(base + "api/v1/orgs")
	if err != nil || res.StatusCode != 401 {
		t.Fatalf("orgs without accounts: %v %v", res, err)
	}
	res.Body.Close()
	cancel()
	<-done

	code, out, stderr = runCmd(t, "init", "--db", db, "--bureau-name", "示范县教育局", "--bureau-code", "b")
	if code != exitOK {
		t.Fatalf("init: %d %s %s", code, out, stderr)
	}
	// The bureau's office admin, made behind the API as the administrators would.
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(st, nil, app.Config{PasswordHashing: auth.TestParams}, nil)
	op, err := a.OperatorActor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bureau := op.Scope.Roots[0]
	office, err := a.CreateAccount(ctx, op, app.AccountInput{Username: "office", Name: "办公室", OrgID: bureau, Roles: []string{"office_admin"}})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	base, cancel, done, sout, errb := startServe(t, 20*time.Second, "serve", "--db", db, "--addr", "127.0.0.1:0", "--log-level", "warn")
	if strings.Contains(sout.String(), "zeren init") {
		t.Fatalf("accounts exist, yet: %s", sout.String())
	}
	res, err = http.Get(base + "healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	if _, err := os.Stat(filepath.Join(dir, "sub", "data")); err != nil {
		t.Fatalf("the default data dir next to the database: %v", err)
	}

	c := login(t, base, "office", office.InitialPassword)
	var org struct{ ID int64 }
	c.call("POST", "api/v1/orgs", map[string]any{"parent_id": bureau, "kind": "school", "code": "s1", "name": "第一小学"}, 201, &org)
	var types struct{ Items []struct{ ID int64 } }
	c.call("GET", "api/v1/activity-types", nil, 200, &types)
	if len(types.Items) == 0 {
		t.Fatal("the catalog is empty")
	}
	var act struct{ ID int64 }
	c.call("POST", "api/v1/activities", map[string]any{"org_id": org.ID, "type_id": types.Items[0].ID,
		"date": "2025-05-06", "title": "会议", "attendance": 9}, 201, &act)

	// A slow upload: the multipart body is written in two halves, with the
	// shutdown started in between.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	result := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", fmt.Sprintf("%sapi/v1/activities/%d/evidence", base, act.ID), pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		c.authorize(req)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("upload: %v", err)
			result <- 0
			return
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		result <- res.StatusCode
	}()
	part, _ := mw.CreateFormFile("file", "照片.png")
	photo := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{3}, 200_000)...)
	if _, err := part.Write(photo[:100_000]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the server is reading the body now
	cancel()
	time.Sleep(300 * time.Millisecond) // the shutdown has begun
	if _, err := part.Write(photo[100_000:]); err != nil {
		t.Fatal(err)
	}
	mw.Close()
	pw.Close()
	if st := <-result; st != 201 {
		t.Fatalf("the upload in flight answered %d", st)
	}
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("serve exited %d: %s", code, errb.String())
		}
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not stop")
	}
	if c, err := net.DialTimeout("tcp", strings.TrimSuffix(strings.TrimPrefix(base, "http://"), "/"), time.Second); err == nil {
		c.Close()
		t.Fatal("still accepting connections after shutdown")
	}
}

func TestDemoRefusesForeignData(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "zeren.db")
	if err := os.WriteFile(real, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd(t, "demo", "--db", real, "--addr", "127.0.0.1:0")
	if code != exitFailed {
		t.Fatalf("exit %d", code)
	}
	oneLine(t, stderr, "refusing to delete")
	if b, _ := os.ReadFile(real); string(b) != "precious" {
		t.Fatal("the demo touched a database it did not make")
	}

	// A data directory with someone else's files is refused as well.
	other := filepath.Join(dir, "other")
	if err := os.MkdirAll(other, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "photo.jpg"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCmd(t, "demo", "--db", filepath.Join(dir, "demo.db"), "--data-dir", other, "--addr", "127.0.0.1:0")
	if code != exitFailed {
		t.Fatalf("exit %d", code)
	}
	oneLine(t, stderr, "--data-dir", "refusing")

	// Its own previous build is replaced.
	cfg := config{db: filepath.Join(dir, "d.db"), dataDir: filepath.Join(dir, "d-data")}
	if err := resetDemo(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{cfg.db, cfg.db + "-wal", filepath.Join(cfg.dataDir, "ab", "blob")} {
		_ = os.MkdirAll(filepath.Dir(f), 0o750)
		if err := os.WriteFile(f, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := resetDemo(context.Background(), cfg); err != nil {
		t.Fatalf("refreshing its own demo: %v", err)
	}
	for _, f := range []string{cfg.db, cfg.db + "-wal", filepath.Join(cfg.dataDir, "ab")} {
		if _, err := os.Stat(f); err == nil {
			t.Fatalf("%s survived the refresh", f)
		}
	}
}

// TestDemo builds the demo county and serves it (the build takes seconds).
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole demo county")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "zeren-demo.db")
	base, cancel, done, out, errb := startServe(t, 3*time.Minute, "demo", "--db", db, "--addr", "127.0.0.1:0", "--log-level", "warn")
	if !strings.Contains(out.String(), "open "+base) || !strings.Contains(out.String(), "seed 1") || !strings.Contains(out.String(), "DEMO ACCOUNTS") {
		t.Fatalf("demo output: %s", out.String())
	}
	res, err := http.Get(base + "api/v1/orgs?limit=1")
	if err != nil || res.StatusCode != 401 {
		t.Fatalf("the demo without a login: %v %v", res, err)
	}
	res.Body.Close()
	// The demo leader covers the whole county.
	c := login(t, base, "lingdao", demo.DemoPassword)
	var orgs struct{ Total int }
	c.call("GET", "api/v1/orgs?limit=1", nil, 200, &orgs)
	if orgs.Total < 100 {
		t.Fatalf("the demo county has %d units", orgs.Total)
	}
	if _, err := os.Stat(filepath.Join(dir, "zeren-demo-data", demoMarker)); err != nil {
		t.Fatalf("no demo marker: %v", err)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("demo exited %d: %s", code, errb.String())
	}
}

// TestDemoOnPostgres builds the demo county on PostgreSQL, serves it, rebuilds
// it over its own earlier build, and refuses a database with foreign tables.
func TestDemoOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole demo county")
	}
	server := os.Getenv(storetest.EnvPG)
	if server == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set on CI", storetest.EnvPG)
		}
		t.Skip(storetest.EnvPG + " is not set")
	}
	dir := t.TempDir()
	dsn := storetest.PGDatabase(t, server)
	data := filepath.Join(dir, "demo-data")
	base, cancel, done, out, errb := startServe(t, 5*time.Minute, "demo", "--db", dsn, "--data-dir", data, "--addr", "127.0.0.1:0", "--log-level", "warn")
	if !strings.Contains(out.String(), "DEMO ACCOUNTS") {
		t.Fatalf("demo output: %s", out.String())
	}
	c := login(t, base, "lingdao", demo.DemoPassword)
	var orgs struct{ Total int }
	c.call("GET", "api/v1/orgs?limit=1", nil, 200, &orgs)
	if orgs.Total < 100 {
		t.Fatalf("the demo county on PostgreSQL has %d units", orgs.Total)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("demo exited %d: %s", code, errb.String())
	}
	// The next demo empties its own earlier build (database and files).
	if err := resetDemo(context.Background(), config{db: dsn, dataDir: data}); err != nil {
		t.Fatalf("rebuilding over its own demo: %v", err)
	}
	own, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	var tables int
	if err := own.QueryRow("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").Scan(&tables); err != nil || tables != 0 {
		t.Fatalf("after the reset %d tables are left (%v)", tables, err)
	}

	// A database with tables the demo did not make is refused and left alone.
	other := storetest.PGDatabase(t, server)
	db, err := sql.Open("pgx", other)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE precious (v text); INSERT INTO precious VALUES ('keep')"); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd(t, "demo", "--db", other, "--data-dir", filepath.Join(dir, "other-data"), "--addr", "127.0.0.1:0")
	if code != exitFailed {
		t.Fatalf("foreign database: exit %d", code)
	}
	oneLine(t, stderr, "did not make", "refusing")
	var v string
	if err := db.QueryRow("SELECT v FROM precious").Scan(&v); err != nil || v != "keep" {
		t.Fatalf("the demo touched a database it did not make: %q %v", v, err)
	}
}
