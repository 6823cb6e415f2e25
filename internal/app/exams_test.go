package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// movingClock is a test clock the test moves by hand.
type movingClock struct{ ns atomic.Int64 }

func newMovingClock(at string) *movingClock {
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		panic(err)
	}
	c := &movingClock{}
	c.ns.Store(t.UnixNano())
	return c
}

func (c *movingClock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *movingClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// examWorld is a county with an exam manager at the bureau, a bank of eight
// questions and members (candidates) at the four schools.
type examWorld struct {
	*fixture
	clock     *movingClock
	mgr       domain.Actor
	bank      domain.QuestionBank
	questions []domain.Question
	members   []domain.Actor
}

const examStart = "2026-11-29T01:00:00Z" // 09:00 in Beijing

func newExamWorld(t *testing.T, e storetest.Engine) *examWorld {
	t.Helper()
	clock := newMovingClock(examStart)
	f := newFixtureAt(t, e, clock.now)
	w := &examWorld{fixture: f, clock: clock}
	ctx := context.Background()
	w.mgr = f.accountActor(t, f.bureau, domain.RoleOfficeAdmin, "exam_mgr", "考试管理员")
	var err error
	if w.bank, err = f.app.CreateBank(ctx, w.mgr, domain.BankInput{OrgID: f.bureau.ID, Name: "党纪党规题库"}); err != nil {
		t.Fatal(err)
	}
	opts := func(ts ...string) []domain.ExamOption {
		var o []domain.ExamOption
		for _, s := range ts {
			o = append(o, domain.ExamOption{Text: s})
		}
		return o
	}
	ins := []domain.QuestionInput{
		{Kind: domain.QuestionSingle, Stem: "纪律处分条例规定的纪律有几项？", Options: opts("四项", "六项", "八项"), Answer: json.RawMessage(`"B"`), Tags: []string{"条例"}, Difficulty: 2, Explanation: "六项纪律", Points: 10},
		{Kind: domain.QuestionSingle, Stem: "党的最高领导机关是？", Options: opts("全国代表大会", "中央委员会"), Answer: json.RawMessage(`"A"`), Tags: []string{"党章"}, Difficulty: 2, Points: 10},
		{Kind: domain.QuestionMultiple, Stem: "下列属于六项纪律的是？", Options: opts("政治纪律", "组织纪律", "饮食纪律", "廉洁纪律"), Answer: json.RawMessage(`["A","B","D"]`), Tags: []string{"条例"}, Difficulty: 3, Points: 10},
		{Kind: domain.QuestionMultiple, Stem: "党员的义务包括？", Options: opts("学习", "贯彻", "旅游"), Answer: json.RawMessage(`["A","B"]`), Tags: []string{"党章"}, Difficulty: 3, Points: 10},
		{Kind: domain.QuestionJudge, Stem: "党员可以信仰宗教。", Answer: json.RawMessage(`false`), Tags: []string{"党章"}, Difficulty: 1, Points: 10},
		{Kind: domain.QuestionJudge, Stem: "廉洁纪律属于六项纪律。", Answer: json.RawMessage(`true`), Tags: []string{"条例"}, Difficulty: 1, Points: 10},
		{Kind: domain.QuestionFill, Stem: "党的根本组织原则是____。", Answer: json.RawMessage(`["民主集中制"]`), Tags: []string{"党章"}, Difficulty: 4, Points: 20},
		{Kind: domain.QuestionFill, Stem: "八项规定出台于____年。", Answer: json.RawMessage(`["2012|二〇一二"]`), Tags: []string{"条例"}, Difficulty: 4, Points: 20},
	}
	for _, in := range ins {
		q, err := f.app.CreateQuestion(ctx, w.mgr, w.bank.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		w.questions = append(w.questions, q)
	}
	for i, s := range f.schools {
		w.members = append(w.members, f.accountActor(t, s, domain.RoleMember, fmt.Sprintf("member%d", i), fmt.Sprintf("教师%d", i)))
	}
	return w
}

func (w *examWorld) fixedExam(t *testing.T, mutate func(*domain.ExamInput)) domain.Exam {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for _, q := range w.questions {
		ids = append(ids, q.ID)
	}
	start := w.clock.now()
	in := domain.ExamInput{Title: "党纪党规知识考试", OrgID: w.bureau.ID, OpensAt: start, ClosesAt: start.Add(2 * time.Hour), DurationMinutes: 30,
		PassMark: 60, Paper: domain.Paper{FixedQuestionIDs: ids}, ShuffleOptions: true, Reveal: domain.RevealExplanations}
	if mutate != nil {
		mutate(&in)
	}
	e, err := w.app.CreateExam(ctx, w.mgr, in)
	if err != nil {
		t.Fatal(err)
	}
	if e, err = w.app.PublishExam(ctx, w.mgr, e.ID); err != nil {
		t.Fatal(err)
	}
	return e
}

// rightAnswers answers every question of an attempt right, in the
// candidate's display keys (found through the option texts).
func rightAnswers(t *testing.T, w *examWorld, at domain.Attempt) []domain.AnswerSave {
	t.Helper()
	var out []domain.AnswerSave
	for _, pq := range at.Questions {
		var q domain.Question
		for _, x := range w.questions {
			if x.ID == pq.ID {
				q = x
			}
		}
		disp := func(orig string) string {
			text := q.Options[strings.Index(domain.OptionKeys, orig)].Text
			for _, o := range pq.Options {
				if o.Text == text {
					return o.Key
				}
			}
			t.Fatalf("option %s of %d not shown", orig, q.ID)
			return ""
		}
		var v any
		switch q.Kind {
		case domain.QuestionSingle:
			var k string
			_ = json.Unmarshal(q.Answer, &k)
			v = disp(k)
		case domain.QuestionMultiple:
			var ks []string
			_ = json.Unmarshal(q.Answer, &ks)
			var d []string
			for _, k := range ks {
				d = append(d, disp(k))
			}
			v = d
		case domain.QuestionJudge:
			v = json.RawMessage(q.Answer)
		case domain.QuestionFill:
			var ks []string
			_ = json.Unmarshal(q.Answer, &ks)
			for i := range ks {
				ks[i] = strings.Split(ks[i], "|")[0]
			}
			v = ks
		}
		b, _ := json.Marshal(v)
		out = append(out, domain.AnswerSave{QuestionID: pq.ID, Value: b, Seq: 1})
	}
	return out
}

func TestExamSittingAndGrading(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			w := newExamWorld(t, e)
			ex := w.fixedExam(t, nil)
			if ex.Candidates != 5 || ex.MaxScore != 100 { // the four members and the manager (office admins sit exams too)
				t.Fatalf("candidates %d, max %d", ex.Candidates, ex.MaxScore)
			}
			m := w.members[0]
			at, err := w.app.StartAttempt(ctx, m, ex.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(at.Questions) != 8 || !at.Deadline.Equal(w.clock.now().Add(30*time.Minute)) || !at.ServerNow.Equal(w.clock.now()) {
				t.Fatalf("attempt: %d questions, deadline %v", len(at.Questions), at.Deadline)
			}
			// Starting again answers the same attempt.
			again, err := w.app.StartAttempt(ctx, m, ex.ID)
			if err != nil || again.ID != at.ID {
				t.Fatalf("second start: %v %d≠%d", err, again.ID, at.ID)
			}
			saves := rightAnswers(t, w, at)
			// Make the first single-choice answer wrong, then right with a higher seq;
			// a replayed older save (seq 1) must not overwrite the newer one.
			first := saves[0]
			wrong := domain.AnswerSave{QuestionID: first.QuestionID, Value: json.RawMessage(`"C"`), Seq: 1}
			if string(first.Value) == `"C"` {
				wrong.Value = json.RawMessage(`"A"`)
			}
			if _, err := w.app.SaveAnswers(ctx, m, at.ID, []domain.AnswerSave{wrong}); err != nil {
				t.Fatal(err)
			}
			saves[0].Seq = 2
			res, err := w.app.SaveAnswers(ctx, m, at.ID, saves)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Saved) != 8 || res.Saved[0].Seq != 2 {
				t.Fatalf("saved %+v", res.Saved)
			}
			replay, err := w.app.SaveAnswers(ctx, m, at.ID, []domain.AnswerSave{wrong})
			if err != nil || replay.Saved[0].Seq != 2 {
				t.Fatalf("replayed older save: %v %+v", err, replay.Saved)
			}
			// Another candidate cannot touch the attempt.
			if _, err := w.app.SaveAnswers(ctx, w.members[1], at.ID, saves); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("another candidate's save: %v", err)
			}
			w.clock.advance(10 * time.Minute)
			r1, err := w.app.SubmitAttempt(ctx, m, at.ID)
			if err != nil {
				t.Fatal(err)
			}
			if r1.Score == nil || *r1.Score != 100 || !*r1.Passed || r1.State != domain.AttemptSubmitted {
				t.Fatalf("result %+v", r1)
			}
			if len(r1.Questions) != 8 || r1.Questions[0].Explanation == "" && r1.Questions[0].Stem == w.questions[0].Stem {
				t.Fatalf("explanations not revealed: %+v", r1.Questions[0])
			}
			r2, err := w.app.SubmitAttempt(ctx, m, at.ID)
			if err != nil || *r2.Score != 100 || !r2.SubmittedAt.Equal(r1.SubmittedAt) {
				t.Fatalf("second submit: %v %+v", err, r2)
			}
			if _, err := w.app.SaveAnswers(ctx, m, at.ID, saves); !domain.IsKind(err, domain.KindLocked) {
				t.Fatalf("save after submission: %v", err)
			}
			if _, err := w.app.StartAttempt(ctx, m, ex.ID); !domain.IsKind(err, domain.KindConflict) {
				t.Fatalf("a second attempt of one allowed: %v", err)
			}
			// Editing a question afterwards changes neither the finished attempt nor its score.
			q0 := w.questions[0]
			edit := domain.QuestionInput{Kind: q0.Kind, Stem: "改过的题干", Options: q0.Options, Answer: json.RawMessage(`"C"`), Points: 10}
			if _, err := w.app.UpdateQuestion(ctx, w.mgr, q0.ID, edit); err != nil {
				t.Fatal(err)
			}
			got, err := w.app.GetAttempt(ctx, m, at.ID)
			if err != nil || *got.Result.Score != 100 {
				t.Fatalf("after an edit: %v %+v", err, got.Result)
			}
			for _, q := range got.Questions {
				if q.Stem == "改过的题干" {
					t.Fatal("a finished attempt shows the edited stem")
				}
			}
			// Results over the county.
			res2, err := w.app.ExamResults(ctx, w.mgr, ex.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			if res2.Candidates != 5 || res2.Submitted != 1 || res2.Average != 100 || res2.PassRate != 1 || res2.Participation != 0.2 {
				t.Fatalf("results %+v", res2)
			}
			if len(res2.Units) != 2 || res2.Units[0].Candidates != 2 || len(res2.Questions) != 8 {
				t.Fatalf("units %+v questions %d", res2.Units, len(res2.Questions))
			}
			// A district manager of the other district sees none of this district's attempts.
			dm := w.accountActor(t, w.districts[1], domain.RoleDistrictAdmin, "dm2", "学区管理员")
			if _, err := w.app.ExamResults(ctx, dm, ex.ID, 0); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("a district admin reads a bureau exam's results: %v", err)
			}
		})
	}
}

