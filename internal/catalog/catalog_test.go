package catalog

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
)

func TestDefaultValidates(t *testing.T) {
	if err := Validate(Default()); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultShape(t *testing.T) {
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	types := Default()
	codes := map[string]bool{}
	lastPillar := 0
	for i, ty := range types {
		if ty.ID != 0 {
			t.Errorf("%s: ID = %d, want 0", ty.Code, ty.ID)
		}
		if ty.Order != i+1 {
			t.Errorf("%s: Order = %d, want %d", ty.Code, ty.Order, i+1)
		}
		if !ty.Active {
			t.Errorf("%s: not active", ty.Code)
		}
		if !snake.MatchString(ty.Code) {
			t.Errorf("code %q is not lower-case snake_case", ty.Code)
		}
		if codes[ty.Code] {
			t.Errorf("code %q twice", ty.Code)
		}
		codes[ty.Code] = true
		if ty.NameEN == "" || ty.Description == "" {
			t.Errorf("%s: English name or description missing", ty.Code)
		}
		p, _ := domain.PillarByCode(ty.Pillar)
		if p.Order < lastPillar {
			t.Errorf("%s: pillar %s out of order", ty.Code, ty.Pillar)
		}
		lastPillar = p.Order
		if ty.TracksPublication != (ty.Code == CodeArticleSubmission) {
			t.Errorf("%s: TracksPublication = %v", ty.Code, ty.TracksPublication)
		}
	}
}

func TestEveryPillarHasAType(t *testing.T) {
	n := map[string]int{}
	for _, ty := range Default() {
		n[ty.Pillar]++
	}
	for _, p := range domain.Pillars {
		if n[p.Code] == 0 {
			t.Errorf("pillar %s (%s) has no activity type", p.Code, p.Name)
		}
	}
}

// The kinds the source document counts, by the codes reports refer to.
func TestGoldenCodes(t *testing.T) {
	golden := []struct {
		code, pillar string
		venues       []string
	}{
		{"party_committee_meeting", domain.PillarLeadership, nil},                            // 局党委召开专题会议4次
		{"central_group_study", domain.PillarTheory, nil},                                    // 党委中心组理论学习
		{"themed_activity", domain.PillarTheory, nil},                                        // 主题活动57次
		{"outreach_lecture", domain.PillarTheory, []string{"office", "campus", "classroom"}}, // 宣讲84余场次
		{"study_session", domain.PillarTheory, nil},                                          // 政治理论学习和读书活动72余次
		{"moral_education", domain.PillarCivility, nil},                                      // 四德教育97余场次
		{"article_submission", domain.PillarCivility, nil},                                   // 报送稿件10余篇
		{"volunteer_service", domain.PillarCivility, nil},                                    // 党员志愿服务82余次
		{"community_safety_outreach", domain.PillarCivility, []string{"community"}},          // 社区安全志愿宣传50余次
		{"commemoration", domain.PillarCivility, nil},                                        // 祭英烈43余次
		{"holiday_activity", domain.PillarCivility, nil},                                     // 五一、端午、七一
		{"discipline_education", domain.PillarTeam, nil},                                     // 党纪党规教育
	}
	byCode := map[string]domain.ActivityType{}
	for _, ty := range Default() {
		byCode[ty.Code] = ty
	}
	for _, g := range golden {
		ty, ok := byCode[g.code]
		if !ok {
			t.Errorf("default catalog lacks %s", g.code)
			continue
		}
		if ty.Pillar != g.pillar {
			t.Errorf("%s: pillar %s, want %s", g.code, ty.Pillar, g.pillar)
		}
		for _, v := range g.venues {
			if !ty.AllowsVenue(v) {
				t.Errorf("%s does not allow venue %s", g.code, v)
			}
		}
	}
	if !byCode["article_submission"].TracksPublication {
		t.Error("article_submission must track publication")
	}
}

// Every kind of activity the source mentions has a type.
func TestSourceCoverage(t *testing.T) {
	for _, code := range []string{
		CodeLeadingGroupMeeting, CodeDutyAnalysisMeeting, CodeCoverageVisit,
		CodePoliticalCourseImprovement, CodeCivilityCampaign, CodeXuexiGroupStudy,
		CodePartyMemberThemeDay, CodeReligionPolicyEducation, CodeYouthLeagueActivity,
		CodeChildrensDay, CodeOnlineMonitoring, CodeOnlineCommentary, CodeInformationRelease,
		CodeConcernAnalysis, CodeIncidentDrill, CodeIntegrityEducation,
		CodeOutreachTeamActivity, CodeTeamTraining,
	} {
		if !slices.ContainsFunc(Default(), func(ty domain.ActivityType) bool { return ty.Code == code }) {
			t.Errorf("default catalog lacks %s", code)
		}
	}
}

// The religion type records group education only; nothing in it may invite
// recording a person's belief (PIPL art. 28).
func TestReligionFramedAsGroupEducation(t *testing.T) {
	for _, ty := range Default() {
		if strings.Contains(ty.Name, "排查") || strings.Contains(ty.Description, "排查") {
			t.Errorf("%s: %q / %q frames work as screening people", ty.Code, ty.Name, ty.Description)
		}
		if ty.Code == CodeReligionPolicyEducation {
			if ty.Pillar != domain.PillarCivility || !strings.Contains(ty.Name, "政策") || !strings.Contains(ty.Description, "不登记") {
				t.Errorf("religion type %+v", ty)
			}
		}
	}
}

func TestDefaultIsAFreshCopy(t *testing.T) {
	a := Default()
	a[0].Name = "changed"
	for i := range a {
		if len(a[i].Venues) > 0 {
			a[i].Venues[0] = "changed"
		}
	}
	if err := Validate(Default()); err != nil {
		t.Fatalf("mutating one Default() changed the next: %v", err)
	}
}

func TestValidateRejects(t *testing.T) {
	good := func() []domain.ActivityType { return Default()[:3] }
	cases := []struct {
		name  string
		edit  func([]domain.ActivityType)
		field string
	}{
		{"empty code", func(ts []domain.ActivityType) { ts[1].Code = "" }, "types[1].code"},
		{"bad code", func(ts []domain.ActivityType) { ts[1].Code = "中心组" }, "types[1].code"},
		{"code with space", func(ts []domain.ActivityType) { ts[2].Code = "a b" }, "types[2].code"},
		{"long code", func(ts []domain.ActivityType) { ts[0].Code = strings.Repeat("a", domain.MaxCodeLen+1) }, "types[0].code"},
		{"duplicate code", func(ts []domain.ActivityType) { ts[2].Code = ts[0].Code }, "types[2].code"},
		{"empty name", func(ts []domain.ActivityType) { ts[1].Name = "  " }, "types[1].name"},
		{"control in name", func(ts []domain.ActivityType) { ts[1].Name = "a\nb" }, "types[1].name"},
		{"long name", func(ts []domain.ActivityType) { ts[1].Name = strings.Repeat("会", domain.MaxNameLen+1) }, "types[1].name"},
		{"duplicate name", func(ts []domain.ActivityType) { ts[1].Name = ts[0].Name + " " }, "types[1].name"},
		{"bad english name", func(ts []domain.ActivityType) { ts[0].NameEN = "a\tb" }, "types[0].name_en"},
		{"unknown pillar", func(ts []domain.ActivityType) { ts[1].Pillar = "sports" }, "types[1].pillar"},
		{"empty pillar", func(ts []domain.ActivityType) { ts[1].Pillar = "" }, "types[1].pillar"},
		{"unknown venue", func(ts []domain.ActivityType) { ts[2].Venues = []string{"campus", "moon"} }, "types[2].venues"},
		{"duplicate venue", func(ts []domain.ActivityType) { ts[2].Venues = []string{"campus", "campus"} }, "types[2].venues"},
		{"long description", func(ts []domain.ActivityType) { ts[0].Description = strings.Repeat("字", domain.MaxDescLen+1) }, "types[0].description"},
		{"negative order", func(ts []domain.ActivityType) { ts[0].Order = -1 }, "types[0].order"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := good()
			c.edit(ts)
			err := Validate(ts)
			var de *domain.Error
			if !errors.As(err, &de) || de.Kind != domain.KindInvalid {
				t.Fatalf("Validate = %v, want an invalid error", err)
			}
			if de.Field != c.field {
				t.Errorf("field = %q, want %q (%v)", de.Field, c.field, err)
			}
		})
	}
	if err := Validate(nil); err != nil {
		t.Errorf("Validate(nil) = %v", err)
	}
	ts := good()
	ts[0].NameEN = ""
	if err := Validate(ts); err != nil {
		t.Errorf("an empty English name is allowed: %v", err)
	}
}
