// Package blob stores evidence files (佐证材料) by content: a file's name is the
// SHA-256 of its bytes, so the same photo attached to ten activities is stored
// once and every attachment can see where else it is used.
//
// Store is a small interface so that a later object-storage implementation can
// serve several zeren nodes; FS keeps blobs in a local directory, the default
// for a county's single server.
//
// Blobs are immutable and shared between activities, so the interface has no
// Delete: removing a blob safely needs to know that no activity, case or
// report still refers to it, which only the database knows. Garbage collection
// of unreferenced blobs is a later concern, done as a job that compares the
// database's references with Stat/listing here.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// DefaultMaxSize is the default limit on one evidence file: 20 MB, enough for a
// phone photo or a scanned set of minutes.
const DefaultMaxSize = 20 << 20

// Info describes a stored blob.
type Info struct {
	SHA256 string `json:"sha256"` // 64 lowercase hex digits
	Size   int64  `json:"size"`   // bytes
}

// Store keeps immutable blobs addressed by the SHA-256 of their content.
// Implementations must be safe for concurrent use.
type Store interface {
	// Put reads r to the end and stores its bytes. Putting content that is
	// already stored is not an error: it returns the same Info. If r yields more
	// than limit bytes, Put stores nothing and returns a domain.KindTooLarge
	// error; limit <= 0 means DefaultMaxSize.
	Put(ctx context.Context, r io.Reader, limit int64) (Info, error)
	// Open returns the blob's content. An unknown or malformed sha returns a
	// domain.KindNotFound error.
	Open(ctx context.Context, sha256hex string) (io.ReadCloser, error)
	// Stat returns the blob's Info, or a domain.KindNotFound error.
	Stat(ctx context.Context, sha256hex string) (Info, error)
}

// ValidSHA reports whether s is a SHA-256 in the form blobs are named by: 64
// lowercase hexadecimal digits. Anything else (upper case, "../", separators)
// is refused before it can reach a file path.
func ValidSHA(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		isHex := c >= '0' && c <= '9' || c >= 'a' && c <= 'f'
		if !isHex {
			return false
		}
	}
	return true
}

// FS is a Store in a local directory. A blob lives at dir/ab/cd/<sha>, where ab
// and cd are the first two pairs of hex digits, so no directory grows past a
// few thousand entries. Files being written live in dir/tmp on the same
// filesystem, so that the final rename is atomic.
type FS struct {
	dir string
	tmp string
}

var _ Store = (*FS)(nil)

// NewFS returns an FS rooted at dir, creating the directory if needed.
func NewFS(dir string) (*FS, error) {
	if dir == "" {
		return nil, errors.New("blob: directory is required")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	tmp := filepath.Join(abs, "tmp")
	if err := os.MkdirAll(tmp, 0o750); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", tmp, err)
	}
	removeStale(tmp, time.Now().Add(-staleAfter))
	return &FS{dir: abs, tmp: tmp}, nil
}

// staleAfter is how old a temporary file must be before NewFS removes it as
// the leftover of a crash; no upload takes a day.
const staleAfter = 24 * time.Hour

// removeStale deletes temporary files last written before cutoff.
func removeStale(tmp string, cutoff time.Time) {
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), "put-") {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
			_ = os.Remove(filepath.Join(tmp, e.Name()))
		}
	}
}

// Dir returns the root directory.
func (s *FS) Dir() string { return s.dir }

// path returns where the blob with a valid sha lives.
func (s *FS) path(sha string) string {
	return filepath.Join(s.dir, sha[0:2], sha[2:4], sha)
}

// Put implements Store. It streams r into a temporary file while hashing,
// fsyncs it and renames it into place; on any error, including the limit, the
// temporary file is removed and nothing is left behind.
func (s *FS) Put(ctx context.Context, r io.Reader, limit int64) (info Info, err error) {
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	if err := ctx.Err(); err != nil {
		return Info{}, err
	}
	f, err := os.CreateTemp(s.tmp, "put-*")
	if err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	tmpName := f.Name()
	committed := false
	defer func() {
		if !committed {
			_ = f.Close()
			_ = os.Remove(tmpName)
		}
	}()

	h := sha256.New()
	// Read one byte past the limit to tell "exactly limit" from "too large".
	src := io.LimitReader(&ctxReader{ctx: ctx, r: r}, limit+1)
	n, err := io.Copy(io.MultiWriter(f, h), src)
	if err != nil {
		return Info{}, fmt.Errorf("blob: write: %w", err)
	}
	if n > limit {
		return Info{}, TooLarge(limit)
	}
	if err := f.Sync(); err != nil {
		return Info{}, fmt.Errorf("blob: sync: %w", err)
	}
	if err := f.Close(); err != nil {
		return Info{}, fmt.Errorf("blob: close: %w", err)
	}
	info = Info{SHA256: sum(h), Size: n}

	final := s.path(info.SHA256)
	if st, err := os.Stat(final); err == nil && st.Size() == n {
		// Already stored: content addressing makes the bytes identical.
		_ = os.Remove(tmpName)
		committed = true
		return info, nil
	}
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o750); err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	// Renaming over an identical blob written concurrently is harmless: both
	// files hold the same bytes, and rename is atomic on one filesystem.
	if err := os.Rename(tmpName, final); err != nil {
		return Info{}, fmt.Errorf("blob: rename: %w", err)
	}
	committed = true
	syncDir(parent)
	return info, nil
}

// Open implements Store.
func (s *FS) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !ValidSHA(sha) {
		return nil, notFound(sha)
	}
	f, err := os.Open(s.path(sha))
	if errors.Is(err, os.ErrNotExist) {
		return nil, notFound(sha)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return f, nil
}

// Stat implements Store.
func (s *FS) Stat(ctx context.Context, sha string) (Info, error) {
	if err := ctx.Err(); err != nil {
		return Info{}, err
	}
	if !ValidSHA(sha) {
		return Info{}, notFound(sha)
	}
	st, err := os.Stat(s.path(sha))
	if errors.Is(err, os.ErrNotExist) {
		return Info{}, notFound(sha)
	}
	if err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	if !st.Mode().IsRegular() {
		return Info{}, notFound(sha)
	}
	return Info{SHA256: sha, Size: st.Size()}, nil
}

// TooLarge returns the error for a file over limit bytes, naming the limit in MB.
func TooLarge(limit int64) error {
	mb := strconv.FormatFloat(float64(limit)/(1<<20), 'f', -1, 64)
	return domain.TooLarge("file", "must be at most %s MB", mb)
}

func notFound(sha string) error {
	if !ValidSHA(sha) {
		// Do not echo arbitrary input back into messages and logs.
		return domain.NotFound("file")
	}
	return domain.NotFound("file %s", sha)
}

func sum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// syncDir makes a rename durable. Errors are ignored: some filesystems do not
// support syncing a directory, and the blob is already in place.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// ctxReader stops a long upload when the request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
