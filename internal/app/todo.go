package app

import (
	"context"
	"sort"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// todoSource computes one pillar's share of a person's 待办 list inside the
// read transaction the list is built in.
type todoSource func(ctx context.Context, tx *store.Tx, actor domain.Actor) ([]domain.TodoItem, error)

// todoSources lists every pillar's source; each pillar adds its own line.
func (a *App) todoSources() []todoSource {
	return []todoSource{
		a.dutyTodo,
		a.todoApprovals, a.todoReturned,
		a.rectTodo,
		a.caseTodo,
		a.examTodo,
	}
}

// Todo returns what waits for the actor, overdue first, then by deadline.
func (a *App) Todo(ctx context.Context, actor domain.Actor) ([]domain.TodoItem, error) {
	var out []domain.TodoItem
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		for _, src := range a.todoSources() {
			items, err := src(ctx, tx, actor)
			if err != nil {
				return err
			}
			out = append(out, items...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Overdue != out[j].Overdue {
			return out[i].Overdue
		}
		di, dj := out[i].Due, out[j].Due
		switch {
		case di == nil && dj == nil:
			return false
		case di == nil:
			return false
		case dj == nil:
			return true
		}
		return di.Before(*dj)
	})
	if out == nil {
		out = []domain.TodoItem{}
	}
	return out, nil
}
