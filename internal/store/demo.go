package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// demoSettingKey marks a database built by `zeren demo`: only such a database
// may be emptied to rebuild the demo.
const demoSettingKey = "demo"

// ErrNotDemo is returned when a PostgreSQL database that `zeren demo` was
// pointed at holds tables the demo did not make.
var ErrNotDemo = errors.New("the database holds tables that `zeren demo` did not make")

// MarkDemo records that this database is the demo's, so that the next
// `zeren demo` may empty it again.
func (s *Store) MarkDemo(ctx context.Context, seed int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		return tx.SetSetting(ctx, demoSettingKey, map[string]int64{"seed": seed}, "operator")
	})
}

// ResetPostgresDemo empties the current schema of the PostgreSQL database
// named by dsn for a rebuild of the demo: an empty database is left as it is;
// one built by `zeren demo` (MarkDemo) has its tables dropped; anything else is
// refused with ErrNotDemo and left untouched.
func ResetPostgresDemo(ctx context.Context, dsn string) error {
	if !IsPostgres(dsn) {
		return fmt.Errorf("ResetPostgresDemo: %s is not a PostgreSQL URL", redact(dsn))
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("database %s: %w", redact(dsn), err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("database %s: %w", redact(dsn), err)
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.QueryContext(ctx, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
	if err != nil {
		return fmt.Errorf("database %s: listing tables: %w", redact(dsn), err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(tables) == 0 {
		return nil
	}
	var marked int
	hasSettings := false
	for _, t := range tables {
		hasSettings = hasSettings || t == "settings"
	}
	if hasSettings {
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM settings WHERE key = $1", demoSettingKey).Scan(&marked); err != nil {
			return fmt.Errorf("database %s: %w", redact(dsn), err)
		}
	}
	if marked == 0 {
		return fmt.Errorf("%w (%d tables, no demo mark); refusing to drop them: give the URL of an empty database", ErrNotDemo, len(tables))
	}
	quoted := make([]string, len(tables))
	for i, t := range tables {
		quoted[i] = pgx.Identifier{t}.Sanitize()
	}
	if _, err := tx.ExecContext(ctx, "DROP TABLE "+strings.Join(quoted, ", ")+" CASCADE"); err != nil {
		return fmt.Errorf("database %s: dropping the old demo: %w", redact(dsn), err)
	}
	return tx.Commit()
}
