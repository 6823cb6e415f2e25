// Package demo builds the demo county: a fictional county education bureau
// (示范县教育局) with its districts, schools and party branches, and a ledger
// of activities from 2024 up to today at the scale of the source document —
// tens of activities per type and year — built entirely through the
// application layer, as users would have entered it.
//
// The tree is the same for every seed; the ledger (which unit did what, when,
// with how many people, under which title, where it stands in review and
// which photos back it) is a deterministic function of the seed and today.
// Random draws come from one PCG source in a fixed order; nothing decides by
// iterating a map. Calendar year 2024 reproduces the source document's
// figures exactly for the types it counts (57 themed activities, 84 outreach
// lectures, 72 study sessions, 97 moral-education sessions, 82 volunteer
// services, 50 community safety outreaches, 43 commemorations); later years
// differ by 4–15% per type so that year-on-year comparisons show something.
package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// Options tune Build.
type Options struct {
	// Seed decides the ledger; the same seed gives the same ledger.
	Seed int64
	// Today is the last day the ledger reaches; zero means the app's today.
	// It may not be later than the app's today (activities cannot be in the
	// future).
	Today domain.Date
}

// The demo bureau's term boundaries (its semester calendar).
const (
	springStart = "02-15"
	autumnStart = "08-25"
)

// KindCount counts the units of one kind.
type KindCount struct {
	Kind   domain.OrgKind
	Count  int
	Active int
}

// YearCount counts the activities of one calendar year.
type YearCount struct {
	Year       int
	Activities int
	Approved   int
}

// StatusCount counts the activities in one status.
type StatusCount struct {
	Status domain.Status
	Count  int
}

// EvidenceCount describes the evidence files attached.
type EvidenceCount struct {
	Files       int   // distinct files (blobs)
	Attachments int   // links from activities to files
	Bytes       int64 // size of the distinct files
	Photos      int   // distinct photos
	Minutes     int   // distinct PDF minutes
	Shared      int   // files attached to two activities of different schools
}

// Summary says what Build made, counted back from the application.
type Summary struct {
	County     string
	BureauID   int64
	Seed       int64
	Today      domain.Date
	Units      []KindCount // bureau, district, school, branch
	Activities int
	Years      []YearCount
	Statuses   []StatusCount // draft, submitted, approved, returned
	Evidence   EvidenceCount
	Closed     []string // closed periods
	Duration   time.Duration
}

// UnitCount returns the number of units of a kind (active or not).
func (s Summary) UnitCount(k domain.OrgKind) int {
	for _, c := range s.Units {
		if c.Kind == k {
			return c.Count
		}
	}
	return 0
}

var (
	kindLabels   = map[domain.OrgKind]string{domain.OrgBureau: "教育局 bureau", domain.OrgDistrict: "学区 districts", domain.OrgSchool: "学校 schools", domain.OrgBranch: "党支部 branches"}
	statusLabels = map[domain.Status]string{domain.StatusDraft: "草稿 draft", domain.StatusSubmitted: "待审核 submitted", domain.StatusApproved: "已通过 approved", domain.StatusReturned: "已退回 returned"}
)

// String is a short Chinese and English summary for the console.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s 演示数据 demo county — seed %d, 截至 as of %s\n", s.County, s.Seed, s.Today)
	b.WriteString("  单位 units:")
	for i, c := range s.Units {
		if i > 0 {
			b.WriteString(" ·")
		}
		fmt.Fprintf(&b, " %d %s", c.Count, kindLabels[c.Kind])
		if c.Active != c.Count {
			fmt.Fprintf(&b, " (%d 已撤销 inactive)", c.Count-c.Active)
		}
	}
	fmt.Fprintf(&b, "\n  活动 activities: %d —", s.Activities)
	for i, y := range s.Years {
		if i > 0 {
			b.WriteString(" ·")
		}
		fmt.Fprintf(&b, " %d年 %d (已通过 approved %d)", y.Year, y.Activities, y.Approved)
	}
	b.WriteString("\n  状态 status:")
	for i, c := range s.Statuses {
		if i > 0 {
			b.WriteString(" ·")
		}
		fmt.Fprintf(&b, " %s %d", statusLabels[c.Status], c.Count)
	}
	e := s.Evidence
	fmt.Fprintf(&b, "\n  佐证 evidence: %d 个文件 files (%d 照片 photos, %d 会议纪要 minutes), %.1f MB, %d 处挂接 attachments, %d 张照片被两校重复使用 reused by two schools\n",
		e.Files, e.Photos, e.Minutes, float64(e.Bytes)/(1<<20), e.Attachments, e.Shared)
	if len(s.Closed) > 0 {
		fmt.Fprintf(&b, "  已关账 closed periods: %s\n", strings.Join(s.Closed, ", "))
	}
	fmt.Fprintf(&b, "  用时 built in %s", s.Duration.Round(10*time.Millisecond))
	return b.String()
}

