package audit

import (
	"strings"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

func TestValidateRetention(t *testing.T) {
	if MinRetentionDays != 184 {
		t.Fatalf("MinRetentionDays = %d", MinRetentionDays)
	}
	for _, days := range []int{184, 185, 365, 3650} {
		if err := ValidateRetention(days); err != nil {
			t.Errorf("ValidateRetention(%d) = %v", days, err)
		}
	}
	for _, days := range []int{183, 180, 90, 1, 0, -1} {
		err := ValidateRetention(days)
		var de *domain.Error
		if !asDomain(err, &de) || de.Kind != domain.KindInvalid || de.Field != "retention_days" ||
			!strings.Contains(de.Message, "at least 184 days") || !strings.Contains(de.Message, "MLPS level 3") {
			t.Errorf("ValidateRetention(%d) = %v, want invalid retention_days", days, err)
		}
	}
}

func TestRetentionCutoff(t *testing.T) {
	now := time.Date(2025, 9, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	got, err := RetentionCutoff(now, 184)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("RetentionCutoff = %v, want %v", got, want)
	}
	if _, err := RetentionCutoff(now, 30); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("RetentionCutoff(30 days) = %v, want invalid", err)
	}
}
