package domain

import (
	"slices"
	"time"
)

// Permission names one thing an actor may do. Every use case checks exactly
// one permission, in the app layer, before the store is touched; the data an
// allowed use case touches is then limited by the actor's Scope.
type Permission string

// Business permissions: the ledger, its figures and its configuration.
const (
	PermActivityRead    Permission = "activity.read"        // see activities, evidence and figures
	PermActivityWrite   Permission = "activity.write"       // record, edit, delete, attach evidence
	PermActivitySubmit  Permission = "activity.submit"      // submit for review
	PermActivityApprove Permission = "activity.approve"     // approve or return
	PermExport          Permission = "export"               // export lists and reports
	PermCatalogManage   Permission = "catalog.manage"       // activity types
	PermPeriodClose     Permission = "period.close"         // close and reopen periods; semester calendars
	PermCoverageManage  Permission = "coverage.manage"      // leaders' coverage (分片包抓)
	PermReportManage    Permission = "report.manage"        // report templates, generated reports, problem decisions
	PermRosterManage    Permission = "roster.manage"        // teams and their members (宣讲队伍, 监督员队伍)
	PermRectReview      Permission = "rectification.review" // open rectifications for units below, sign off or send back
	PermAssessManage    Permission = "assessment.manage"    // assessment rubrics and manual score adjustments
	PermDutyManage      Permission = "duty.manage"          // the duty list, the year's plan, leading groups, checklist sign-off
	PermConcernRead     Permission = "concern.read"         // the public-concern stream, stories, summaries, source health
	PermConcernManage   Permission = "concern.manage"       // watch rules and sources; imports and manual entries of items
	PermConcernIngest   Permission = "concern.ingest"       // push items (what a vendor's API token holds)
	PermCaseHandle      Permission = "case.handle"          // open and work cases (事件处置)
	PermCaseTiers       Permission = "case.tiers"           // the cases' time limits per severity (the office)
	PermExamManage      Permission = "exam.manage"          // question banks, exams, their results
	PermExamTake        Permission = "exam.take"            // sit the exams one is a candidate of
	// PermTokenCreate issues API tokens for machine clients. A token carries
	// only permissions its issuer holds, over the issuer's own subtree, so it
	// is a business permission: no administrator holds it.
	PermTokenCreate Permission = "token.create"
)

// Administration permissions, split over the three separated administrators (三员).
const (
	PermOrgManage     Permission = "org.manage"     // the org tree (system admin, office admin)
	PermAccountManage Permission = "account.manage" // create, change, disable accounts (system admin)
	PermConfigManage  Permission = "config.manage"  // system settings (system admin)
	PermRoleManage    Permission = "role.manage"    // roles and their assignment (security admin)
	PermPolicyManage  Permission = "policy.manage"  // password and session policy (security admin)
	PermAccountUnlock Permission = "account.unlock" // unlock locked accounts (security admin)
	PermAuditRead     Permission = "audit.read"     // read the audit trail (audit admin)
)

// AllPermissions lists every permission, business first.
var AllPermissions = []Permission{
	PermActivityRead, PermActivityWrite, PermActivitySubmit, PermActivityApprove, PermExport,
	PermCatalogManage, PermPeriodClose, PermCoverageManage, PermReportManage, PermRosterManage, PermTokenCreate, PermDutyManage,
	PermRectReview, PermAssessManage, PermConcernRead, PermConcernManage, PermConcernIngest, PermCaseHandle, PermCaseTiers, PermExamManage, PermExamTake,
	PermOrgManage, PermAccountManage, PermConfigManage, PermRoleManage, PermPolicyManage, PermAccountUnlock, PermAuditRead,
}

// BusinessPermissions are those over the ledger and its figures; none of the
// three administrators may hold one.
var BusinessPermissions = []Permission{
	PermActivityRead, PermActivityWrite, PermActivitySubmit, PermActivityApprove, PermExport,
	PermCatalogManage, PermPeriodClose, PermCoverageManage, PermReportManage, PermRosterManage, PermTokenCreate, PermDutyManage,
	PermRectReview, PermAssessManage, PermConcernRead, PermConcernManage, PermConcernIngest, PermCaseHandle, PermCaseTiers, PermExamManage, PermExamTake,
}

