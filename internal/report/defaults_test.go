package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/report"
	"github.com/zeren-edu/zeren/internal/reporttpl"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// wrongLevel lists words a report of a level must not say: they speak for
// another level (a school is not 局党委; only the bureau speaks for 全系统).
var wrongLevel = map[domain.OrgKind][]string{
	domain.OrgDistrict: {"局党委", "全系统", "各学区"},
	domain.OrgSchool:   {"局党委", "全系统", "各学区", "学区各", "本学区"},
	domain.OrgBranch:   {"局党委", "全系统", "各学区", "学区各", "本学区"},
}

// wrongSpan lists words a report of a period kind must not say.
var wrongSpan = map[string][]string{
	"2025Q3":  {"全年", "本学期", "年度工作情况"},
	"2025-09": {"全年", "本学期", "本季度"},
	"2025FA":  {"全年", "本季度"},
	"2025":    {"本季度", "本学期"},
}

// TestDefaultTemplatesSayNoZeroAndSpeakForTheirLevel renders the default
// template chosen for every level (bureau, district, school, branch) and
// period kind (year, term, quarter, month) over an empty ledger and over
// random ledgers where some types have records and others none: no report
// states a zero as an achievement ("0次", "0名"…), none speaks for another
// level or another span, every one has the two heading levels of a 工作总结
// and the named slots for what the ledger cannot say yet.
func TestDefaultTemplatesSayNoZeroAndSpeakForTheirLevel(t *testing.T) {
	e := storetest.Engines(t)[0]
	for ledger := 0; ledger < 4; ledger++ {
		t.Run(fmt.Sprintf("ledger%d", ledger), func(t *testing.T) {
			c := newCounty(t, e)
			ctx := context.Background()
			if ledger > 0 {
				fillRandom(t, c, rand.New(rand.NewPCG(uint64(ledger), 7)))
			}
			for _, code := range []string{"B", "D1", "D1-S1", "D1-S1-B1"} {
				u := c.byCode[code]
				for _, per := range []string{"2025", "2025FA", "2025Q3", "2025-09"} {
					doc, err := c.app.PreviewReport(ctx, c.op, app.ReportRequest{OrgID: u.ID, Period: per})
					if err != nil {
						t.Fatalf("%s %s: %v", code, per, err)
					}
					var text strings.Builder
					var h1, h2 []string
					slots := map[string]bool{}
					for _, b := range doc.Blocks {
						text.WriteString(b.Text() + "\n")
						switch b.Kind {
						case "heading1":
							h1 = append(h1, b.Text())
						case "heading2":
							h2 = append(h2, b.Text())
						}
						if b.Reminder {
							slots[b.Slot] = true
						}
					}
					s := text.String()
					if m := zeroClaim.FindString(s); m != "" {
						t.Errorf("%s %s claims a zero %q in:\n%s", code, per, m, s)
					}
					for _, w := range append(wrongLevel[u.Kind], wrongSpan[per]...) {
						if strings.Contains(s, w) {
							t.Errorf("%s (%s) %s says %q:\n%s", code, u.Kind, per, w, s)
						}
					}
					if strings.Join(h1, "|") != "一、主要工作|二、存在的问题|三、下一步打算" || len(h2) != 6 || !strings.HasPrefix(h2[0], "（一）") || !strings.HasPrefix(h2[5], "（六）") {
						t.Errorf("%s %s headings %q / %q", code, per, h1, h2)
					}
					for _, slot := range []string{"issue_handling", "exam_results", "next_steps", "problems"} {
						if !slots[slot] {
							t.Errorf("%s %s: no visible slot %s", code, per, slot)
						}
					}
				}
			}
		})
	}
}

