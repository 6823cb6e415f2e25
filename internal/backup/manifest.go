// Package backup writes and restores zeren's backup archive: one gzip'd tar
// holding a consistent copy of the database (SQLite's VACUUM INTO, or
// pg_dump of an exported PostgreSQL snapshot), every evidence file, the audit
// trail's anchors, and last a manifest with each file's size and SHA-256 and
// the facts of the database copied. A restore checks every file against the
// manifest before it writes anything, goes only into an empty instance, and
// then checks the restored database against the manifest's facts.
//
// Keys are not in the archive: the TOTP secret key and the audit anchor key
// would let whoever holds a stolen archive read second factors and forge
// anchors. The manifest names their fingerprints so a restore can tell the
// operator whether the keys beside the restored data are the right ones.
package backup

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/store"
)

// FormatVersion is the archive layout; a restore refuses a newer one.
const FormatVersion = 1

// Names inside the archive.
const (
	ManifestName  = "MANIFEST.json"
	sqliteName    = "database/zeren.db"
	pgDumpName    = "database/zeren.pgdump"
	evidenceDir   = "evidence/"
	anchorsPrefix = "audit/"
)

// Manifest describes one archive.
type Manifest struct {
	Format  int               `json:"format"`
	Created time.Time         `json:"created"`
	Zeren   string            `json:"zeren_version"`
	Facts   store.BackupFacts `json:"database"`
	// Keys holds the SHA-256 of each key file found beside the data, by
	// file name; the keys themselves stay out of the archive.
	Keys  map[string]string `json:"key_fingerprints,omitempty"`
	Files []File            `json:"files"`
}

// File is one archived file.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Error is a backup or restore failure that names the file concerned.
type Error struct {
	File string // the archive entry or path, when one is concerned
	Err  error
}

func (e *Error) Error() string {
	if e.File == "" {
		return "backup: " + e.Err.Error()
	}
	return fmt.Sprintf("backup: %s: %v", e.File, e.Err)
}
func (e *Error) Unwrap() error { return e.Err }

// cleanName accepts an archive entry name only when it is a plain relative
// path inside one of the archive's parts: no "..", no absolute path, no
// backslashes — a crafted archive cannot write outside the restore's target.
func cleanName(name string) (string, bool) {
	if name == "" || strings.Contains(name, "\\") || strings.HasPrefix(name, "/") {
		return "", false
	}
	c := path.Clean(name)
	if c != name || c == "." || strings.HasPrefix(c, "../") || c == ".." {
		return "", false
	}
	switch {
	case c == ManifestName, c == sqliteName, c == pgDumpName:
		return c, true
	case strings.HasPrefix(c, evidenceDir), strings.HasPrefix(c, anchorsPrefix):
		return c, true
	}
	return "", false
}

func encodeManifest(m Manifest) ([]byte, error) { return json.MarshalIndent(m, "", "  ") }
