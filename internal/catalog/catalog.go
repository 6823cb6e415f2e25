// Package catalog holds zeren's default activity catalog (活动类型) as data,
// seeded from the source document: a county education bureau's year-end report
// on its ideological-work duty system. Every kind of activity that report
// counts or mentions is one type here, mapped to one of the six pillars.
//
// The catalog is configurable: a bureau renames, deactivates or adds types.
// Default is only the first cut it starts from. Codes are stable: reports,
// duty targets and the report templates refer to types by code, so a bureau
// may rename a type but its code stays.
package catalog

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Codes of the default types, in catalog order.
const (
	// 1 leadership (组织领导)
	CodePartyCommitteeMeeting = "party_committee_meeting"
	CodeLeadingGroupMeeting   = "leading_group_meeting"
	CodeDutyAnalysisMeeting   = "duty_analysis_meeting"
	CodeCoverageVisit         = "coverage_visit"
	CodeCleanSchoolActivity   = "clean_school_activity"

	// 2 theory study (理论学习)
	CodeCentralGroupStudy          = "central_group_study"
	CodeThemedActivity             = "themed_activity"
	CodeOutreachLecture            = "outreach_lecture"
	CodePoliticalCourseImprovement = "political_course_improvement"
	CodeStudySession               = "study_session"

	// 3 civility building (精神文明创建)
	CodeMoralEducation          = "moral_education"
	CodeCivilityCampaign        = "civility_campaign"
	CodeXuexiGroupStudy         = "xuexi_group_study"
	CodeArticleSubmission       = "article_submission"
	CodePartyMemberThemeDay     = "party_member_theme_day"
	CodeReligionPolicyEducation = "religion_policy_education"
	CodeVolunteerService        = "volunteer_service"
	CodeCommunitySafetyOutreach = "community_safety_outreach"
	CodeYouthLeagueActivity     = "youth_league_activity"
	CodeCommemoration           = "commemoration"
	CodeChildrensDay            = "childrens_day"
	CodeHolidayActivity         = "holiday_activity"

	// 4 online safety (网络意识形态安全)
	CodeOnlineMonitoring   = "online_monitoring"
	CodeOnlineCommentary   = "online_commentary"
	CodeInformationRelease = "information_release"

	// 5 issue handling (问题处置)
	CodeConcernAnalysis = "concern_analysis"
	CodeIncidentDrill   = "incident_drill"

	// 6 team building (队伍建设)
	CodeOutreachTeamActivity  = "outreach_team_activity"
	CodeTeamTraining          = "team_training"
	CodeDisciplineEducation   = "discipline_education"
	CodeIntegrityEducation    = "integrity_education"
	CodeNonPartyStaffOutreach = "non_party_staff_outreach"
)

// flags of a default type: what a complete record carries.
const (
	attendance  = 1 << iota // 人次 are counted
	evidence                // photos, minutes or files are expected
	publication             // a publication status is tracked (稿件报送)
)

type entry struct {
	code, pillar, name, nameEN string
	venues                     []string
	flags                      int
	desc                       string
}

