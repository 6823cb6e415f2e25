package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/monitor"
	"github.com/zeren-edu/zeren/internal/store"
)

// Watch rules (监测规则, issue 14 item 3): a unit's keyword expressions with
// a topic and a severity. A rule is checked by the monitor's parser when
// saved (the error names the column), and can be tried against the items of
// the last N days the actor reads before it is saved. Every change moves the
// rules' epoch, so every node's pipeline recompiles before its next batch.

const (
	maxRuleExprRunes = 2000
	maxRuleTestDays  = 90
	// maxRuleTestItems bounds the items one test scans.
	maxRuleTestItems = 20000
	// maxRuleTestShown bounds the matches a test returns.
	maxRuleTestShown = 200
)

// RuleInput creates or changes a rule.
type RuleInput struct {
	OrgID    int64  `json:"org_id"`
	Name     string `json:"name"`
	Expr     string `json:"expr"`
	Topic    string `json:"topic"`
	Severity int    `json:"severity"`
	Enabled  *bool  `json:"enabled,omitempty"`
	Version  int    `json:"version,omitempty"`
}

// compileExpr checks one expression with the monitor's parser; the error is
// an invalid "expr" naming the column.
func compileExpr(expr string) (*monitor.Matcher, error) {
	m, err := monitor.Compile([]monitor.Rule{{ID: 1, Topic: "t", Severity: 1, Expr: expr}})
	if err != nil {
		var pe *monitor.ParseError
		if errors.As(err, &pe) {
			return nil, domain.Invalid("expr", "column %d: %s", pe.Column, pe.Msg)
		}
		return nil, domain.Invalid("expr", "%v", err)
	}
	return m, nil
}

func (in *RuleInput) check() error {
	in.Name, in.Topic, in.Expr = strings.TrimSpace(in.Name), strings.TrimSpace(in.Topic), strings.TrimSpace(in.Expr)
	if err := domain.ValidateName("name", in.Name, domain.MaxNameLen); err != nil {
		return err
	}
	if err := domain.TextLine("name", in.Name); err != nil {
		return err
	}
	if err := domain.ValidateName("topic", in.Topic, 50); err != nil {
		return err
	}
	if err := domain.TextLine("topic", in.Topic); err != nil {
		return err
	}
	if in.Severity < domain.SeverityGeneral || in.Severity > domain.SeverityMajor {
		return domain.Invalid("severity", "must be 1 (一般), 2 (较大) or 3 (重大)")
	}
	if in.Expr == "" {
		return domain.Invalid("expr", "a rule needs an expression")
	}
	if len([]rune(in.Expr)) > maxRuleExprRunes {
		return domain.Invalid("expr", "longer than %d characters", maxRuleExprRunes)
	}
	if err := domain.TextLine("expr", in.Expr); err != nil {
		return err
	}
	_, err := compileExpr(in.Expr)
	return err
}

func ruleTarget(id int64) string { return fmt.Sprintf("concern_rule:%d", id) }

// ListRules lists the rules of the units the actor reads.
func (a *App) ListRules(ctx context.Context, ac domain.Actor, orgID int64) ([]domain.ConcernRule, error) {
	if err := ac.Require(domain.PermConcernRead); err != nil {
		return nil, err
	}
	var out []domain.ConcernRule
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		if err := readableOrg(ctx, tx, ac, orgID); err != nil {
			return err
		}
		var err error
		out, err = tx.ListConcernRules(ctx, ac.Scope, orgID)
		return err
	})
	return out, err
}

// GetRule returns one rule the actor reads.
func (a *App) GetRule(ctx context.Context, ac domain.Actor, id int64) (domain.ConcernRule, error) {
	if err := ac.Require(domain.PermConcernRead); err != nil {
		return domain.ConcernRule{}, err
	}
	var out domain.ConcernRule
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.GetConcernRule(ctx, ac.Scope, id)
		return err
	})
	return out, err
}

// CreateRule adds a rule to a unit in the actor's write scope.
func (a *App) CreateRule(ctx context.Context, ac domain.Actor, in RuleInput) (domain.ConcernRule, error) {
	if err := ac.Require(domain.PermConcernManage); err != nil {
		return domain.ConcernRule{}, err
	}
	if err := in.check(); err != nil {
		return domain.ConcernRule{}, err
	}
	enabled := in.Enabled == nil || *in.Enabled
	var out domain.ConcernRule
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, in.OrgID); err != nil {
			return fieldNotFound(err, "org_id")
		}
		id, err := tx.CreateConcernRule(ctx, store.ConcernRuleInput{OrgID: in.OrgID, Name: in.Name, Expr: in.Expr, Topic: in.Topic,
			Severity: in.Severity, Enabled: enabled}, ac.Name)
		if err != nil {
			return err
		}
		if out, err = tx.GetConcernRule(ctx, ac.Scope, id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "concern.rule.create", Target: ruleTarget(id), After: out})
	})
	return out, err
}

