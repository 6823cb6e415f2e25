package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/audit"
)

// anchorer anchors the audit trail's head while serve runs: once at start,
// every interval when the head moved, and once more after the shutdown has
// let the last requests finish. Each anchor is a line of the anchor file in
// the data directory and a line of the log.
type anchorer struct {
	a    *app.App
	an   app.AuditAnchors
	log  *slog.Logger
	last audit.Head // the head anchored last
	stop context.CancelFunc
	wg   sync.WaitGroup
}

// startAuditAnchors loads (or creates) the key, compares the database with
// the newest anchor — so a trail truncated or replaced while the server was
// down is reported at once — writes the start-up anchor and starts the
// periodic one.
func startAuditAnchors(ctx context.Context, a *app.App, cfg config, log *slog.Logger, stdout io.Writer) (*anchorer, error) {
	keyPath := cfg.auditKey
	if keyPath == "" {
		keyPath = filepath.Join(cfg.dataDir, audit.AnchorKeyFileName)
	}
	key, err := loadOrCreateAnchorKey(keyPath, stdout)
	if err != nil {
		return nil, err
	}
	x := &anchorer{a: a, an: app.AuditAnchors{Path: filepath.Join(cfg.dataDir, audit.AnchorFileName), Key: key}, log: log}
	last, ok, p, err := a.CheckLastAuditAnchor(ctx, x.an)
	switch {
	case err != nil:
		return nil, err
	case p != nil:
		log.Error("the audit trail does not match its last anchor: run `zeren audit verify`", "anchor_file", x.an.Path,
			"seq", p.Seq, "problem", p.Kind, "message", p.Message)
	case ok:
		log.Info("the audit trail agrees with its last anchor", "seq", last.Seq, "anchored_at", last.Time)
	}
	a.UseAuditAnchors(x.an)
	x.anchor(ctx, audit.Head{}) // at start, even when nothing moved: it dates this start
	tick, stop := context.WithCancel(ctx)
	x.stop = stop
	x.wg.Add(1)
	go func() {
		defer x.wg.Done()
		t := time.NewTicker(cfg.anchorEvery)
		defer t.Stop()
		for {
			select {
			case <-tick.Done():
				return
			case <-t.C:
				x.anchor(tick, x.last)
			}
		}
	}()
	return x, nil
}

// anchor writes an anchor unless the head is still since; a failure is
// logged (the next tick tries again), never fatal to the server.
func (x *anchorer) anchor(ctx context.Context, since audit.Head) {
	anc, wrote, err := x.a.AnchorAudit(ctx, x.an, since)
	if err != nil {
		x.log.Error("writing the audit anchor failed", "anchor_file", x.an.Path, "err", err)
		return
	}
	if wrote {
		x.last = anc.Head()
		x.log.Info("audit anchor", "anchor", anc.Line())
	}
}

// close stops the periodic anchor and writes the last one, after the HTTP
// server has finished its requests and before the store closes.
func (x *anchorer) close() {
	x.stop()
	x.wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	x.anchor(ctx, x.last)
}
