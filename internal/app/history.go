package app

import (
	"context"
	"slices"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// ActivityHistory lists what happened to an activity, oldest first: who
// created, edited (each field old → new), submitted, approved, returned or
// sent it back to review, and when. Same permission and scope as reading
// the activity: out of scope is not found.
func (a *App) ActivityHistory(ctx context.Context, ac domain.Actor, id int64) ([]store.HistoryEntry, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return nil, err
	}
	var out []store.HistoryEntry
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetActivity(ctx, ac.Scope, id); err != nil {
			return err
		}
		var err error
		out, err = tx.ActivityHistory(ctx, ac.Scope, id)
		return err
	})
	return out, err
}

// addHistory appends a line to an activity's history in tx.
func (a *App) addHistory(ctx context.Context, tx *store.Tx, ac domain.Actor, id int64, action string, changes []store.FieldChange, reason string) error {
	return tx.AddHistory(ctx, store.HistoryEntry{ActivityID: id, Actor: ac.Name, AccountID: ac.AccountID,
		Action: action, Changes: changes, Reason: reason})
}

// activityChanges lists the fields an edit changes, old → new, with the
// names of the units and types it moves between.
// The editor's write scope holds both units (the edit was checked against it).
func activityChanges(ctx context.Context, tx *store.Tx, scope domain.Scope, old, now domain.Activity) ([]store.FieldChange, error) {
	var out []store.FieldChange
	add := func(field string, o, n any) {
		out = append(out, store.FieldChange{Field: field, Old: o, New: n})
	}
	if old.OrgID != now.OrgID {
		on, err1 := tx.GetOrg(ctx, scope, old.OrgID)
		nn, err2 := tx.GetOrg(ctx, scope, now.OrgID)
		if err1 != nil || err2 != nil {
			return nil, firstErr(err1, err2)
		}
		out = append(out, store.FieldChange{Field: "org_id", Old: old.OrgID, New: now.OrgID, OldLabel: on.Name, NewLabel: nn.Name})
	}
	if old.TypeID != now.TypeID {
		ot, err1 := tx.GetType(ctx, old.TypeID)
		nt, err2 := tx.GetType(ctx, now.TypeID)
		if err1 != nil || err2 != nil {
			return nil, firstErr(err1, err2)
		}
		out = append(out, store.FieldChange{Field: "type_id", Old: old.TypeID, New: now.TypeID, OldLabel: ot.Name, NewLabel: nt.Name})
	}
	if old.Date != now.Date {
		add("date", old.Date.String(), now.Date.String())
	}
	if old.Title != now.Title {
		add("title", old.Title, now.Title)
	}
	if old.Description != now.Description {
		add("description", old.Description, now.Description)
	}
	if old.Attendance != now.Attendance {
		add("attendance", old.Attendance, now.Attendance)
	}
	if !slices.Equal(old.Venues, now.Venues) {
		add("venues", old.Venues, now.Venues)
	}
	if old.Publication != now.Publication {
		add("publication", old.Publication, now.Publication)
	}
	return out, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
