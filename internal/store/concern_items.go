package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Public-concern items and stories (issue 14). A story is visible to an
// actor when one of the units it is routed to lies in the actor's read scope.

// idList writes rule ids as "1,5,9" (empty for none).
func idList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

func parseIDList(s string) []int64 {
	out := []int64{}
	for _, f := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// KnownItem reports whether a source already holds an item with this
// external id (a pushed or polled item seen before is a no-op).
func (tx *Tx) KnownItem(ctx context.Context, sourceID int64, externalID string) (bool, error) {
	ids, err := tx.queryIDs(ctx, `SELECT id FROM concern_items WHERE source_id = $1 AND external_id = $2`, sourceID, externalID)
	return len(ids) > 0, err
}

// StoryKey is what the de-duplicator needs to know a story again.
type StoryKey struct {
	ID                  int64
	FirstSeen, LastSeen time.Time
	Count               int
	TitleHash, Simhash  uint64
	URLKeys             []string
}

// RecentStoryKeys returns the stories last seen at or after since, with the
// normalised URLs of their items: the window a restarted pipeline restores.
func (tx *Tx) RecentStoryKeys(ctx context.Context, since time.Time, limit int) ([]StoryKey, error) {
	rows, err := tx.query(ctx, `SELECT id, first_seen, last_seen, item_count, title_hash, simhash FROM concern_stories
		WHERE last_seen >= $1 ORDER BY id DESC LIMIT $2`, timeText(since), limit)
	if err != nil {
		return nil, err
	}
	var out []StoryKey
	byID := map[int64]int{}
	for rows.Next() {
		var k StoryKey
		var first, last string
		var th, sh int64
		if err := rows.Scan(&k.ID, &first, &last, &k.Count, &th, &sh); err != nil {
			rows.Close()
			return nil, tx.d.wrap(err)
		}
		k.FirstSeen, k.LastSeen, k.TitleHash, k.Simhash = parseTime(first), parseTime(last), uint64(th), uint64(sh)
		byID[k.ID] = len(out)
		out = append(out, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, tx.d.wrap(err)
	}
	urls, err := tx.query(ctx, `SELECT DISTINCT story_id, url_norm FROM concern_items WHERE url_norm <> '' AND story_id >= $1`, out[len(out)-1].ID)
	if err != nil {
		return nil, err
	}
	defer urls.Close()
	for urls.Next() {
		var id int64
		var u string
		if err := urls.Scan(&id, &u); err != nil {
			return nil, tx.d.wrap(err)
		}
		if i, ok := byID[id]; ok {
			out[i].URLKeys = append(out[i].URLKeys, u)
		}
	}
	return out, tx.d.wrap(urls.Err())
}

// NewStory is a story's first item's keys and headline.
type NewStory struct {
	Seen               time.Time
	Title, URL, URLKey string
	TitleHash, Simhash uint64
}

// CreateStory adds a story with no items yet.
func (tx *Tx) CreateStory(ctx context.Context, n NewStory) (int64, error) {
	var id int64
	seen := timeText(n.Seen)
	err := tx.queryRow(ctx, `INSERT INTO concern_stories (first_seen, last_seen, item_count, title, url, url_norm, title_hash, simhash)
		VALUES ($1, $1, 0, $2, $3, $4, $5, $6) RETURNING id`, seen, n.Title, n.URL, n.URLKey, int64(n.TitleHash), int64(n.Simhash)).Scan(&id)
	return id, tx.d.wrap(err)
}

// StoryHit is what one new item adds to its story.
type StoryHit struct {
	Seen     time.Time
	Topic    string
	Severity int // the highest of the item's rules; 0 for none
	RuleIDs  []int64
	Units    []int64
}

// AddToStory counts one more item in a story: last seen, count, the
// highest severity (and its topic) and the union of rules, the routed units.
func (tx *Tx) AddToStory(ctx context.Context, id int64, h StoryHit) error {
	var sev int
	var topic, ruleIDs, first, last string
	if err := tx.queryRow(ctx, `SELECT severity, topic, rule_ids, first_seen, last_seen FROM concern_stories WHERE id = $1`+tx.d.forUpdate(), id).
		Scan(&sev, &topic, &ruleIDs, &first, &last); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return domain.NotFound("story %d", id)
		}
		return tx.d.wrap(err)
	}
	if h.Severity > sev {
		sev, topic = h.Severity, h.Topic
	}
	ids := parseIDList(ruleIDs)
	for _, r := range h.RuleIDs {
		if !containsID(ids, r) {
			ids = append(ids, r)
		}
	}
	seen := timeText(h.Seen)
	if seen < first {
		first = seen
	}
	if seen > last {
		last = seen
	}
	if _, err := tx.exec(ctx, `UPDATE concern_stories SET item_count = item_count + 1, first_seen = $2, last_seen = $3, severity = $4, topic = $5, rule_ids = $6
		WHERE id = $1`, id, first, last, sev, topic, idList(ids)); err != nil {
		return err
	}
	for _, u := range h.Units {
		if _, err := tx.exec(ctx, `INSERT INTO concern_story_units (story_id, org_id) VALUES ($1, $2) ON CONFLICT (story_id, org_id) DO NOTHING`, id, u); err != nil {
			return err
		}
	}
	return nil
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// NewItem is one received item, already filed under its story.
type NewItem struct {
	SourceID, StoryID        int64
	ExternalID, URL, URLNorm string
	Title, Body              string
	PublishedAt              time.Time
	RuleIDs                  []int64
	EnteredBy                string
}

// InsertItem stores an item; false when the source already holds its
// external id (then nothing is written).
func (tx *Tx) InsertItem(ctx context.Context, n NewItem) (int64, bool, error) {
	pub := ""
	if !n.PublishedAt.IsZero() {
		pub = timeText(n.PublishedAt)
	}
	rows, err := tx.query(ctx, `INSERT INTO concern_items (source_id, story_id, external_id, url, url_norm, title, body, published_at, fetched_at, rule_ids, entered_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (source_id, external_id) DO NOTHING RETURNING id`,
		n.SourceID, n.StoryID, n.ExternalID, n.URL, n.URLNorm, n.Title, n.Body, pub, timeText(tx.now), idList(n.RuleIDs), n.EnteredBy)
	if err != nil {
		return 0, false, err
	}
	defer rows.Close()
	var id int64
	if rows.Next() {
		if err := rows.Scan(&id); err != nil {
			return 0, false, tx.d.wrap(err)
		}
	}
	return id, id != 0, tx.d.wrap(rows.Err())
}

// AttachItemEvidence links an evidence blob (already stored) to an item.
func (tx *Tx) AttachItemEvidence(ctx context.Context, itemID int64, sha, filename string) error {
	_, err := tx.exec(ctx, `INSERT INTO concern_item_evidence (item_id, sha256, filename, attached_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (item_id, sha256) DO NOTHING`, itemID, sha, filename, timeText(tx.now))
	return err
}

// ItemEvidenceOf returns the blob of an item's evidence when the item's
// story is visible in the scope.
func (tx *Tx) ItemEvidenceOf(ctx context.Context, scope domain.Scope, itemID int64, sha string) (EvidenceBlob, error) {
	args := []any{itemID, sha}
	b := EvidenceBlob{SHA256: sha, Activities: []int64{}}
	err := tx.queryRow(ctx, `SELECT b.size, b.media_type, b.created_at FROM concern_item_evidence e
		JOIN evidence_blobs b ON b.sha256 = e.sha256 JOIN concern_items i ON i.id = e.item_id
		WHERE e.item_id = $1 AND e.sha256 = $2 AND `+storyVisible("i.story_id", scope, &args), args...).Scan(&b.Size, &b.MediaType, &b.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return b, domain.NotFound("evidence %s of item %d", sha, itemID)
	}
	return b, tx.d.wrap(err)
}

// storyVisible is the condition that a story (by its id column) is routed to
// a unit in the scope.
func storyVisible(col string, scope domain.Scope, args *[]any) string {
	return fmt.Sprintf("EXISTS (SELECT 1 FROM concern_story_units su WHERE su.story_id = %s AND %s)", col, scopeFilter("su.org_id", scope.ReadRoots(), args))
}

// StoryFilter narrows the stream.
type StoryFilter struct {
	OrgID       int64 // stories routed into this unit's subtree (inside the scope)
	Topic       string
	MinSeverity int // 0: every story, matched or not; 1: matched by a rule
	From, To    time.Time
	Query       string // in the title
	Limit       int
	Offset      int
}

const storyCols = `s.id, s.first_seen, s.last_seen, s.item_count, s.title, s.url, s.topic, s.severity, s.rule_ids`

func scanStory(sc interface{ Scan(...any) error }) (domain.ConcernStory, error) {
	var s domain.ConcernStory
	var first, last, rules string
	err := sc.Scan(&s.ID, &first, &last, &s.ItemCount, &s.Title, &s.URL, &s.Topic, &s.Severity, &rules)
	s.FirstSeen, s.LastSeen, s.RuleIDs = parseTime(first), parseTime(last), parseIDList(rules)
	s.Units = []domain.UnitRef{}
	return s, err
}

func (tx *Tx) storyWhere(ctx context.Context, scope domain.Scope, f StoryFilter, args *[]any) (string, bool, error) {
	if scope.Empty() {
		return "", false, nil
	}
	where := []string{storyVisible("s.id", scope, args)}
	if f.OrgID != 0 {
		ok, err := tx.InScope(ctx, scope.ReadRoots(), f.OrgID)
		if err != nil || !ok {
			return "", false, err
		}
		*args = append(*args, f.OrgID)
		where = append(where, fmt.Sprintf(`EXISTS (SELECT 1 FROM concern_story_units su2 JOIN org_closure c2 ON c2.descendant_id = su2.org_id
			WHERE su2.story_id = s.id AND c2.ancestor_id = $%d)`, len(*args)))
	}
	if f.Topic != "" {
		*args = append(*args, f.Topic)
		where = append(where, fmt.Sprintf("s.topic = $%d", len(*args)))
	}
	if f.MinSeverity > 0 {
		*args = append(*args, f.MinSeverity)
		where = append(where, fmt.Sprintf("s.severity >= $%d", len(*args)))
	}
	if !f.From.IsZero() {
		*args = append(*args, timeText(f.From))
		where = append(where, fmt.Sprintf("s.last_seen >= $%d", len(*args)))
	}
	if !f.To.IsZero() {
		*args = append(*args, timeText(f.To))
		where = append(where, fmt.Sprintf("s.first_seen < $%d", len(*args)))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		*args = append(*args, "%"+likeEscape(q)+"%")
		where = append(where, fmt.Sprintf(`s.title LIKE $%d ESCAPE '\'`, len(*args)))
	}
	return strings.Join(where, " AND "), true, nil
}

// ListStories returns a page of visible stories, newest activity first, and
// the total.
func (tx *Tx) ListStories(ctx context.Context, scope domain.Scope, f StoryFilter) ([]domain.ConcernStory, int, error) {
	args := []any{}
	cond, ok, err := tx.storyWhere(ctx, scope, f, &args)
	if err != nil || !ok {
		return []domain.ConcernStory{}, 0, err
	}
	var total int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM concern_stories s WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, tx.d.wrap(err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	args = append(args, limit, f.Offset)
	rows, err := tx.query(ctx, fmt.Sprintf("SELECT %s FROM concern_stories s WHERE %s ORDER BY s.last_seen DESC, s.id DESC LIMIT $%d OFFSET $%d",
		storyCols, cond, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, err
	}
	out := []domain.ConcernStory{}
	for rows.Next() {
		s, err := scanStory(rows)
		if err != nil {
			rows.Close()
			return nil, 0, tx.d.wrap(err)
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, tx.d.wrap(err)
	}
	return out, total, tx.fillStoryUnits(ctx, out)
}

func (tx *Tx) fillStoryUnits(ctx context.Context, stories []domain.ConcernStory) error {
	if len(stories) == 0 {
		return nil
	}
	ids := make([]int64, len(stories))
	at := map[int64]int{}
	for i, s := range stories {
		ids[i], at[s.ID] = s.ID, i
	}
	args := []any{}
	rows, err := tx.query(ctx, `SELECT su.story_id, o.id, o.name FROM concern_story_units su JOIN org_units o ON o.id = su.org_id
		WHERE su.story_id IN (`+placeholders(&args, int64s(ids)...)+`) ORDER BY su.story_id, o.depth, o.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sid int64
		var u domain.UnitRef
		if err := rows.Scan(&sid, &u.ID, &u.Name); err != nil {
			return tx.d.wrap(err)
		}
		s := &stories[at[sid]]
		s.Units = append(s.Units, u)
	}
	return tx.d.wrap(rows.Err())
}

const itemCols = `i.id, i.source_id, c.name, c.kind, i.story_id, i.external_id, i.url, i.title, i.body, i.published_at, i.fetched_at, i.rule_ids`

func scanItem(sc interface{ Scan(...any) error }) (domain.ConcernItem, error) {
	var it domain.ConcernItem
	var kind, pub, fetched, rules string
	err := sc.Scan(&it.ID, &it.SourceID, &it.SourceName, &kind, &it.StoryID, &it.ExternalID, &it.URL, &it.Title, &it.Body, &pub, &fetched, &rules)
	it.SourceKind = domain.ConcernSourceKind(kind)
	it.PublishedAt, it.FetchedAt, it.RuleIDs = parseTime(pub), parseTime(fetched), parseIDList(rules)
	return it, err
}

// GetStory returns a visible story with its items (oldest first, at most
// 500) and their evidence.
func (tx *Tx) GetStory(ctx context.Context, scope domain.Scope, id int64) (domain.ConcernStory, error) {
	args := []any{id}
	s, err := scanStory(tx.queryRow(ctx, "SELECT "+storyCols+" FROM concern_stories s WHERE s.id = $1 AND "+storyVisible("s.id", scope, &args), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return s, domain.NotFound("story %d", id)
	}
	if err != nil {
		return s, tx.d.wrap(err)
	}
	one := []domain.ConcernStory{s}
	if err := tx.fillStoryUnits(ctx, one); err != nil {
		return s, err
	}
	s = one[0]
	rows, err := tx.query(ctx, "SELECT "+itemCols+" FROM concern_items i JOIN concern_sources c ON c.id = i.source_id WHERE i.story_id = $1 ORDER BY i.fetched_at, i.id LIMIT 500", id)
	if err != nil {
		return s, err
	}
	at := map[int64]int{}
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			rows.Close()
			return s, tx.d.wrap(err)
		}
		at[it.ID] = len(s.Items)
		s.Items = append(s.Items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s, tx.d.wrap(err)
	}
	ev, err := tx.query(ctx, `SELECT e.item_id, e.sha256, e.filename FROM concern_item_evidence e JOIN concern_items i ON i.id = e.item_id
		WHERE i.story_id = $1 ORDER BY e.item_id, e.attached_at`, id)
	if err != nil {
		return s, err
	}
	defer ev.Close()
	for ev.Next() {
		var iid int64
		var e domain.ConcernEvidence
		if err := ev.Scan(&iid, &e.SHA256, &e.Filename); err != nil {
			return s, tx.d.wrap(err)
		}
		if k, ok := at[iid]; ok {
			s.Items[k].Evidence = append(s.Items[k].Evidence, e)
		}
	}
	return s, tx.d.wrap(ev.Err())
}

// ItemText is an item's text as a rule test reads it.
type ItemText struct {
	ID, StoryID int64
	Title, Body string
	FetchedAt   time.Time
}

// RecentItems returns the items fetched at or after since whose stories are
// visible in the scope, newest first, at most limit.
func (tx *Tx) RecentItems(ctx context.Context, scope domain.Scope, since time.Time, limit int) ([]ItemText, error) {
	if scope.Empty() {
		return nil, nil
	}
	args := []any{timeText(since), limit}
	rows, err := tx.query(ctx, `SELECT i.id, i.story_id, i.title, i.body, i.fetched_at FROM concern_items i
		WHERE i.fetched_at >= $1 AND `+storyVisible("i.story_id", scope, &args)+` ORDER BY i.fetched_at DESC, i.id DESC LIMIT $2`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ItemText
	for rows.Next() {
		var it ItemText
		var at string
		if err := rows.Scan(&it.ID, &it.StoryID, &it.Title, &it.Body, &at); err != nil {
			return nil, tx.d.wrap(err)
		}
		it.FetchedAt = parseTime(at)
		out = append(out, it)
	}
	return out, tx.d.wrap(rows.Err())
}

// VolumeRow is one item as the summary counts it: when it came, under which
// topic its story stands and how severe.
type VolumeRow struct {
	At       time.Time
	Topic    string
	Severity int
}

// ItemVolume lists the items fetched in [from, to) of visible stories (root's
// subtree when root is not 0), at most limit: the summary buckets them in
// the bureau's zone.
func (tx *Tx) ItemVolume(ctx context.Context, scope domain.Scope, root int64, from, to time.Time, limit int) ([]VolumeRow, error) {
	args := []any{}
	cond, ok, err := tx.storyWhere(ctx, scope, StoryFilter{OrgID: root}, &args)
	if err != nil || !ok {
		return nil, err
	}
	args = append(args, timeText(from), timeText(to), limit)
	rows, err := tx.query(ctx, fmt.Sprintf(`SELECT i.fetched_at, s.topic, s.severity FROM concern_items i JOIN concern_stories s ON s.id = i.story_id
		WHERE i.fetched_at >= $%d AND i.fetched_at < $%d AND %s ORDER BY i.fetched_at LIMIT $%d`, len(args)-2, len(args)-1, cond, len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []VolumeRow
	for rows.Next() {
		var v VolumeRow
		var at string
		if err := rows.Scan(&at, &v.Topic, &v.Severity); err != nil {
			return nil, tx.d.wrap(err)
		}
		v.At = parseTime(at)
		out = append(out, v)
	}
	return out, tx.d.wrap(rows.Err())
}

// UnitVolume is the items of one routed unit in a period.
type UnitVolume struct {
	Unit    domain.UnitRef `json:"unit"`
	Items   int            `json:"items"`
	Stories int            `json:"stories"`
	Matched int            `json:"matched"` // stories matched by a rule
}

// VolumeByUnit counts, per routed unit in the scope (root's subtree when not
// 0), the items fetched in [from, to) and their stories, most first.
func (tx *Tx) VolumeByUnit(ctx context.Context, scope domain.Scope, root int64, from, to time.Time, limit int) ([]UnitVolume, error) {
	args := []any{}
	cond, ok, err := tx.subtreeInScope(ctx, scope, "su.org_id", root, &args)
	if err != nil || !ok {
		return []UnitVolume{}, err
	}
	args = append(args, timeText(from), timeText(to), limit)
	rows, err := tx.query(ctx, fmt.Sprintf(`SELECT o.id, o.name, COUNT(i.id), COUNT(DISTINCT s.id), COUNT(DISTINCT CASE WHEN s.severity > 0 THEN s.id END)
		FROM concern_story_units su JOIN org_units o ON o.id = su.org_id JOIN concern_stories s ON s.id = su.story_id
		JOIN concern_items i ON i.story_id = s.id
		WHERE %s AND i.fetched_at >= $%d AND i.fetched_at < $%d
		GROUP BY o.id, o.name ORDER BY COUNT(i.id) DESC, o.id LIMIT $%d`, cond, len(args)-2, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []UnitVolume{}
	for rows.Next() {
		var u UnitVolume
		if err := rows.Scan(&u.Unit.ID, &u.Unit.Name, &u.Items, &u.Stories, &u.Matched); err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, u)
	}
	return out, tx.d.wrap(rows.Err())
}

// MaxStoryID is the newest story's id (0 for none): a node whose pipeline
// last saw another id rebuilds it (another node filed new stories).
func (tx *Tx) MaxStoryID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	err := tx.queryRow(ctx, `SELECT MAX(id) FROM concern_stories`).Scan(&id)
	return id.Int64, tx.d.wrap(err)
}
