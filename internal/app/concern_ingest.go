package app

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/feed"
	"github.com/zeren-edu/zeren/internal/monitor"
	"github.com/zeren-edu/zeren/internal/store"
)

// Ingest (issue 14 item 2): every new item, whatever its source, goes
// through one monitor.Pipeline — normalise, file under a story, match the
// rules, route to the units it names — and a batch is stored in one
// transaction with its audit row.
//
// The pipeline is compiled once per node and kept while it is current: the
// rules' epoch (every rule change moves it), the org tree's fingerprint and
// the newest story id all still what this node last saw. Anything else — a
// rule saved, a unit renamed, another node's new story, a batch that failed
// half way — rebuilds it from the database: the rules, the units' names and
// aliases, and the stories of the last dedupWindow (restored into the
// de-duplicator under their database ids).

// Bounds of one item as stored.
const (
	maxItemTitleRunes = 500
	maxItemBodyRunes  = 20000
	maxItemURLBytes   = 2000
	maxExternalID     = 500
	// maxIngestBatch bounds one push, one import commit.
	maxIngestBatch = 1000
	// dedupWindow is how far back a new item may join a story.
	dedupWindow = 7 * 24 * time.Hour
	// maxRestoredStories bounds the window restored into the de-duplicator.
	maxRestoredStories = 200_000
)

// concernEngine is a node's compiled pipeline and feed fetcher. Its zero
// value is ready: the pipeline is built on first use.
type concernEngine struct {
	mu       sync.Mutex
	pipe     *monitor.Pipeline
	epoch    int64
	orgs     string
	maxStory int64
	// storyIDs maps the de-duplicator's story ids to the database's.
	storyIDs map[int]int64
	// fetcher, when set (tests), replaces the default feed fetcher.
	fetcher        *feed.Fetcher
	fetcherOnce    sync.Once
	defaultFetcher *feed.Fetcher
}

// IncomingItem is one item as a source hands it in.
type IncomingItem struct {
	ID          string    `json:"id"`
	URL         string    `json:"url"`
	Title       string    `json:"title"`
	Text        string    `json:"text"`
	PublishedAt time.Time `json:"published_at,omitzero"`
}

// IngestResult is what a batch did.
type IngestResult struct {
	Received   int     `json:"received"`
	Accepted   int     `json:"accepted"`   // new items stored
	Duplicates int     `json:"duplicates"` // external ids the source already held
	NewStories int     `json:"new_stories"`
	Matched    int     `json:"matched"` // accepted items that matched a rule
	ItemIDs    []int64 `json:"item_ids"`
	StoryIDs   []int64 `json:"story_ids"`
}

func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// cleanItem bounds and checks one incoming item; field names carry the
// item's position for the caller's error.
func cleanItem(it IncomingItem, where string) (IncomingItem, error) {
	it.ID = strings.TrimSpace(strings.ToValidUTF8(it.ID, ""))
	it.URL = strings.TrimSpace(strings.ToValidUTF8(it.URL, ""))
	it.Title = strings.TrimSpace(strings.ToValidUTF8(strings.ReplaceAll(it.Title, "\n", " "), ""))
	it.Text = strings.TrimSpace(strings.ToValidUTF8(it.Text, ""))
	if it.ID == "" {
		it.ID = it.URL
	}
	switch {
	case it.ID == "":
		return it, domain.Invalid(where+".id", "an item needs its id (or its url)")
	case len(it.ID) > maxExternalID:
		return it, domain.Invalid(where+".id", "longer than %d bytes", maxExternalID)
	case len(it.URL) > maxItemURLBytes:
		return it, domain.Invalid(where+".url", "longer than %d bytes", maxItemURLBytes)
	case it.Title == "" && it.Text == "":
		return it, domain.Invalid(where+".title", "an item needs a title or a text")
	}
	it.Title = cutRunes(it.Title, maxItemTitleRunes)
	it.Text = cutRunes(it.Text, maxItemBodyRunes)
	if err := domain.TextLine(where+".title", it.Title); err != nil {
		return it, err
	}
	if err := domain.TextBlock(where+".text", it.Text); err != nil {
		return it, err
	}
	return it, nil
}

