package app_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/feed"
	"github.com/zeren-edu/zeren/internal/feed/feedtest"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// concernClock is a clock the feed tests move forward.
type concernClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *concernClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *concernClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type concernFixture struct {
	*fixture
	clock            *concernClock
	office           domain.Actor // office admin at the bureau
	mon1, mon2       domain.Actor // monitors of district 1 and district 2
	school1, school4 domain.OrgUnit
}

func newConcernFixture(t *testing.T, e storetest.Engine) *concernFixture {
	c := &concernClock{now: storetest.Clock(today)()}
	f := newFixtureAt(t, e, c.Now)
	cf := &concernFixture{fixture: f, clock: c, school1: f.schools[0], school4: f.schools[3]}
	cf.office = actorWithRole(f.bureau, domain.RoleOfficeAdmin)
	cf.mon1 = actorWithRole(f.districts[0], domain.RoleMonitor)
	cf.mon2 = actorWithRole(f.districts[1], domain.RoleMonitor)
	return cf
}

func (cf *concernFixture) rule(t *testing.T, name, expr, topic string, sev int) domain.ConcernRule {
	t.Helper()
	r, err := cf.app.CreateRule(context.Background(), cf.office, app.RuleInput{OrgID: cf.bureau.ID, Name: name, Expr: expr, Topic: topic, Severity: sev})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (cf *concernFixture) push(t *testing.T, items ...app.IncomingItem) app.IngestResult {
	t.Helper()
	res, err := cf.app.PushItems(context.Background(), cf.office, app.PushInput{Items: items})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

const canteenPost = "家长反映学区1学校1食堂饭菜质量很差，孩子吃了肚子疼，希望教育局尽快调查处理，给家长一个交代。"

// An item naming a school is filed under a story, matched by the rules and
// routed to that school; a repost joins the story; a repeated push changes
// nothing; each district's monitor sees its own units' stories only.
func TestConcernIngestRoutesDedupesAndScopes(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			cf := newConcernFixture(t, e)
			food := cf.rule(t, "食堂质量", "食堂 AND (质量 OR 卫生)", "食品安全", domain.SeveritySignificant)
			res := cf.push(t,
				app.IncomingItem{ID: "v-1", URL: "https://bbs.example.cn/t/1?utm_source=x", Title: "学区1学校1食堂问题", Text: canteenPost},
				app.IncomingItem{ID: "v-2", URL: "https://weibo.example.cn/p/9", Title: "转：学区1学校1食堂问题", Text: canteenPost + "（转）"},
				app.IncomingItem{ID: "v-3", URL: "https://bbs.example.cn/t/3", Title: "学区2学校2运动会", Text: "学区2学校2今天举行秋季运动会，同学们积极参与，场面热烈。"},
			)
			if res.Accepted != 3 || res.NewStories != 2 || res.Matched != 2 || res.Duplicates != 0 {
				t.Fatalf("first push: %+v", res)
			}
			again := cf.push(t, app.IncomingItem{ID: "v-1", URL: "https://bbs.example.cn/t/1", Title: "学区1学校1食堂问题", Text: canteenPost})
			if again.Accepted != 0 || again.Duplicates != 1 {
				t.Fatalf("repeated push: %+v", again)
			}

			page, err := cf.app.ListStories(ctx, cf.office, app.StoryQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != 2 {
				t.Fatalf("office sees %d stories: %+v", page.Total, page.Stories)
			}
			var canteen domain.ConcernStory
			for _, s := range page.Stories {
				if s.Topic == "食品安全" {
					canteen = s
				}
			}
			if canteen.ItemCount != 2 || canteen.Severity != domain.SeveritySignificant || len(canteen.RuleIDs) != 1 || canteen.RuleIDs[0] != food.ID {
				t.Fatalf("canteen story: %+v", canteen)
			}
			if len(canteen.Units) != 1 || canteen.Units[0].ID != cf.school1.ID || canteen.Units[0].Name != cf.school1.Name {
				t.Fatalf("routed to %+v, want %s", canteen.Units, cf.school1.Name)
			}

			// Monitors: district 1 sees the canteen story, district 2 the sports day.
			p1, err := cf.app.ListStories(ctx, cf.mon1, app.StoryQuery{})
			if err != nil || p1.Total != 1 || p1.Stories[0].ID != canteen.ID {
				t.Fatalf("district 1 monitor: %+v %v", p1, err)
			}
			p2, err := cf.app.ListStories(ctx, cf.mon2, app.StoryQuery{})
			if err != nil || p2.Total != 1 || p2.Stories[0].ID == canteen.ID {
				t.Fatalf("district 2 monitor: %+v %v", p2, err)
			}
			if _, err := cf.app.GetStory(ctx, cf.mon2, canteen.ID); err == nil {
				t.Fatal("district 2's monitor read district 1's story")
			}
			// A unit outside the caller's scope is not found, as on every list.
			if p, err := cf.app.ListStories(ctx, cf.mon2, app.StoryQuery{OrgID: cf.school1.ID}); !domain.IsKind(err, domain.KindNotFound) || p.Total != 0 {
				t.Fatalf("district 2's monitor filtering by district 1's school: %+v %v", p, err)
			}
			if _, err := cf.app.ListStories(ctx, actorOf(cf.school1), app.StoryQuery{}); err == nil {
				t.Fatal("a school admin without concern.read read the stream")
			}
			// Matched only, by severity, by topic, by text.
			if p, _ := cf.app.ListStories(ctx, cf.office, app.StoryQuery{MinSeverity: 1}); p.Total != 1 {
				t.Fatalf("matched only: %d", p.Total)
			}
			if p, _ := cf.app.ListStories(ctx, cf.office, app.StoryQuery{Query: "运动会"}); p.Total != 1 {
				t.Fatalf("by title: %d", p.Total)
			}

			full, err := cf.app.GetStory(ctx, cf.mon1, canteen.ID)
			if err != nil || len(full.Items) != 2 || full.Items[0].ExternalID != "v-1" || full.Items[1].SourceKind != domain.SourcePush {
				t.Fatalf("story detail: %+v %v", full, err)
			}

			// A rule saved later is matched by the next batch (the pipeline reloads).
			cf.rule(t, "运动会", "运动会 OR 体育节", "校园活动", domain.SeverityGeneral)
			res = cf.push(t, app.IncomingItem{ID: "v-4", Title: "学区2学校2体育节", Text: "学区2学校2体育节开幕，家长进校观摩，各班级展示精神风貌。"})
			if res.Matched != 1 {
				t.Fatalf("the new rule did not match: %+v", res)
			}

			sum, err := cf.app.Summary(ctx, cf.office, 0, "week", domain.Date{})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Items != 4 || len(sum.Buckets) != 7 || sum.Buckets[6].Items != 4 || sum.Buckets[6].Label != today {
				t.Fatalf("summary: %+v", sum)
			}
			if sum.Topics[0].Topic != "食品安全" || sum.Topics[0].Items != 2 {
				t.Fatalf("topics: %+v", sum.Topics)
			}
			if s1, _ := cf.app.Summary(ctx, cf.mon1, 0, "day", domain.Date{}); s1.Items != 2 || len(s1.Buckets) != 24 || len(s1.Units) != 1 || s1.Units[0].Unit.ID != cf.school1.ID {
				t.Fatalf("district 1's daily summary: %+v", s1)
			}
			if _, err := cf.app.Summary(ctx, cf.office, 0, "year", domain.Date{}); err == nil {
				t.Fatal("period year accepted")
			}
		})
	}
}