// UpdateRule rewrites a rule of a unit in the actor's write scope (its unit
// stays).
func (a *App) UpdateRule(ctx context.Context, ac domain.Actor, id int64, in RuleInput) (domain.ConcernRule, error) {
	if err := ac.Require(domain.PermConcernManage); err != nil {
		return domain.ConcernRule{}, err
	}
	var out domain.ConcernRule
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.GetConcernRule(ctx, domain.Scope{Roots: ac.Scope.Roots}, id)
		if err != nil {
			return err
		}
		in.OrgID = old.OrgID
		if err := in.check(); err != nil {
			return err
		}
		enabled := old.Enabled
		if in.Enabled != nil {
			enabled = *in.Enabled
		}
		version := in.Version
		if version == 0 {
			version = old.Version
		}
		if err := tx.UpdateConcernRule(ctx, id, version, store.ConcernRuleInput{OrgID: old.OrgID, Name: in.Name, Expr: in.Expr,
			Topic: in.Topic, Severity: in.Severity, Enabled: enabled}); err != nil {
			return err
		}
		if out, err = tx.GetConcernRule(ctx, ac.Scope, id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "concern.rule.update", Target: ruleTarget(id), Before: old, After: out})
	})
	return out, err
}

// DeleteRule removes a rule of a unit in the actor's write scope.
func (a *App) DeleteRule(ctx context.Context, ac domain.Actor, id int64) error {
	if err := ac.Require(domain.PermConcernManage); err != nil {
		return err
	}
	return a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.GetConcernRule(ctx, domain.Scope{Roots: ac.Scope.Roots}, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteConcernRule(ctx, id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "concern.rule.delete", Target: ruleTarget(id), Before: old})
	})
}

// RuleTestInput is an expression to try before saving it.
type RuleTestInput struct {
	Expr string `json:"expr"`
	Days int    `json:"days"`
}

// RuleTestMatch is one item the expression matches.
type RuleTestMatch struct {
	ItemID    int64     `json:"item_id"`
	StoryID   int64     `json:"story_id"`
	Title     string    `json:"title"`
	FetchedAt time.Time `json:"fetched_at"`
}

// RuleTestResult is what a rule would have matched.
type RuleTestResult struct {
	Scanned   int             `json:"scanned"`   // items of the period the actor reads
	Matched   int             `json:"matched"`   // of them, matched
	Truncated bool            `json:"truncated"` // more items than one test scans
	Items     []RuleTestMatch `json:"items"`     // the newest matches, at most 200
}

// TestRule runs an expression over the items of the last N days whose
// stories the actor reads (POST /api/v1/concern/rules/test).
func (a *App) TestRule(ctx context.Context, ac domain.Actor, in RuleTestInput) (RuleTestResult, error) {
	if err := ac.Require(domain.PermConcernRead); err != nil {
		return RuleTestResult{}, err
	}
	in.Expr = strings.TrimSpace(in.Expr)
	if in.Days == 0 {
		in.Days = 7
	}
	if in.Days < 1 || in.Days > maxRuleTestDays {
		return RuleTestResult{}, domain.Invalid("days", "must be 1 to %d", maxRuleTestDays)
	}
	if in.Expr == "" {
		return RuleTestResult{}, domain.Invalid("expr", "a rule needs an expression")
	}
	if len([]rune(in.Expr)) > maxRuleExprRunes {
		return RuleTestResult{}, domain.Invalid("expr", "longer than %d characters", maxRuleExprRunes)
	}
	m, err := compileExpr(in.Expr)
	if err != nil {
		return RuleTestResult{}, err
	}
	var items []store.ItemText
	if err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		items, err = tx.RecentItems(ctx, ac.Scope, a.now().AddDate(0, 0, -in.Days), maxRuleTestItems+1)
		return err
	}); err != nil {
		return RuleTestResult{}, err
	}
	out := RuleTestResult{Items: []RuleTestMatch{}}
	if len(items) > maxRuleTestItems {
		items, out.Truncated = items[:maxRuleTestItems], true
	}
	out.Scanned = len(items)
	for _, it := range items {
		if len(m.Match(monitor.Normalize(it.Title)+"\n"+monitor.Normalize(it.Body))) == 0 {
			continue
		}
		out.Matched++
		if len(out.Items) < maxRuleTestShown {
			out.Items = append(out.Items, RuleTestMatch{ItemID: it.ID, StoryID: it.StoryID, Title: it.Title, FetchedAt: it.FetchedAt})
		}
	}
	return out, nil
}