// Valid reports whether p is a known permission.
func (p Permission) Valid() bool { return slices.Contains(AllPermissions, p) }

// Administrative reports whether p is one of the three administrators'
// own permissions (accounts, configuration, roles, policy, unlocks, the
// audit trail): neither a business permission nor org.manage, which the
// system admin and the office admin share.
func (p Permission) Administrative() bool {
	return p.Valid() && p != PermOrgManage && !slices.Contains(BusinessPermissions, p)
}

// AdminKind marks the three separated administrators. An account holds at
// most one of them, and an administrator holds no business permission.
type AdminKind string

const (
	AdminNone     AdminKind = ""
	AdminSystem   AdminKind = "system"   // 系统管理员: accounts, units, configuration
	AdminSecurity AdminKind = "security" // 安全管理员: roles, policy, unlocks
	AdminAudit    AdminKind = "audit"    // 审计管理员: reads the audit trail only
)

// Role is a named permission set. Built-in roles cannot be changed; custom
// roles are permission sets over the same permissions.
type Role struct {
	ID          int64        `json:"id"`
	Code        string       `json:"code"`
	Name        string       `json:"name"`
	NameEN      string       `json:"name_en"`
	Builtin     bool         `json:"builtin"`
	Admin       AdminKind    `json:"admin,omitempty"`
	Permissions []Permission `json:"permissions"`
}

// NeedsSecondFactor reports whether holders of the role must use TOTP: the
// three administrators and any role that can change roles or coverage.
func (r Role) NeedsSecondFactor() bool {
	return r.Admin != AdminNone || slices.Contains(r.Permissions, PermRoleManage) || slices.Contains(r.Permissions, PermCoverageManage)
}

// IsAdmin reports whether the role gives administrator powers: one of the
// three built-in administrator roles, or a custom role holding any
// administrative permission. Such a role is never combined with another on
// one account, and never carried by an API token.
func (r Role) IsAdmin() bool {
	return r.Admin != AdminNone || slices.ContainsFunc(r.Permissions, Permission.Administrative)
}

// Built-in role codes.
const (
	RoleOfficeAdmin   = "office_admin"
	RoleLeader        = "leader"
	RoleDistrictAdmin = "district_admin"
	RoleSchoolAdmin   = "school_admin"
	RoleMember        = "member"
	RoleMonitor       = "monitor"
	RoleSystemAdmin   = "system_admin"
	RoleSecurityAdmin = "security_admin"
	RoleAuditAdmin    = "audit_admin"
)

// BuiltinRoles returns the built-in roles.
func BuiltinRoles() []Role {
	ledgerAll := []Permission{PermActivityRead, PermActivityWrite, PermActivitySubmit, PermActivityApprove, PermExport}
	return []Role{
		{Code: RoleOfficeAdmin, Name: "局办公室管理员", NameEN: "Bureau office admin", Builtin: true,
			Permissions: append(slices.Clone(ledgerAll), PermCatalogManage, PermPeriodClose, PermCoverageManage, PermOrgManage,
				PermReportManage, PermRosterManage, PermTokenCreate, PermDutyManage, PermRectReview, PermAssessManage,
				PermConcernRead, PermConcernManage, PermConcernIngest, PermCaseHandle, PermCaseTiers,
				PermExamManage, PermExamTake)},
		{Code: RoleLeader, Name: "分管领导", NameEN: "Leader", Builtin: true,
			Permissions: []Permission{PermActivityRead, PermExport, PermConcernRead, PermExamTake}},
		{Code: RoleDistrictAdmin, Name: "学区管理员", NameEN: "District admin", Builtin: true,
			Permissions: append(slices.Clone(ledgerAll), PermRosterManage, PermDutyManage, PermRectReview,
				PermConcernRead, PermConcernManage, PermCaseHandle, PermExamManage, PermExamTake)},
		{Code: RoleSchoolAdmin, Name: "学校管理员/支部书记", NameEN: "School admin / branch secretary", Builtin: true,
			Permissions: []Permission{PermActivityRead, PermActivityWrite, PermActivitySubmit, PermExport, PermRosterManage, PermCaseHandle, PermExamTake}},
		{Code: RoleMember, Name: "教师/党员", NameEN: "Member (teacher)", Builtin: true, Permissions: []Permission{PermActivityRead, PermExamTake}},
		{Code: RoleMonitor, Name: "舆情监督员", NameEN: "Opinion monitor", Builtin: true, Permissions: []Permission{PermActivityRead, PermConcernRead, PermCaseHandle, PermExamTake}},
		{Code: RoleSystemAdmin, Name: "系统管理员", NameEN: "System admin", Builtin: true, Admin: AdminSystem,
			Permissions: []Permission{PermAccountManage, PermOrgManage, PermConfigManage}},
		{Code: RoleSecurityAdmin, Name: "安全管理员", NameEN: "Security admin", Builtin: true, Admin: AdminSecurity,
			Permissions: []Permission{PermRoleManage, PermPolicyManage, PermAccountUnlock}},
		{Code: RoleAuditAdmin, Name: "审计管理员", NameEN: "Audit admin", Builtin: true, Admin: AdminAudit,
			Permissions: []Permission{PermAuditRead}},
	}
}

