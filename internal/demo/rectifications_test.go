package demo

import (
	"context"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// TestDemoRectificationsAndRubric: the demo holds one rectification in each
// state and a rubric for the year that scores every school.
func TestDemoRectificationsAndRubric(t *testing.T) {
	t.Parallel()
	b := demo(t, "seed1", 1)
	ctx := context.Background()
	for _, s := range domain.RectStates {
		_, n, err := b.app.ListRectifications(ctx, b.ac, app.RectQuery{State: string(s)})
		if err != nil || n != 1 {
			t.Errorf("%s: %d items (%v), want 1", s, n, err)
		}
	}
	rs, err := b.app.ListRubrics(ctx, b.ac, b.app.Today().Year)
	if err != nil || len(rs) != 1 {
		t.Fatalf("%d rubrics: %v", len(rs), err)
	}
	sc, err := b.app.Scores(ctx, b.ac, rs[0].ID)
	if err != nil || sc.Of < 10 || len(sc.Units) != sc.Of || sc.Units[0].Total <= 0 {
		t.Fatalf("scores: of %d, %d units, %v", sc.Of, len(sc.Units), err)
	}
}
