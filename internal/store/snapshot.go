package store

import "context"

// RecordStamp sums up the state of a set of activities: how many exist and
// the sum of their versions. Every change of an activity (an edit, a review
// step) raises its version and a deletion lowers the count, so two equal
// stamps of the same ids mean that none of them changed in between.
type RecordStamp struct {
	N        int64
	Versions int64
}

// RecordStamp stamps the activities among ids, read in batches.
func (tx *Tx) RecordStamp(ctx context.Context, ids []int64) (RecordStamp, error) {
	var out RecordStamp
	const batch = 500
	for i := 0; i < len(ids); i += batch {
		j := min(i+batch, len(ids))
		args := []any{}
		in := placeholders(&args, int64s(ids[i:j])...)
		var n, v int64
		if err := tx.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(version), 0) FROM activities WHERE id IN (`+in+`)`, args...).Scan(&n, &v); err != nil {
			return out, tx.d.wrap(err)
		}
		out.N += n
		out.Versions += v
	}
	return out, nil
}

// ReportRecordStamp stamps the record states a stored report copied
// (report_records), to compare with the stamp of the records its figures
// were computed from.
func (tx *Tx) ReportRecordStamp(ctx context.Context, report int64) (RecordStamp, error) {
	var out RecordStamp
	err := tx.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(version), 0) FROM report_records WHERE report_id = $1`, report).Scan(&out.N, &out.Versions)
	return out, tx.d.wrap(err)
}
