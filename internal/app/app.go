// Package app holds zeren's use cases, one file per capability. It is the one
// place that checks what an actor may do, before the store is touched, and it
// runs every write as one store transaction.
package app

import (
	"context"
	"sync"
	"time"

	"github.com/zeren-edu/zeren/internal/auth"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// Config holds the limits the use cases enforce.
type Config struct {
	MaxEvidenceSize        int64 // bytes per file
	MaxEvidencePerActivity int
	// MaxExportRows bounds one Excel export; zero means DefaultMaxExportRows.
	MaxExportRows int
	// ReportPoolRecords bounds the activities a report reads into memory at
	// once for one unit and period (its figures then filter them instead of
	// querying each); zero means DefaultReportPool, negative never pools.
	ReportPoolRecords int
	// SnapshotRecordCap bounds the record ids a stored report keeps per
	// figure; zero means DefaultSnapshotRecordCap.
	SnapshotRecordCap int
	// SigningDelayDays is how many days after a past period's last day its
	// report is dated (成文日期) unless the office chooses a date; a report of
	// the period still running is dated today.
	SigningDelayDays int
	// RectImmediateDays: a rectification done within this many days of being
	// opened counts as 立行立改 (zero: DefaultRectImmediateDays).
	// RectEscalateEveryDays: an overdue one climbs one more level every this
	// many days (zero: DefaultRectEscalateEveryDay).
	RectImmediateDays, RectEscalateEveryDays int
	// PasswordHashing is the argon2id cost; zero means auth.DefaultParams.
	// Tests pass auth.TestParams. A stored hash made with other parameters is
	// re-hashed with these at its account's next successful login.
	PasswordHashing auth.HashParams
	// SecretKeys seal the TOTP secrets stored in the database; nil means a
	// random key held in memory only (tests, and commands that store no
	// second factor). A server loads them from its key file.
	SecretKeys *auth.SecretKeys
	// Backup lets the scheduled backup write the server's archive (see
	// backups.go); empty in commands and tests that do not back up.
	Backup BackupConfig
}

// DefaultConfig returns the limits used unless configured otherwise.
func DefaultConfig() Config {
	return Config{MaxEvidenceSize: blob.DefaultMaxSize, MaxEvidencePerActivity: 20}
}

// App is the set of use cases over one store and one blob store.
type App struct {
	st    *store.Store
	blobs blob.Store
	cfg   Config
	// clock is the store's: one "now" and one time zone (the bureau's) for
	// every date the use cases take from an instant.
	clock domain.Clock
	now   func() time.Time
	// listExportPage, when set, is the page size of the list exports (tests
	// make it small); see exportPageSize.
	listExportPage int

	hashParams auth.HashParams
	secrets    *auth.SecretKeys
	// dummyHash is verified against when a username is unknown, so a login
	// for a missing account costs as long as one for a real account.
	dummyHash string
	// Per-node login brakes; the database's failure counters are the authority.
	addrLimiter    *auth.Limiter
	accountLimiter *auth.Limiter
	// hashing bounds concurrent argon2id verifications: each takes 64 MiB,
	// and a burst of logins (an exam starting) must not exhaust memory.
	hashing chan struct{}
	// anchors, when set, are checked by the audit admin's verification.
	anchors *AuditAnchors
	// thumbs draws and keeps evidence thumbnails (made on first use).
	thumbsOnce sync.Once
	thumbs     *blob.Thumbnails
	// slowPhase, when set (tests), runs inside the read phase of a long
	// computation (a report snapshot, the problem rules) before its short
	// write: a test proves that writes go through meanwhile.
	slowPhase func(name string)
	// notifyDeps and jobs are wired after New by cmd/zeren (notify.go, jobs.go).
	notifyDeps notifyDeps
	jobs       JobQueue
	// concern is this node's public-concern pipeline and feed fetcher (concern_ingest.go).
	concern concernEngine
	// examPapers (exam id → *frozenPaper) and examVersions (question version
	// id → store.QuestionVersion) cache what never changes once written, so
	// an exam's start burst reads them from the database once per node.
	examPapers, examVersions sync.Map
}

// New wires an App over the store's clock (store.Options: the instant source
// and the bureau's time zone). now may be nil (the store's clock); tests that
// pass one pass the store's own.
func New(st *store.Store, blobs blob.Store, cfg Config, now func() time.Time) *App {
	clock := st.Clock()
	if now != nil {
		clock = domain.NewClock(now, clock.Location())
	}
	if cfg.MaxEvidenceSize <= 0 {
		cfg.MaxEvidenceSize = blob.DefaultMaxSize
	}
	if cfg.MaxEvidencePerActivity <= 0 {
		cfg.MaxEvidencePerActivity = 20
	}
	hp := cfg.PasswordHashing
	if hp == (auth.HashParams{}) {
		hp = auth.DefaultParams
	}
	dummy, err := auth.HashPassword(randomToken(), hp)
	if err != nil {
		panic("hashing a random password failed: " + err.Error())
	}
	pol := auth.Level3()
	secrets := cfg.SecretKeys
	if secrets == nil {
		secrets = auth.EphemeralSecretKeys()
	}
	return &App{st: st, blobs: blobs, cfg: cfg, clock: clock, now: clock.Now, hashParams: hp, dummyHash: dummy, secrets: secrets,
		addrLimiter:    auth.NewLimiter(pol.AddressFailuresPerMinute, time.Minute),
		accountLimiter: auth.NewLimiter(pol.AccountAttemptsPerMinute, time.Minute),
		hashing:        make(chan struct{}, 4)}
}

// Config returns the limits in force (the API describes them to clients).
func (a *App) Config() Config { return a.cfg }

// Today is the current date in the bureau's time zone.
func (a *App) Today() domain.Date { return a.clock.Today() }

// Clock is the app's clock, for the layers above (the API's "today", the
// server's session times).
func (a *App) Clock() domain.Clock { return a.clock }

// Ready reports whether the database answers.
func (a *App) Ready(ctx context.Context) error { return a.st.Ping(ctx) }

// OperatorActor is the actor of a request before accounts exist: the person
// at the server's own console, reaching it over loopback, with the whole tree
// in scope. The accounts capability replaces it with real sessions.
func (a *App) OperatorActor(ctx context.Context) (domain.Actor, error) {
	var roots []int64
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		roots, err = tx.RootIDs(ctx)
		return err
	})
	return domain.Actor{Name: "operator", Scope: domain.Scope{Roots: roots}, Operator: true}, err
}

// verifyPassword runs an argon2id verification under the concurrency bound.
func (a *App) verifyPassword(ctx context.Context, encoded, pw string) (bool, error) {
	select {
	case a.hashing <- struct{}{}:
	case <-ctx.Done():
		return false, domain.Unavailable(ctx.Err())
	}
	defer func() { <-a.hashing }()
	ok, _, err := auth.VerifyPassword(encoded, pw)
	return ok, err
}

// hashPassword runs an argon2id hashing under the same bound.
func (a *App) hashPassword(ctx context.Context, pw string) (string, error) {
	select {
	case a.hashing <- struct{}{}:
	case <-ctx.Done():
		return "", domain.Unavailable(ctx.Err())
	}
	defer func() { <-a.hashing }()
	return auth.HashPassword(pw, a.hashParams)
}
