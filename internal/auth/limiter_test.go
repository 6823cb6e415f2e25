package auth

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLimiterSlidingWindow(t *testing.T) {
	l := NewLimiter(3, time.Minute)
	for i := range 3 {
		if ok, _ := l.Allow("a", t0.Add(time.Duration(i)*10*time.Second)); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	ok, retry := l.Allow("a", t0.Add(30*time.Second))
	if ok || retry != 30*time.Second {
		t.Fatalf("4th attempt: %v, retry %v; want refused, 30s", ok, retry)
	}
	if ok, _ := l.Allow("b", t0.Add(30*time.Second)); !ok {
		t.Fatal("another key is refused")
	}
	// A refused attempt is not recorded: at t0+60s the first event leaves.
	if ok, _ := l.Allow("a", t0.Add(time.Minute-time.Nanosecond)); ok {
		t.Fatal("allowed before the window moved")
	}
	if ok, _ := l.Allow("a", t0.Add(time.Minute)); !ok {
		t.Fatal("refused after the oldest event left the window")
	}
	// Sliding, not fixed: events at 10s, 20s, 60s are in the window at 65s.
	if ok, retry := l.Allow("a", t0.Add(65*time.Second)); ok || retry != 5*time.Second {
		t.Fatalf("at 65s: %v, %v; want refused, 5s", ok, retry)
	}
}

func TestLimiterCheckAndRecord(t *testing.T) {
	l := NewLimiter(2, time.Minute)
	for range 5 {
		if ok, _ := l.Check("10.0.0.1", t0); !ok {
			t.Fatal("Check consumed the allowance")
		}
	}
	l.Record("10.0.0.1", t0)
	l.Record("10.0.0.1", t0.Add(time.Second))
	if ok, retry := l.Check("10.0.0.1", t0.Add(2*time.Second)); ok || retry != 58*time.Second {
		t.Fatalf("after 2 failures: %v, %v", ok, retry)
	}
	// Recording while full keeps the key refused, the window sliding with it.
	l.Record("10.0.0.1", t0.Add(30*time.Second))
	if ok, retry := l.Check("10.0.0.1", t0.Add(45*time.Second)); ok || retry != 16*time.Second {
		t.Fatalf("after a third failure: %v, %v", ok, retry)
	}
}

func TestLimiterBoundedMemory(t *testing.T) {
	l := NewLimiterKeys(5, time.Minute, 100)
	for i := range 1000 {
		l.Allow(fmt.Sprint("key", i), t0)
	}
	if n := l.Len(); n != 100 {
		t.Fatalf("Len = %d, want 100", n)
	}
	// The least recently active key went first: key999 survives, key0 was evicted.
	for range 5 {
		l.Allow("key999", t0)
	}
	if ok, _ := l.Allow("key999", t0); ok {
		t.Fatal("key999 was evicted")
	}
	// Once the window has passed, quiet keys are swept away.
	l.Allow("late", t0.Add(2*time.Minute))
	if n := l.Len(); n != 1 {
		t.Fatalf("Len after the window = %d, want 1", n)
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l := NewLimiter(100, time.Minute)
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				if ok, _ := l.Allow("shared", t0); ok {
					allowed.Add(1)
				}
				l.Allow(fmt.Sprint(g, "/", i), t0)
				l.Check("shared", t0)
			}
		})
	}
	wg.Wait()
	if n := allowed.Load(); n != 100 {
		t.Fatalf("allowed %d of 4000 concurrent attempts, want exactly 100", n)
	}
}

func TestNewLimiterPanicsOnNonsense(t *testing.T) {
	for _, c := range []struct {
		limit  int
		window time.Duration
	}{{0, time.Minute}, {1, 0}, {-1, time.Second}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewLimiter(%d, %v) did not panic", c.limit, c.window)
				}
			}()
			NewLimiter(c.limit, c.window)
		}()
	}
}