// The key never reaches a candidate before submission: nothing a
// candidate can read (my exams, the attempt, a save's answer) holds a key
// or an explanation.
func TestExamKeyNeverSentBeforeSubmission(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			w := newExamWorld(t, e)
			ex := w.fixedExam(t, nil)
			m := w.members[0]
			my, err := w.app.MyExams(ctx, m)
			if err != nil {
				t.Fatal(err)
			}
			at, err := w.app.StartAttempt(ctx, m, ex.ID)
			if err != nil {
				t.Fatal(err)
			}
			saved, err := w.app.SaveAnswers(ctx, m, at.ID, []domain.AnswerSave{{QuestionID: at.Questions[0].ID, Value: json.RawMessage(`"A"`), Seq: 1}})
			if err != nil {
				t.Fatal(err)
			}
			again, _ := w.app.GetAttempt(ctx, m, at.ID)
			my2, _ := w.app.MyExams(ctx, m)
			for _, v := range []any{my, at, saved, again, my2} {
				b, _ := json.Marshal(v)
				s := string(b)
				for _, bad := range []string{`"answer"`, `"explanation"`, "民主集中制", "六项纪律\"", "二〇一二"} {
					if strings.Contains(s, bad) {
						t.Fatalf("%s sent before submission: %s", bad, s)
					}
				}
			}
		})
	}
}