// gazetteerUnits turns the org tree into the router's units, dropping the
// aliases too short to mean anything (the gazetteer refuses them: a
// one-character alias would route half of all posts).
func gazetteerUnits(us []store.GazetteerUnit) []monitor.Unit {
	out := make([]monitor.Unit, 0, len(us))
	for _, u := range us {
		mu := monitor.Unit{ID: u.ID, Name: u.Name, Parent: u.ParentID}
		for _, al := range u.Aliases {
			if utf8.RuneCountInString(monitor.Normalize(al)) >= 2 {
				mu.Aliases = append(mu.Aliases, al)
			}
		}
		if utf8.RuneCountInString(monitor.Normalize(mu.Name)) < 2 {
			mu.Name = mu.Name + "（单位）" // still a node of the tree, never a match
		}
		out = append(out, mu)
	}
	return out
}

func monitorRules(rs []domain.ConcernRule) []monitor.Rule {
	out := make([]monitor.Rule, len(rs))
	for i, r := range rs {
		out[i] = monitor.Rule{ID: r.ID, Topic: r.Topic, Severity: r.Severity, Expr: r.Expr}
	}
	return out
}

// current returns the node's pipeline, rebuilt inside tx when stale. The
// caller holds e.mu.
func (e *concernEngine) current(ctx context.Context, tx *store.Tx, now time.Time) (*monitor.Pipeline, error) {
	epoch, err := tx.RulesEpoch(ctx)
	if err != nil {
		return nil, err
	}
	orgs, err := tx.OrgFingerprint(ctx)
	if err != nil {
		return nil, err
	}
	maxStory, err := tx.MaxStoryID(ctx)
	if err != nil {
		return nil, err
	}
	if e.pipe != nil && epoch == e.epoch && orgs == e.orgs && maxStory == e.maxStory {
		return e.pipe, nil
	}
	rules, err := tx.EnabledConcernRules(ctx)
	if err != nil {
		return nil, err
	}
	units, err := tx.GazetteerUnits(ctx)
	if err != nil {
		return nil, err
	}
	p, err := monitor.NewPipeline(monitorRules(rules), gazetteerUnits(units), monitor.DefaultNearBits)
	if err != nil {
		// Rules are checked when saved, so this is a broken database.
		return nil, fmt.Errorf("compiling the watch rules and the gazetteer: %w", err)
	}
	keys, err := tx.RecentStoryKeys(ctx, now.Add(-dedupWindow), maxRestoredStories)
	if err != nil {
		return nil, err
	}
	ids := make(map[int]int64, len(keys))
	for _, k := range keys {
		if err := p.Restore(monitor.Story{ID: int(k.ID), Count: k.Count, FirstSeen: k.FirstSeen, LastSeen: k.LastSeen, Simhash: k.Simhash},
			k.URLKeys, k.TitleHash); err != nil {
			return nil, err
		}
		ids[int(k.ID)] = k.ID
	}
	e.pipe, e.epoch, e.orgs, e.maxStory, e.storyIDs = p, epoch, orgs, maxStory, ids
	return p, nil
}

// invalidate drops the pipeline after a batch that did not commit: its
// de-duplicator holds stories the database does not.
func (e *concernEngine) invalidate() { e.pipe = nil }

// ingest runs a batch from one source through the pipeline and stores it in
// tx. enteredBy names the staff member for a manual entry ("" otherwise);
// it is never an author of the post.
func (a *App) ingest(ctx context.Context, tx *store.Tx, src domain.ConcernSource, items []IncomingItem, enteredBy string) (IngestResult, error) {
	res := IngestResult{Received: len(items), ItemIDs: []int64{}, StoryIDs: []int64{}}
	e := &a.concern
	now := tx.Now()
	p, err := e.current(ctx, tx, now)
	if err != nil {
		return res, err
	}
	newStories := map[int64]bool{}
	for _, it := range items {
		known, err := tx.KnownItem(ctx, src.ID, it.ID)
		if err != nil {
			return res, err
		}
		if known {
			res.Duplicates++
			continue
		}
		r := p.Process(monitor.Item{URL: it.URL, Title: it.Title, Text: it.Text, Seen: now})
		urlKey, _ := monitor.NormalizeURL(it.URL)
		sid, ok := e.storyIDs[r.Story.ID]
		if !ok {
			sid, err = tx.CreateStory(ctx, store.NewStory{Seen: now, Title: it.Title, URL: it.URL, URLKey: urlKey,
				TitleHash: monitor.TitleHash(monitor.Normalize(it.Title)), Simhash: r.Story.Simhash})
			if err != nil {
				return res, err
			}
			e.storyIDs[r.Story.ID] = sid
			e.maxStory = max(e.maxStory, sid)
			newStories[sid] = true
			res.NewStories++
		}
		hit := store.StoryHit{Seen: now, Units: r.Units}
		if len(hit.Units) == 0 {
			hit.Units = []int64{src.OrgID} // named no unit: the source's owner watches it
		}
		for _, h := range r.Hits {
			hit.RuleIDs = append(hit.RuleIDs, h.RuleID)
			if h.Severity > hit.Severity {
				hit.Severity, hit.Topic = h.Severity, h.Topic
			}
		}
		id, inserted, err := tx.InsertItem(ctx, store.NewItem{SourceID: src.ID, StoryID: sid, ExternalID: it.ID, URL: it.URL, URLNorm: urlKey,
			Title: it.Title, Body: it.Text, PublishedAt: it.PublishedAt, RuleIDs: hit.RuleIDs, EnteredBy: enteredBy})
		if err != nil {
			return res, err
		}
		if !inserted { // the same id twice in one batch
			res.Duplicates++
			continue
		}
		if err := tx.AddToStory(ctx, sid, hit); err != nil {
			return res, err
		}
		res.Accepted++
		res.ItemIDs = append(res.ItemIDs, id)
		if !containsInt64(res.StoryIDs, sid) {
			res.StoryIDs = append(res.StoryIDs, sid)
		}
		if len(hit.RuleIDs) > 0 {
			res.Matched++
		}
	}
	return res, tx.CountSourceItems(ctx, src.ID, res.Accepted)
}

