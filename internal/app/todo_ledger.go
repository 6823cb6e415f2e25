package app

import (
	"context"
	"fmt"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// The ledger's share of the 待办 list and of the notices: records waiting
// for the actor's approval, and the actor's records sent back to fix.

// maxReturnedTodo bounds the returned records listed one by one.
const maxReturnedTodo = 50

// todoApprovals is one line: the submitted records in the actor's write
// scope, when the actor may approve them (the web app opens the ledger
// filtered by status).
func (a *App) todoApprovals(ctx context.Context, tx *store.Tx, ac domain.Actor) ([]domain.TodoItem, error) {
	if !ac.Can(domain.PermActivityApprove) || len(ac.Scope.Roots) == 0 {
		return nil, nil
	}
	n, err := tx.CountActivitiesByStatus(ctx, ac.Scope, domain.StatusSubmitted)
	if err != nil || n == 0 {
		return nil, err
	}
	return []domain.TodoItem{{Kind: domain.TodoApprove, Title: fmt.Sprintf("%d 条记录待审核", n), Count: n}}, nil
}

// todoReturned is one line per record of the actor's sent back with a
// reason, oldest first.
func (a *App) todoReturned(ctx context.Context, tx *store.Tx, ac domain.Actor) ([]domain.TodoItem, error) {
	if ac.AccountID == 0 || !ac.Can(domain.PermActivityWrite) {
		return nil, nil
	}
	rs, err := tx.ReturnedActivitiesOf(ctx, ac.Scope, ac.Name, maxReturnedTodo)
	if err != nil {
		return nil, err
	}
	out := make([]domain.TodoItem, 0, len(rs))
	for _, r := range rs {
		out = append(out, domain.TodoItem{Kind: domain.TodoFixReturned, Title: fmt.Sprintf("退回待修改：%s（%s）", r.Title, r.Reason),
			Count: 1, OrgID: r.OrgID, OrgName: r.OrgName, Ref: r.ID})
	}
	return out, nil
}

// noticeReturned tells a returned record's author why it came back.
func (a *App) noticeReturned(ctx context.Context, tx *store.Tx, act domain.Activity, reason string) error {
	author, err := tx.AccountIDByUsername(ctx, act.CreatedBy)
	if err != nil || author == 0 {
		return err // a record made by the console or a token has no one to tell
	}
	return a.notify(ctx, tx, domain.Notice{
		Kind:       "activity.returned",
		Recipients: []int64{author},
		Subject:    truncateRunes(fmt.Sprintf("记录被退回：%s", act.Title), 200),
		Body:       "退回原因：" + reason,
		Link:       "/ledger?status=returned",
		// One notice per return: a record returned twice is told twice.
		DedupKey: fmt.Sprintf("activity.returned:%d:%s", act.ID, tx.Now().Format(time.RFC3339Nano)),
	})
}

// noticeSubmitted tells the approvers of a submitted record that records
// wait: the accounts holding activity.approve in the nearest unit up the tree
// that has any (a school's records go to its district's admins). One notice
// per approving unit and day gathers the day's submissions: it waits
// gatherSubmitted before it goes and carries the count at the last
// submission, so eighteen submissions make one "18 条记录待审核"; later ones
// that day add none (the 待办 list always shows the live count).
func (a *App) noticeSubmitted(ctx context.Context, tx *store.Tx, act domain.Activity) error {
	unit, err := tx.NearestUnitWithPerm(ctx, act.OrgID, domain.PermActivityApprove)
	if err != nil || unit == 0 {
		return err
	}
	n, err := tx.SubtreeCountByStatus(ctx, unit, domain.StatusSubmitted)
	if err != nil {
		return err
	}
	return a.notify(ctx, tx, domain.Notice{
		Kind:     "activity.submitted",
		Units:    []int64{unit},
		Perm:     domain.PermActivityApprove,
		Subject:  fmt.Sprintf("%d 条记录待审核", n),
		Link:     "/ledger?status=submitted",
		DedupKey: fmt.Sprintf("activity.submitted:%d:%s", unit, tx.Today()),
		At:       tx.Now().Add(gatherSubmitted),
	})
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