func TestExamDeadlineAndExpiry(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			w := newExamWorld(t, e)
			ex := w.fixedExam(t, func(in *domain.ExamInput) { in.Reveal = domain.RevealScore; in.RevealAfter = domain.RevealAtClose })
			var ats []domain.Attempt
			for _, m := range w.members {
				at, err := w.app.StartAttempt(ctx, m, ex.ID)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := w.app.SaveAnswers(ctx, m, at.ID, rightAnswers(t, w, at)[:5]); err != nil {
					t.Fatal(err)
				}
				ats = append(ats, at)
			}
			w.clock.advance(30 * time.Minute) // exactly the deadline
			_, err := w.app.SaveAnswers(ctx, w.members[0], ats[0].ID, rightAnswers(t, w, ats[0]))
			if !domain.IsKind(err, domain.KindLocked) {
				t.Fatalf("a save at the deadline: %v", err)
			}
			// The expiry sweep submits them all, once, though no candidate comes back.
			sweep := sweepNamed(t, w.app, app.ExamExpirySweep)
			if err := sweep.Run(ctx); err != nil {
				t.Fatal(err)
			}
			if err := sweep.Run(ctx); err != nil {
				t.Fatal(err)
			}
			my, err := w.app.MyExams(ctx, w.members[0])
			if err != nil {
				t.Fatal(err)
			}
			r := my.Items[0].Results
			if len(r) != 1 || r[0].State != domain.AttemptExpired || r[0].Revealed || r[0].Score != nil {
				t.Fatalf("before the window closes only the submission shows: %+v", r)
			}
			if !r[0].SubmittedAt.Equal(ats[0].Deadline) {
				t.Fatalf("expired at %v, deadline %v", r[0].SubmittedAt, ats[0].Deadline)
			}
			w.clock.advance(2 * time.Hour)
			my, _ = w.app.MyExams(ctx, w.members[0])
			r = my.Items[0].Results
			// The first five questions (fixed paper order): 10+10+10+10+10 = 50, below the pass mark.
			if !r[0].Revealed || *r[0].Score != 50 || *r[0].Passed {
				t.Fatalf("after the window: %+v", r[0])
			}
		})
	}
}

