package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/feed"
	"github.com/zeren-edu/zeren/internal/store"
)

// Sources (监测来源, issue 14 item 1): feeds zeren polls, and the push,
// file and manual sources items are handed in through. A feed that keeps
// failing is paused after feedPauseAfter failures in a row and shown as
// such; a manager resumes it.

const (
	// feedPauseAfter consecutive failures pause a feed.
	feedPauseAfter = 5
	// maxFeedBackoff caps the wait after failures (interval · 2^failures).
	maxFeedBackoff = 6 * time.Hour
	// feedsPerSweep bounds the feeds one sweep fetches; the rest wait for the next.
	feedsPerSweep = 50
	// feedWorkers fetch in parallel (each fetch is bounded by feed.Limits).
	feedWorkers                      = 4
	minFeedInterval, maxFeedInterval = 5 * 60, 24 * 3600
	// ConcernFeedSweepName is the job kind of the feed poller.
	ConcernFeedSweepName = "concern_feeds"
)

// SourceInput creates or changes a source.
type SourceInput struct {
	OrgID           int64                    `json:"org_id"`
	Kind            domain.ConcernSourceKind `json:"kind"`
	Name            string                   `json:"name"`
	URL             string                   `json:"url"`
	IntervalSeconds int                      `json:"interval_seconds"`
	Version         int                      `json:"version,omitempty"`
}

func (in *SourceInput) check() error {
	in.Name = strings.TrimSpace(in.Name)
	in.URL = strings.TrimSpace(in.URL)
	if err := domain.ValidateName("name", in.Name, domain.MaxNameLen); err != nil {
		return err
	}
	if err := domain.TextLine("name", in.Name); err != nil {
		return err
	}
	if !in.Kind.Valid() {
		return domain.Invalid("kind", "%q is not rss, push, file or manual", in.Kind)
	}
	if in.IntervalSeconds == 0 {
		in.IntervalSeconds = 900
	}
	if in.IntervalSeconds < minFeedInterval || in.IntervalSeconds > maxFeedInterval {
		return domain.Invalid("interval_seconds", "must be %d to %d seconds", minFeedInterval, maxFeedInterval)
	}
	if in.Kind != domain.SourceRSS {
		in.URL = ""
		return nil
	}
	u, err := url.Parse(in.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(in.URL) > maxItemURLBytes {
		return domain.Invalid("url", "a feed needs an http or https address")
	}
	return nil
}

func sourceTarget(id int64) string { return fmt.Sprintf("concern_source:%d", id) }

// ListSources lists the sources of the units the actor reads, with health.
func (a *App) ListSources(ctx context.Context, ac domain.Actor, orgID int64) ([]domain.ConcernSource, error) {
	if err := ac.Require(domain.PermConcernRead); err != nil {
		return nil, err
	}
	var out []domain.ConcernSource
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		if err := readableOrg(ctx, tx, ac, orgID); err != nil {
			return err
		}
		var err error
		out, err = tx.ListConcernSources(ctx, ac.Scope, orgID)
		return err
	})
	return out, err
}

// CreateSource adds a source to a unit in the actor's write scope.
func (a *App) CreateSource(ctx context.Context, ac domain.Actor, in SourceInput) (domain.ConcernSource, error) {
	if err := ac.Require(domain.PermConcernManage); err != nil {
		return domain.ConcernSource{}, err
	}
	if err := in.check(); err != nil {
		return domain.ConcernSource{}, err
	}
	var out domain.ConcernSource
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, in.OrgID); err != nil {
			return fieldNotFound(err, "org_id")
		}
		id, err := tx.CreateConcernSource(ctx, store.NewConcernSource{OrgID: in.OrgID, Kind: in.Kind, Name: in.Name, URL: in.URL,
			IntervalSeconds: in.IntervalSeconds, CreatedBy: ac.Name})
		if err != nil {
			return err
		}
		if out, err = tx.GetConcernSource(ctx, ac.Scope, id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "concern.source.create", Target: sourceTarget(id), After: out})
	})
	return out, err
}

// SourceChange edits a source's name, address and interval, or pauses or
// resumes it (state "active" resumes: failures cleared, due at once).
type SourceChange struct {
	Name            *string `json:"name,omitempty"`
	URL             *string `json:"url,omitempty"`
	IntervalSeconds *int    `json:"interval_seconds,omitempty"`
	State           *string `json:"state,omitempty"`
	Version         int     `json:"version"`
}