// entries is the default catalog in order. Notes on choices:
//
//   - Online exams (党纪党规知识考试), rosters (宣传队, 舆情监督员) and
//     rectification (立行立改) are entities of their own, not activity types;
//     the activity types here record the work those rosters do.
//   - Individual public concerns and their handling are cases; the online and
//     issue types record organised work (patrols, commentary, analysis
//     meetings, drills), so "no incidents this year" is backed by the cases
//     and the preparedness by these records.
//   - Evidence is not expected where a screenshot of every act would be
//     formalism (monitoring patrols, online comments).
var entries = []entry{
	// 1 leadership (组织领导)
	{CodePartyCommitteeMeeting, domain.PillarLeadership,
		"意识形态工作专题会议", "Party committee meeting on ideological work",
		nil, attendance | evidence,
		"局党委（各党组织）召开意识形态工作专题会议，集中学习有关文件，研究部署工作；附会议纪要。"},
	{CodeLeadingGroupMeeting, domain.PillarLeadership,
		"意识形态工作领导小组会议", "Leading group meeting",
		nil, attendance | evidence,
		"意识形态工作领导小组研究安排、督促落实意识形态工作；附会议纪要。"},
	{CodeDutyAnalysisMeeting, domain.PillarLeadership,
		"意识形态工作分析研判会", "Ideological work analysis meeting",
		nil, attendance | evidence,
		"定期分析研判意识形态领域情况，听取汇报，推动部署；附会议纪要。"},
	{CodeCoverageVisit, domain.PillarLeadership,
		"分片包抓调研指导", "Leader's coverage visit",
		nil, evidence,
		"班子成员按分片包抓到学区、学校调研指导意识形态工作，听取汇报、督促落实。"},
	{CodeCleanSchoolActivity, domain.PillarLeadership,
		"清廉学校建设活动", "Clean school building activity",
		nil, attendance | evidence,
		"围绕“三个年”活动，强化清廉学校建设的专项活动。"},

	// 2 theory study (理论学习)
	{CodeCentralGroupStudy, domain.PillarTheory,
		"党委中心组理论学习", "Party committee central group study",
		nil, attendance | evidence,
		"跟进学习习近平总书记最新重要讲话和重要指示批示精神、党的二十大精神等。"},
	{CodeThemedActivity, domain.PillarTheory,
		"主题活动", "Themed activity",
		nil, attendance | evidence,
		"如“讲述立德树人故事 深化五育并举实践”主题活动。"},
	{CodeOutreachLecture, domain.PillarTheory,
		"“习语润咸”宣讲活动", "Outreach lecture",
		[]string{domain.VenueOffice, domain.VenueCampus, domain.VenueClassroom}, attendance | evidence,
		"理论宣讲进机关、进校园、进课堂、进头脑；按宣讲场所统计场次。"},
	{CodePoliticalCourseImprovement, domain.PillarTheory,
		"思政课“三百”提升工程和“大练兵”活动", "Ideological-political course improvement and teaching drill",
		[]string{domain.VenueClassroom}, attendance | evidence,
		"思政课“三百”提升工程和“大练兵”活动，按轮次记录；高中段率先开展，义务段逐步开展。"},
	{CodeStudySession, domain.PillarTheory,
		"政治理论学习和读书活动", "Political theory study and reading session",
		[]string{domain.VenueOnline}, attendance | evidence,
		"各党组织按支部班子和学习型党员教师团队学习计划开展的政治理论学习和读书活动。"},

	// 3 civility building (精神文明创建)
	{CodeMoralEducation, domain.PillarCivility,
		"社会公德、职业道德、家庭美德、个人品德教育", "Moral education session",
		nil, attendance | evidence,
		"以社会主义核心价值体系为根本开展的“四德”教育。"},
	{CodeCivilityCampaign, domain.PillarCivility,
		"精神文明创建和文明校园创建活动", "Civility and civilized-campus campaign",
		[]string{domain.VenueCampus}, attendance | evidence,
		"精神文明创建、文明校园创建，以及优质服务、党员教师承诺践诺等活动。"},
	{CodeXuexiGroupStudy, domain.PillarCivility,
		"“学习强国”集中学习", "Group study on Xuexi Qiangguo",
		[]string{domain.VenueOnline}, attendance,
		"组织党员教职工集中开展“学习强国”学习；只记场次和人次，不记个人积分、不排名。"},
	{CodeArticleSubmission, domain.PillarCivility,
		"稿件报送", "Article submission",
		nil, evidence | publication,
		"向“学习强国”等平台报送稿件，记录报送、采用、刊发状态。"},
	{CodePartyMemberThemeDay, domain.PillarCivility,
		"党员主题日活动", "Party member theme day",
		nil, attendance | evidence,
		"各党支部以“党员主题日”活动为载体开展的活动。"},
	// Religion. The source reports "宗教排查" — screening teachers and students
	// for religious belief. Religious belief is sensitive personal information
	// under PIPL art. 28, and zeren stores no person-level data on religious or
	// political belief (DESIGN.md, principle 5). What the bureau can lawfully
	// record and report is the education it organised, so the work is framed
	// as group education on the constitution and the Party's policy on
	// religious affairs, recorded as counts only (场次、人次): no names, no
	// lists of believers, no per-person results. Do not add fields, evidence
	// templates or imports that would hold such data.
	{CodeReligionPolicyEducation, domain.PillarCivility,
		"宪法和宗教政策宣传教育", "Education on the constitution and religious affairs policy",
		[]string{domain.VenueCampus, domain.VenueClassroom}, attendance | evidence,
		"面向师生集体开展宪法和党的宗教工作政策宣传教育，只记场次和人次；不登记任何个人的宗教信仰情况。"},
	{CodeVolunteerService, domain.PillarCivility,
		"党员志愿服务", "Party member volunteer service",
		[]string{domain.VenueCommunity}, attendance | evidence,
		"党员志愿服务活动，如帮助群众抢收抢种。"},
	{CodeCommunitySafetyOutreach, domain.PillarCivility,
		"社区安全志愿宣传", "Community safety outreach",
		[]string{domain.VenueCommunity}, attendance | evidence,
		"到社区开展的安全知识志愿宣传。"},
	{CodeYouthLeagueActivity, domain.PillarCivility,
		"党建带团建、带队建活动", "Youth League and Young Pioneers activity",
		[]string{domain.VenueCampus}, attendance | evidence,
		"党建带团建、党建带队建，共青团、少先队和校园社团开展的青少年思想政治教育活动。"},
	{CodeCommemoration, domain.PillarCivility,
		"纪念活动（清明节“祭英烈”等）", "Commemoration",
		nil, attendance | evidence,
		"各支部组织师生开展的清明节“祭英烈”等纪念活动。"},
	{CodeChildrensDay, domain.PillarCivility,
		"“六一”国际儿童节庆祝活动", "Children's Day celebration",
		[]string{domain.VenueCampus}, attendance | evidence,
		"如“礼赞新时代 同心向未来”系列庆祝活动。"},
	{CodeHolidayActivity, domain.PillarCivility,
		"重要节日活动", "Holiday activity",
		nil, attendance | evidence,
		"利用“五·一”“端午”“七·一”等重要节日开展的活动，倡导文明和谐、实用节俭、廉洁过节。"},

	// 4 online safety (网络意识形态安全)
	{CodeOnlineMonitoring, domain.PillarOnline,
		"网络舆情监测巡查", "Online opinion monitoring patrol",
		[]string{domain.VenueOnline}, 0,
		"舆情监督员对互联网、微信等平台的巡查和专项监测；发现的具体舆情在舆情模块中登记处置。"},
	{CodeOnlineCommentary, domain.PillarOnline,
		"网络评论引导", "Online commentary guidance",
		[]string{domain.VenueOnline}, 0,
		"围绕教育热点开展的网络评论和正面引导。"},
	{CodeInformationRelease, domain.PillarOnline,
		"信息发布和政策解读", "Information release and policy explanation",
		[]string{domain.VenueOnline}, evidence,
		"教育系统工作信息发布、政策解读，及时回应社会关切。"},

	// 5 issue handling (问题处置)
	{CodeConcernAnalysis, domain.PillarIssues,
		"舆情分析研判会", "Public-concern analysis meeting",
		nil, attendance | evidence,
		"按照属地管理要求分析研判舆情和意识形态领域情况，明确立场和处置措施。"},
	{CodeIncidentDrill, domain.PillarIssues,
		"突发事件处置演练", "Incident response drill",
		nil, attendance | evidence,
		"意识形态领域突发情况、网络舆情的应急处置演练，检验“时、度、效”。"},

	// 6 team building (队伍建设)
	{CodeOutreachTeamActivity, domain.PillarTeam,
		"宣传队活动", "Outreach team activity",
		[]string{domain.VenueOffice, domain.VenueCampus, domain.VenueCommunity}, attendance | evidence,
		"各党支部宣传队开展的宣传活动，畅通宣传渠道。"},
	{CodeTeamTraining, domain.PillarTeam,
		"宣传员和舆情监督员队伍培训", "Outreach staff and monitor training",
		[]string{domain.VenueOnline}, attendance | evidence,
		"对宣传队伍、网络舆情安全监督员的业务培训。"},
	{CodeDisciplineEducation, domain.PillarTeam,
		"党纪党规教育", "Party discipline education",
		nil, attendance | evidence,
		"严格党员领导干部纪律约束和党纪党规教育；线上知识考试在考试模块中组织。"},
	{CodeIntegrityEducation, domain.PillarTeam,
		"“青春倡廉”廉政教育（“六个一”活动）", "Integrity education for young cadres",
		nil, attendance | evidence,
		"围绕“青春倡廉”年轻党员领导干部廉政教育开展的“六个一”活动。"},
	{CodeNonPartyStaffOutreach, domain.PillarTeam,
		"党外教职工政治引领教育", "Political guidance for non-Party staff",
		nil, attendance | evidence,
		"加强对党外教职工的政治引领和政治吸纳的教育宣传。"},
}

