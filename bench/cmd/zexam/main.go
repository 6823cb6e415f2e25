// Command zexam is the load benchmark of online exams (issue 15): N simulated
// candidates on loopback log in during the window before the start (the
// argon2id password hash is the limit, so the login rate is measured first
// and reported), then all start within S seconds, answer one question every
// few seconds with an autosave each, and submit. It reports the errors, the
// p50/p99 of start, save and submit, the process's memory, and checks that
// no acknowledged answer was lost: every save the server acknowledged is in
// the attempt after submission.
//
//	go run ./bench/cmd/zexam [-n 200] [-spread 20s] [-questions 10] [-think 2s] [-engine sqlite|postgres] [-pg URL]
//
// The server runs in this process (the real HTTP stack, app and store, on
// 127.0.0.1), so the memory reported is the server's and the clients'
// together. Accounts are created with a cheap password hash to keep the setup
// short; the first login re-hashes each password at the server's real cost
// (argon2id, 64 MiB), which is what a login costs anyway.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/auth"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/httpapi"
	"github.com/zeren-edu/zeren/internal/store"
)

const password = "Zr-Exam-Bench-2026!"

func main() {
	n := flag.Int("n", 200, "candidates (the issue's target: 20000)")
	spread := flag.Duration("spread", 20*time.Second, "all candidates start within this time")
	questions := flag.Int("questions", 10, "questions on the paper (one autosave each)")
	think := flag.Duration("think", 2*time.Second, "time between two answers of one candidate")
	engine := flag.String("engine", "sqlite", "sqlite or postgres")
	pg := flag.String("pg", os.Getenv("ZEREN_BENCH_PG"), "PostgreSQL server URL (a database zexam_… is created on it and dropped)")
	logins := flag.Int("login-clients", 8, "concurrent logins in the pre-login window")
	flag.Parse()
	if err := run(*n, *spread, *questions, *think, *engine, *pg, *logins); err != nil {
		fmt.Fprintln(os.Stderr, "zexam:", err)
		os.Exit(1)
	}
}

// lat collects latencies.
type lat struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *lat) add(d time.Duration) { l.mu.Lock(); l.d = append(l.d, d); l.mu.Unlock() }

func (l *lat) pct(p float64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0
	}
	s := slices.Clone(l.d)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") { // the peak resident set
			var kb float64
			if _, err := fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")), "%f", &kb); err != nil {
				return 0
			}
			return kb / 1024
		}
	}
	return 0
}

func openStore(ctx context.Context, engine, pg string) (*store.Store, func(), error) {
	if engine == "postgres" {
		if pg == "" {
			return nil, nil, fmt.Errorf("-engine postgres needs -pg or ZEREN_BENCH_PG")
		}
		admin, err := sql.Open("pgx", pg)
		if err != nil {
			return nil, nil, err
		}
		name := fmt.Sprintf("zexam_%d", time.Now().UnixNano())
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			return nil, nil, err
		}
		dsn := pg
		if i := strings.LastIndex(dsn, "/"); i > len("postgres://") {
			rest := ""
			if q := strings.Index(dsn[i:], "?"); q >= 0 {
				rest = dsn[i+q:]
			}
			dsn = dsn[:i] + "/" + name + rest
		}
		st, err := store.Open(ctx, dsn, store.Options{})
		if err != nil {
			return nil, nil, err
		}
		return st, func() {
			st.Close()
			_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			admin.Close()
		}, nil
	}
	dir, err := os.MkdirTemp("", "zexam")
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, filepath.Join(dir, "zeren.db"), store.Options{Create: true})
	if err != nil {
		return nil, nil, err
	}
	return st, func() { st.Close(); os.RemoveAll(dir) }, nil
}

