package app_test

import (
	"context"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// Each built-in role can do its work and nothing else; the three
// administrators cannot touch business data at all.
func TestRolesAndPermissions(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			school, district := f.schools[0], f.districts[0]
			sec := actorWithRole(school, domain.RoleSchoolAdmin)
			a, err := f.app.CreateActivity(ctx, sec, f.lecture(school.ID, "2025-04-08", 60), true)
			if err != nil {
				t.Fatalf("school admin records and submits: %v", err)
			}
			if _, err := f.app.Transition(ctx, sec, a.ID, domain.ActApprove, ""); !domain.IsKind(err, domain.KindForbidden) {
				t.Fatalf("a school admin approving its own record: want forbidden, got %v", err)
			}
			dist := actorWithRole(district, domain.RoleDistrictAdmin)
			if _, err := f.app.Transition(ctx, dist, a.ID, domain.ActApprove, ""); err != nil {
				t.Fatalf("district admin approves: %v", err)
			}
			for _, role := range []string{domain.RoleSystemAdmin, domain.RoleSecurityAdmin, domain.RoleAuditAdmin} {
				adm := actorWithRole(f.bureau, role)
				if _, err := f.app.GetActivity(ctx, adm, a.ID); !domain.IsKind(err, domain.KindForbidden) {
					t.Errorf("%s reads an activity: %v", role, err)
				}
				if _, _, err := f.app.ListActivities(ctx, adm, app.ActivityQuery{}); !domain.IsKind(err, domain.KindForbidden) {
					t.Errorf("%s lists the ledger: %v", role, err)
				}
				if _, err := f.app.Aggregate(ctx, adm, app.AggRequest{OrgID: f.bureau.ID, Period: "2025"}); !domain.IsKind(err, domain.KindForbidden) {
					t.Errorf("%s reads a figure: %v", role, err)
				}
				if _, err := f.app.CreateActivity(ctx, adm, f.lecture(school.ID, "2025-04-09", 5), false); !domain.IsKind(err, domain.KindForbidden) {
					t.Errorf("%s records an activity: %v", role, err)
				}
				if err := f.app.DeleteActivity(ctx, adm, a.ID); !domain.IsKind(err, domain.KindForbidden) {
					t.Errorf("%s deletes an activity: %v", role, err)
				}
				if _, err := f.app.ClosePeriod(ctx, adm, "2024"); !domain.IsKind(err, domain.KindForbidden) {
					t.Errorf("%s closes a period: %v", role, err)
				}
			}
			leader := actorWithRole(f.bureau, domain.RoleLeader)
			if _, err := f.app.GetActivity(ctx, leader, a.ID); err != nil {
				t.Fatalf("leader reads: %v", err)
			}
			if _, err := f.app.CreateActivity(ctx, leader, f.lecture(school.ID, "2025-04-09", 5), false); !domain.IsKind(err, domain.KindForbidden) {
				t.Fatalf("leader writes: %v", err)
			}
			if _, err := f.app.MoveOrg(ctx, sec, school.ID, f.districts[1].ID); !domain.IsKind(err, domain.KindForbidden) {
				t.Fatalf("school admin moves units: %v", err)
			}
			if _, err := f.app.CreateType(ctx, dist, domain.ActivityType{Code: "x", Name: "x", Pillar: domain.PillarTheory}); !domain.IsKind(err, domain.KindForbidden) {
				t.Fatalf("district admin edits the catalog: %v", err)
			}
		})
	}
}

func TestRoleSeparation(t *testing.T) {
	roles := map[string]domain.Role{}
	for _, r := range domain.BuiltinRoles() {
		roles[r.Code] = r
		if r.Admin != domain.AdminNone {
			for _, p := range r.Permissions {
				for _, b := range domain.BusinessPermissions {
					if p == b {
						t.Errorf("administrator role %s holds business permission %s", r.Code, p)
					}
				}
			}
			if !r.NeedsSecondFactor() {
				t.Errorf("%s must need a second factor", r.Code)
			}
		}
	}
	if err := domain.CheckRoleSet([]domain.Role{roles[domain.RoleSystemAdmin], roles[domain.RoleAuditAdmin]}); !domain.IsKind(err, domain.KindConflict) {
		t.Fatalf("system + audit admin: %v", err)
	}
	if err := domain.CheckRoleSet([]domain.Role{roles[domain.RoleSecurityAdmin], roles[domain.RoleSchoolAdmin]}); !domain.IsKind(err, domain.KindConflict) {
		t.Fatalf("security admin + school admin: %v", err)
	}
	if err := domain.CheckRoleSet([]domain.Role{roles[domain.RoleLeader], roles[domain.RoleSchoolAdmin]}); err != nil {
		t.Fatalf("leader + school admin: %v", err)
	}
	if err := domain.CheckRolePermissions([]domain.Permission{domain.PermAuditRead, domain.PermActivityRead}); !domain.IsKind(err, domain.KindInvalid) {
		t.Fatalf("custom role mixing audit and ledger: %v", err)
	}
	if !roles[domain.RoleOfficeAdmin].NeedsSecondFactor() {
		t.Fatal("the office admin changes coverage and must need a second factor")
	}
}
