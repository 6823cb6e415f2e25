package auth

import (
	"container/list"
	"sync"
	"time"
)

// DefaultLimiterKeys is how many keys a Limiter from NewLimiter tracks at
// most: with a limit of 10 that is about 10 MB in the worst case.
const DefaultLimiterKeys = 100_000

// Limiter is an in-memory sliding-window rate limiter keyed by string (an
// account name, a client address): at most limit events in any window.
//
// It is a per-node brake, not the authority. It forgets everything on
// restart, each zeren node has its own, and it may evict keys to bound its
// memory; the lockout that GB/T 22239-2019 8.1.4.1 b) requires is the
// LoginState kept in the database, which holds across restarts and nodes.
// The Limiter only makes guessing slower and cheaper to refuse: a refused
// attempt costs no argon2 verification and no database write.
//
// Memory is bounded: a key holds at most limit timestamps, keys whose events
// have all left the window are dropped as new events arrive, and when
// maxKeys keys are live the least recently active one is evicted. (An
// attacker with very many addresses can thus push a key out early; the
// database lockout is unaffected.) A Limiter is safe for concurrent use.
type Limiter struct {
	limit   int
	window  time.Duration
	maxKeys int

	mu   sync.Mutex
	keys map[string]*list.Element // value: *bucket
	lru  *list.List               // most recently recorded at the front
}

type bucket struct {
	key    string
	events []int64 // Unix nanoseconds, oldest first, at most limit
}

// NewLimiter returns a Limiter allowing limit events per window for each key,
// tracking at most DefaultLimiterKeys keys. It panics unless limit ≥ 1 and
// window > 0 (a programming error).
func NewLimiter(limit int, window time.Duration) *Limiter {
	return NewLimiterKeys(limit, window, DefaultLimiterKeys)
}

// NewLimiterKeys is NewLimiter tracking at most maxKeys keys (at least 1).
func NewLimiterKeys(limit int, window time.Duration, maxKeys int) *Limiter {
	if limit < 1 || window <= 0 || maxKeys < 1 {
		panic("auth: NewLimiter needs limit ≥ 1, window > 0 and maxKeys ≥ 1")
	}
	return &Limiter{
		limit:   limit,
		window:  window,
		maxKeys: maxKeys,
		keys:    make(map[string]*list.Element),
		lru:     list.New(),
	}
}

// Allow records an event for key at now and reports true if fewer than limit
// events happened in the window before it; otherwise it records nothing and
// reports false with how long until the oldest event leaves the window. Use it
// for what counts every attempt (logins per account).
func (l *Limiter) Allow(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ok, retryAfter = l.check(key, now); ok {
		l.record(key, now)
	}
	return ok, retryAfter
}

// Check reports what Allow would, without recording anything. With Record it
// serves what counts only failures (failed logins per client address): Check
// before the attempt, Record after it fails.
func (l *Limiter) Check(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.check(key, now)
}

// Record records an event for key at now unconditionally. When the window
// is already full the oldest event makes way, so the key stays refused.
func (l *Limiter) Record(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.record(key, now)
}

// Len reports how many keys the Limiter currently tracks.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

func (l *Limiter) check(key string, now time.Time) (bool, time.Duration) {
	e, found := l.keys[key]
	if !found {
		return true, 0
	}
	b := e.Value.(*bucket)
	l.prune(b, now)
	if len(b.events) < l.limit {
		return true, 0
	}
	return false, time.Duration(b.events[0] + int64(l.window) - now.UnixNano())
}

func (l *Limiter) record(key string, now time.Time) {
	l.sweep(now)
	var b *bucket
	if e, found := l.keys[key]; found {
		b = e.Value.(*bucket)
		l.prune(b, now)
		l.lru.MoveToFront(e)
	} else {
		for len(l.keys) >= l.maxKeys {
			l.remove(l.lru.Back())
		}
		b = &bucket{key: key, events: make([]int64, 0, min(l.limit, 16))}
		l.keys[key] = l.lru.PushFront(b)
	}
	if len(b.events) >= l.limit {
		b.events = append(b.events[:0], b.events[1:]...)
	}
	b.events = append(b.events, now.UnixNano())
}

// prune drops the events of b that have left the window ending at now.
func (l *Limiter) prune(b *bucket, now time.Time) {
	cutoff := now.UnixNano() - int64(l.window)
	i := 0
	for i < len(b.events) && b.events[i] <= cutoff {
		i++
	}
	if i > 0 {
		b.events = append(b.events[:0], b.events[i:]...)
	}
}

// sweep drops, from the least recently active end, keys whose newest event
// has left the window. Each key is dropped once, so the cost is amortised O(1).
func (l *Limiter) sweep(now time.Time) {
	cutoff := now.UnixNano() - int64(l.window)
	for e := l.lru.Back(); e != nil; e = l.lru.Back() {
		b := e.Value.(*bucket)
		if len(b.events) > 0 && b.events[len(b.events)-1] > cutoff {
			return
		}
		l.remove(e)
	}
}

func (l *Limiter) remove(e *list.Element) {
	delete(l.keys, e.Value.(*bucket).key)
	l.lru.Remove(e)
}
