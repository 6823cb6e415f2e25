package domain

import "time"

// Public-concern monitoring (舆情监测, issue 14): sources, items, stories and
// watch rules. No type here has an author: zeren follows topics and the
// responses to them, never the people who post (PIPL art. 28; README).

// ConcernSourceKind is how a source's items arrive.
type ConcernSourceKind string

const (
	SourceRSS    ConcernSourceKind = "rss"    // a feed zeren polls
	SourcePush   ConcernSourceKind = "push"   // a vendor pushes items to the API
	SourceFile   ConcernSourceKind = "file"   // a vendor's export, imported
	SourceManual ConcernSourceKind = "manual" // what a monitor saw, entered by hand
)

// Valid reports whether k is a known kind.
func (k ConcernSourceKind) Valid() bool {
	return k == SourceRSS || k == SourcePush || k == SourceFile || k == SourceManual
}

// Source states.
const (
	SourceActive = "active"
	SourcePaused = "paused"
)

// Severity of a rule's matches and of a story: 1 一般, 2 较大, 3 重大; 0 is a
// story no rule matched.
const (
	SeverityGeneral     = 1
	SeveritySignificant = 2
	SeverityMajor       = 3
)

// ConcernSource is a feed, push endpoint, import or manual desk, with its
// health.
type ConcernSource struct {
	ID              int64             `json:"id"`
	OrgID           int64             `json:"org_id"`
	OrgName         string            `json:"org_name"`
	Kind            ConcernSourceKind `json:"kind"`
	Name            string            `json:"name"`
	URL             string            `json:"url"`
	State           string            `json:"state"`
	Failures        int               `json:"failures"`
	LastSuccessAt   time.Time         `json:"last_success_at,omitzero"`
	LastError       string            `json:"last_error"`
	LastErrorAt     time.Time         `json:"last_error_at,omitzero"`
	ItemsTotal      int64             `json:"items_total"`
	NextPollAt      time.Time         `json:"next_poll_at,omitzero"`
	IntervalSeconds int               `json:"interval_seconds"`
	CreatedAt       time.Time         `json:"created_at"`
	UpdatedAt       time.Time         `json:"updated_at"`
	Version         int               `json:"version"`
	// ETag and LastModified are the feed's validators for conditional GET.
	ETag         string `json:"-"`
	LastModified string `json:"-"`
}

// ConcernItem is one public post or article as received.
type ConcernItem struct {
	ID          int64             `json:"id"`
	SourceID    int64             `json:"source_id"`
	SourceName  string            `json:"source_name"`
	SourceKind  ConcernSourceKind `json:"source_kind"`
	StoryID     int64             `json:"story_id"`
	ExternalID  string            `json:"external_id"`
	URL         string            `json:"url"`
	Title       string            `json:"title"`
	Body        string            `json:"body"`
	PublishedAt time.Time         `json:"published_at,omitzero"`
	FetchedAt   time.Time         `json:"fetched_at"`
	RuleIDs     []int64           `json:"rule_ids"`
	Evidence    []ConcernEvidence `json:"evidence,omitempty"`
}

// ConcernEvidence is a screenshot attached to a manual entry.
type ConcernEvidence struct {
	SHA256   string `json:"sha256"`
	Filename string `json:"filename"`
}

// UnitRef names a unit.
type UnitRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// ConcernStory is near-duplicate items merged into one (同题报道).
type ConcernStory struct {
	ID        int64         `json:"id"`
	FirstSeen time.Time     `json:"first_seen"`
	LastSeen  time.Time     `json:"last_seen"`
	ItemCount int           `json:"item_count"`
	Title     string        `json:"title"`
	URL       string        `json:"url"`
	Topic     string        `json:"topic"`
	Severity  int           `json:"severity"`
	RuleIDs   []int64       `json:"rule_ids"`
	Units     []UnitRef     `json:"units"`
	Items     []ConcernItem `json:"items,omitempty"`
}

// ConcernRule is a watch rule (监测规则) of a unit.
type ConcernRule struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"org_id"`
	OrgName   string    `json:"org_name"`
	Name      string    `json:"name"`
	Expr      string    `json:"expr"`
	Topic     string    `json:"topic"`
	Severity  int       `json:"severity"`
	Enabled   bool      `json:"enabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`
}
