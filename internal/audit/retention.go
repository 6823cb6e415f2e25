package audit

import (
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// MinRetentionDays is the shortest time audit events are kept: six months,
// as MLPS 2.0 level 3 (GB/T 22239-2019) and the Cybersecurity Law art. 21
// require. 184 days covers the longest six consecutive months.
const MinRetentionDays = 184

// ValidateRetention refuses a retention setting shorter than MinRetentionDays.
func ValidateRetention(days int) error {
	if days < MinRetentionDays {
		return domain.Invalid("retention_days", "must be at least %d days (MLPS level 3 requires six months), not %d", MinRetentionDays, days)
	}
	return nil
}

// RetentionCutoff returns the instant before which events may be purged
// under a retention of days, as of now. Purging removes a prefix of the
// chain: keep the head of the last purged event and verify from it
// (Options.From).
func RetentionCutoff(now time.Time, days int) (time.Time, error) {
	if err := ValidateRetention(days); err != nil {
		return time.Time{}, err
	}
	return now.UTC().AddDate(0, 0, -days), nil
}
