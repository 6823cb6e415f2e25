package demo

import (
	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// The demo's deliberate back-filled batch, so that the problems panel of the
// work report (存在的问题) has a back-filling suggestion to show: the school
// admin of D01-S01 enters a dozen of the school's approved 2025 records in one
// sitting, long after they happened. Nothing else changes — the same records,
// dates, figures and review history — only who entered them; every other
// record is entered by the demo builder itself (the console operator), whose
// entries the rule does not judge. The other patterns the rules look for
// (schools without theory study in a quarter, records without evidence, one
// photo on two schools' records) arise from the plan as it is.
const (
	backfillAccount = "xiaoxuexiao" // the demo login of D01-S01's school admin (see accounts.go)
	backfillSchool  = "D01-S01"
	backfillYear    = 2025
	backfillRecords = app.MinBackfillBatch + 2
	// Each record of the batch is dated at least this long before the last
	// planned day (so, before the build's today), beyond app.MinBackfillDays.
	backfillDays = app.MinBackfillDays + 15
)

// backfillBatch picks the batch: the first backfillRecords approved (never
// returned) records of D01-S01 and its branches dated in backfillYear, early
// enough. Fewer candidates (a ledger cut short by an early today) make no batch.
func backfillBatch(items []*item) map[*item]bool {
	var latest domain.Date
	for _, it := range items {
		if it.date.After(latest) {
			latest = it.date
		}
	}
	cut := latest.AddDays(-backfillDays)
	out := map[*item]bool{}
	for _, it := range items {
		if len(out) == backfillRecords {
			break
		}
		if it.date.Year == backfillYear && !cut.Before(it.date) && it.status == domain.StatusApproved && !it.reworked &&
			it.unit.school != nil && it.unit.school.code == backfillSchool {
			out[it] = true
		}
	}
	if len(out) < backfillRecords {
		return map[*item]bool{}
	}
	return out
}

// enteredBy is the actor who enters a planned record: the school admin for
// the back-filled batch, the demo builder otherwise.
func enteredBy(op domain.Actor, it *item, batch map[*item]bool) domain.Actor {
	if !batch[it] {
		return op
	}
	var perms []domain.Permission
	for _, r := range domain.BuiltinRoles() {
		if r.Code == domain.RoleSchoolAdmin {
			perms = r.Permissions
		}
	}
	school := it.unit.school
	return domain.Actor{Name: backfillAccount, OrgID: school.id, Scope: domain.Scope{Roots: []int64{school.id}}, Permissions: perms}
}
