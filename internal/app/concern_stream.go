package app

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// The stream (issue 14 item 4): the stories routed to the units an actor
// reads — a monitor's own unit's subtree, which is what the monitor team of
// that unit watches — newest activity first; a story with its items; and the
// daily and weekly summaries (volume by day × topic and by unit). Counts are
// of items and stories, never of the people who posted.

// StoryQuery filters the stream (from/to are dates in the bureau's zone,
// to inclusive).
type StoryQuery struct {
	OrgID       int64
	Topic       string
	MinSeverity int
	From, To    domain.Date
	Query       string
	Limit       int
	Offset      int
}

// StoryPage is a page of the stream.
type StoryPage struct {
	Stories []domain.ConcernStory `json:"stories"`
	Total   int                   `json:"total"`
}

// ListStories returns a page of the stream.
func (a *App) ListStories(ctx context.Context, ac domain.Actor, q StoryQuery) (StoryPage, error) {
	if err := ac.Require(domain.PermConcernRead); err != nil {
		return StoryPage{}, err
	}
	if q.MinSeverity < 0 || q.MinSeverity > domain.SeverityMajor {
		return StoryPage{}, domain.Invalid("severity", "must be 0 to 3")
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return StoryPage{}, domain.Invalid("to", "%s is before %s", q.To, q.From)
	}
	f := store.StoryFilter{OrgID: q.OrgID, Topic: q.Topic, MinSeverity: q.MinSeverity, Query: q.Query, Limit: q.Limit, Offset: q.Offset}
	if !q.From.IsZero() {
		f.From = a.clock.StartOf(q.From)
	}
	if !q.To.IsZero() {
		f.To = a.clock.StartOf(q.To.AddDays(1))
	}
	var out StoryPage
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		if err := readableOrg(ctx, tx, ac, q.OrgID); err != nil {
			return err
		}
		var err error
		out.Stories, out.Total, err = tx.ListStories(ctx, ac.Scope, f)
		return err
	})
	return out, err
}

// GetStory returns one story the actor reads, with its items.
func (a *App) GetStory(ctx context.Context, ac domain.Actor, id int64) (domain.ConcernStory, error) {
	if err := ac.Require(domain.PermConcernRead); err != nil {
		return domain.ConcernStory{}, err
	}
	var out domain.ConcernStory
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.GetStory(ctx, ac.Scope, id)
		return err
	})
	return out, err
}

// ItemEvidence opens a manual entry's screenshot when the actor reads its story.
func (a *App) ItemEvidence(ctx context.Context, ac domain.Actor, itemID int64, sha string) (store.EvidenceBlob, io.ReadCloser, error) {
	if err := ac.Require(domain.PermConcernRead); err != nil {
		return store.EvidenceBlob{}, nil, err
	}
	var b store.EvidenceBlob
	if err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		b, err = tx.ItemEvidenceOf(ctx, ac.Scope, itemID, sha)
		return err
	}); err != nil {
		return b, nil, err
	}
	rc, err := a.blobs.Open(ctx, sha)
	return b, rc, err
}

// maxSummaryItems bounds the items one summary reads.
const maxSummaryItems = 200_000

// SummaryBucket is one day (or hour, for a daily summary) of volume.
type SummaryBucket struct {
	Label   string         `json:"label"` // 2026-11-02, or 08:00 for an hour
	Items   int            `json:"items"`
	ByTopic map[string]int `json:"by_topic"` // "" is items no rule matched
}

// ConcernSummary is a period's volume.
type ConcernSummary struct {
	Period    string             `json:"period"` // day | week | month
	From      domain.Date        `json:"from"`
	To        domain.Date        `json:"to"` // inclusive
	Items     int                `json:"items"`
	Matched   int                `json:"matched"` // items whose story a rule matched
	Topics    []TopicVolume      `json:"topics"`
	Buckets   []SummaryBucket    `json:"buckets"`
	Units     []store.UnitVolume `json:"units"`
	Truncated bool               `json:"truncated"`
}

// TopicVolume is a topic's items in the period.
type TopicVolume struct {
	Topic string `json:"topic"`
	Items int    `json:"items"`
}

// Summary counts the items of the period ending on `day` (today when zero):
// "day" by hour, "week" the 7 days, "month" the 30 days, by topic and by
// routed unit (GET /api/v1/concern/summary).
func (a *App) Summary(ctx context.Context, ac domain.Actor, orgID int64, period string, day domain.Date) (ConcernSummary, error) {
	if err := ac.Require(domain.PermConcernRead); err != nil {
		return ConcernSummary{}, err
	}
	if day.IsZero() {
		day = a.Today()
	}
	days := map[string]int{"day": 1, "week": 7, "month": 30}[period]
	if period == "" {
		period, days = "week", 7
	}
	if days == 0 {
		return ConcernSummary{}, domain.Invalid("period", "%q is not day, week or month", period)
	}
	out := ConcernSummary{Period: period, From: day.AddDays(1 - days), To: day, Topics: []TopicVolume{}, Buckets: []SummaryBucket{}}
	from, to := a.clock.StartOf(out.From), a.clock.StartOf(day.AddDays(1))
	var rows []store.VolumeRow
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		if err := readableOrg(ctx, tx, ac, orgID); err != nil {
			return err
		}
		var err error
		if rows, err = tx.ItemVolume(ctx, ac.Scope, orgID, from, to, maxSummaryItems+1); err != nil {
			return err
		}
		out.Units, err = tx.VolumeByUnit(ctx, ac.Scope, orgID, from, to, 50)
		return err
	})
	if err != nil {
		return out, err
	}
	if len(rows) > maxSummaryItems {
		rows, out.Truncated = rows[:maxSummaryItems], true
	}
	loc := a.clock.Location()
	label := func(t time.Time) string { return a.clock.DateOf(t).String() }
	if period == "day" {
		label = func(t time.Time) string { return fmt.Sprintf("%02d:00", t.In(loc).Hour()) }
		for h := range 24 {
			out.Buckets = append(out.Buckets, SummaryBucket{Label: fmt.Sprintf("%02d:00", h), ByTopic: map[string]int{}})
		}
	} else {
		for d := out.From; !d.After(day); d = d.AddDays(1) {
			out.Buckets = append(out.Buckets, SummaryBucket{Label: d.String(), ByTopic: map[string]int{}})
		}
	}
	at := map[string]int{}
	for i, b := range out.Buckets {
		at[b.Label] = i
	}
	topics := map[string]int{}
	for _, r := range rows {
		i, ok := at[label(r.At)]
		if !ok {
			continue
		}
		b := &out.Buckets[i]
		b.Items++
		b.ByTopic[r.Topic]++
		out.Items++
		if r.Severity > 0 {
			out.Matched++
		}
		topics[r.Topic]++
	}
	for t, n := range topics {
		out.Topics = append(out.Topics, TopicVolume{Topic: t, Items: n})
	}
	sort.Slice(out.Topics, func(i, j int) bool {
		if out.Topics[i].Items != out.Topics[j].Items {
			return out.Topics[i].Items > out.Topics[j].Items
		}
		return out.Topics[i].Topic < out.Topics[j].Topic
	})
	return out, nil
}

// readableOrg answers not found (on org_id) unless the unit a filter names
// is one the actor reads; 0 names none.
func readableOrg(ctx context.Context, tx *store.Tx, ac domain.Actor, orgID int64) error {
	if orgID == 0 {
		return nil
	}
	_, err := tx.GetOrg(ctx, ac.Scope, orgID)
	return fieldNotFound(err, "org_id")
}
