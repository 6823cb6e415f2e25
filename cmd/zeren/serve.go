package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/audit"
	"github.com/zeren-edu/zeren/internal/auth"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/httpapi"
	"github.com/zeren-edu/zeren/internal/jobs"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/web"
)

// Timeouts of the process, as opposed to those of one request (httpapi).
const (
	// openTimeout bounds opening and migrating the database at start-up, so
	// an unreachable PostgreSQL server is reported instead of waited on.
	openTimeout = 30 * time.Second
	// shutdownTimeout is how long requests in flight may take to finish
	// after SIGTERM.
	shutdownTimeout = 20 * time.Second
)

func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, code := configOrExit("serve", args, stdout, stderr)
	if code >= 0 {
		return code
	}
	log := newLogger(stderr, cfg.logLevel)
	st, a, err := openApp(ctx, cfg, store.Options{})
	if err != nil {
		return fail(stderr, "serve", exitFailed, err)
	}
	defer st.Close()
	n, err := countAccounts(ctx, a)
	if err != nil {
		return fail(stderr, "serve", exitFailed, err)
	}
	if n == 0 {
		fmt.Fprintf(stdout, "zeren: no accounts yet, so nobody can log in: run `zeren init --db %s --bureau-name NAME` "+
			"to create the three administrators\n", redactDSN(cfg.db))
	}
	ln, err := listen(cfg.addr)
	if err != nil {
		return fail(stderr, "serve", exitFailed, err)
	}
	if !isLoopback(cfg.addr) && len(cfg.trustedProxies) == 0 && cfg.tls == nil {
		log.Warn("serving beyond loopback over plain HTTP: put a TLS-terminating reverse proxy in front and list it in --trusted-proxies, "+
			"so that session cookies are Secure and the audit trail records the clients' addresses", "addr", cfg.addr)
	}
	anchors, err := startAuditAnchors(ctx, a, cfg, log, stdout)
	if err != nil {
		ln.Close()
		return fail(stderr, "serve", exitFailed, err)
	}
	defer anchors.close() // after the requests in flight, before the store closes
	// E-mail and group robots: the channels notifications go out by.
	a.SetDeliverers(newDeliverers(cfg.delivery, a.Clock().Now), cfg.delivery.publicURL)
	stopJobs, err := startJobs(ctx, st, a, log)
	if err != nil {
		ln.Close()
		return fail(stderr, "serve", exitFailed, err)
	}
	defer stopJobs()
	return serveHTTP(ctx, ln, a, log, stdout, stderr, "serve", cfg, nil)
}

// countAccounts says how many accounts exist, as the console sees them.
func countAccounts(ctx context.Context, a *app.App) (int, error) {
	op, err := a.OperatorActor(ctx)
	if err != nil {
		return 0, err
	}
	_, n, err := a.ListAccounts(ctx, op, "", 1, 0)
	if err != nil {
		return 0, fmt.Errorf("counting the accounts: %w", err)
	}
	return n, nil
}

