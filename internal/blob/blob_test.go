package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

func newFS(t *testing.T) *FS {
	t.Helper()
	s, err := NewFS(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// files lists every regular file under dir, relative to it.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func shaOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestPutOpenRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := newFS(t)
	content := []byte("会议纪要：局党委意识形态工作专题会议")
	info, err := s.Put(ctx, bytes.NewReader(content), 0)
	if err != nil {
		t.Fatal(err)
	}
	if info.SHA256 != shaOf(content) || info.Size != int64(len(content)) {
		t.Fatalf("Put = %+v, want sha %s size %d", info, shaOf(content), len(content))
	}
	rc, err := s.Open(ctx, info.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, content) {
		t.Fatalf("Open returned %q, want %q", got, content)
	}
	st, err := s.Stat(ctx, info.SHA256)
	if err != nil || st != info {
		t.Fatalf("Stat = %+v, %v; want %+v", st, err, info)
	}
	want := filepath.Join(info.SHA256[:2], info.SHA256[2:4], info.SHA256)
	if fl := files(t, s.Dir()); len(fl) != 1 || fl[0] != want {
		t.Fatalf("files on disk = %v, want [%s]", fl, want)
	}
}

func TestPutEmpty(t *testing.T) {
	s := newFS(t)
	info, err := s.Put(context.Background(), strings.NewReader(""), 10)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != 0 || info.SHA256 != shaOf(nil) {
		t.Fatalf("Put(empty) = %+v", info)
	}
}

func TestPutSameContentTwice(t *testing.T) {
	ctx := context.Background()
	s := newFS(t)
	content := bytes.Repeat([]byte("photo"), 1000)
	a, err := s.Put(ctx, bytes.NewReader(content), 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Put(ctx, bytes.NewReader(content), 0)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatalf("second Put = %+v, want %+v", b, a)
	}
	if fl := files(t, s.Dir()); len(fl) != 1 {
		t.Fatalf("files on disk = %v, want exactly one", fl)
	}
}

func TestPutLimit(t *testing.T) {
	ctx := context.Background()
	s := newFS(t)

	// Exactly at the limit is fine.
	if _, err := s.Put(ctx, bytes.NewReader(make([]byte, 1024)), 1024); err != nil {
		t.Fatalf("Put at the limit: %v", err)
	}
	before := files(t, s.Dir())

	_, err := s.Put(ctx, bytes.NewReader(make([]byte, 3<<20+1)), 3<<20)
	if !domain.IsKind(err, domain.KindTooLarge) {
		t.Fatalf("Put over the limit: err = %v, want too_large", err)
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Field != "file" || !strings.Contains(de.Message, "3 MB") {
		t.Fatalf("error %q should name field file and the 3 MB limit", err)
	}
	if after := files(t, s.Dir()); len(after) != len(before) {
		t.Fatalf("files after a refused Put = %v, want %v (no partial file)", after, before)
	}
	// A fractional limit is named as such.
	if err := TooLarge(1536 << 10); !strings.Contains(err.Error(), "1.5 MB") {
		t.Fatalf("TooLarge(1.5 MB) = %q", err)
	}
}

func TestPutDefaultLimit(t *testing.T) {
	s := newFS(t)
	r := io.LimitReader(zeroReader{}, DefaultMaxSize+1)
	_, err := s.Put(context.Background(), r, 0)
	if !domain.IsKind(err, domain.KindTooLarge) || !strings.Contains(err.Error(), "20 MB") {
		t.Fatalf("Put over the default limit: err = %v", err)
	}
	if fl := files(t, s.Dir()); len(fl) != 0 {
		t.Fatalf("files left: %v", fl)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("connection reset")
	}
	k := min(len(p), f.n)
	f.n -= k
	return k, nil
}

func TestPutReaderErrorLeavesNothing(t *testing.T) {
	s := newFS(t)
	_, err := s.Put(context.Background(), &failingReader{n: 100000}, 0)
	if err == nil {
		t.Fatal("Put from a failing reader succeeded")
	}
	if fl := files(t, s.Dir()); len(fl) != 0 {
		t.Fatalf("files left: %v", fl)
	}
}

func TestPutCancelled(t *testing.T) {
	s := newFS(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Put(ctx, strings.NewReader("x"), 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with a cancelled context: %v", err)
	}
	if fl := files(t, s.Dir()); len(fl) != 0 {
		t.Fatalf("files left: %v", fl)
	}
}

func TestNotFoundAndTraversal(t *testing.T) {
	ctx := context.Background()
	s := newFS(t)
	// A file outside the blob tree that traversal would reach.
	secret := filepath.Join(filepath.Dir(s.Dir()), "secret")
	if err := os.WriteFile(secret, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	info, err := s.Put(ctx, strings.NewReader("x"), 0)
	if err != nil {
		t.Fatal(err)
	}
	bad := []string{
		"",
		"../secret",
		"../../secret",
		"/etc/passwd",
		"tmp",
		strings.Repeat("0", 64),         // well formed, unknown
		strings.ToUpper(info.SHA256),    // upper case is not the canonical name
		info.SHA256[:63],                // short
		info.SHA256 + "0",               // long
		"../" + info.SHA256[3:],         // 64 characters with a traversal
		strings.Repeat("../", 21) + "a", // 64 characters of traversal
		info.SHA256[:62] + "/.",         // separator
		info.SHA256[:63] + "\x00",       // NUL
		"ab/cd/" + info.SHA256[6:],      // a path
		"..\\..\\" + info.SHA256[6:],    // Windows separators
		"gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg", // not hex
	}
	for _, sha := range bad {
		if _, err := s.Open(ctx, sha); !domain.IsKind(err, domain.KindNotFound) {
			t.Errorf("Open(%q): err = %v, want not_found", sha, err)
		}
		if _, err := s.Stat(ctx, sha); !domain.IsKind(err, domain.KindNotFound) {
			t.Errorf("Stat(%q): err = %v, want not_found", sha, err)
		}
		if sha != strings.Repeat("0", 64) && ValidSHA(sha) {
			t.Errorf("ValidSHA(%q) = true", sha)
		}
	}
	if !ValidSHA(info.SHA256) {
		t.Errorf("ValidSHA(%q) = false", info.SHA256)
	}
}

func TestConcurrentPutSameContent(t *testing.T) {
	ctx := context.Background()
	s := newFS(t)
	content := make([]byte, 256<<10)
	if _, err := rand.Read(content); err != nil {
		t.Fatal(err)
	}
	const n = 32
	var wg sync.WaitGroup
	infos := make([]Info, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			infos[i], errs[i] = s.Put(ctx, bytes.NewReader(content), 0)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Put %d: %v", i, errs[i])
		}
		if infos[i].SHA256 != shaOf(content) || infos[i].Size != int64(len(content)) {
			t.Fatalf("Put %d = %+v", i, infos[i])
		}
	}
	if fl := files(t, s.Dir()); len(fl) != 1 {
		t.Fatalf("files on disk = %v, want exactly one", fl)
	}
	rc, err := s.Open(ctx, shaOf(content))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, _ := io.ReadAll(rc)
	if !bytes.Equal(got, content) {
		t.Fatal("content read back differs")
	}
}

func TestConcurrentPutDifferentContent(t *testing.T) {
	ctx := context.Background()
	s := newFS(t)
	const n = 16
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := bytes.Repeat([]byte{byte(i)}, 1000+i)
			info, err := s.Put(ctx, bytes.NewReader(c), 0)
			if err != nil || info.SHA256 != shaOf(c) {
				t.Errorf("Put %d = %+v, %v", i, info, err)
			}
		}()
	}
	wg.Wait()
	if fl := files(t, s.Dir()); len(fl) != n {
		t.Fatalf("files on disk = %d, want %d", len(fl), n)
	}
}

func TestNewFSRemovesStaleTemporaryFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "blobs")
	s, err := NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "tmp", "put-stale")
	fresh := filepath.Join(dir, "tmp", "put-fresh")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := NewFS(s.Dir()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temporary file removed: %v", err)
	}
}

func TestNewFSRequiresDir(t *testing.T) {
	if _, err := NewFS(""); err == nil {
		t.Fatal("NewFS(\"\") succeeded")
	}
}