func sweepNamed(t *testing.T, a *app.App, name string) app.Sweep {
	t.Helper()
	for _, s := range a.Sweeps() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no sweep %s", name)
	return app.Sweep{}
}

// Concurrent submissions of one attempt score it once.
func TestExamConcurrentSubmitScoresOnce(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			w := newExamWorld(t, e)
			ex := w.fixedExam(t, nil)
			m := w.members[2]
			at, err := w.app.StartAttempt(ctx, m, ex.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.app.SaveAnswers(ctx, m, at.ID, rightAnswers(t, w, at)); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			results := make([]domain.AttemptResult, 8)
			errs := make([]error, 8)
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i], errs[i] = w.app.SubmitAttempt(ctx, m, at.ID)
				}()
			}
			wg.Wait()
			for i := range results {
				if errs[i] != nil || *results[i].Score != 100 || !results[i].SubmittedAt.Equal(results[0].SubmittedAt) {
					t.Fatalf("submit %d: %v %+v", i, errs[i], results[i])
				}
			}
		})
	}
}

// Draw rules: every candidate gets the rule's counts from the right tags,
// and publication refuses a rule its bank cannot fill, naming it.
func TestExamDrawRules(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			w := newExamWorld(t, e)
			start := w.clock.now()
			in := domain.ExamInput{Title: "抽题考试", OrgID: w.bureau.ID, OpensAt: start, ClosesAt: start.Add(time.Hour), DurationMinutes: 20,
				PassMark: 10, Paper: domain.Paper{Rules: []domain.DrawRule{{BankID: w.bank.ID, Tag: "条例", Count: 2, Points: 5}, {BankID: w.bank.ID, Tag: "党章", Count: 5, Points: 5}}}}
			ex, err := w.app.CreateExam(ctx, w.mgr, in)
			if err != nil {
				t.Fatal(err)
			}
			_, err = w.app.PublishExam(ctx, w.mgr, ex.ID)
			wantKind(t, err, domain.KindInvalid, "paper.rules[1].count")
			in.Paper.Rules[1].Count = 3
			in.Version = 0
			if _, err := w.app.UpdateExam(ctx, w.mgr, ex.ID, in); err != nil {
				t.Fatal(err)
			}
			if ex, err = w.app.PublishExam(ctx, w.mgr, ex.ID); err != nil {
				t.Fatal(err)
			}
			if ex.MaxScore != 25 {
				t.Fatalf("max %d", ex.MaxScore)
			}
			tags := map[int64]string{}
			for _, q := range w.questions {
				tags[q.ID] = q.Tags[0]
			}
			for _, m := range w.members {
				at, err := w.app.StartAttempt(ctx, m, ex.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(at.Questions) != 5 {
					t.Fatalf("%d questions", len(at.Questions))
				}
				seen := map[int64]bool{}
				for i, q := range at.Questions {
					want := "条例"
					if i >= 2 {
						want = "党章"
					}
					if tags[q.ID] != want || seen[q.ID] {
						t.Fatalf("question %d (%s) at %d", q.ID, tags[q.ID], i)
					}
					seen[q.ID] = true
				}
			}
		})
	}
}

