package httpapi

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/audit"
	"github.com/zeren-edu/zeren/internal/auth"
	"github.com/zeren-edu/zeren/internal/domain"
)

// Handlers of the administration routes: accounts, roles, API tokens, the
// security policy and the audit trail. Every permission and scope check is
// the app layer's; these only translate.

func (s *Server) listAccounts(c *call) error {
	ac, _ := c.actor()
	limit, offset := int(c.p.int("limit")), int(c.p.int("offset"))
	items, total, err := s.app.ListAccounts(c.ctx(), ac, c.p.str("q"), limit, offset)
	if err != nil {
		return err
	}
	views := make([]domain.Account, len(items))
	for i, a := range items {
		views[i] = accountView(a)
	}
	return c.reply(page[domain.Account]{Items: views, Total: total, Limit: limit, Offset: offset})
}

type createdAccountBody struct {
	Account         domain.Account `json:"account"`
	InitialPassword string         `json:"initial_password"`
}

func (s *Server) createAccount(c *call) error {
	var b app.AccountInput
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, _ := c.actor()
	out, err := s.app.CreateAccount(c.ctx(), ac, b)
	if err != nil {
		return err
	}
	return c.reply(createdAccountBody{Account: accountView(out.Account), InitialPassword: out.InitialPassword})
}

type rolesBody struct {
	Roles []string `json:"roles"`
}

func (s *Server) setAccountRoles(c *call) error {
	var b rolesBody
	if err := c.decode(&b); err != nil {
		return err
	}
	if b.Roles == nil {
		return domain.Invalid("roles", "is required; send [] to remove every role")
	}
	ac, _ := c.actor()
	a, err := s.app.SetRoles(c.ctx(), ac, c.p.int("id"), b.Roles)
	if err != nil {
		return err
	}
	return c.reply(accountView(a))
}

type coverageBody struct {
	OrgIDs []int64 `json:"org_ids"`
}

func (s *Server) setAccountCoverage(c *call) error {
	var b coverageBody
	if err := c.decode(&b); err != nil {
		return err
	}
	if b.OrgIDs == nil {
		return domain.Invalid("org_ids", "is required; send [] to remove every covered unit")
	}
	ac, _ := c.actor()
	a, err := s.app.SetCoverage(c.ctx(), ac, c.p.int("id"), b.OrgIDs)
	if err != nil {
		return err
	}
	return c.reply(accountView(a))
}

func (s *Server) unlockAccount(c *call) error {
	ac, _ := c.actor()
	if err := s.app.Unlock(c.ctx(), ac, c.p.int("id")); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) disableAccount(c *call) error { return s.setDisabled(c, true) }
func (s *Server) enableAccount(c *call) error  { return s.setDisabled(c, false) }

func (s *Server) setDisabled(c *call, disabled bool) error {
	ac, _ := c.actor()
	a, err := s.app.SetAccountDisabled(c.ctx(), ac, c.p.int("id"), disabled)
	if err != nil {
		return err
	}
	return c.reply(accountView(a))
}

type initialPasswordBody struct {
	InitialPassword string `json:"initial_password"`
}