func run(n int, spread time.Duration, nq int, think time.Duration, engine, pg string, loginClients int) error {
	ctx := context.Background()
	st, done, err := openStore(ctx, engine, pg)
	if err != nil {
		return err
	}
	defer done()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	blobs, err := blob.NewFS(os.TempDir())
	if err != nil {
		return err
	}
	// Setup with a cheap hash; the server below uses the real one.
	cheap := app.DefaultConfig()
	cheap.PasswordHashing = auth.TestParams
	setup := app.New(st, blobs, cheap, nil)
	if err := setup.EnsureBuiltinRoles(ctx); err != nil {
		return err
	}
	root := domain.Actor{Name: "zexam", Operator: true}
	bureau, err := setup.CreateOrg(ctx, root, app.OrgInput{Kind: domain.OrgBureau, Code: "ZX", Name: "压测县教育局"})
	if err != nil {
		return err
	}
	op, err := setup.OperatorActor(ctx)
	if err != nil {
		return err
	}
	var schools []int64
	for i := 0; i < 20; i++ {
		s, err := setup.CreateOrg(ctx, op, app.OrgInput{ParentID: bureau.ID, Kind: domain.OrgSchool, Code: fmt.Sprintf("ZX-S%02d", i), Name: fmt.Sprintf("压测学校%02d", i)})
		if err != nil {
			return err
		}
		schools = append(schools, s.ID)
	}
	t0 := time.Now()
	users := make([]string, n)
	for i := range users {
		users[i] = fmt.Sprintf("cand%05d", i)
		if _, err := setup.CreateAccountWithPassword(ctx, op, app.AccountInput{Username: users[i], Name: fmt.Sprintf("考生%05d", i),
			OrgID: schools[i%len(schools)], Roles: []string{domain.RoleMember}}, password); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "setup: %d accounts in %s\n", n, time.Since(t0).Round(time.Millisecond))
	bank, err := setup.CreateBank(ctx, op, domain.BankInput{OrgID: bureau.ID, Name: "压测题库"})
	if err != nil {
		return err
	}
	var qids []int64
	for i := 0; i < nq; i++ {
		q, err := setup.CreateQuestion(ctx, op, bank.ID, domain.QuestionInput{Kind: domain.QuestionSingle, Stem: fmt.Sprintf("第%d题", i+1),
			Options: []domain.ExamOption{{Text: "甲"}, {Text: "乙"}, {Text: "丙"}, {Text: "丁"}}, Answer: json.RawMessage(`"A"`), Points: 10})
		if err != nil {
			return err
		}
		qids = append(qids, q.ID)
	}

	// The server, with the real password cost.
	a := app.New(st, blobs, app.DefaultConfig(), nil)
	srv := httpapi.New(a, nil, httpapi.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConns: 4096, MaxIdleConnsPerHost: 4096, MaxConnsPerHost: 0}}

	type sess struct{ cookie, csrf string }
	call := func(s sess, method, path string, body any, out any) (int, error) {
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if s.cookie != "" {
			req.Header.Set("Cookie", s.cookie)
			req.Header.Set("X-CSRF-Token", s.csrf)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 300 {
			return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		if out != nil {
			return resp.StatusCode, json.Unmarshal(b, out)
		}
		return resp.StatusCode, nil
	}

	// 1. The pre-login window: every candidate logs in before the start.
	sessions := make([]sess, n)
	var loginErrs atomic.Int64
	var loginLat lat
	next := atomic.Int64{}
	t0 = time.Now()
	var wg sync.WaitGroup
	for c := 0; c < loginClients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				start := time.Now()
				b, _ := json.Marshal(map[string]string{"username": users[i], "password": password})
				resp, err := client.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(b))
				if err != nil {
					loginErrs.Add(1)
					continue
				}
				var body struct {
					CSRF string `json:"csrf_token"`
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || json.Unmarshal(raw, &body) != nil {
					loginErrs.Add(1)
					fmt.Fprintf(os.Stderr, "login %s: %d %s\n", users[i], resp.StatusCode, raw)
					continue
				}
				for _, c := range resp.Cookies() {
					if c.Name == "zeren_session" {
						sessions[i] = sess{cookie: c.Name + "=" + c.Value, csrf: body.CSRF}
					}
				}
				loginLat.add(time.Since(start))
			}
		}()
	}
	wg.Wait()
	loginTime := time.Since(t0)
	loginRate := float64(n) / loginTime.Seconds()

	// 2. The exam opens now; everyone starts within spread.
	now := a.Clock().Now()
	dur := int((spread+time.Duration(nq)*think)/time.Minute) + 5
	ex, err := setup.CreateExam(ctx, op, domain.ExamInput{Title: "压测考试", OrgID: bureau.ID, OpensAt: now, ClosesAt: now.Add(2 * time.Hour),
		DurationMinutes: dur, PassMark: nq * 6, Paper: domain.Paper{FixedQuestionIDs: qids}, ShuffleOptions: true})
	if err == nil {
		ex, err = setup.PublishExam(ctx, op, ex.ID)
	}
	if err != nil {
		return err
	}
	var startLat, saveLat, submitLat lat
	var errs, lost atomic.Int64
	var errMu sync.Mutex
	var firstErrs []string
	fail := func(err error) {
		errs.Add(1)
		errMu.Lock()
		if len(firstErrs) < 5 {
			firstErrs = append(firstErrs, err.Error())
		}
		errMu.Unlock()
	}
	runtime.GC()
	t0 = time.Now()
	for i := 0; i < n; i++ {
		if sessions[i].cookie == "" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(int64(spread) * int64(i) / int64(n)))
			s := sessions[i]
			var at domain.Attempt
			st := time.Now()
			if _, err := call(s, "POST", fmt.Sprintf("/api/v1/exams/%d/attempts", ex.ID), nil, &at); err != nil {
				fail(err)
				return
			}
			startLat.add(time.Since(st))
			acked := map[int64]string{}
			for k, q := range at.Questions {
				time.Sleep(think)
				val := q.Options[(i+k)%len(q.Options)].Key
				var res domain.SaveResult
				st := time.Now()
				body := map[string]any{"answers": []map[string]any{{"question_id": q.ID, "value": val, "seq": 1}}}
				if _, err := call(s, "PUT", fmt.Sprintf("/api/v1/attempts/%d/answers", at.ID), body, &res); err != nil {
					fail(err)
					continue
				}
				saveLat.add(time.Since(st))
				if len(res.Saved) == 1 {
					acked[q.ID] = val
				}
			}
			st = time.Now()
			if _, err := call(s, "POST", fmt.Sprintf("/api/v1/attempts/%d/submit", at.ID), nil, nil); err != nil {
				fail(err)
				return
			}
			submitLat.add(time.Since(st))
			var after domain.Attempt
			if _, err := call(s, "GET", fmt.Sprintf("/api/v1/attempts/%d", at.ID), nil, &after); err != nil {
				fail(err)
				return
			}
			for q, v := range acked {
				var got string
				_ = json.Unmarshal(after.Answers[fmt.Sprint(q)], &got)
				if got != v {
					lost.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	examTime := time.Since(t0)
	fmt.Printf("## Exam load benchmark (%s)\n\n", engine)
	fmt.Printf("`go run ./bench/cmd/zexam -engine %s -n %d -spread %s -questions %d -think %s`, %d cores (GOMAXPROCS %d)\n\n",
		engine, n, spread, nq, think, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	fmt.Printf("| measure | value |\n|---|---|\n")
	fmt.Printf("| candidates | %d |\n", n)
	fmt.Printf("| logins (pre-login window, %d clients) | %.1f /s — %d logins in %s; p50 %s, p99 %s; %d failed |\n", loginClients, loginRate, n,
		loginTime.Round(time.Millisecond), loginLat.pct(0.5).Round(time.Millisecond), loginLat.pct(0.99).Round(time.Millisecond), loginErrs.Load())
	fmt.Printf("| pre-login needed for 20 000 candidates | %.0f min |\n", 20000/loginRate/60)
	fmt.Printf("| start p50 / p99 | %s / %s |\n", startLat.pct(0.5).Round(time.Microsecond*100), startLat.pct(0.99).Round(time.Microsecond*100))
	fmt.Printf("| save p50 / p99 (%d saves) | %s / %s |\n", len(saveLat.d), saveLat.pct(0.5).Round(time.Microsecond*100), saveLat.pct(0.99).Round(time.Microsecond*100))
	fmt.Printf("| submit p50 / p99 | %s / %s |\n", submitLat.pct(0.5).Round(time.Microsecond*100), submitLat.pct(0.99).Round(time.Microsecond*100))
	fmt.Printf("| errors | %d |\n", errs.Load())
	fmt.Printf("| lost answers (acknowledged, missing after submission) | %d |\n", lost.Load())
	fmt.Printf("| exam phase | %s |\n", examTime.Round(time.Millisecond))
	fmt.Printf("| peak RSS (server and clients, one process) | %.0f MB |\n", rssMB())
	for _, e := range firstErrs {
		fmt.Fprintln(os.Stderr, "error:", e)
	}
	if errs.Load() > 0 || lost.Load() > 0 || loginErrs.Load() > 0 {
		return fmt.Errorf("%d errors, %d failed logins, %d lost answers", errs.Load(), loginErrs.Load(), lost.Load())
	}
	return nil
}