// A manager of another subtree sees no bank or exam here; a candidate not
// in the audience cannot start.
func TestExamScope(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			w := newExamWorld(t, e)
			d0 := w.accountActor(t, w.districts[0], domain.RoleDistrictAdmin, "dm0", "学区一管理员")
			if _, err := w.app.GetBank(ctx, d0, w.bank.ID); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("a district admin reads the bureau's bank: %v", err)
			}
			bank, err := w.app.CreateBank(ctx, d0, domain.BankInput{OrgID: w.districts[0].ID, Name: "学区题库"})
			if err != nil {
				t.Fatal(err)
			}
			q, err := w.app.CreateQuestion(ctx, d0, bank.ID, domain.QuestionInput{Kind: domain.QuestionJudge, Stem: "对吗？", Answer: json.RawMessage(`true`)})
			if err != nil {
				t.Fatal(err)
			}
			start := w.clock.now()
			ex, err := w.app.CreateExam(ctx, d0, domain.ExamInput{Title: "学区考试", OrgID: w.districts[0].ID, OpensAt: start, ClosesAt: start.Add(time.Hour),
				DurationMinutes: 10, Paper: domain.Paper{FixedQuestionIDs: []int64{q.ID}}})
			if err != nil {
				t.Fatal(err)
			}
			if ex, err = w.app.PublishExam(ctx, d0, ex.ID); err != nil {
				t.Fatal(err)
			}
			if ex.Candidates != 3 { // two members of district 1's schools, and d0 itself (district admins sit exams too)
				t.Fatalf("candidates %d", ex.Candidates)
			}
			if _, err := w.app.StartAttempt(ctx, w.members[3], ex.ID); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("a member of another district starts: %v", err)
			}
			d1 := w.accountActor(t, w.districts[1], domain.RoleDistrictAdmin, "dm1", "学区二管理员")
			if _, err := w.app.GetExam(ctx, d1, ex.ID); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("another district's admin reads the exam: %v", err)
			}
			if _, err := w.app.CreateExam(ctx, d1, domain.ExamInput{Title: "越权", OrgID: w.districts[1].ID, OpensAt: start, ClosesAt: start.Add(time.Hour),
				DurationMinutes: 10, Paper: domain.Paper{FixedQuestionIDs: []int64{q.ID}}}); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("an exam of another district's question: %v", err)
			}
			if _, err := w.app.ListBanks(ctx, w.members[0], 0); !domain.IsKind(err, domain.KindForbidden) {
				t.Fatalf("a member lists banks: %v", err)
			}
		})
	}
}