// Default returns the default catalog: every type active, IDs zero, Order
// 1, 2, 3 … in pillar order. The result is a fresh copy each call.
func Default() []domain.ActivityType {
	out := make([]domain.ActivityType, len(entries))
	for i, e := range entries {
		var venues []string
		if len(e.venues) > 0 {
			venues = append([]string(nil), e.venues...)
		}
		out[i] = domain.ActivityType{
			Code:              e.code,
			Pillar:            e.pillar,
			Name:              e.name,
			NameEN:            e.nameEN,
			Venues:            venues,
			ExpectsAttendance: e.flags&attendance != 0,
			ExpectsEvidence:   e.flags&evidence != 0,
			TracksPublication: e.flags&publication != 0,
			Active:            true,
			Order:             i + 1,
			Description:       e.desc,
		}
	}
	return out
}

// Validate checks a catalog: every code valid and unique, every name valid and
// unique (two types with one name cannot be told apart on a form), every
// pillar and venue known. Errors name the offending type, e.g. field
// "types[3].code".
func Validate(types []domain.ActivityType) error {
	codes := make(map[string]int, len(types))
	names := make(map[string]int, len(types))
	for i, t := range types {
		if err := ValidateType(t); err != nil {
			return at(i, err)
		}
		if j, dup := codes[t.Code]; dup {
			return domain.Invalid(field(i, "code"), "%q is used by types[%d] as well", t.Code, j)
		}
		codes[t.Code] = i
		name := strings.TrimSpace(t.Name)
		if j, dup := names[name]; dup {
			return domain.Invalid(field(i, "name"), "%q is used by types[%d] as well", name, j)
		}
		names[name] = i
	}
	return nil
}