// configOrExit parses a command's settings. code is -1 to go on, or the exit
// code after printing help or the error.
func configOrExit(cmd string, args []string, stdout, stderr io.Writer) (config, int) {
	cfg, err := parseConfig(cmd, args)
	switch {
	case errors.Is(err, errHelp):
		printCommandHelp(stdout, cmd, commands[cmd])
		return cfg, exitOK
	case err != nil:
		return cfg, fail(stderr, cmd, exitUsage, err)
	}
	return cfg, -1
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // checked by parseConfig
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// openApp opens the database (which must exist unless opt.Create), applies
// migrations, opens the evidence store, and seeds the default catalog into an
// empty one.
func openApp(ctx context.Context, cfg config, opt store.Options) (*store.Store, *app.App, error) {
	octx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	opt.Zone = cfg.tz
	st, err := store.Open(octx, cfg.db, opt)
	if err != nil {
		return nil, nil, err
	}
	if err := st.Migrate(octx); err != nil {
		st.Close()
		return nil, nil, err
	}
	if err := jobs.Migrate(octx, st); err != nil {
		st.Close()
		return nil, nil, err
	}
	blobs, err := blob.NewFS(cfg.dataDir)
	if err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("--data-dir: %w", err)
	}
	acfg := app.DefaultConfig()
	acfg.MaxEvidenceSize = cfg.maxEvidenceMB << 20
	keyFile := cfg.secretKeyFile
	if keyFile == "" {
		keyFile = filepath.Join(cfg.dataDir, "secret.key")
	}
	if acfg.SecretKeys, err = auth.LoadKeyFile(keyFile, true); err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("--secret-key-file: %w", err)
	}
	auditKey := cfg.auditKey
	if auditKey == "" {
		auditKey = filepath.Join(cfg.dataDir, audit.AnchorKeyFileName)
	}
	acfg.Backup = app.BackupConfig{DataDir: cfg.dataDir, KeyFiles: []string{keyFile, auditKey}, Version: version}
	a := app.New(st, blobs, acfg, nil)
	if _, err := seedCatalog(octx, a); err != nil {
		st.Close()
		return nil, nil, err
	}
	// The built-in roles follow the binary: created, or refreshed after an
	// upgrade changed their permissions.
	if err := a.EnsureBuiltinRoles(octx); err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("updating the built-in roles: %w", err)
	}
	if err := a.EnsureDefaultReportTemplate(octx); err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("storing the default report template: %w", err)
	}
	// TOTP secrets stored in plaintext, or under an older key, are sealed
	// under the key file's first key (README: key rotation).
	if _, err := a.SealTOTPSecrets(octx); err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("sealing the TOTP secrets with %s: %w", keyFile, err)
	}
	return st, a, nil
}

// seedCatalog seeds the default catalog when the catalog is empty, and
// returns how many types it added. A bureau that has edited its catalog keeps
// its edits: nothing is added once any type exists.
func seedCatalog(ctx context.Context, a *app.App) (int, error) {
	types, err := a.ListTypes(ctx, "", false)
	if err != nil {
		return 0, fmt.Errorf("reading the activity catalog: %w", err)
	}
	if len(types) > 0 {
		return 0, nil
	}
	op, err := a.OperatorActor(ctx)
	if err != nil {
		return 0, err
	}
	n, err := a.SeedCatalog(ctx, op)
	if err != nil {
		return 0, fmt.Errorf("seeding the default catalog: %w", err)
	}
	return n, nil
}

func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--addr: cannot listen on %s: %w", addr, err)
	}
	return ln, nil
}

// serveHTTP serves a on ln until ctx ends, then stops accepting connections,
// lets requests in flight finish (up to shutdownTimeout) and returns. The
// caller closes the store afterwards, when no handler can use it any more.
func serveHTTP(ctx context.Context, ln net.Listener, a *app.App, log *slog.Logger, stdout, stderr io.Writer,
	cmd string, cfg config, announce func(url string)) int {
	api := httpapi.New(a, log, httpapi.Options{Version: version, TrustedProxies: cfg.trustedProxies, Web: web.App()})
	srv := &http.Server{
		Handler: api.Handler(),
		// Per-request bounds are set by the handler (longer for evidence
		// transfers); these cover the time before a handler runs and idle
		// keep-alive connections.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// Requests are not derived from ctx: SIGTERM must let them finish.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	url := "http://" + ln.Addr().String() + "/"
	if cfg.tls != nil {
		// HTTPS on the same port; the handler adds HSTS to every answer.
		srv.TLSConfig = cfg.tls
		ln = tls.NewListener(ln, cfg.tls)
		url = "https://" + ln.Addr().String() + "/"
	}
	fmt.Fprintf(stdout, "zeren: listening on %s\n", url)
	if announce != nil {
		announce(url)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fail(stderr, cmd, exitFailed, err)
	case <-ctx.Done():
	}
	log.Info("shutting down: no new connections; waiting for requests in flight", "timeout", shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	code := exitOK
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("requests still running at the shutdown deadline were cut off", "err", err)
		_ = srv.Close()
		code = exitFailed
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		log.Warn("the server stopped with an error", "err", err)
	}
	fmt.Fprintln(stdout, "zeren: stopped")
	return code
}