func TestConcernRules(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			cf := newConcernFixture(t, e)
			_, err := cf.app.CreateRule(ctx, cf.office, app.RuleInput{OrgID: cf.bureau.ID, Name: "坏", Expr: "食堂 AND (质量", Topic: "t", Severity: 1})
			wantKind(t, err, domain.KindInvalid, "expr")
			if !strings.Contains(err.Error(), "column") {
				t.Fatalf("no column in %v", err)
			}
			_, err = cf.app.CreateRule(ctx, cf.office, app.RuleInput{OrgID: cf.bureau.ID, Name: "x", Expr: "食堂", Topic: "t", Severity: 4})
			wantKind(t, err, domain.KindInvalid, "severity")
			// District admins manage their subtree's rules only; monitors none.
			dist := actorWithRole(cf.districts[0], domain.RoleDistrictAdmin)
			_, err = cf.app.CreateRule(ctx, dist, app.RuleInput{OrgID: cf.districts[1].ID, Name: "x", Expr: "食堂", Topic: "t", Severity: 1})
			wantKind(t, err, domain.KindNotFound, "org_id")
			if _, err := cf.app.CreateRule(ctx, cf.mon1, app.RuleInput{OrgID: cf.districts[0].ID, Name: "x", Expr: "食堂", Topic: "t", Severity: 1}); err == nil {
				t.Fatal("a monitor saved a rule")
			}
			mine, err := cf.app.CreateRule(ctx, dist, app.RuleInput{OrgID: cf.districts[0].ID, Name: "霸凌", Expr: `校园 NEAR/5 霸凌`, Topic: "校园安全", Severity: 3})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := cf.app.UpdateRule(ctx, actorWithRole(cf.districts[1], domain.RoleDistrictAdmin), mine.ID, app.RuleInput{Name: "x", Expr: "a", Topic: "t", Severity: 1}); err == nil {
				t.Fatal("another district changed the rule")
			}
			if rs, _ := cf.app.ListRules(ctx, cf.mon2, 0); len(rs) != 0 {
				t.Fatalf("district 2 reads district 1's rules: %+v", rs)
			}
			up, err := cf.app.UpdateRule(ctx, dist, mine.ID, app.RuleInput{Name: "霸凌", Expr: `校园 NEAR/10 霸凌`, Topic: "校园安全", Severity: 3, Version: mine.Version})
			if err != nil || up.Version != 2 || up.Expr != `校园 NEAR/10 霸凌` {
				t.Fatalf("update: %+v %v", up, err)
			}
			if _, err := cf.app.UpdateRule(ctx, dist, mine.ID, app.RuleInput{Name: "霸凌", Expr: "霸凌", Topic: "校园安全", Severity: 3, Version: 1}); err == nil {
				t.Fatal("a stale version was written")
			}

			// Test before saving: over the items of the last N days the actor reads.
			cf.push(t,
				app.IncomingItem{ID: "a", Title: "学区1学校1校园霸凌事件", Text: "网传学区1学校1校园内发生霸凌事件，视频在群里流传。"},
				app.IncomingItem{ID: "b", Title: "学区2学校1校园霸凌传闻", Text: "学区2学校1校园霸凌传闻，家长议论纷纷，请学校说明情况。"},
			)
			cf.clock.Add(10 * 24 * time.Hour)
			cf.push(t, app.IncomingItem{ID: "c", Title: "学区1学校2校园霸凌", Text: "学区1学校2又有校园霸凌的说法，尚未核实，请有关部门关注。"})
			tr, err := cf.app.TestRule(ctx, cf.mon1, app.RuleTestInput{Expr: "校园 NEAR/3 霸凌", Days: 7})
			if err != nil {
				t.Fatal(err)
			}
			if tr.Scanned != 1 || tr.Matched != 1 || tr.Items[0].Title != "学区1学校2校园霸凌" {
				t.Fatalf("district 1, last 7 days: %+v", tr)
			}
			if tr, _ := cf.app.TestRule(ctx, cf.office, app.RuleTestInput{Expr: "霸凌 NOT 传闻", Days: 30}); tr.Scanned != 3 || tr.Matched != 2 {
				t.Fatalf("office, 30 days: %+v", tr)
			}
			_, err = cf.app.TestRule(ctx, cf.office, app.RuleTestInput{Expr: "NOT 霸凌", Days: 7})
			wantKind(t, err, domain.KindInvalid, "expr")
			_, err = cf.app.TestRule(ctx, cf.office, app.RuleTestInput{Expr: "霸凌", Days: 400})
			wantKind(t, err, domain.KindInvalid, "days")
			if err := cf.app.DeleteRule(ctx, dist, mine.ID); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// Each fault of issue 14 is one source's error while the other sources go
// on; a feed failing again and again is paused, not retried forever, and a
// manager resumes it.
func TestConcernFeedFaults(t *testing.T) {
	srv := feedtest.New()
	defer srv.Close()

	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			cf := newConcernFixture(t, e)
			cf.app.SetFeedFetcher(feed.New(feed.Limits{MaxBytes: 1 << 20, Timeout: 500 * time.Millisecond, MaxRedirects: 3}, nil))
			cf.rule(t, "食堂", "食堂", "食品安全", domain.SeverityGeneral)
			ids := map[string]int64{}
			for _, p := range []string{"ok", "gbk-as-utf8", "malformed", "500", "loop", "slow", "endless", "huge"} {
				s, err := cf.app.CreateSource(ctx, cf.office, app.SourceInput{OrgID: cf.bureau.ID, Kind: domain.SourceRSS, Name: "源" + p, URL: srv.URL + "/" + p, IntervalSeconds: 600})
				if err != nil {
					t.Fatal(err)
				}
				ids[p] = s.ID
			}
			if _, err := cf.app.CreateSource(ctx, cf.office, app.SourceInput{OrgID: cf.bureau.ID, Kind: domain.SourceRSS, Name: "bad", URL: "ftp://x"}); err == nil {
				t.Fatal("an ftp feed was accepted")
			}
			n, err := cf.app.PollFeeds(ctx)
			if err != nil || n != 8 {
				t.Fatalf("first poll: %d feeds, %v", n, err)
			}
			byID := func() map[int64]domain.ConcernSource {
				ss, err := cf.app.ListSources(ctx, cf.office, 0)
				if err != nil {
					t.Fatal(err)
				}
				m := map[int64]domain.ConcernSource{}
				for _, s := range ss {
					m[s.ID] = s
				}
				return m
			}
			got := byID()
			for p, want := range map[string]string{"malformed": "parse:", "500": "status:", "loop": "redirects:", "slow": "timeout:", "endless": "too_large:", "huge": "too_large:"} {
				s := got[ids[p]]
				if s.Failures != 1 || !strings.HasPrefix(s.LastError, want) || s.State != domain.SourceActive || !s.LastSuccessAt.IsZero() {
					t.Errorf("%s: failures %d, error %q, state %s", p, s.Failures, s.LastError, s.State)
				}
			}
			for _, p := range []string{"ok", "gbk-as-utf8"} {
				if s := got[ids[p]]; s.Failures != 0 || s.ItemsTotal != 2 || s.LastSuccessAt.IsZero() || s.LastError != "" {
					t.Errorf("%s: %+v", p, s)
				}
			}
			page, _ := cf.app.ListStories(ctx, cf.office, app.StoryQuery{MinSeverity: 1})
			if page.Total != 1 || page.Stories[0].ItemCount != 2 || page.Stories[0].Units[0].ID != cf.school1.ID {
				t.Fatalf("the two feeds' canteen posts are one story of school 1: %+v", page)
			}
			// Nothing is due before the interval passes.
			if n, _ := cf.app.PollFeeds(ctx); n != 0 {
				t.Fatalf("%d feeds polled again at once", n)
			}
			// Failing feeds back off and are paused after five failures in a row;
			// the good feeds go on (answered 304).
			for range 6 {
				cf.clock.Add(7 * time.Hour)
				if _, err := cf.app.PollFeeds(ctx); err != nil {
					t.Fatal(err)
				}
			}
			got = byID()
			if s := got[ids["500"]]; s.State != domain.SourcePaused || s.Failures != 5 {
				t.Fatalf("500 after 7 polls: %+v", s)
			}
			if s := got[ids["ok"]]; s.State != domain.SourceActive || s.ItemsTotal != 2 {
				t.Fatalf("ok feed: %+v", s)
			}
			if srv.NotModified.Load() == 0 {
				t.Errorf("the ok feed was never asked conditionally")
			}
			// Paused feeds are not fetched; resuming clears the failures.
			cf.clock.Add(7 * time.Hour)
			if n, _ := cf.app.PollFeeds(ctx); n != 2 {
				t.Fatalf("%d feeds polled with six paused", n)
			}
			if _, err := cf.app.UpdateSource(ctx, cf.mon1, ids["500"], app.SourceChange{State: ptr(domain.SourceActive)}); err == nil {
				t.Fatal("a monitor resumed a feed")
			}
			s, err := cf.app.UpdateSource(ctx, cf.office, ids["500"], app.SourceChange{State: ptr(domain.SourceActive)})
			if err != nil || s.State != domain.SourceActive || s.Failures != 0 {
				t.Fatalf("resume: %+v %v", s, err)
			}
			// A monitor sees the health of its own units' sources only.
			if ss, _ := cf.app.ListSources(ctx, cf.mon1, 0); len(ss) != 0 {
				t.Fatalf("district 1's monitor sees the bureau's feeds: %d", len(ss))
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestConcernImportAndManual(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			cf := newConcernFixture(t, e)
			csvText := "编号,标题,正文,链接,发布时间\n" +
				"x-1,学区1学校2家长会,学区1学校2召开家长会，家长对课后服务提出建议。,https://a.example.cn/1,2026-11-28 09:30\n" +
				"x-2,,,https://a.example.cn/2,2026-11-28\n" +
				"x-3,学区2学校2食堂,学区2学校2食堂饭菜价格上涨。,https://a.example.cn/3,昨天\n"
			gbkCSV, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(csvText))
			p, err := cf.app.PreviewConcernImport(ctx, cf.office, cf.bureau.ID, "export.csv", gbkCSV)
			if err != nil {
				t.Fatal(err)
			}
			if p.Format != "csv-gbk" || p.Total != 1 || len(p.Errors) != 2 || p.Errors[0].Line != 3 || p.Errors[1].Line != 4 || p.Errors[1].Field != "published_at" {
				t.Fatalf("preview: %+v", p)
			}
			_, err = cf.app.CommitConcernImport(ctx, cf.office, cf.bureau.ID, "export.csv", gbkCSV)
			wantKind(t, err, domain.KindInvalid, "file")
			if page, _ := cf.app.ListStories(ctx, cf.office, app.StoryQuery{}); page.Total != 0 {
				t.Fatal("a refused file stored items")
			}
			fixed := strings.Replace(strings.Replace(csvText, "x-2,,,", "x-2,标题,正文,", 1), "昨天", "2026-11-28 10:00", 1)
			res, err := cf.app.CommitConcernImport(ctx, cf.office, cf.bureau.ID, "export.csv", []byte(fixed))
			if err != nil || res.Accepted != 3 {
				t.Fatalf("commit: %+v %v", res, err)
			}
			jsonl := `{"id":"j-1","title":"学区1学校1开放日","text":"学区1学校1举办校园开放日。","published_at":"2026-11-29T08:00:00+08:00"}` + "\n\n" +
				`{"id":"j-2","title":` + "\n" + `{"id":3,"title":"数字编号","text":"正文"}` + "\n"
			p, err = cf.app.PreviewConcernImport(ctx, cf.office, cf.bureau.ID, "push.jsonl", []byte(jsonl))
			if err != nil || p.Format != "jsonl" || p.Total != 2 || len(p.Errors) != 1 || p.Errors[0].Line != 3 {
				t.Fatalf("jsonl preview: %+v %v", p, err)
			}
			if _, err := cf.app.PreviewConcernImport(ctx, cf.office, cf.districts[0].ID, "x.jsonl", []byte(jsonl)); err != nil {
				t.Fatal(err)
			}
			if _, err := cf.app.PreviewConcernImport(ctx, actorWithRole(cf.districts[1], domain.RoleDistrictAdmin), cf.districts[0].ID, "x.jsonl", []byte(jsonl)); err == nil {
				t.Fatal("district 2 imported for district 1")
			}

			// Manual entry with a screenshot, by district 1's monitor.
			png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
			st, err := cf.app.ManualEntry(ctx, cf.mon1, app.ManualInput{OrgID: cf.districts[0].ID, Title: "群聊截图：学区1学校1收费", Text: "家长群里有人说学区1学校1乱收费。"}, "shot.png", bytes.NewReader(png))
			if err != nil {
				t.Fatal(err)
			}
			if st.ItemCount != 1 || len(st.Items) != 1 || len(st.Items[0].Evidence) != 1 || st.Units[0].ID != cf.school1.ID || st.Items[0].SourceKind != domain.SourceManual {
				t.Fatalf("manual entry: %+v", st)
			}
			b, rc, err := cf.app.ItemEvidence(ctx, cf.mon1, st.Items[0].ID, st.Items[0].Evidence[0].SHA256)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(data, png) || b.Size != int64(len(png)) {
				t.Fatalf("evidence: %d bytes", len(data))
			}
			if _, _, err := cf.app.ItemEvidence(ctx, cf.mon2, st.Items[0].ID, st.Items[0].Evidence[0].SHA256); err == nil {
				t.Fatal("district 2 opened district 1's screenshot")
			}
			_, err = cf.app.ManualEntry(ctx, cf.mon2, app.ManualInput{OrgID: cf.districts[0].ID, Title: "x"}, "", nil)
			wantKind(t, err, domain.KindNotFound, "org_id")
		})
	}
}

func FuzzParseVendorFile(f *testing.F) {
	f.Add([]byte("标题,正文\n一,二\n"), "a.csv")
	f.Add([]byte(`{"id":"1","title":"t"}`+"\n"), "a.jsonl")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		p, items, err := app.ParseVendorFile(data, name, time.UTC)
		if err != nil {
			if _, ok := err.(*domain.Error); !ok {
				t.Fatalf("untyped error %T %v", err, err)
			}
			return
		}
		if p.Total != len(items) || len(p.Items) > 20 {
			t.Fatalf("preview %d/%d", p.Total, len(items))
		}
		for _, it := range items {
			if it.ID == "" || (it.Title == "" && it.Text == "") {
				t.Fatalf("item %+v", it)
			}
		}
	})
}
