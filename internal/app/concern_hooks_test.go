package app

import "github.com/zeren-edu/zeren/internal/feed"

// SetFeedFetcher replaces the feed fetcher (tests: short timeouts and small
// bounds against a local feed server).
func (a *App) SetFeedFetcher(f *feed.Fetcher) { a.concern.fetcher = f }
