package domain

import (
	"testing"
)

func TestRectStateMachine(t *testing.T) {
	all := []RectAction{RectProgress, RectSubmit, RectClose, RectReturn}
	want := map[RectState]map[RectAction]RectState{
		RectOpen:      {RectProgress: RectOpen, RectSubmit: RectSubmitted},
		RectReturned:  {RectProgress: RectReturned, RectSubmit: RectSubmitted},
		RectSubmitted: {RectClose: RectClosed, RectReturn: RectReturned},
		RectClosed:    {},
	}
	for _, s := range RectStates {
		for _, a := range all {
			got, err := s.Next(a)
			w, ok := want[s][a]
			switch {
			case ok && (err != nil || got != w):
				t.Errorf("%s --%s--> %s, %v; want %s", s, a, got, err, w)
			case !ok && (err == nil || !IsKind(err, KindConflict)):
				t.Errorf("%s --%s--> %s, %v; want a conflict", s, a, got, err)
			}
		}
	}
}

func TestEscalationLevel(t *testing.T) {
	d := NewDate(2025, 3, 10)
	cases := []struct {
		today            Date
		every, ancestors int
		want             int
	}{
		{d, 7, 3, 0},              // due today: not late
		{d.AddDays(1), 7, 3, 1},   // first late day: the parent
		{d.AddDays(7), 7, 3, 1},   // a week late
		{d.AddDays(8), 7, 3, 2},   // then the grandparent
		{d.AddDays(100), 7, 3, 3}, // never above the root
		{d.AddDays(100), 0, 3, 1}, // no further steps configured
		{d.AddDays(5), 7, 0, 0},   // a root unit has no one above it
	}
	for _, c := range cases {
		if got := EscalationLevel(d, c.today, c.every, c.ancestors); got != c.want {
			t.Errorf("%s every %d of %d: %d, want %d", c.today, c.every, c.ancestors, got, c.want)
		}
	}
}

func TestRectJudge(t *testing.T) {
	open := NewDate(2025, 3, 1)
	r := Rectification{OpenedOn: open, Deadline: open.AddDays(20), State: RectClosed, SubmittedOn: open.AddDays(7)}
	r.Judge(open.AddDays(30), 7)
	if !r.OnTime || !r.Immediate || r.Overdue {
		t.Fatalf("closed on day 7 of a 7-day window: %+v", r)
	}
	r.SubmittedOn = open.AddDays(8)
	r.Judge(open.AddDays(30), 7)
	if !r.OnTime || r.Immediate {
		t.Fatalf("day 8 is on time but not 立行立改: %+v", r)
	}
	r.SubmittedOn = open.AddDays(21)
	r.Judge(open.AddDays(30), 7)
	if r.OnTime {
		t.Fatalf("submitted after the deadline: %+v", r)
	}
	r = Rectification{OpenedOn: open, Deadline: open.AddDays(20), State: RectReturned}
	r.Judge(open.AddDays(21), 7)
	if !r.Overdue {
		t.Fatal("a returned item past its deadline is overdue")
	}
	r.State = RectSubmitted
	r.Judge(open.AddDays(21), 7)
	if r.Overdue {
		t.Fatal("a submitted item waits for its reviewer, not for its owner")
	}
}

func TestRectificationInputValidate(t *testing.T) {
	ok := RectificationInput{OrgID: 1, Finding: "中心组学习不足", Responsible: "张三", Deadline: NewDate(2025, 5, 1)}
	if _, err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(*RectificationInput){
		"finding":     func(in *RectificationInput) { in.Finding = "  " },
		"source":      func(in *RectificationInput) { in.Source = "rumour" },
		"responsible": func(in *RectificationInput) { in.Responsible = "" },
		"deadline":    func(in *RectificationInput) { in.Deadline = Date{} },
		"org_id":      func(in *RectificationInput) { in.OrgID = 0 },
	}
	for field, edit := range cases {
		in := ok
		edit(&in)
		_, err := in.Validate()
		if e, isE := err.(*Error); !isE || e.Field != field {
			t.Errorf("%s: got %v", field, err)
		}
	}
}