// ValidateType checks one activity type on its own: code, names, pillar,
// venues and description.
func ValidateType(t domain.ActivityType) error {
	if err := domain.ValidateCode("code", t.Code); err != nil {
		return err
	}
	if err := domain.ValidateName("name", t.Name, domain.MaxNameLen); err != nil {
		return err
	}
	if t.NameEN != "" {
		if err := domain.ValidateName("name_en", t.NameEN, domain.MaxNameLen); err != nil {
			return err
		}
	}
	if _, ok := domain.PillarByCode(t.Pillar); !ok {
		return domain.Invalid("pillar", "%q is not a pillar; use one of %s", t.Pillar, pillarCodes())
	}
	if err := domain.CheckCount("venues", len(t.Venues), domain.MaxVenues, "venues"); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, v := range t.Venues {
		if _, ok := domain.VenueNames[v]; !ok {
			return domain.Invalid("venues", "%q is not a venue; use one of %s", v, venueCodes())
		}
		if seen[v] {
			return domain.Invalid("venues", "%q is listed twice", v)
		}
		seen[v] = true
	}
	if err := domain.TextBlock("description", t.Description); err != nil {
		return err
	}
	if n := len([]rune(t.Description)); n > domain.MaxDescLen {
		return domain.Invalid("description", "must be at most %d characters, got %d", domain.MaxDescLen, n)
	}
	if t.Order < 0 {
		return domain.Invalid("order", "must not be negative")
	}
	return nil
}

// at prefixes the field of a domain error with the index of the type.
func at(i int, err error) error {
	var e *domain.Error
	if errors.As(err, &e) {
		c := *e
		c.Field = field(i, e.Field)
		return &c
	}
	return fmt.Errorf("types[%d]: %w", i, err)
}

func field(i int, name string) string { return fmt.Sprintf("types[%d].%s", i, name) }

func pillarCodes() string {
	cs := make([]string, len(domain.Pillars))
	for i, p := range domain.Pillars {
		cs[i] = p.Code
	}
	return strings.Join(cs, ", ")
}

// venueCodes lists the known venues, sorted.
func venueCodes() string {
	cs := make([]string, 0, len(domain.VenueNames))
	for v := range domain.VenueNames {
		cs = append(cs, v)
	}
	sort.Strings(cs)
	return strings.Join(cs, ", ")
}
