package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/store"
)

// setting is one configurable value: a flag and, usually, an environment
// variable. A flag wins over the environment, which wins over the default.
type setting struct {
	flag  string
	env   string // "" when the setting comes from the flag only
	usage string
}

var (
	setDB          = setting{"db", "ZEREN_DB", "SQLite file path, or a postgres:// URL"}
	setAddr        = setting{"addr", "ZEREN_ADDR", "listen address, host:port (default 127.0.0.1:8080, loopback only); :8080 or an interface's IP to serve the network"}
	setProxies     = setting{"trusted-proxies", "ZEREN_TRUSTED_PROXIES", "comma-separated CIDRs or IPs of reverse proxies whose X-Forwarded-For/-Proto/-Host are believed (default none)"}
	setDataDir     = setting{"data-dir", "ZEREN_DATA_DIR", "directory of evidence files (default: data next to the SQLite file, ./data for PostgreSQL)"}
	setLogLevel    = setting{"log-level", "ZEREN_LOG_LEVEL", "debug, info, warn or error (default info)"}
	setMaxEvidence = setting{"max-evidence-mb", "ZEREN_MAX_EVIDENCE_MB", "largest evidence file in MB, 1 to 1024 (default 20)"}
	setSeed        = setting{"seed", "", "seed of the demo ledger (default 1)"}
	setTLSCert     = setting{"tls-cert", "ZEREN_TLS_CERT", "PEM certificate (chain) file: serve HTTPS with HSTS; give --tls-key too"}
	setTLSKey      = setting{"tls-key", "ZEREN_TLS_KEY", "PEM private key file of --tls-cert"}
	setAnchorEvery = setting{"audit-anchor-every", "ZEREN_AUDIT_ANCHOR_EVERY", "how often the audit trail's head is anchored when it moved, 10s to 24h (default 5m)"}
	setKeyFile     = setting{"secret-key-file", "ZEREN_SECRET_KEY_FILE", "keys that seal the TOTP secrets in the database, created (0600) when missing (default: secret.key in the data directory)"}
)

// The demo deletes and recreates its database and data directory, so it
// takes those two from flags only: an environment set up for the real
// server (ZEREN_DB, ZEREN_DATA_DIR) must never point the demo at real data.
var (
	setDemoDB      = setting{"db", "", "demo SQLite file, deleted and rebuilt (default zeren-demo.db); or the postgres:// URL of an empty database (or of an earlier demo's), emptied and rebuilt"}
	setDemoDataDir = setting{"data-dir", "", "demo evidence directory, deleted and rebuilt (default zeren-demo-data next to the file)"}
)

type commandSpec struct {
	summary  string
	settings []setting
}

var commands = map[string]commandSpec{
	"serve": {"Serve the API and the web app; stop with SIGTERM or Ctrl-C.", []setting{setDB, setAddr, setDataDir, setLogLevel, setMaxEvidence, setProxies, setTLSCert, setTLSKey, setTZ, setAuditKey, setAnchorEvery, setKeyFile,
		setSMTP, setSMTPUser, setSMTPPass, setSMTPFrom, setPublicURL}},
	"migrate": {"Create the database if it is missing, apply migrations, seed the default catalog when empty.", []setting{setDB, setLogLevel, setTZ}},
	"demo":    {"Rebuild the demo county database from scratch and serve it.", []setting{setSeed, setDemoDB, setAddr, setDemoDataDir, setLogLevel, setMaxEvidence, setProxies, setTLSCert, setTLSKey, setTZ}},
	"init":    {"Set up a new installation: the root bureau and the three administrators with one-time passwords (flags: --db, --bureau-name, --bureau-code).", []setting{setDB}},
	"audit": {"`zeren audit verify`: re-compute the audit trail's hash chain, compare it with the anchors in the data directory " +
		"(or an auditor's copy, --anchor FILE) and name the first tampered event; `zeren audit anchor`: anchor the chain's head now.",
		[]setting{setDB, setDataDir, setAuditKey}},
	"report": {"Write a unit's work report for a period to a file, as the console operator over the whole tree (flags: --unit CODE, --period PERIOD, " +
		"-o FILE, --format docx|html|xlsx (default: from the file's extension, else docx), --template NAME (default: the default template), --db, --tz). " +
		"Nothing is stored; stored snapshots are made in the web app.", []setting{setDB}},
	"backup": {"Write one archive (.tar.gz) of the database — a consistent copy taken while the server runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump " +
		"of one exported snapshot) — the evidence files and the audit anchors, with a manifest of SHA-256 checksums (flags: --out DIR, --keep N). " +
		"The secret key and the audit anchor key are not archived: keep them apart.", []setting{setDB, setDataDir, setKeyFile, setAuditKey, setTZ}},
	"restore": {"Check an archive against its manifest and restore it into an EMPTY database and data directory, then check the restored database " +
		"against the manifest's counts and audit head (flags: --from FILE, --check-only).", []setting{setDB, setDataDir, setKeyFile, setAuditKey, setTZ}},
	"version": {"Print the version, the VCS revision and the Go version.", nil},
	"help":    {"Print help.", nil},
}

