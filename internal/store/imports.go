package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/zeren-edu/zeren/internal/domain"
)

// ImportBatch is one import of a workbook.
type ImportBatch struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	OrgID      int64  `json:"org_id"`
	FileSHA256 string `json:"file_sha256"`
	FileName   string `json:"file_name"`
	Rows       int    `json:"rows"`
	CreatedBy  string `json:"created_by"`
	CreatedAt  string `json:"created_at"`
}

// CreateImportBatch records an import; its records are then marked with
// MarkImported in the same transaction.
func (tx *Tx) CreateImportBatch(ctx context.Context, b ImportBatch) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO import_batches (kind, org_id, file_sha256, file_name, rows, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		b.Kind, b.OrgID, b.FileSHA256, b.FileName, b.Rows, b.CreatedBy, timeText(tx.now)).Scan(&id)
	return id, tx.d.wrap(err)
}

// MarkImported points activities at the batch that brought them in.
func (tx *Tx) MarkImported(ctx context.Context, batch int64, ids []int64) error {
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := []any{batch}
		q := "UPDATE activities SET import_batch_id = $1 WHERE id IN (" + placeholders(&args, int64s(ids[:n])...) + ")"
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// ImportMapping returns the column mapping a unit saved for an import kind.
func (tx *Tx) ImportMapping(ctx context.Context, orgID int64, kind string) (string, bool, error) {
	var m string
	err := tx.queryRow(ctx, "SELECT mapping FROM import_mappings WHERE org_id = $1 AND kind = $2", orgID, kind).Scan(&m)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return m, err == nil, tx.d.wrap(err)
}

// SaveImportMapping keeps a unit's column mapping for its next import.
func (tx *Tx) SaveImportMapping(ctx context.Context, orgID int64, kind, mapping string) error {
	_, err := tx.exec(ctx, `INSERT INTO import_mappings (org_id, kind, mapping, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id, kind) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at`,
		orgID, kind, mapping, timeText(tx.now))
	return err
}

// ExistingKey identifies a record the way an import judges duplicates: the
// same unit, type, day and title.
type ExistingKey struct {
	OrgID  int64
	TypeID int64
	Date   string
	Title  string
}

// ExistingRecords returns the ids of the records of the given units dated in
// [from, to] by their duplicate key. The units are checked against nothing
// here: the caller passes units already resolved inside the actor's scope.
func (tx *Tx) ExistingRecords(ctx context.Context, orgIDs []int64, from, to domain.Date) (map[ExistingKey]int64, error) {
	out := map[ExistingKey]int64{}
	for len(orgIDs) > 0 {
		n := min(len(orgIDs), 500)
		args := []any{from.String(), to.String()}
		q := "SELECT id, org_id, type_id, date, title FROM activities WHERE date >= $1 AND date <= $2 AND org_id IN (" +
			placeholders(&args, int64s(orgIDs[:n])...) + ")"
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var k ExistingKey
			if err := rows.Scan(&id, &k.OrgID, &k.TypeID, &k.Date, &k.Title); err != nil {
				rows.Close()
				return nil, tx.d.wrap(err)
			}
			out[k] = id
		}
		if err := rows.Close(); err != nil {
			return nil, tx.d.wrap(err)
		}
		orgIDs = orgIDs[n:]
	}
	return out, nil
}

// ImportBatchOrg returns the unit an import batch was imported into.
func (tx *Tx) ImportBatchOrg(ctx context.Context, id int64) (int64, error) {
	var org int64
	err := tx.queryRow(ctx, `SELECT org_id FROM import_batches WHERE id = $1`, id).Scan(&org)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, domain.NotFound("import batch %d", id)
	}
	return org, tx.d.wrap(err)
}
