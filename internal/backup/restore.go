package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/zeren-edu/zeren/internal/audit"
	"github.com/zeren-edu/zeren/internal/store"
)

// RestoreOptions say where an archive goes.
type RestoreOptions struct {
	// DB is the target database: a SQLite file that does not exist yet, or a
	// PostgreSQL URL of an empty database.
	DB string
	// DataDir receives the evidence files and the audit anchors; it must
	// hold none yet.
	DataDir string
	// KeyFiles are compared with the manifest's fingerprints.
	KeyFiles []string
	// PGRestore is the pg_restore program; "" looks it up on PATH.
	PGRestore string
}

// RestoreResult says what was restored and what the operator must still do.
type RestoreResult struct {
	Manifest Manifest
	// Warnings name key files that are missing or differ from the ones the
	// backup was taken beside.
	Warnings []string
}

// Verify reads a whole archive and checks every file against the manifest
// without writing anything but a scratch copy under scratch (removed after).
func Verify(ctx context.Context, r io.Reader, scratch string) (Manifest, error) {
	dir, err := os.MkdirTemp(scratch, "zeren-verify-")
	if err != nil {
		return Manifest{}, &Error{Err: err}
	}
	defer os.RemoveAll(dir)
	return unpack(ctx, r, dir)
}

// Restore checks the whole archive against its manifest, then — only when
// every file is intact and the target is empty — installs the database, the
// evidence and the anchors, and checks the restored database's facts.
func Restore(ctx context.Context, r io.Reader, opt RestoreOptions) (RestoreResult, error) {
	if opt.DB == "" || opt.DataDir == "" {
		return RestoreResult{}, &Error{Err: errors.New("the target database (--db) and data directory (--data-dir) are required")}
	}
	if err := targetEmpty(ctx, opt); err != nil {
		return RestoreResult{}, err
	}
	if err := os.MkdirAll(opt.DataDir, 0o750); err != nil {
		return RestoreResult{}, &Error{File: opt.DataDir, Err: err}
	}
	// Unpack beside the data directory, so the files move into place by
	// rename on the same file system.
	stage, err := os.MkdirTemp(opt.DataDir, ".restore-")
	if err != nil {
		return RestoreResult{}, &Error{File: opt.DataDir, Err: err}
	}
	defer os.RemoveAll(stage)
	m, err := unpack(ctx, r, stage)
	if err != nil {
		return RestoreResult{}, err
	}
	pg := store.IsPostgres(opt.DB)
	switch {
	case m.Facts.Engine == "sqlite" && pg, m.Facts.Engine == "postgres" && !pg:
		return RestoreResult{}, &Error{Err: fmt.Errorf("the archive holds a %s database and --db names a %s one: restore into the same engine (then move engines with a fresh import)",
			m.Facts.Engine, map[bool]string{true: "postgres", false: "sqlite"}[pg])}
	}

	if pg {
		if err := pgRestore(ctx, opt.PGRestore, opt.DB, filepath.Join(stage, filepath.FromSlash(pgDumpName))); err != nil {
			return RestoreResult{}, &Error{File: pgDumpName, Err: err}
		}
		if err := checkFacts(ctx, opt.DB, m.Facts); err != nil {
			return RestoreResult{}, &Error{File: pgDumpName, Err: err}
		}
	} else {
		staged := filepath.Join(stage, filepath.FromSlash(sqliteName))
		// Check the copy before it takes the target's name: a copy that
		// does not match its manifest never becomes the database.
		if err := checkFacts(ctx, staged, m.Facts); err != nil {
			return RestoreResult{}, &Error{File: sqliteName, Err: err}
		}
		if err := os.MkdirAll(filepath.Dir(opt.DB), 0o750); err != nil {
			return RestoreResult{}, &Error{File: opt.DB, Err: err}
		}
		if err := moveFile(staged, opt.DB); err != nil {
			return RestoreResult{}, &Error{File: opt.DB, Err: err}
		}
	}
	for _, f := range m.Files {
		var dst string
		switch {
		case strings.HasPrefix(f.Name, evidenceDir):
			dst = filepath.Join(opt.DataDir, filepath.FromSlash(strings.TrimPrefix(f.Name, evidenceDir)))
		case f.Name == anchorsPrefix+audit.AnchorFileName:
			dst = filepath.Join(opt.DataDir, audit.AnchorFileName)
		default:
			continue
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return RestoreResult{}, &Error{File: f.Name, Err: err}
		}
		if err := moveFile(filepath.Join(stage, filepath.FromSlash(f.Name)), dst); err != nil {
			return RestoreResult{}, &Error{File: f.Name, Err: err}
		}
	}
	res := RestoreResult{Manifest: m}
	for _, k := range opt.KeyFiles {
		want, known := m.Keys[filepath.Base(k)]
		if !known {
			continue
		}
		got, _, err := hashFile(k)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s is missing: copy the key kept with the backup there (fingerprint %s…)", k, want[:12]))
		case err != nil:
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %v", k, err))
		case got != want:
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s is not the key the backup was taken beside (fingerprint %s…, expected %s…)", k, got[:12], want[:12]))
		}
	}
	return res, nil
}

