package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"slices"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// Read-then-write paths besides the rollups, raced on the same record: each
// check must hold at commit, and each loser must get a typed error.
func TestConcurrentWritesOfOneRecordKeepTheirRules(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			max := 20 // app.DefaultConfig's MaxEvidencePerActivity

			t.Run("evidence limit", func(t *testing.T) {
				a, err := f.app.CreateActivity(ctx, f.op, f.lecture(f.branches[0].ID, "2025-03-03", 30), false)
				if err != nil {
					t.Fatal(err)
				}
				for i := 0; i < max-2; i++ {
					if _, err := f.app.AttachEvidence(ctx, f.op, a.ID, "照片.png", bytes.NewReader(png1(color.RGBA{uint8(i), 1, 1, 255}))); err != nil {
						t.Fatal(err)
					}
				}
				ops := []func() error{}
				for i := 0; i < 6; i++ {
					photo := png1(color.RGBA{200, uint8(i), 2, 255})
					ops = append(ops, func() error {
						_, err := f.app.AttachEvidence(ctx, f.op, a.ID, fmt.Sprintf("新照片%d.png", i), bytes.NewReader(photo))
						return err
					})
				}
				ok := 0
				for _, err := range race(ops) {
					switch {
					case err == nil:
						ok++
					case domain.IsKind(err, domain.KindInvalid), domain.IsKind(err, domain.KindConflict):
					default:
						t.Errorf("attach: %v", err)
					}
				}
				got, err := f.app.GetActivity(ctx, f.op, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if ok != 2 || len(got.Evidence) != max {
					t.Fatalf("%d of 6 racing attachments succeeded, the activity holds %d files; want 2 and %d", ok, len(got.Evidence), max)
				}
			})

			t.Run("member removed twice", func(t *testing.T) {
				team, err := f.app.CreateTeam(ctx, f.op, domain.TeamInput{OrgID: f.schools[0].ID, Kind: domain.TeamMonitor, Name: "舆情监督队"})
				if err != nil {
					t.Fatal(err)
				}
				for round := 0; round < 10; round++ {
					m, err := f.app.AddMember(ctx, f.op, team.ID, domain.MemberInput{Name: fmt.Sprintf("成员%d", round), Role: domain.RoleTeamMember, OrgID: f.schools[0].ID})
					if err != nil {
						t.Fatal(err)
					}
					remove := func() error { return f.app.RemoveMember(ctx, f.op, team.ID, m.ID) }
					errs := race([]func() error{remove, remove})
					if (errs[0] == nil) == (errs[1] == nil) {
						t.Fatalf("round %d: two removals of one member answered %v and %v; want one success and one not found", round, errs[0], errs[1])
					}
					for _, err := range errs {
						if err != nil && !domain.IsKind(err, domain.KindNotFound) {
							t.Fatalf("round %d: %v", round, err)
						}
					}
				}
			})

			t.Run("default template on first use", func(t *testing.T) {
				ops := []func() error{}
				for i := 0; i < 6; i++ {
					ops = append(ops, func() error { _, err := f.app.ListReportTemplates(ctx, f.op); return err })
				}
				for _, err := range race(ops) {
					if err != nil {
						t.Fatalf("racing first requests for the templates: %v", err)
					}
				}
			})
		})
	}
}

// Replacing an account's roles or coverage twice at once must leave one of
// the two sets, never their union (the union of two admin roles is exactly
// what role separation forbids).
func TestConcurrentAccountChangesLeaveOneSet(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			if err := f.app.EnsureBuiltinRoles(ctx); err != nil {
				t.Fatal(err)
			}
			for round := 0; round < 10; round++ {
				acct, err := f.app.CreateAccount(ctx, f.op, app.AccountInput{Username: fmt.Sprintf("leader%d", round), Name: "分管领导", OrgID: f.bureau.ID})
				if err != nil {
					t.Fatal(err)
				}
				id := acct.Account.ID
				errs := race([]func() error{
					func() error { _, err := f.app.SetRoles(ctx, f.op, id, []string{domain.RoleSystemAdmin}); return err },
					func() error { _, err := f.app.SetRoles(ctx, f.op, id, []string{domain.RoleSecurityAdmin}); return err },
					func() error { _, err := f.app.SetCoverage(ctx, f.op, id, []int64{f.districts[0].ID}); return err },
					func() error { _, err := f.app.SetCoverage(ctx, f.op, id, []int64{f.districts[1].ID}); return err },
				})
				for i, err := range errs {
					if err != nil && !domain.IsKind(err, domain.KindConflict) {
						t.Fatalf("round %d op %d: %v", round, i, err)
					}
				}
				accts, _, err := f.app.ListAccounts(ctx, f.op, acct.Account.Username, 10, 0)
				if err != nil || len(accts) != 1 {
					t.Fatalf("round %d: %v %d", round, err, len(accts))
				}
				if got := accts[0]; len(got.Roles) != 1 || len(got.Coverage) != 1 {
					t.Fatalf("round %d: two racing replacements left roles %v and coverage %v; want one of each", round, roleCodesOf(got.Roles), got.Coverage)
				}
			}
		})
	}
}

func roleCodesOf(rs []domain.Role) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return out
}

// Two decisions on one problem at once: each audit event's "before" must be
// the decision the event replaced — the previous event's "after" — so the
// trail tells who overwrote whom.
func TestConcurrentProblemDecisionsAuditWhatTheyReplaced(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			p := &problemFixture{fixture: newFixture(t, e), t: t}
			for _, s := range p.schools {
				p.add(nil, s.ID, "moral_education", "2025-03-01")
			}
			office := actorWithRole(p.bureau, domain.RoleOfficeAdmin)
			key := p.problems(office, p.bureau.ID, "2025")[0].Key
			accepted, dropped := app.DecisionAccepted, app.DecisionDropped
			for round := 0; round < 8; round++ {
				decide := func(d *string, note string) func() error {
					return func() error {
						_, err := p.app.DecideProblem(ctx, office, key, app.ProblemDecisionInput{OrgID: p.bureau.ID, Period: "2025", Decision: d, Note: note})
						return err
					}
				}
				for i, err := range race([]func() error{decide(&accepted, fmt.Sprintf("属实%d", round)), decide(&dropped, fmt.Sprintf("不属实%d", round))}) {
					if err != nil {
						t.Fatalf("round %d decision %d: %v", round, i, err)
					}
				}
			}
			var rows []store.AuditRow
			if err := p.st.Read(ctx, func(tx *store.Tx) error {
				var err error
				rows, _, err = tx.ListAudit(ctx, store.AuditFilter{Scope: domain.Scope{Roots: []int64{p.bureau.ID}}, Type: "problem.decide", Limit: 100})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(rows) != 16 {
				t.Fatalf("%d decision events, want 16", len(rows))
			}
			slices.Reverse(rows) // oldest first
			type state struct {
				Decision *string `json:"decision"`
				Note     string  `json:"note"`
			}
			parse := func(s string) state {
				var st state
				if err := json.Unmarshal([]byte(s), &st); err != nil {
					t.Fatalf("%q: %v", s, err)
				}
				return st
			}
			for i := 1; i < len(rows); i++ {
				prev, before := parse(rows[i-1].After), parse(rows[i].Before)
				if before.Note != prev.Note || (before.Decision == nil) != (prev.Decision == nil) || (before.Decision != nil && *before.Decision != *prev.Decision) {
					t.Fatalf("event %d says it replaced %s, but the decision before it was %s", i, rows[i].Before, rows[i-1].After)
				}
			}
		})
	}
}