func containsInt64(xs []int64, x int64) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// ingestBatch is one batch in one write transaction with its audit row;
// the source is read inside (by id, for the system) or checked by check.
func (a *App) ingestBatch(ctx context.Context, ac domain.Actor, srcID int64, items []IncomingItem, enteredBy, auditType string,
	inTx func(tx *store.Tx, res IngestResult) error) (IngestResult, error) {
	var res IngestResult
	e := &a.concern
	e.mu.Lock()
	defer e.mu.Unlock()
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		src, err := tx.ConcernSourceByID(ctx, srcID)
		if err != nil {
			return err
		}
		if res, err = a.ingest(ctx, tx, src, items, enteredBy); err != nil {
			return err
		}
		if inTx != nil {
			if err := inTx(tx, res); err != nil {
				return err
			}
		}
		if res.Accepted == 0 && auditType == "concern.poll" {
			return nil // an unchanged feed writes no audit row every few minutes
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: auditType, Target: fmt.Sprintf("concern_source:%d", srcID),
			Detail: fmt.Sprintf("received %d, new %d, duplicates %d, new stories %d, matched %d", res.Received, res.Accepted, res.Duplicates, res.NewStories, res.Matched)})
	})
	if err != nil {
		e.invalidate()
	}
	return res, err
}

// PushInput is a vendor's batch: items for the token's unit's push source,
// or for a push source named by id.
type PushInput struct {
	SourceID int64          `json:"source_id,omitempty"`
	Items    []IncomingItem `json:"items"`
}

// PushItems takes a vendor's batch (POST /api/v1/concern/items), idempotent
// by (source, item id): a repeated push changes nothing.
func (a *App) PushItems(ctx context.Context, ac domain.Actor, in PushInput) (IngestResult, error) {
	if err := ac.Require(domain.PermConcernIngest); err != nil {
		return IngestResult{}, err
	}
	if len(in.Items) == 0 {
		return IngestResult{}, domain.Invalid("items", "no items")
	}
	if len(in.Items) > maxIngestBatch {
		return IngestResult{}, domain.Invalid("items", "at most %d items in one batch, got %d", maxIngestBatch, len(in.Items))
	}
	items := make([]IncomingItem, len(in.Items))
	for i, it := range in.Items {
		var err error
		if items[i], err = cleanItem(it, fmt.Sprintf("items[%d]", i)); err != nil {
			return IngestResult{}, err
		}
	}
	srcID := in.SourceID
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		if srcID != 0 {
			src, err := tx.GetConcernSource(ctx, domain.Scope{Roots: ac.Scope.Roots}, srcID)
			if err != nil {
				return fieldNotFound(err, "source_id")
			}
			if src.Kind != domain.SourcePush {
				return domain.Invalid("source_id", "source %s is not a push source", src.Name)
			}
			if src.State != domain.SourceActive {
				return domain.Conflict("source_id", "source %s is paused", src.Name)
			}
			return nil
		}
		if ac.OrgID == 0 {
			return domain.Invalid("source_id", "name the push source")
		}
		var err error
		srcID, err = tx.SourceOfKind(ctx, ac.OrgID, domain.SourcePush, "厂商推送", ac.Name)
		return err
	})
	if err != nil {
		return IngestResult{}, err
	}
	return a.ingestBatch(ctx, ac, srcID, items, "", "concern.push", nil)
}
