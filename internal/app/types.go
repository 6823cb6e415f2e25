package app

import "github.com/zeren-edu/zeren/internal/store"

// The store's value types that appear in the app's signatures, re-exported so
// that callers (internal/httpapi) can name them without importing the store,
// which the import rules keep out of the HTTP layer.
type (
	OrgFilter     = store.OrgFilter
	GroupBy       = store.GroupBy
	Figure        = store.Figure
	Group         = store.Group
	EvidenceBlob  = store.EvidenceBlob
	PeriodClosure = store.PeriodClosure
)

// The groupings of an aggregate.
const (
	GroupNone   = store.GroupNone
	GroupType   = store.GroupType
	GroupChild  = store.GroupChild
	GroupMonth  = store.GroupMonth
	GroupStatus = store.GroupStatus
)

// GroupBys lists every grouping a client may ask for (GroupNone aside).
func GroupBys() []GroupBy { return []GroupBy{GroupType, GroupChild, GroupMonth, GroupStatus} }

// ActivitySorts lists the sort keys ListActivities accepts.
func ActivitySorts() []string { return store.ActivitySorts() }
