package store

import (
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/zeren-edu/zeren/internal/domain"
)

// A deadlock, a serialization failure or a lock timeout rolls the whole
// transaction back and the same request can succeed when sent again: the
// client must see a conflict (409, "try again"), not an untyped error (500).
func TestPostgresRetryableErrorsAreConflicts(t *testing.T) {
	for _, code := range []string{"40P01", "40001", "55P03"} {
		err := postgresDialect{}.wrap(fmt.Errorf("commit: %w", &pgconn.PgError{Code: code, Message: "deadlock detected"}))
		if !domain.IsKind(err, domain.KindConflict) {
			t.Errorf("SQLSTATE %s: want a conflict, got %v (%T)", code, err, err)
		}
	}
	// Other errors keep their meaning.
	if err := (postgresDialect{}).wrap(&pgconn.PgError{Code: "42601"}); domain.KindOf(err) != "" {
		t.Errorf("a syntax error became %v", domain.KindOf(err))
	}
}
