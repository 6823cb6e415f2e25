package domain

// Pillar is one of the six parts of the work, as the source report groups them
// (六个方面). Pillars are fixed; activity types are configurable data.
type Pillar struct {
	Code   string `json:"code"`
	Name   string `json:"name"`    // Chinese, as users say it
	NameEN string `json:"name_en"` // English
	Order  int    `json:"order"`
}

// The six pillar codes.
const (
	PillarLeadership = "leadership" // 组织领导
	PillarTheory     = "theory"     // 理论学习
	PillarCivility   = "civility"   // 精神文明创建
	PillarOnline     = "online"     // 网络意识形态安全
	PillarIssues     = "issues"     // 问题处置
	PillarTeam       = "team"       // 队伍建设
)

// Pillars lists the six pillars in the order of the source report.
var Pillars = []Pillar{
	{PillarLeadership, "加强组织领导", "Leadership", 1},
	{PillarTheory, "狠抓理论学习", "Theory study", 2},
	{PillarCivility, "精神文明创建", "Civility building", 3},
	{PillarOnline, "网络意识形态安全", "Online safety", 4},
	{PillarIssues, "问题处置", "Issue handling", 5},
	{PillarTeam, "队伍建设", "Team building", 6},
}

// PillarByCode returns the pillar with the code, if any.
func PillarByCode(code string) (Pillar, bool) {
	for _, p := range Pillars {
		if p.Code == code {
			return p, true
		}
	}
	return Pillar{}, false
}

// Venues an activity type may allow (宣讲进机关、进校园、进课堂 …).
const (
	VenueOffice    = "office"    // 机关
	VenueCampus    = "campus"    // 校园
	VenueClassroom = "classroom" // 课堂
	VenueCommunity = "community" // 社区
	VenueOnline    = "online"    // 线上
)

// VenueNames gives the Chinese label of every known venue tag.
var VenueNames = map[string]string{
	VenueOffice:    "机关",
	VenueCampus:    "校园",
	VenueClassroom: "课堂",
	VenueCommunity: "社区",
	VenueOnline:    "线上",
}

// ActivityType is one kind of activity in the catalog.
type ActivityType struct {
	ID     int64    `json:"id"`
	Code   string   `json:"code"`
	Pillar string   `json:"pillar"`
	Name   string   `json:"name"`
	NameEN string   `json:"name_en"`
	Venues []string `json:"venues"` // venue tags an activity of this type may carry; empty: none
	// ExpectsAttendance and ExpectsEvidence say what a complete record has; the
	// ledger asks for them, reports flag records without them.
	ExpectsAttendance bool `json:"expects_attendance"`
	ExpectsEvidence   bool `json:"expects_evidence"`
	// TracksPublication marks article submissions, whose records carry a
	// publication status (submitted / accepted / published).
	TracksPublication bool   `json:"tracks_publication"`
	Active            bool   `json:"active"`
	Order             int    `json:"order"`
	Description       string `json:"description,omitempty"`
}

// AllowsVenue reports whether the type allows venue tag v.
func (t ActivityType) AllowsVenue(v string) bool {
	for _, x := range t.Venues {
		if x == v {
			return true
		}
	}
	return false
}

// Publication statuses of an article submission (稿件报送).
const (
	PublicationSubmitted = "submitted" // 已报送
	PublicationAccepted  = "accepted"  // 已采用
	PublicationPublished = "published" // 已刊发
)

// ValidPublication reports whether s is a publication status.
func ValidPublication(s string) bool {
	return s == PublicationSubmitted || s == PublicationAccepted || s == PublicationPublished
}