// CheckRoleSet enforces the separation of the three administrators over the
// roles one account would hold: at most one administrator role, and an
// administrator holds no other role. A custom role holding an administrative
// permission counts as an administrator role (see IsAdmin), so a custom role
// cannot smuggle unlock or role rights onto a business account.
func CheckRoleSet(roles []Role) error {
	admins := 0
	for _, r := range roles {
		if r.IsAdmin() {
			admins++
		}
	}
	if admins > 1 {
		return Conflict("roles", "one account may hold only one of the system, security and audit administrator roles")
	}
	if admins == 1 && len(roles) > 1 {
		return Conflict("roles", "an administrator account holds no other role, so it cannot touch business data")
	}
	return nil
}

// CheckRolePermissions refuses a custom role that mixes an administrator's
// permissions with business permissions.
func CheckRolePermissions(perms []Permission) error {
	if err := CheckCount("permissions", len(perms), MaxRolePermissions, "permissions"); err != nil {
		return err
	}
	business, admin := false, false
	for _, p := range perms {
		if !p.Valid() {
			return Invalid("permissions", "%q is not a permission", p)
		}
		if slices.Contains(BusinessPermissions, p) {
			business = true
		} else if p.Administrative() {
			admin = true
		}
	}
	if business && admin {
		return Invalid("permissions", "a role cannot combine administration permissions (accounts, roles, policy, audit) with business permissions")
	}
	return nil
}

// Account is a login of one person, who belongs to one org unit. Only the
// data the screens need is kept: name, unit, contact (masked when shown).
type Account struct {
	ID                 int64     `json:"id"`
	Username           string    `json:"username"`
	Name               string    `json:"name"`
	OrgID              int64     `json:"org_id"`
	Phone              string    `json:"phone,omitempty"`
	Roles              []Role    `json:"roles"`
	Coverage           []int64   `json:"coverage"`
	Disabled           bool      `json:"disabled"`
	MustChangePassword bool      `json:"must_change_password"`
	PasswordChangedAt  time.Time `json:"password_changed_at"`
	TOTPEnabled        bool      `json:"totp_enabled"`
	LockedUntil        time.Time `json:"locked_until,omitzero"`
	LastLoginAt        time.Time `json:"last_login_at,omitzero"`
	CreatedAt          time.Time `json:"created_at"`
}

// Permissions returns the union of the account's roles' permissions.
func (a Account) Permissions() []Permission {
	var out []Permission
	for _, r := range a.Roles {
		for _, p := range r.Permissions {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// NeedsSecondFactor reports whether any of the account's roles requires TOTP.
func (a Account) NeedsSecondFactor() bool {
	for _, r := range a.Roles {
		if r.NeedsSecondFactor() {
			return true
		}
	}
	return false
}

// MaskPhone keeps the first three and last four digits of a phone number.
func MaskPhone(p string) string {
	r := []rune(p)
	if len(r) < 8 {
		return p
	}
	for i := 3; i < len(r)-4; i++ {
		r[i] = '*'
	}
	return string(r)
}