// Build creates the demo county in an empty database through the use cases
// of a: the org tree, the default catalog, the bureau's semester calendar,
// the ledger from 2024 to today with evidence files and review history, and
// the closure of calendar year 2024.
func Build(ctx context.Context, a *app.App, opts Options) (Summary, error) {
	start := time.Now()
	today := opts.Today
	if today.IsZero() {
		today = a.Today()
	}
	if today.After(a.Today()) {
		return Summary{}, domain.Invalid("today", "%s is after today (%s); activities cannot be in the future", today, a.Today())
	}
	if today.Year < FirstYear {
		return Summary{}, domain.Invalid("today", "the demo ledger starts in %d; %s is before it", FirstYear, today)
	}
	ac, err := a.OperatorActor(ctx)
	if err != nil {
		return Summary{}, err
	}
	if n := len(ac.Scope.Roots); n > 0 {
		return Summary{}, domain.Conflict("database", "the demo county is built into an empty database; this one already holds %d org tree(s)", n)
	}
	if _, err := a.SeedCatalog(ctx, ac); err != nil {
		return Summary{}, fmt.Errorf("seeding the catalog: %w", err)
	}
	types, err := a.ListTypes(ctx, "", true)
	if err != nil {
		return Summary{}, err
	}
	units := countyUnits(today)
	if err := createUnits(ctx, a, ac, units); err != nil {
		return Summary{}, err
	}
	bureau := units[0]
	if ac, err = a.OperatorActor(ctx); err != nil {
		return Summary{}, err
	}
	if _, err := a.SetSemesterCalendar(ctx, ac, bureau.id, app.SemesterCalendar{SpringStart: springStart, AutumnStart: autumnStart}); err != nil {
		return Summary{}, fmt.Errorf("setting the semester calendar: %w", err)
	}

	p := &planner{
		r:     rand.New(rand.NewPCG(uint64(opts.Seed), 0x7a6572656e)),
		units: units,
		today: today,
		types: func(code string) (domain.ActivityType, bool) {
			for _, t := range types {
				if t.Code == code {
					return t, true
				}
			}
			return domain.ActivityType{}, false
		},
	}
	items := p.plan()
	ev, err := record(ctx, a, ac, opts.Seed, items)
	if err != nil {
		return Summary{}, err
	}

	var closed []string
	if today.Year > FirstYear {
		c, err := a.ClosePeriod(ctx, ac, fmt.Sprint(FirstYear))
		if err != nil {
			return Summary{}, fmt.Errorf("closing %d: %w", FirstYear, err)
		}
		closed = append(closed, c.Period)
	}
	for _, u := range units {
		if !u.until.IsZero() {
			if _, err := a.DeactivateOrg(ctx, ac, u.id, u.until); err != nil {
				return Summary{}, fmt.Errorf("deactivating %s: %w", u.code, err)
			}
		}
	}

	if err := buildRosters(ctx, a, ac, opts.Seed, units, today); err != nil {
		return Summary{}, fmt.Errorf("building the rosters: %w", err)
	}
	if err := buildDuties(ctx, a, ac, units, today); err != nil {
		return Summary{}, fmt.Errorf("building the duty plans: %w", err)
	}
	if err := buildRectifications(ctx, a, ac, opts.Seed, units, today); err != nil {
		return Summary{}, fmt.Errorf("building the rectifications: %w", err)
	}
	if err := buildCases(ctx, a, ac, units); err != nil {
		return Summary{}, fmt.Errorf("building the cases: %w", err)
	}

	sum, err := summarize(ctx, a, ac, today)
	if err != nil {
		return Summary{}, err
	}
	sum.County, sum.BureauID, sum.Seed, sum.Closed, sum.Evidence = bureau.name, bureau.id, opts.Seed, closed, ev
	sum.Duration = time.Since(start)
	return sum, nil
}

// record enters the planned ledger: every activity (drafts as drafts, the
// rest submitted), returns with their reasons, evidence files, resubmissions
// after a return, and approvals in batches.
func record(ctx context.Context, a *app.App, ac domain.Actor, seed int64, items []*item) (EvidenceCount, error) {
	var ev EvidenceCount
	batch := backfillBatch(items) // see problems.go
	for _, it := range items {
		in := domain.ActivityInput{OrgID: it.unit.id, TypeID: it.typ.ID, Date: it.date, Title: it.title, Description: it.desc,
			Attendance: it.attendance, Publication: it.publication}
		if it.venue != "" {
			in.Venues = []string{it.venue}
		}
		act, err := a.CreateActivity(ctx, enteredBy(ac, it, batch), in, it.status != domain.StatusDraft)
		if err != nil {
			return ev, fmt.Errorf("recording %q (%s, %s): %w", it.title, it.unit.code, it.date, err)
		}
		it.id = act.ID
		if it.status == domain.StatusReturned || it.reworked {
			if _, err := a.Transition(ctx, ac, it.id, domain.ActReturn, it.reason); err != nil {
				return ev, fmt.Errorf("returning activity %d: %w", it.id, err)
			}
		}
	}

	if err := attachAll(ctx, a, ac, evidenceFiles(seed, items, &ev)); err != nil {
		return ev, err
	}

	var approve []int64
	for _, it := range items {
		if it.reworked {
			if _, err := a.Transition(ctx, ac, it.id, domain.ActSubmit, ""); err != nil {
				return ev, fmt.Errorf("resubmitting activity %d: %w", it.id, err)
			}
		}
		if it.status == domain.StatusApproved {
			approve = append(approve, it.id)
		}
	}
	for len(approve) > 0 {
		n := min(len(approve), app.MaxBulk)
		if _, err := a.BulkApprove(ctx, ac, approve[:n]); err != nil {
			return ev, fmt.Errorf("approving: %w", err)
		}
		approve = approve[n:]
	}
	return ev, nil
}

