package httpapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
)

// TestConcernOverHTTP: a vendor pushes with an API token holding
// concern.ingest (idempotent by item id), a manager writes a rule after
// testing it, the district's monitor reads the stream, a story and the
// summary, and another district's monitor sees none of it.
func TestConcernOverHTTP(t *testing.T) {
	e := newEnv(t)
	mon := e.newSession("monitor1", "监督员甲", e.district, domain.RoleMonitor)

	// The vendor's token: issued by the office, with the office admin's
	// role (which holds concern.ingest) over the bureau.
	var tok createdTokenBody
	e.call(req("POST", "/api/v1/tokens", map[string]any{"name": "舆情服务商", "role": domain.RoleOfficeAdmin, "org_id": e.bureau, "valid_days": 30}).as(e.office), 201).decode(t, &tok)
	batch := map[string]any{"items": []any{
		map[string]any{"id": "wb-1", "url": "https://weibo.example.cn/p/1", "title": "实验小学食堂饭菜质量差", "text": "家长反映实验小学食堂饭菜质量差，孩子吃不饱，希望学校重视并改进。", "author": "张三"},
		map[string]any{"id": "wb-2", "title": "第二中学运动会", "text": "第二中学运动会圆满落幕，师生精神饱满。"},
	}}
	r := e.call(req("POST", "/api/v1/concern/items", batch).bearer(tok.Token), 400)
	if got := r.errorOf(t); got.Field != "author" {
		t.Fatalf("an author field was accepted or not named: %+v", got)
	}
	delete(batch["items"].([]any)[0].(map[string]any), "author")
	var res struct {
		Accepted, Duplicates, NewStories int
		StoryIDs                         []int64 `json:"story_ids"`
	}
	e.call(req("POST", "/api/v1/concern/items", batch).bearer(tok.Token), 200).decode(t, &res)
	if res.Accepted != 2 || len(res.StoryIDs) != 2 {
		t.Fatalf("push: %+v", res)
	}
	e.call(req("POST", "/api/v1/concern/items", batch).bearer(tok.Token), 200).decode(t, &res)
	if res.Accepted != 0 || res.Duplicates != 2 {
		t.Fatalf("the same push again: %+v", res)
	}
	// A session without concern.ingest cannot push.
	e.call(req("POST", "/api/v1/concern/items", batch).as(mon), 403)

	// Test, then save a rule.
	var tr struct{ Scanned, Matched int }
	e.call(req("POST", "/api/v1/concern/rules/test", map[string]any{"expr": "食堂 AND 质量", "days": 7}).as(e.office), 200).decode(t, &tr)
	if tr.Scanned != 2 || tr.Matched != 1 {
		t.Fatalf("rule test: %+v", tr)
	}
	if got := e.call(req("POST", "/api/v1/concern/rules", map[string]any{"org_id": e.bureau, "name": "x", "expr": "食堂 AND (质量", "topic": "t", "severity": 1}).as(e.office), 400).errorOf(t); got.Field != "expr" || !strings.Contains(got.Message, "column") {
		t.Fatalf("bad expression: %+v", got)
	}
	var rule domain.ConcernRule
	e.call(req("POST", "/api/v1/concern/rules", map[string]any{"org_id": e.bureau, "name": "食堂质量", "expr": "食堂 AND 质量", "topic": "食品安全", "severity": 2}).as(e.office), 201).decode(t, &rule)
	e.call(req("GET", fmt.Sprintf("/api/v1/concern/rules/%d", rule.ID), nil).as(e.office), 200)
	e.call(req("PUT", fmt.Sprintf("/api/v1/concern/rules/%d", rule.ID), map[string]any{"name": "食堂质量", "expr": "食堂 AND (质量 OR 卫生)", "topic": "食品安全", "severity": 2, "version": rule.Version}).as(e.office), 200)
	e.call(req("GET", "/api/v1/concern/rules", nil).as(mon), 200)
	e.call(req("POST", "/api/v1/concern/items", map[string]any{"items": []any{map[string]any{"id": "wb-3", "title": "转：实验小学食堂饭菜质量差", "text": "家长反映实验小学食堂饭菜质量差，孩子吃不饱，希望学校重视并改进。（转）"}}}).bearer(tok.Token), 200).decode(t, &res)
	if res.NewStories != 0 {
		t.Fatalf("a repost made a new story: %+v", res)
	}

	// The monitor's stream.
	var page struct {
		Items []domain.ConcernStory
		Total int
	}
	e.call(req("GET", "/api/v1/concern/stories?severity=1", nil).as(mon), 200).decode(t, &page)
	if page.Total != 1 || page.Items[0].ItemCount != 2 || page.Items[0].Units[0].Name != "实验小学" || page.Items[0].Topic != "食品安全" {
		t.Fatalf("stream: %+v", page)
	}
	var story domain.ConcernStory
	e.call(req("GET", fmt.Sprintf("/api/v1/concern/stories/%d", page.Items[0].ID), nil).as(mon), 200).decode(t, &story)
	if len(story.Items) != 2 {
		t.Fatalf("story: %+v", story)
	}
	e.call(req("GET", "/api/v1/concern/summary?period=day", nil).as(mon), 200)
	e.call(req("GET", "/api/v1/concern/sources", nil).as(e.office), 200)
	// Another unit's monitor: the story is not found, and a filter on a
	// unit outside its subtree answers 404.
	other := e.newSession("monitor2", "监督员乙", e.school2, domain.RoleMonitor)
	e.call(req("GET", fmt.Sprintf("/api/v1/concern/stories/%d", story.ID), nil).as(other), 404)
	e.call(req("GET", fmt.Sprintf("/api/v1/concern/stories?org_id=%d", e.school), nil).as(other), 404)
	e.call(req("GET", "/api/v1/concern/stories?severity=9", nil).as(mon), 400)
}
