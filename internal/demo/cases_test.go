package demo

import (
	"context"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/casework"
)

// TestDemoCases: the demo holds a case waiting for its assessment, one
// responded to, and one closed in time with its review.
func TestDemoCases(t *testing.T) {
	t.Parallel()
	b := demo(t, "seed1", 1)
	ctx := context.Background()
	for _, s := range []casework.State{casework.StateNew, casework.StateResponding, casework.StateClosed} {
		cs, n, err := b.app.ListCases(ctx, b.ac, app.CaseQuery{States: []string{string(s)}})
		if err != nil || n != 1 {
			t.Fatalf("%s: %d cases (%v), want 1", s, n, err)
		}
		if s == casework.StateClosed && (cs[0].Review == "" || cs[0].DueOf(casework.DeadlineResolution).Standing != casework.Met) {
			t.Fatalf("closed: %+v", cs[0])
		}
	}
}