// file is one evidence file to attach to a planned activity.
type file struct {
	it   *item
	name string
	data []byte
}

// evidenceFiles makes the files of every record, grouped by record in
// creation order, and counts them.
func evidenceFiles(seed int64, items []*item, ev *EvidenceCount) [][]file {
	seen := map[[sha256.Size]byte]bool{}
	var out [][]file
	add := func(fs []file, f file, isPhoto bool) []file {
		ev.Attachments++
		sha := sha256.Sum256(f.data)
		switch {
		case !seen[sha]:
			seen[sha] = true
			ev.Files++
			ev.Bytes += int64(len(f.data))
			if isPhoto {
				ev.Photos++
			} else {
				ev.Minutes++
			}
		case f.it.shareFrom != nil:
			ev.Shared++
		}
		return append(fs, f)
	}
	for _, it := range items {
		var fs []file
		for k := range it.photos {
			data := photo(seed, it.seq, k)
			if k == 0 && it.shareFrom != nil {
				data = photo(seed, it.shareFrom.seq, 0)
			}
			fs = add(fs, file{it, photoName(seed, it, k), data}, true)
		}
		if it.minutes {
			fs = add(fs, file{it, minutesName(it), minutesPDF(it)}, false)
		}
		if len(fs) > 0 {
			out = append(out, fs)
		}
	}
	return out
}

// attachWorkers is how many records get their files at once. Storing a blob
// waits for the disk (fsync); the database writes are serialised anyway, so
// a few workers overlap the waits. Each record's files are attached in order
// by one worker, so the result does not depend on the scheduling.
const attachWorkers = 8

// attachAll attaches the files of every record.
func attachAll(ctx context.Context, a *app.App, ac domain.Actor, groups [][]file) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan []file)
	var wg sync.WaitGroup
	for range attachWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for fs := range jobs {
				for _, f := range fs {
					if _, err := a.AttachEvidence(ctx, ac, f.it.id, f.name, bytes.NewReader(f.data)); err != nil {
						cancel(fmt.Errorf("attaching %s to activity %d: %w", f.name, f.it.id, err))
						return
					}
				}
			}
		}()
	}
send:
	for _, fs := range groups {
		select {
		case jobs <- fs:
		case <-ctx.Done():
			break send
		}
	}
	close(jobs)
	wg.Wait()
	return context.Cause(ctx)
}

// summarize counts what the database holds, through the use cases.
func summarize(ctx context.Context, a *app.App, ac domain.Actor, today domain.Date) (Summary, error) {
	s := Summary{Today: today}
	active := true
	for _, k := range domain.OrgKinds {
		_, n, err := a.ListOrgs(ctx, ac, store.OrgFilter{Kind: k, Limit: 1})
		if err != nil {
			return s, err
		}
		_, m, err := a.ListOrgs(ctx, ac, store.OrgFilter{Kind: k, Active: &active, Limit: 1})
		if err != nil {
			return s, err
		}
		s.Units = append(s.Units, KindCount{Kind: k, Count: n, Active: m})
	}
	count := func(q app.ActivityQuery) (int, error) {
		q.Limit = 1
		_, n, err := a.ListActivities(ctx, ac, q)
		return n, err
	}
	var err error
	if s.Activities, err = count(app.ActivityQuery{}); err != nil {
		return s, err
	}
	for y := FirstYear; y <= today.Year; y++ {
		yc := YearCount{Year: y}
		if yc.Activities, err = count(app.ActivityQuery{Period: fmt.Sprint(y)}); err != nil {
			return s, err
		}
		if yc.Approved, err = count(app.ActivityQuery{Period: fmt.Sprint(y), Statuses: []domain.Status{domain.StatusApproved}}); err != nil {
			return s, err
		}
		s.Years = append(s.Years, yc)
	}
	for _, st := range domain.Statuses {
		n, err := count(app.ActivityQuery{Statuses: []domain.Status{st}})
		if err != nil {
			return s, err
		}
		s.Statuses = append(s.Statuses, StatusCount{Status: st, Count: n})
	}
	return s, nil
}
