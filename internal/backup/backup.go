package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/zeren-edu/zeren/internal/audit"
	"github.com/zeren-edu/zeren/internal/store"
)

// Options say what to back up besides the database.
type Options struct {
	// DataDir holds the evidence files and the audit anchors.
	DataDir string
	// KeyFiles are fingerprinted in the manifest (never archived); missing
	// ones are skipped.
	KeyFiles []string
	// Zeren is the running binary's version, recorded in the manifest.
	Zeren string
	// Now is the backup's time (the App's clock).
	Now time.Time
	// PGDump is the pg_dump program for a PostgreSQL database; "" looks it
	// up on PATH.
	PGDump string
	// TempDir holds the database copy while it is archived; "" is the
	// system's temporary directory.
	TempDir string
}

// blobPath matches an evidence file's place in the data directory:
// ab/cd/abcd…(64 hex digits), as internal/blob lays them out.
var blobPath = regexp.MustCompile(`^[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}$`)

// Create writes one archive of st and the data directory to w and returns
// its manifest. The database is copied first, in one snapshot, then the
// evidence: an evidence file is stored before the record that names it
// commits, so every file the copied records name is already on disk.
func Create(ctx context.Context, st *store.Store, opt Options, w io.Writer) (Manifest, error) {
	if opt.DataDir == "" {
		return Manifest{}, &Error{Err: errors.New("the data directory is required")}
	}
	tmp, err := os.MkdirTemp(opt.TempDir, "zeren-backup-")
	if err != nil {
		return Manifest{}, &Error{Err: err}
	}
	defer os.RemoveAll(tmp)

	m := Manifest{Format: FormatVersion, Created: opt.Now.UTC(), Zeren: opt.Zeren}
	dbFile, dbName := filepath.Join(tmp, "zeren.db"), sqliteName
	switch st.Engine() {
	case "sqlite":
		if err := st.SnapshotSQLite(ctx, dbFile); err != nil {
			return Manifest{}, &Error{File: sqliteName, Err: err}
		}
		if m.Facts, err = factsOfCopy(ctx, dbFile); err != nil {
			return Manifest{}, &Error{File: sqliteName, Err: err}
		}
	case "postgres":
		dbFile, dbName = filepath.Join(tmp, "zeren.pgdump"), pgDumpName
		err := st.WithExportedSnapshot(ctx, func(snapshot string, facts store.BackupFacts) error {
			m.Facts = facts
			return pgDump(ctx, opt.PGDump, st.DSN(), snapshot, dbFile)
		})
		if err != nil {
			return Manifest{}, &Error{File: pgDumpName, Err: err}
		}
	default:
		return Manifest{}, &Error{Err: fmt.Errorf("cannot back up a %s database", st.Engine())}
	}

	m.Keys = map[string]string{}
	for _, k := range opt.KeyFiles {
		sum, _, err := hashFile(k)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Manifest{}, &Error{File: k, Err: err}
		}
		m.Keys[filepath.Base(k)] = sum
	}

	gz, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	tw := tar.NewWriter(gz)
	add := func(name, src string) error {
		f, err := addFile(tw, name, src, m.Created)
		if err != nil {
			return &Error{File: name, Err: err}
		}
		m.Files = append(m.Files, f)
		return nil
	}
	if err := add(dbName, dbFile); err != nil {
		return Manifest{}, err
	}
	if err := os.Remove(dbFile); err != nil {
		return Manifest{}, &Error{File: dbName, Err: err}
	}
	blobs, err := evidenceFiles(opt.DataDir)
	if err != nil {
		return Manifest{}, &Error{File: opt.DataDir, Err: err}
	}
	for _, rel := range blobs {
		if err := ctx.Err(); err != nil {
			return Manifest{}, &Error{Err: err}
		}
		if err := add(evidenceDir+rel, filepath.Join(opt.DataDir, filepath.FromSlash(rel))); err != nil {
			return Manifest{}, err
		}
	}
	anchors := filepath.Join(opt.DataDir, audit.AnchorFileName)
	if _, err := os.Stat(anchors); err == nil {
		if err := add(anchorsPrefix+audit.AnchorFileName, anchors); err != nil {
			return Manifest{}, err
		}
	}
	body, err := encodeManifest(m)
	if err != nil {
		return Manifest{}, &Error{File: ManifestName, Err: err}
	}
	hdr := &tar.Header{Name: ManifestName, Mode: 0o600, Size: int64(len(body)), ModTime: m.Created, Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return Manifest{}, &Error{File: ManifestName, Err: err}
	}
	if _, err := tw.Write(body); err != nil {
		return Manifest{}, &Error{File: ManifestName, Err: err}
	}
	if err := tw.Close(); err != nil {
		return Manifest{}, &Error{Err: err}
	}
	if err := gz.Close(); err != nil {
		return Manifest{}, &Error{Err: err}
	}
	return m, nil
}

// factsOfCopy reads the facts of a SQLite copy itself, so they describe
// exactly what the archive holds.
func factsOfCopy(ctx context.Context, file string) (store.BackupFacts, error) {
	cp, err := store.Open(ctx, file, store.Options{})
	if err != nil {
		return store.BackupFacts{}, err
	}
	defer cp.Close()
	return cp.BackupFacts(ctx)
}

// pgDump dumps the exported snapshot in pg_dump's custom format.
func pgDump(ctx context.Context, prog, dsn, snapshot, dst string) error {
	if prog == "" {
		p, err := exec.LookPath("pg_dump")
		if err != nil {
			return errors.New("pg_dump is not installed (Debian: apt-get install postgresql-client): a PostgreSQL backup needs it")
		}
		prog = p
	}
	cmd := exec.CommandContext(ctx, prog, "--format=custom", "--no-owner", "--no-privileges",
		"--snapshot="+snapshot, "--file="+dst, "--dbname="+libpqDSN(dsn))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_dump: %v: %s", err, clipOutput(out))
	}
	return nil
}

// addFile archives one file under name, hashing it as it is written.
func addFile(tw *tar.Writer, name, src string, mod time.Time) (File, error) {
	f, err := os.Open(src)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return File{}, err
	}
	hdr := &tar.Header{Name: name, Mode: 0o600, Size: fi.Size(), ModTime: mod, Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return File{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), f)
	if err != nil {
		return File{}, err
	}
	if n != fi.Size() {
		return File{}, fmt.Errorf("changed while it was copied (%d of %d bytes)", n, fi.Size())
	}
	return File{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// evidenceFiles lists the evidence files under dir, sorted, as slash paths.
func evidenceFiles(dir string) ([]string, error) {
	var out []string
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, nil // no evidence stored yet
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if rel = filepath.ToSlash(rel); blobPath.MatchString(rel) {
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

func hashFile(p string) (sum string, size int64, err error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

func clipOutput(b []byte) string {
	if len(b) > 400 {
		b = b[len(b)-400:]
	}
	return string(b)
}