// fillRandom records approved activities of a random half of the types at
// random units of the county in 2025, and an outreach team at a school.
func fillRandom(t *testing.T, c *county, r *rand.Rand) {
	ctx := context.Background()
	for i, code := range sortedKeys(c.types) {
		if r.IntN(2) == 0 {
			continue
		}
		ty := c.types[code]
		for n := 1 + r.IntN(4); n > 0; n-- {
			u := c.units[r.IntN(len(c.units))]
			in := domain.ActivityInput{OrgID: u.ID, TypeID: ty.ID, Date: domain.NewDate(2025, time.Month(7+r.IntN(6)), 1+r.IntN(28)),
				Title: fmt.Sprintf("活动%d-%d", i, n)}
			if ty.ExpectsAttendance {
				in.Attendance = 1 + r.IntN(40)
			}
			if len(ty.Venues) > 0 {
				in.Venues = []string{ty.Venues[r.IntN(len(ty.Venues))]}
			}
			if ty.TracksPublication {
				in.Publication = "submitted"
			}
			c.add(t, in, domain.StatusApproved)
		}
	}
	if r.IntN(2) == 0 {
		tm, err := c.app.CreateTeam(ctx, c.op, domain.TeamInput{OrgID: c.byCode["D1-S1-B1"].ID, Kind: domain.TeamOutreach, Name: "宣讲队", FoundedOn: domain.NewDate(2025, time.January, 5)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.app.AddMember(ctx, c.op, tm.ID, domain.MemberInput{Name: "王明", Role: domain.RoleTeamLeader, OrgID: c.byCode["D1-S1-B1"].ID, JoinedOn: domain.NewDate(2025, time.January, 5)}); err != nil {
			t.Fatal(err)
		}
	}
}

func sortedKeys(m map[string]domain.ActivityType) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestDefaultsParseAndCheck: every default template parses, passes the
// check against the engine's functions and names its slots.
func TestDefaultsParseAndCheck(t *testing.T) {
	if len(report.Defaults()) != 9 {
		t.Fatalf("%d default templates, want 9 (3 levels × 3 spans)", len(report.Defaults()))
	}
	for _, d := range report.Defaults() {
		tp, err := reporttpl.Parse(d.Source)
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		var names []string
		for _, s := range tp.Slots() {
			names = append(names, s.Name)
		}
		if strings.Join(names, ",") != "issue_handling,exam_results,next_steps" {
			t.Errorf("%s: slots %v", d.Name, names)
		}
		for i, line := range strings.Split(d.Source, "\n") {
			for _, r := range line {
				if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') && strings.HasPrefix(strings.TrimSpace(line), "{#") {
					t.Errorf("%s line %d: a comment in English: %q", d.Name, i+1, line)
					break
				}
			}
		}
	}
}

// TestSigningDate: a past period's report is dated its last day (plus the
// configured delay), the running period's today, a chosen date as chosen;
// written in Arabic numerals (GB/T 9704-2012 §7.3.5.1).
func TestSigningDate(t *testing.T) {
	c := newCounty(t, storetest.Engines(t)[0])
	ctx := context.Background()
	for _, x := range []struct{ period, chosen, want, err string }{
		{"2025Q3", "", "2025年9月30日", ""},
		{"2025", "", "2025年12月31日", ""},
		{"2026Q1", "", "2026年3月1日", ""}, // the county's today
		{"2025Q3", "2025-10-08", "2025年10月8日", ""},
		{"2025Q3", "2025-06-30", "", "signing_date"},
		{"2025Q3", "10月8日", "", "signing_date"},
	} {
		doc, err := c.app.PreviewReport(ctx, c.op, app.ReportRequest{OrgID: c.bureau.ID, Period: x.period, SigningDate: x.chosen})
		if x.err != "" {
			var de *domain.Error
			if !asDomain(err, &de) || de.Field != x.err {
				t.Errorf("%s %q: %v, want invalid %s", x.period, x.chosen, err, x.err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		last := doc.Blocks[len(doc.Blocks)-1]
		if last.Kind != "signature" || last.Text() != x.want {
			t.Errorf("%s %q: dated %q, want %q", x.period, x.chosen, last.Text(), x.want)
		}
	}
}