// targetEmpty refuses a target that already holds data.
func targetEmpty(ctx context.Context, opt RestoreOptions) error {
	if store.IsPostgres(opt.DB) {
		st, err := store.Open(ctx, opt.DB, store.Options{})
		if err != nil {
			return &Error{Err: err}
		}
		defer st.Close()
		holds, err := st.HoldsData(ctx)
		if err != nil {
			return &Error{Err: err}
		}
		if holds {
			return &Error{Err: errors.New("the target database already has tables: restore only into an empty database")}
		}
	} else if fi, err := os.Stat(opt.DB); err == nil && fi.Size() > 0 {
		return &Error{File: opt.DB, Err: errors.New("already exists: restore only into a new database file")}
	}
	if _, err := os.Stat(filepath.Join(opt.DataDir, audit.AnchorFileName)); err == nil {
		return &Error{File: opt.DataDir, Err: errors.New("already holds audit anchors: restore only into an empty data directory")}
	}
	blobs, err := evidenceFiles(opt.DataDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return &Error{File: opt.DataDir, Err: err}
	}
	if len(blobs) > 0 {
		return &Error{File: opt.DataDir, Err: fmt.Errorf("already holds %d evidence files: restore only into an empty data directory", len(blobs))}
	}
	return nil
}

// unpack extracts the archive into dir and checks it against its manifest:
// every listed file present with its size and SHA-256, nothing unlisted, and
// every evidence file named by its own content's hash.
func unpack(ctx context.Context, r io.Reader, dir string) (Manifest, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return Manifest{}, &Error{Err: fmt.Errorf("not a zeren backup (gzip): %w", err)}
	}
	tr := tar.NewReader(gz)
	seen := map[string]File{}
	var manifest []byte
	for {
		if err := ctx.Err(); err != nil {
			return Manifest{}, &Error{Err: err}
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Manifest{}, &Error{File: lastName(seen), Err: fmt.Errorf("the archive is damaged after this entry: %w", err)}
		}
		name, ok := cleanName(hdr.Name)
		if !ok || hdr.Typeflag != tar.TypeReg {
			return Manifest{}, &Error{File: hdr.Name, Err: errors.New("not a file a zeren backup holds")}
		}
		if _, dup := seen[name]; dup || (name == ManifestName && manifest != nil) {
			return Manifest{}, &Error{File: name, Err: errors.New("appears twice in the archive")}
		}
		if name == ManifestName {
			if manifest, err = io.ReadAll(io.LimitReader(tr, 64<<20)); err != nil {
				return Manifest{}, &Error{File: name, Err: fmt.Errorf("damaged: %w", err)}
			}
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return Manifest{}, &Error{File: name, Err: err}
		}
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return Manifest{}, &Error{File: name, Err: err}
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(f, h), tr)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return Manifest{}, &Error{File: name, Err: fmt.Errorf("damaged: %w", err)}
		}
		seen[name] = File{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}
	}
	if manifest == nil {
		return Manifest{}, &Error{File: ManifestName, Err: errors.New("missing: the archive is incomplete or not a zeren backup")}
	}
	var m Manifest
	if err := json.Unmarshal(manifest, &m); err != nil {
		return Manifest{}, &Error{File: ManifestName, Err: fmt.Errorf("damaged: %w", err)}
	}
	if m.Format < 1 || m.Format > FormatVersion {
		return Manifest{}, &Error{File: ManifestName, Err: fmt.Errorf("format %d: this zeren reads format %d; restore with the zeren that made it or newer", m.Format, FormatVersion)}
	}
	listed := map[string]bool{}
	for _, want := range m.Files {
		listed[want.Name] = true
		got, ok := seen[want.Name]
		switch {
		case !ok:
			return Manifest{}, &Error{File: want.Name, Err: errors.New("listed in the manifest but missing from the archive")}
		case got.Size != want.Size:
			return Manifest{}, &Error{File: want.Name, Err: fmt.Errorf("is %d bytes, the manifest says %d: damaged", got.Size, want.Size)}
		case got.SHA256 != want.SHA256:
			return Manifest{}, &Error{File: want.Name, Err: errors.New("checksum does not match the manifest: damaged")}
		}
		if strings.HasPrefix(want.Name, evidenceDir) && path.Base(want.Name) != want.SHA256 {
			return Manifest{}, &Error{File: want.Name, Err: errors.New("content does not match the evidence file's name: damaged")}
		}
	}
	for name := range seen {
		if !listed[name] {
			return Manifest{}, &Error{File: name, Err: errors.New("not listed in the manifest")}
		}
	}
	if _, sqlite := seen[sqliteName]; !sqlite {
		if _, pg := seen[pgDumpName]; !pg {
			return Manifest{}, &Error{Err: errors.New("the archive holds no database")}
		}
	}
	return m, nil
}

// lastName is some entry already read, to say where a damaged archive broke.
func lastName(seen map[string]File) string {
	last := ""
	for n := range seen {
		if n > last {
			last = n
		}
	}
	return last
}

// checkFacts opens the restored database and compares it with the manifest.
func checkFacts(ctx context.Context, dsn string, want store.BackupFacts) error {
	st, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	got, err := st.BackupFacts(ctx)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("the restored database differs from the manifest: %+v, expected %+v", got, want)
	}
	return nil
}

func pgRestore(ctx context.Context, prog, dsn, file string) error {
	if prog == "" {
		p, err := exec.LookPath("pg_restore")
		if err != nil {
			return errors.New("pg_restore is not installed (Debian: apt-get install postgresql-client): a PostgreSQL restore needs it")
		}
		prog = p
	}
	cmd := exec.CommandContext(ctx, prog, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
		"--dbname="+libpqDSN(dsn), file)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pg_restore: %v: %s", err, clipOutput(out))
	}
	return nil
}

// libpqDSN drops the URL parameters only pgx understands, which libpq's
// pg_dump and pg_restore would refuse.
func libpqDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return dsn
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") || strings.HasPrefix(k, "statement_cache") ||
			strings.HasPrefix(k, "description_cache") || k == "default_query_exec_mode" || k == "plan_cache_mode" {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// moveFile renames src to dst, copying when they are on different file
// systems; dst must not exist.
func moveFile(src, dst string) error {
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("%s already exists", dst)
	}
	if err := os.Rename(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