func printCommandHelp(w io.Writer, name string, spec commandSpec) {
	fmt.Fprintf(w, "zeren %s — %s\n", name, spec.summary)
	if len(spec.settings) > 0 {
		fmt.Fprintln(w, "\nSettings:")
	}
	for _, s := range spec.settings {
		env := ""
		if s.env != "" {
			env = " (env " + s.env + ")"
		}
		fmt.Fprintf(w, "  --%-16s %s%s\n", s.flag, s.usage, env)
	}
}

// config is a command's resolved settings.
type config struct {
	db            string
	addr          string
	dataDir       string
	logLevel      string
	maxEvidenceMB int64
	seed          int64
	// trustedProxies are the reverse proxies whose forwarding headers are
	// believed (the client's address for the audit trail and rate limits).
	trustedProxies []netip.Prefix
	// tls, when set, serves HTTPS with this certificate (--tls-cert, --tls-key).
	tls *tls.Config
	// tz is the bureau's time zone (nil: the default, Asia/Shanghai).
	tz *time.Location
	// auditKey is the anchor key's file ("" for the default in dataDir);
	// anchorEvery how often serve anchors the audit trail's head.
	auditKey    string
	anchorEvery time.Duration
	// secretKeyFile holds the keys sealing TOTP secrets; "" means secret.key
	// in dataDir.
	secretKeyFile string
	// delivery is the notification channels' settings (serve only).
	delivery deliverySettings
}

// usageError is a bad flag or setting: one line, exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// errHelp asks for the command's help.
var errHelp = errors.New("help requested")

// parseConfig reads cmd's flags from args and the environment, applies the
// defaults and checks every value, naming the flag or variable at fault.
func parseConfig(cmd string, args []string) (config, error) {
	spec := commands[cmd]
	fs := flag.NewFlagSet("zeren "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by the caller, in one line
	vals := map[string]*string{}
	for _, s := range spec.settings {
		vals[s.flag] = fs.String(s.flag, "", s.usage)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, errHelp
		}
		return config{}, flagError(err, cmd)
	}
	if fs.NArg() > 0 {
		return config{}, usagef("unexpected argument %q; settings are given as --name value", clip(fs.Arg(0)))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	// lookup returns a setting's value and where it came from.
	lookup := func(s setting) (value, source string, ok bool) {
		if given[s.flag] {
			return *vals[s.flag], "--" + s.flag, true
		}
		if s.env != "" {
			if v, ok := os.LookupEnv(s.env); ok && v != "" {
				return v, s.env, true
			}
		}
		return "", "", false
	}
	has := func(s setting) bool {
		for _, x := range spec.settings {
			if x == s {
				return true
			}
		}
		return false
	}

	c := config{addr: "127.0.0.1:8080", logLevel: "info", maxEvidenceMB: 20, seed: 1, db: "zeren.db", anchorEvery: 5 * time.Minute}
	if cmd == "demo" {
		c.db = "zeren-demo.db"
	}
	for _, s := range spec.settings {
		v, src, ok := lookup(s)
		if !ok {
			continue
		}
		if strings.TrimSpace(v) == "" {
			return c, usagef("%s: is empty", src)
		}
		var err error
		switch s.flag {
		case "db":
			c.db, err = checkDB(v, cmd)
		case "addr":
			c.addr, err = checkAddr(v)
		case "data-dir":
			c.dataDir = v
		case "secret-key-file":
			c.secretKeyFile = v
		case "log-level":
			c.logLevel, err = checkLogLevel(v)
		case "max-evidence-mb":
			c.maxEvidenceMB, err = checkInt(v, 1, 1024)
		case "seed":
			c.seed, err = checkInt(v, -1<<63, 1<<63-1)
		case "trusted-proxies":
			c.trustedProxies, err = checkProxies(v)
		case "tls-cert", "tls-key":
			// read together, below
		case "smtp", "smtp-user", "smtp-password-file", "smtp-from", "public-url":
			// read together, below
		case "tz":
			c.tz, err = checkTZ(v)
		case "audit-key":
			c.auditKey = v
		case "audit-anchor-every":
			c.anchorEvery, err = checkDuration(v, 10*time.Second, 24*time.Hour)
		}
		if err != nil {
			return c, usagef("%s: %v", src, err)
		}
	}
	if has(setTLSCert) {
		cert, certSrc, withCert := lookup(setTLSCert)
		key, keySrc, withKey := lookup(setTLSKey)
		switch {
		case withCert && !withKey:
			return c, usagef("%s: needs --tls-key (or ZEREN_TLS_KEY) too", certSrc)
		case withKey && !withCert:
			return c, usagef("%s: needs --tls-cert (or ZEREN_TLS_CERT) too", keySrc)
		case withCert:
			var err error
			if c.tls, err = loadTLS(cert, key); err != nil {
				return c, usagef("%s, %s: %v", certSrc, keySrc, err)
			}
		}
	}
	if has(setSMTP) {
		var err error
		if c.delivery, err = parseDelivery(lookup); err != nil {
			return c, err
		}
	}
	if c.dataDir == "" && (has(setDataDir) || has(setDemoDataDir)) {
		c.dataDir = defaultDataDir(c.db, cmd == "demo")
	}
	return c, nil
}

// flagError rewrites the flag package's messages into "--name: problem".
func flagError(err error, cmd string) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return usagef("--%s: unknown flag; run `zeren help %s`", strings.TrimLeft(name, "-"), cmd)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return usagef("--%s: needs a value", strings.TrimLeft(name, "-"))
	}
	return usagef("%s", msg)
}