func (s *Server) resetAccountPassword(c *call) error {
	ac, _ := c.actor()
	pw, err := s.app.ResetPassword(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(initialPasswordBody{InitialPassword: pw})
}

func (s *Server) listRoles(c *call) error {
	ac, _ := c.actor()
	roles, err := s.app.ListRoles(c.ctx(), ac)
	if err != nil {
		return err
	}
	views := make([]domain.Role, len(roles))
	for i, r := range roles {
		views[i] = roleView(r)
	}
	return c.reply(listOf(views))
}

type roleBody struct {
	Code        string              `json:"code"`
	Name        string              `json:"name"`
	NameEN      string              `json:"name_en"`
	Permissions []domain.Permission `json:"permissions"`
}

func (s *Server) createRole(c *call) error {
	var b roleBody
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, _ := c.actor()
	r, err := s.app.CreateRole(c.ctx(), ac, domain.Role{Code: b.Code, Name: b.Name, NameEN: b.NameEN, Permissions: b.Permissions})
	if err != nil {
		return err
	}
	return c.reply(roleView(r))
}

type roleUpdateBody struct {
	Name        string              `json:"name"`
	NameEN      string              `json:"name_en"`
	Permissions []domain.Permission `json:"permissions"`
}

func (s *Server) updateRole(c *call) error {
	var b roleUpdateBody
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, _ := c.actor()
	r, err := s.app.UpdateRole(c.ctx(), ac, domain.Role{ID: c.p.int("id"), Name: b.Name, NameEN: b.NameEN, Permissions: b.Permissions})
	if err != nil {
		return err
	}
	return c.reply(roleView(r))
}

// tokenView is an API token's record; never its secret.
type tokenView struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	RoleID     int64     `json:"role_id"`
	OrgID      int64     `json:"org_id"`
	CreatedBy  int64     `json:"created_by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
}

type createdTokenBody struct {
	tokenView
	// Token is shown here once; only its hash is stored.
	Token string `json:"token"`
}

func (s *Server) listTokens(c *call) error {
	ac, _ := c.actor()
	toks, err := s.app.ListTokens(c.ctx(), ac)
	if err != nil {
		return err
	}
	views := make([]tokenView, len(toks))
	for i, t := range toks {
		views[i] = tokenView{ID: t.ID, Name: t.Name, RoleID: t.RoleID, OrgID: t.OrgID, CreatedBy: t.CreatedBy,
			CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, RevokedAt: t.RevokedAt, LastUsedAt: t.LastUsedAt}
	}
	return c.reply(listOf(views))
}

func (s *Server) createToken(c *call) error {
	var b app.TokenInput
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, _ := c.actor()
	t, err := s.app.CreateToken(c.ctx(), ac, b)
	if err != nil {
		return err
	}
	return c.reply(createdTokenBody{Token: t.Token, tokenView: tokenView{ID: t.ID, Name: t.Name, RoleID: t.RoleID,
		OrgID: t.OrgID, CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt}})
}

func (s *Server) revokeToken(c *call) error {
	ac, _ := c.actor()
	if err := s.app.RevokeToken(c.ctx(), ac, c.p.str("id")); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) getPolicy(c *call) error {
	p, err := s.app.Policy(c.ctx())
	if err != nil {
		return err
	}
	return c.reply(p)
}

func (s *Server) setPolicy(c *call) error {
	var p auth.Policy
	if err := c.decode(&p); err != nil {
		return err
	}
	ac, _ := c.actor()
	out, err := s.app.SetPolicy(c.ctx(), ac, p)
	if err != nil {
		return err
	}
	return c.reply(out)
}

// auditEventView is an audit event; before and after are JSON values, not
// strings holding JSON.
type auditEventView struct {
	Seq        int64           `json:"seq"`
	Time       time.Time       `json:"time"`
	Actor      string          `json:"actor"`
	ActorID    int64           `json:"actor_id,omitempty"`
	ActorName  string          `json:"actor_name,omitempty"`
	OrgID      int64           `json:"org_id,omitempty"`
	OrgName    string          `json:"org_name,omitempty"`
	ClientAddr string          `json:"client_addr"`
	Type       string          `json:"type"`
	Target     string          `json:"target"`
	TargetKind string          `json:"target_kind,omitempty"`
	TargetName string          `json:"target_name,omitempty"`
	Outcome    string          `json:"outcome"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
	Detail     string          `json:"detail,omitempty"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
	Alg        string          `json:"alg"`
}

func rawOrNil(s string) json.RawMessage {
	if s == "" || !json.Valid([]byte(s)) {
		return nil
	}
	return json.RawMessage(s)
}

func (s *Server) listAuditEvents(c *call) error {
	ac, _ := c.actor()
	q, err := auditQuery(c, true)
	if err != nil {
		return err
	}
	rows, total, err := s.app.ListNamedAuditEvents(c.ctx(), ac, q)
	if err != nil {
		return err
	}
	views := make([]auditEventView, len(rows))
	for i, r := range rows {
		views[i] = auditEventView{Seq: r.Seq, Time: r.Time, Actor: r.Actor, ActorID: r.ActorID, ActorName: r.ActorName,
			OrgID: r.OrgID, OrgName: r.OrgName, ClientAddr: r.ClientAddr, Type: r.Type, Target: r.Target,
			TargetKind: r.TargetKind, TargetName: r.TargetName, Outcome: r.Outcome, Before: rawOrNil(r.Before),
			After: rawOrNil(r.After), Detail: r.Detail, PrevHash: r.PrevHash, Hash: r.Hash, Alg: r.Alg}
	}
	return c.reply(page[auditEventView]{Items: views, Total: total, Limit: q.Limit, Offset: q.Offset})
}

// auditQuery is the audit trail's filter of the list and its export.
func auditQuery(c *call, paged bool) (app.AuditQuery, error) {
	q := app.AuditQuery{OrgID: c.p.int("org_id"), Outcome: c.p.str("outcome"), Type: c.p.str("type"), ActorID: c.p.int("actor_id"),
		Target: c.p.str("target"), From: c.p.time("from").UTC(), To: c.p.time("to").UTC()}
	if paged {
		q.Limit, q.Offset = int(c.p.int("limit")), int(c.p.int("offset"))
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		return q, domain.Invalid("to", "must be after from")
	}
	return q, nil
}

// auditReport is the outcome of a verification: the chain, and the anchors
// serve writes outside the database when it runs with them.
type auditReport struct {
	OK             bool                  `json:"ok"`
	Checked        int64                 `json:"checked"`
	Last           audit.Head            `json:"last"`
	FirstBad       *audit.Problem        `json:"first_bad,omitempty"`
	Anchored       bool                  `json:"anchored"`
	Anchors        int                   `json:"anchors"`
	LastAnchor     *anchorView           `json:"last_anchor,omitempty"`
	AnchorProblems []audit.AnchorProblem `json:"anchor_problems,omitempty"`
}

type anchorView struct {
	Seq  int64     `json:"seq"`
	Hash string    `json:"hash"`
	Time time.Time `json:"time"`
}

func (s *Server) verifyAudit(c *call) error {
	ac, _ := c.actor()
	// VerifyAuditAnchored is the console's use case too, so it checks no
	// actor: the permission is checked here, before it runs.
	if err := ac.Require(domain.PermAuditRead); err != nil {
		return err
	}
	v, err := s.app.VerifyAuditAnchored(c.ctx(), nil)
	if err != nil {
		return err
	}
	rep := auditReport{OK: v.OK(), Checked: v.Checked, Last: v.Last, FirstBad: v.FirstBad,
		Anchored: v.AnchorFile != "", Anchors: v.Anchors, AnchorProblems: v.AnchorProblems}
	if a := v.LastAnchor; a != nil {
		rep.LastAnchor = &anchorView{Seq: a.Seq, Hash: a.Hash, Time: a.Time}
	}
	return c.reply(rep)
}

type auditSettingsBody struct {
	Alg           string `json:"alg"`
	RetentionDays int    `json:"retention_days"`
}

func (s *Server) setAuditSettings(c *call) error {
	var b auditSettingsBody
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, _ := c.actor()
	if err := s.app.SetAuditSettings(c.ctx(), ac, b.Alg, b.RetentionDays); err != nil {
		return renameField(err, "hash_alg", "alg")
	}
	alg, err := audit.ParseAlg(b.Alg)
	if err != nil {
		return err
	}
	return c.reply(auditSettingsBody{Alg: strings.ToLower(string(alg)), RetentionDays: b.RetentionDays})
}