// UpdateSource changes a source of a unit in the actor's write scope.
func (a *App) UpdateSource(ctx context.Context, ac domain.Actor, id int64, ch SourceChange) (domain.ConcernSource, error) {
	if err := ac.Require(domain.PermConcernManage); err != nil {
		return domain.ConcernSource{}, err
	}
	var out domain.ConcernSource
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.GetConcernSource(ctx, domain.Scope{Roots: ac.Scope.Roots}, id)
		if err != nil {
			return err
		}
		version := ch.Version
		if version == 0 {
			version = old.Version
		}
		in := SourceInput{OrgID: old.OrgID, Kind: old.Kind, Name: old.Name, URL: old.URL, IntervalSeconds: old.IntervalSeconds}
		if ch.Name != nil {
			in.Name = *ch.Name
		}
		if ch.URL != nil {
			in.URL = *ch.URL
		}
		if ch.IntervalSeconds != nil {
			in.IntervalSeconds = *ch.IntervalSeconds
		}
		if err := in.check(); err != nil {
			return err
		}
		state := old.State
		if ch.State != nil {
			if *ch.State != domain.SourceActive && *ch.State != domain.SourcePaused {
				return domain.Invalid("state", "%q is not active or paused", *ch.State)
			}
			state = *ch.State
		}
		resume := state == domain.SourceActive && (old.State == domain.SourcePaused || old.Failures > 0) && old.Kind == domain.SourceRSS
		if err := tx.UpdateConcernSource(ctx, id, version, store.ConcernSourcePatch{Name: in.Name, URL: in.URL,
			IntervalSeconds: in.IntervalSeconds, State: state}, resume); err != nil {
			return err
		}
		if out, err = tx.GetConcernSource(ctx, ac.Scope, id); err != nil {
			return err
		}
		typ := "concern.source.update"
		if state != old.State {
			typ = "concern.source." + map[string]string{domain.SourceActive: "resume", domain.SourcePaused: "pause"}[state]
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: typ, Target: sourceTarget(id), Before: old, After: out})
	})
	return out, err
}

func (a *App) fetcher() *feed.Fetcher {
	if a.concern.fetcher != nil {
		return a.concern.fetcher
	}
	a.concern.fetcherOnce.Do(func() { a.concern.defaultFetcher = feed.New(feed.DefaultLimits, nil) })
	return a.concern.defaultFetcher
}

// backoff is the wait after the n-th failure in a row.
func backoff(interval time.Duration, failures int) time.Duration {
	d := interval
	for i := 0; i < failures && d < maxFeedBackoff; i++ {
		d *= 2
	}
	return min(d, maxFeedBackoff)
}

// PollFeeds fetches the feeds due now (the concern_feeds sweep). Each feed's
// failure is recorded on that feed alone; the others go on. It returns how
// many feeds it fetched.
func (a *App) PollFeeds(ctx context.Context) (int, error) {
	now := a.now()
	var due []domain.ConcernSource
	if err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		due, err = tx.DueFeeds(ctx, now, feedsPerSweep)
		return err
	}); err != nil {
		return 0, err
	}
	var claimed []domain.ConcernSource
	for _, s := range due {
		ok := false
		// Claim first: another node's sweep reading the same due feed loses the race.
		if err := a.st.Write(ctx, func(tx *store.Tx) error {
			var err error
			ok, err = tx.ClaimFeed(ctx, s.ID, s.NextPollAt, now.Add(time.Duration(s.IntervalSeconds)*time.Second))
			return err
		}); err != nil {
			return 0, err
		}
		if ok {
			claimed = append(claimed, s)
		}
	}
	work := make(chan domain.ConcernSource)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for range min(feedWorkers, len(claimed)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				if err := a.pollFeed(ctx, s, now); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for _, s := range claimed {
		work <- s
	}
	close(work)
	wg.Wait()
	return len(claimed), errors.Join(errs...)
}

// pollFeed fetches one claimed feed and stores what it brought, or its
// failure. Only a database error is returned: a feed's own failure is its
// health, not the sweep's.
func (a *App) pollFeed(ctx context.Context, s domain.ConcernSource, now time.Time) error {
	system := domain.Actor{Name: operatorName, Operator: true}
	interval := time.Duration(s.IntervalSeconds) * time.Second
	res, err := a.fetcher().Fetch(ctx, s.URL, s.ETag, s.LastModified)
	if err != nil {
		var fe *feed.Error
		if !errors.As(err, &fe) {
			fe = &feed.Error{Kind: feed.KindNetwork, Msg: err.Error()}
		}
		pause := s.Failures+1 >= feedPauseAfter
		return a.st.Write(ctx, func(tx *store.Tx) error {
			if err := tx.FeedFailure(ctx, s.ID, cutRunes(fe.Error(), 500), now.Add(backoff(interval, s.Failures+1)), pause); err != nil {
				return err
			}
			if !pause {
				return nil
			}
			return a.record(ctx, tx, system, AuditEntry{Type: "concern.source.pause", Target: sourceTarget(s.ID),
				Detail: fmt.Sprintf("paused after %d failures in a row: %s", s.Failures+1, cutRunes(fe.Error(), 300))})
		})
	}
	items := make([]IncomingItem, 0, len(res.Items))
	for _, it := range res.Items {
		c, err := cleanItem(IncomingItem{ID: it.ExternalID, URL: it.URL, Title: it.Title, Text: it.Text, PublishedAt: it.Published}, "item")
		if err == nil { // a feed's unusable entry is skipped, not the feed
			items = append(items, c)
		}
	}
	_, err = a.ingestBatch(ctx, system, s.ID, items, "", "concern.poll", func(tx *store.Tx, _ IngestResult) error {
		return tx.FeedSuccess(ctx, s.ID, res.ETag, res.LastModified, now.Add(interval))
	})
	return err
}

func (a *App) concernFeedSweep() Sweep {
	return Sweep{Name: ConcernFeedSweepName, Every: time.Minute, Run: func(ctx context.Context) error {
		_, err := a.PollFeeds(ctx)
		return err
	}}
}