func checkDB(v, cmd string) (string, error) {
	if store.IsPostgres(v) {
		if _, err := url.Parse(v); err != nil {
			return "", fmt.Errorf("is not a valid PostgreSQL URL")
		}
		return v, nil
	}
	if strings.Contains(v, "://") {
		return "", fmt.Errorf("%s is neither a file path nor a postgres:// URL", clip(v))
	}
	if st, err := os.Stat(v); err == nil && st.IsDir() {
		return "", fmt.Errorf("%s is a directory; give the database file's path", v)
	}
	return v, nil
}

// checkAddr accepts host:port, where host is an IP address, "localhost", or
// empty (every interface). Now that every request is authenticated, zeren may
// listen beyond loopback; the default stays on loopback.
func checkAddr(v string) (string, error) {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return "", fmt.Errorf("%s is not host:port (e.g. 127.0.0.1:8080, or :8080 for every interface)", clip(v))
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", fmt.Errorf("%s: the port must be a number from 0 to 65535", clip(v))
	}
	if host != "" && !strings.EqualFold(host, "localhost") && net.ParseIP(host) == nil {
		return "", fmt.Errorf("%s: give an IP address of this server (or none, for every interface), not a host name", clip(v))
	}
	return v, nil
}

// isLoopback reports whether addr (checked by checkAddr) listens on loopback only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkProxies reads a comma-separated list of CIDRs or single addresses.
func checkProxies(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8", clip(f))
			}
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an IP address nor a CIDR", clip(f))
		}
		ip = ip.Unmap()
		out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("lists no proxy")
	}
	return out, nil
}

func checkLogLevel(v string) (string, error) {
	switch strings.ToLower(v) {
	case "debug", "info", "warn", "error":
		return strings.ToLower(v), nil
	}
	return "", fmt.Errorf("%q is not a log level; use debug, info, warn or error", clip(v))
}

func checkInt(v string, min, max int64) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", clip(v))
	}
	if n < min || n > max {
		return 0, fmt.Errorf("%d is out of range (%d to %d)", n, min, max)
	}
	return n, nil
}

// loadTLS reads a PEM certificate and key. TLS 1.2 is the floor (MLPS 2.0 asks
// for current protocols); Go's defaults choose the cipher suites.
func loadTLS(certFile, keyFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("cannot load the certificate and key: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

func checkDuration(v string, min, max time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 5m or 1h", clip(v))
	}
	if d < min || d > max {
		return 0, fmt.Errorf("%s is out of range (%s to %s)", d, min, max)
	}
	return d, nil
}

// defaultDataDir puts evidence files next to a SQLite database, or in ./data
// for PostgreSQL. The demo's directory is named after its database, so that
// rebuilding the demo can never delete the real server's files.
func defaultDataDir(db string, demo bool) string {
	if store.IsPostgres(db) {
		if demo {
			return "zeren-demo-data"
		}
		return "data"
	}
	if demo {
		base := filepath.Base(db)
		return filepath.Join(filepath.Dir(db), strings.TrimSuffix(base, filepath.Ext(base))+"-data")
	}
	return filepath.Join(filepath.Dir(db), "data")
}

// redactDSN hides the password of a PostgreSQL URL in messages.
func redactDSN(db string) string {
	if !store.IsPostgres(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "the PostgreSQL URL"
	}
	return u.Redacted()
}
