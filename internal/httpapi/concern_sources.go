package httpapi

import (
	"strconv"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// Public-concern sources and watch rules (issue 14), and the route table of
// the whole public-concern stream.

func (s *Server) listConcernSources(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	out, err := s.app.ListSources(c.ctx(), ac, c.p.int("org_id"))
	if err != nil {
		return err
	}
	return c.reply(list[domain.ConcernSource]{Items: nonNil(out)})
}

func (s *Server) createConcernSource(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	var in app.SourceInput
	if err := c.decode(&in); err != nil {
		return err
	}
	out, err := s.app.CreateSource(c.ctx(), ac, in)
	if err != nil {
		return err
	}
	return c.created(api+"/concern/sources/"+strconv.FormatInt(out.ID, 10), out)
}

func (s *Server) updateConcernSource(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	var in app.SourceChange
	if err := c.decode(&in); err != nil {
		return err
	}
	out, err := s.app.UpdateSource(c.ctx(), ac, c.p.int("id"), in)
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) listConcernRules(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	out, err := s.app.ListRules(c.ctx(), ac, c.p.int("org_id"))
	if err != nil {
		return err
	}
	return c.reply(list[domain.ConcernRule]{Items: nonNil(out)})
}

func (s *Server) getConcernRule(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	out, err := s.app.GetRule(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) createConcernRule(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	var in app.RuleInput
	if err := c.decode(&in); err != nil {
		return err
	}
	out, err := s.app.CreateRule(c.ctx(), ac, in)
	if err != nil {
		return err
	}
	return c.created(api+"/concern/rules/"+strconv.FormatInt(out.ID, 10), out)
}

// ruleChange is a rule's body on change: no unit (a rule stays in its unit).
type ruleChange struct {
	Name     string `json:"name"`
	Expr     string `json:"expr"`
	Topic    string `json:"topic"`
	Severity int    `json:"severity"`
	Enabled  *bool  `json:"enabled,omitempty"`
	Version  int    `json:"version,omitempty"`
}

func (s *Server) updateConcernRule(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	var in ruleChange
	if err := c.decode(&in); err != nil {
		return err
	}
	out, err := s.app.UpdateRule(c.ctx(), ac, c.p.int("id"), app.RuleInput{Name: in.Name, Expr: in.Expr, Topic: in.Topic,
		Severity: in.Severity, Enabled: in.Enabled, Version: in.Version})
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) deleteConcernRule(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	if err := s.app.DeleteRule(c.ctx(), ac, c.p.int("id")); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) testConcernRule(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	var in app.RuleTestInput
	if err := c.decode(&in); err != nil {
		return err
	}
	out, err := s.app.TestRule(c.ctx(), ac, in)
	if err != nil {
		return err
	}
	return c.reply(out)
}

// concernRoutes are the public-concern stream's routes.
func concernRoutes() []*route {
	read := []domain.Permission{domain.PermConcernRead}
	manage := []domain.Permission{domain.PermConcernManage}
	c := api + "/concern"
	return []*route{
		{method: "GET", path: c + "/stories", opID: "listStories", tag: "concern", summary: "The stream: stories routed to the caller's units",
			desc: "Near-duplicate items merged into stories (同题报道), newest activity first. A story is visible when one of the units " +
				"it is routed to (属地) lies in the caller's subtree: a monitor sees the stories of the units they watch. No author is kept.",
			params: []param{
				qID("org_id", "Only stories routed into this unit's subtree."),
				qString("topic", "Only stories of this topic."),
				qInt("severity", "Only stories at least this severe: 1 一般, 2 较大, 3 重大 (1: every story a rule matched; 0: all).", 0, 3, 0),
				qDate("from", "Only stories seen on or after this day."),
				qDate("to", "Only stories first seen on or before this day."),
				qString("q", "Text in the story's title."),
				pLimit, pOffset,
			},
			status: 200, resp: "ConcernStoryPage", errors: []int{404}, perms: read, handle: (*Server).listStories},
		{method: "GET", path: c + "/stories/{id}", opID: "getStory", tag: "concern", summary: "One story with its items",
			params: []param{pathID("The story's id.")}, status: 200, resp: "ConcernStory", errors: []int{404}, perms: read, handle: (*Server).getStory},
		{method: "GET", path: c + "/summary", opID: "getConcernSummary", tag: "concern", summary: "Volume by day (or hour) × topic and by unit",
			desc: "The daily (by hour), weekly or monthly summary ending on `date` (today by default), in the bureau's time zone.",
			params: []param{
				qID("org_id", "Only stories routed into this unit's subtree."),
				qEnum("period", "day (24 hours), week (7 days, the default) or month (30 days).", "day", "week", "month"),
				qDate("date", "The last day of the period (default today)."),
			},
			status: 200, resp: "ConcernSummary", errors: []int{404}, perms: read, handle: (*Server).getConcernSummary},
		{method: "POST", path: c + "/items", opID: "pushConcernItems", tag: "concern", summary: "Push a vendor's items (API token with concern.ingest)",
			desc: "At most 1000 items. Idempotent by (source, item id): an item pushed again changes nothing and counts as a duplicate. " +
				"The items go to the token's unit's push source unless `source_id` names a push source in its subtree. Author fields are not read.",
			body: jsonBody("ConcernPush"), status: 200, resp: "ConcernIngestResult", errors: []int{404, 409},
			perms: []domain.Permission{domain.PermConcernIngest}, handle: (*Server).pushConcernItems},
		{method: "POST", path: c + "/imports/preview", opID: "previewConcernImport", tag: "concern", summary: "Read a vendor's export without storing it",
			desc:   "multipart/form-data with the file in `file`: CSV (UTF-8 or GBK, a header naming 标题/正文/链接/发布时间/编号) or JSONL. Errors by line.",
			params: []param{qID("org_id", "The unit whose file source takes the items: in the caller's write scope.").req()},
			body:   &bodySpec{schema: "ConcernImportUpload", multipart: true}, status: 200, resp: "ConcernImportPreview", errors: []int{404, 413},
			transfer: true, perms: manage, handle: (*Server).previewConcernImport},
		{method: "POST", path: c + "/imports", opID: "commitConcernImport", tag: "concern", summary: "Store a vendor's export",
			desc:   "The same file as the preview. A file with any refused line stores nothing. Idempotent by item id.",
			params: []param{qID("org_id", "The unit whose file source takes the items: in the caller's write scope.").req()},
			body:   &bodySpec{schema: "ConcernImportUpload", multipart: true}, status: 200, resp: "ConcernIngestResult", errors: []int{404, 413},
			transfer: true, perms: manage, handle: (*Server).commitConcernImport},
		{method: "POST", path: c + "/manual", opID: "createManualConcern", tag: "concern", summary: "Record what a monitor saw, with a screenshot",
			desc: "multipart/form-data: title, text, url, and an optional screenshot in `file` " +
				"(sent last), stored as evidence. The entry goes through the pipeline like any item.",
			params: []param{qID("org_id", "The unit it concerns, in the caller's write scope; the entry joins that unit's manual source.").req()},
			body:   &bodySpec{schema: "ConcernManualUpload", multipart: true}, status: 201, resp: "ConcernStory", errors: []int{404, 409, 413},
			transfer: true, perms: read, handle: (*Server).createManualConcern},
		{method: "GET", path: c + "/items/{id}/evidence/{sha}", opID: "getConcernItemEvidence", tag: "concern", summary: "A manual entry's screenshot",
			params: []param{pathID("The item's id."), pSHA}, status: 200, binary: true, errors: []int{404}, transfer: true,
			perms: read, handle: (*Server).getConcernItemEvidence},
		{method: "GET", path: c + "/sources", opID: "listConcernSources", tag: "concern", summary: "Sources with their health",
			desc:   "State, last success, failures in a row, last error (its kind first: network, timeout, status, too_large, redirects, charset, parse), items taken in.",
			params: []param{qID("org_id", "Only sources of this unit's subtree.")},
			status: 200, resp: "ConcernSourceList", errors: []int{404}, perms: read, handle: (*Server).listConcernSources},
		{method: "POST", path: c + "/sources", opID: "createConcernSource", tag: "concern", summary: "Add a source (a feed to poll, or a push, file or manual source)",
			body: jsonBody("ConcernSourceInput"), status: 201, resp: "ConcernSource", errors: []int{404, 409}, perms: manage, handle: (*Server).createConcernSource},
		{method: "PATCH", path: c + "/sources/{id}", opID: "updateConcernSource", tag: "concern", summary: "Change, pause or resume a source",
			desc:   "state active resumes a paused feed: its failures are cleared and it is fetched at the next sweep.",
			params: []param{pathID("The source's id.")}, body: jsonBody("ConcernSourceChange"), status: 200, resp: "ConcernSource",
			errors: []int{404, 409}, perms: manage, handle: (*Server).updateConcernSource},
		{method: "GET", path: c + "/rules", opID: "listConcernRules", tag: "concern", summary: "Watch rules of the caller's units",
			params: []param{qID("org_id", "Only rules of this unit's subtree.")},
			status: 200, resp: "ConcernRuleList", errors: []int{404}, perms: read, handle: (*Server).listConcernRules},
		{method: "POST", path: c + "/rules", opID: "createConcernRule", tag: "concern", summary: "Add a watch rule",
			desc: "The expression is checked by the matching engine's parser (AND, OR, NOT, parentheses, NEAR/n, quoted phrases); an error names the column.",
			body: jsonBody("ConcernRuleInput"), status: 201, resp: "ConcernRule", errors: []int{404, 409}, perms: manage, handle: (*Server).createConcernRule},
		{method: "POST", path: c + "/rules/test", opID: "testConcernRule", tag: "concern", summary: "Try an expression on the last N days' items before saving",
			desc: "Over the items of stories the caller reads, fetched in the last `days` days (at most 90).",
			body: jsonBody("ConcernRuleTest"), status: 200, resp: "ConcernRuleTestResult", perms: read, handle: (*Server).testConcernRule},
		{method: "GET", path: c + "/rules/{id}", opID: "getConcernRule", tag: "concern", summary: "One watch rule",
			params: []param{pathID("The rule's id.")}, status: 200, resp: "ConcernRule", errors: []int{404}, perms: read, handle: (*Server).getConcernRule},
		{method: "PUT", path: c + "/rules/{id}", opID: "updateConcernRule", tag: "concern", summary: "Change a watch rule",
			desc:   "`version` must be the version read (409 otherwise). Every node's matching engine reloads the rules before its next batch.",
			params: []param{pathID("The rule's id.")}, body: jsonBody("ConcernRuleChange"), status: 200, resp: "ConcernRule",
			errors: []int{404, 409}, perms: manage, handle: (*Server).updateConcernRule},
		{method: "DELETE", path: c + "/rules/{id}", opID: "deleteConcernRule", tag: "concern", summary: "Delete a watch rule",
			params: []param{pathID("The rule's id.")}, status: 204, errors: []int{404}, perms: manage, handle: (*Server).deleteConcernRule},
	}
}

func concernSchemas() obj {
	kinds := []string{string(domain.SourceRSS), string(domain.SourcePush), string(domain.SourceFile), string(domain.SourceManual)}
	sev := func(desc string, min int) obj {
		return obj{"type": "integer", "minimum": min, "maximum": 3, "description": desc}
	}
	count := func(desc string) obj { return obj{"type": "integer", "minimum": 0, "description": desc} }
	ids := func(desc string) obj { return array(desc, obj{"type": "integer", "format": "int64"}) }
	unit := object("A unit.", obj{"id": id(""), "name": str("")}, "id", "name")
	item := object("One public post or article as received (no author).", obj{
		"id": id(""), "source_id": id(""), "source_name": str(""), "source_kind": enum("", kinds...), "story_id": id(""),
		"external_id": str("The source's own id."), "url": str(""), "title": str(""), "body": str("Plain text, at most 20 000 characters."),
		"published_at": dateTime("When the source says it was published (absent when unknown)."), "fetched_at": dateTime("When zeren received it."),
		"rule_ids": ids("The rules it matched."),
		"evidence": array("A manual entry's screenshots.", object("", obj{"sha256": str(shaDesc), "filename": str("")}, "sha256", "filename")),
	}, "id", "source_id", "source_name", "source_kind", "story_id", "external_id", "url", "title", "body", "fetched_at", "rule_ids")
	story := object("Near-duplicate items merged into one (同题报道).", obj{
		"id": id(""), "first_seen": dateTime(""), "last_seen": dateTime(""), "item_count": count("Items merged into it."),
		"title": str("The first item's title."), "url": str(""),
		"topic":    str("The topic of its most severe matched rule (\"\" when no rule matched)."),
		"severity": sev("The highest severity of its matched rules: 0 none, 1 一般, 2 较大, 3 重大.", 0),
		"rule_ids": ids("The rules its items matched."),
		"units":    array("The units it is routed to (属地), by name.", unit),
		"items":    array("Its items, oldest first (the story view only).", item),
	}, "id", "first_seen", "last_seen", "item_count", "title", "url", "topic", "severity", "rule_ids", "units")
	incoming := object("One item as a vendor sends it. Author fields are not part of it and are never stored.", obj{
		"id":           ex(strMax("The vendor's item id: pushing it again is a no-op. The url when absent.", 500), "wb-20261129-0001"),
		"url":          ex(strMax("", 2000), "https://weibo.example.cn/p/1"),
		"title":        ex(strMax("At most 500 characters (longer is cut).", 2000), "城关一中食堂饭菜质量差"),
		"text":         ex(str("Plain text, cut to 20 000 characters."), "家长反映城关一中食堂……"),
		"published_at": dateTime("When it was published."),
	})
	source := object("A monitored source with its health.", obj{
		"id": id(""), "org_id": id("The owner unit."), "org_name": str(""), "kind": enum("", kinds...), "name": str(""),
		"url": str("The feed's address (rss only)."), "state": enum("A paused feed is not fetched until a manager resumes it.", domain.SourceActive, domain.SourcePaused),
		"failures":         count("Failed fetches in a row; five pause the feed."),
		"last_success_at":  dateTime(""),
		"last_error":       str("The last failure: its kind (network, timeout, status, too_large, redirects, charset, parse), a colon, the detail."),
		"last_error_at":    dateTime(""),
		"items_total":      count("Items taken in."),
		"next_poll_at":     dateTime("When the feed is fetched next."),
		"interval_seconds": count("Seconds between fetches."),
		"created_at":       dateTime(""), "updated_at": dateTime(""), "version": obj{"type": "integer", "minimum": 1},
	}, "id", "org_id", "org_name", "kind", "name", "url", "state", "failures", "last_error", "items_total", "interval_seconds", "created_at", "updated_at", "version")
	rule := object("A watch rule (监测规则).", obj{
		"id": id(""), "org_id": id("The owner unit."), "org_name": str(""), "name": str(""),
		"expr":  str("The keyword expression (see the README's rule syntax)."),
		"topic": str(""), "severity": sev("1 一般, 2 较大, 3 重大.", 1), "enabled": boolean(""),
		"created_at": dateTime(""), "updated_at": dateTime(""), "version": obj{"type": "integer", "minimum": 1},
	}, "id", "org_id", "org_name", "name", "expr", "topic", "severity", "enabled", "created_at", "updated_at", "version")
	return obj{
		"ConcernStory":     story,
		"ConcernStoryPage": pageSchema("A page of stories, newest activity first.", "ConcernStory"),
		"ConcernItemIn":    incoming,
		"ConcernPush": object("A vendor's batch.", obj{
			"source_id": id("A push source of the token's subtree (default: the token's unit's push source)."),
			"items": obj{"type": "array", "items": ref("ConcernItemIn"), "minItems": 1, "maxItems": 1000,
				"example": []any{obj{"id": "wb-20261129-0001", "title": "城关一中食堂饭菜质量差", "text": "家长反映城关一中食堂……"}}},
		}, "items"),
		"ConcernIngestResult": object("What a batch did.", obj{
			"received": count(""), "accepted": count("New items stored."), "duplicates": count("Item ids the source already held."),
			"new_stories": count(""), "matched": count("Accepted items that matched a rule."),
			"item_ids": ids("The new items."), "story_ids": ids("Their stories."),
		}, "received", "accepted", "duplicates", "new_stories", "matched", "item_ids", "story_ids"),
		"ConcernImportUpload": object("A multipart/form-data upload.", obj{
			"file": obj{"type": "string", "contentMediaType": "text/csv", "description": "CSV (UTF-8 or GBK) or JSONL, at most 32 MB and 20 000 items."},
		}, "file"),
		"ConcernImportPreview": object("What a vendor file holds.", obj{
			"format": enum("", "csv-utf8", "csv-gbk", "xlsx", "jsonl"),
			"total":  count("Items that would be imported."),
			"items":  array("The first 20.", ref("ConcernItemIn")),
			"errors": array("Refused lines (the first 50).", object("", obj{
				"line": obj{"type": "integer", "minimum": 1}, "field": str(""), "message": str(""),
			}, "line", "message")),
		}, "format", "total", "items", "errors"),
		"ConcernManualUpload": object("A manual entry as multipart/form-data.", obj{
			"title": strMax("", 500), "text": str(""), "url": strMax("", 2000),
			"file": obj{"type": "string", "contentMediaType": "image/png", "description": "A screenshot (optional), sent last."},
		}, "title"),
		"ConcernSummary": object("A period's volume.", obj{
			"period": enum("", "day", "week", "month"), "from": date(""), "to": date("Inclusive."),
			"items": count(""), "matched": count("Items whose story a rule matched."),
			"topics": array("Topics by items, most first (\"\": no rule matched).", object("", obj{"topic": str(""), "items": count("")}, "topic", "items")),
			"buckets": array("Each hour (day) or day (week, month).", object("", obj{
				"label": str("08:00, or 2026-11-29."), "items": count(""),
				"by_topic": obj{"type": "object", "additionalProperties": obj{"type": "integer", "minimum": 0}, "description": "Topic → items."},
			}, "label", "items", "by_topic")),
			"units": array("Routed units by items, most first (at most 50).", object("", obj{
				"unit": unit, "items": count(""), "stories": count(""), "matched": count("Stories a rule matched."),
			}, "unit", "items", "stories", "matched")),
			"truncated": boolean("More than 200 000 items: the counts stop there."),
		}, "period", "from", "to", "items", "matched", "topics", "buckets", "units", "truncated"),
		"ConcernSource":     source,
		"ConcernSourceList": listSchema("Sources, feeds first.", "ConcernSource"),
		"ConcernSourceInput": object("A source to add.", obj{
			"org_id":           ex(id("The owner unit, in the caller's write scope."), 1),
			"kind":             ex(enum("rss is polled at url; push, file and manual sources receive items.", kinds...), "push"),
			"name":             ex(strMax("", domain.MaxNameLen), "舆情服务商推送"),
			"url":              ex(strMax("The feed's http(s) address (rss only).", 2000), "https://bbs.example.cn/rss"),
			"interval_seconds": obj{"type": "integer", "minimum": 300, "maximum": 86400, "description": "Seconds between fetches (default 900)."},
		}, "org_id", "kind", "name"),
		"ConcernSourceChange": object("A change of a source; absent fields stay.", obj{
			"name": strMax("", domain.MaxNameLen), "url": strMax("", 2000),
			"interval_seconds": obj{"type": "integer", "minimum": 300, "maximum": 86400},
			"state":            enum("active resumes a paused feed; paused stops it.", domain.SourceActive, domain.SourcePaused),
			"version":          obj{"type": "integer", "minimum": 0, "description": "The version read (0: do not check)."},
		}),
		"ConcernRule":     rule,
		"ConcernRuleList": listSchema("Rules by topic and name.", "ConcernRule"),
		"ConcernRuleInput": object("A watch rule as written.", obj{
			"org_id":   ex(id("The owner unit, in the caller's write scope."), 1),
			"name":     ex(strMax("", domain.MaxNameLen), "食堂质量"),
			"expr":     ex(strMax("AND, OR, NOT, parentheses, NEAR/n, quoted phrases.", 2000), "食堂 AND (质量 OR 卫生)"),
			"topic":    ex(strMax("", 50), "食品安全"),
			"severity": sev("1 一般, 2 较大, 3 重大.", 1),
			"enabled":  boolean("Default true."),
			"version":  obj{"type": "integer", "minimum": 0, "description": "On change: the version read (0: do not check)."},
		}, "name", "expr", "topic", "severity"),
		"ConcernRuleChange": object("A watch rule rewritten (its unit stays).", obj{
			"name":     ex(strMax("", domain.MaxNameLen), "食堂质量"),
			"expr":     ex(strMax("AND, OR, NOT, parentheses, NEAR/n, quoted phrases.", 2000), "食堂 AND (质量 OR 卫生 OR 价格)"),
			"topic":    ex(strMax("", 50), "食品安全"),
			"severity": sev("1 一般, 2 较大, 3 重大.", 1),
			"enabled":  boolean("Absent: unchanged."),
			"version":  obj{"type": "integer", "minimum": 0, "description": "The version read (0: do not check)."},
		}, "name", "expr", "topic", "severity"),
		"ConcernRuleTest": object("An expression to try.", obj{
			"expr": ex(strMax("", 2000), "食堂 AND 质量"),
			"days": obj{"type": "integer", "minimum": 1, "maximum": 90, "description": "The last N days (default 7)."},
		}, "expr"),
		"ConcernRuleTestResult": object("What the expression would have matched.", obj{
			"scanned": count("Items of the period the caller reads."), "matched": count(""),
			"truncated": boolean("More than 20 000 items: the newest were scanned."),
			"items": array("The newest matches (at most 200).", object("", obj{
				"item_id": id(""), "story_id": id(""), "title": str(""), "fetched_at": dateTime(""),
			}, "item_id", "story_id", "title", "fetched_at")),
		}, "scanned", "matched", "truncated", "items"),
	}
}
