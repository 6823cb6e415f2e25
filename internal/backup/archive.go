package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/store"
)

// Archives are named ArchivePrefix + the time in the bureau's zone
// (StampLayout, to the millisecond so two never share a name) + ArchiveSuffix.
// Prune counts only names of this form, so it never touches another file.
const (
	ArchivePrefix = "zeren-backup-"
	ArchiveSuffix = ".tar.gz"
	StampLayout   = "20060102-150405.000"
)

// Written is an archive written into a directory.
type Written struct {
	Path     string
	Size     int64
	Manifest Manifest
}

// WriteArchive writes one archive into dir (created if missing) under a
// temporary name, synced, then linked to its final name, so a crash never
// leaves a half archive that looks whole and an archive is never replaced.
// zone is the bureau's time zone, for the name.
func WriteArchive(ctx context.Context, st *store.Store, opt Options, dir string, zone *time.Location) (Written, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return Written{}, err
	}
	final := filepath.Join(dir, ArchivePrefix+opt.Now.In(zone).Format(StampLayout)+ArchiveSuffix)
	tmp, err := os.CreateTemp(dir, ".partial-*")
	if err != nil {
		return Written{}, err
	}
	defer os.Remove(tmp.Name())
	if opt.TempDir == "" {
		opt.TempDir = dir
	}
	m, err := Create(ctx, st, opt, tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// A link, not a rename: it never replaces an archive of the same name.
		err = os.Link(tmp.Name(), final)
	}
	if err != nil {
		return Written{}, err
	}
	w := Written{Path: final, Manifest: m}
	if fi, err := os.Stat(final); err == nil {
		w.Size = fi.Size()
	}
	return w, nil
}

// Prune removes the oldest archives of dir beyond keep (at least one is
// always kept: the newest) and returns the paths removed.
func Prune(dir string, keep int) ([]string, error) {
	keep = max(keep, 1)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasPrefix(n, ArchivePrefix) && strings.HasSuffix(n, ArchiveSuffix) {
			stamp := strings.TrimSuffix(strings.TrimPrefix(n, ArchivePrefix), ArchiveSuffix)
			if _, err := time.Parse(StampLayout, stamp); err == nil {
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	var removed []string
	for len(names) > keep {
		p := filepath.Join(dir, names[0])
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return removed, err
		}
		removed = append(removed, p)
		names = names[1:]
	}
	return removed, nil
}
