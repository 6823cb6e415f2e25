package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/exam"
	"github.com/zeren-edu/zeren/internal/store"
)

// Sitting an exam. The server's clock is the only clock: the start time
// and the deadline — min(start + duration, the window's close) — are the
// server's, every answer is refused once the deadline has passed, and the
// device only ever counts down from server_now. The start path is cheap: the
// exam's frozen pool and the question versions are read once per node and
// cached (they never change once published); the draw is computed from a
// seed of exam, account and attempt number, with no lock but the attempt's
// own row. The key and the explanations never leave the server before
// submission (PaperQuestion has no field for them).

// MaxAnswerSaves bounds the answers of one save request.
const MaxAnswerSaves = domain.MaxPaperQuestions

// ExamExpirySweep is the expiry sweep's job kind.
const ExamExpirySweep = "exam_expiry"

// paperOf returns an exam's frozen paper, cached.
func (a *App) paperOf(ctx context.Context, tx *store.Tx, examID int64) (*frozenPaper, error) {
	if p, ok := a.examPapers.Load(examID); ok {
		return p.(*frozenPaper), nil
	}
	raw, err := tx.ExamPool(ctx, examID)
	if err != nil {
		return nil, err
	}
	var fp frozenPaper
	if err := json.Unmarshal([]byte(raw), &fp); err != nil {
		return nil, fmt.Errorf("exam %d: frozen paper: %w", examID, err)
	}
	a.examPapers.Store(examID, &fp)
	return &fp, nil
}

// versions returns question versions by id, cached.
func (a *App) versions(ctx context.Context, tx *store.Tx, ids []int64) (map[int64]store.QuestionVersion, error) {
	out := make(map[int64]store.QuestionVersion, len(ids))
	var missing []int64
	for _, id := range ids {
		if v, ok := a.examVersions.Load(id); ok {
			out[id] = v.(store.QuestionVersion)
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	vs, err := tx.QuestionVersions(ctx, missing)
	if err != nil {
		return nil, err
	}
	for id, v := range vs {
		a.examVersions.Store(id, v)
		out[id] = v
	}
	return out, nil
}

// draw builds a candidate's paper for attempt no.
func (a *App) draw(ctx context.Context, tx *store.Tx, e domain.Exam, fp *frozenPaper, accountID int64, no int) ([]store.PaperItem, int, error) {
	seed := exam.Seed(e.ID, accountID, no)
	var ids []int64
	var points []int
	if len(fp.Fixed) > 0 {
		ids, points = fp.Fixed, fp.FixedPoints
	} else {
		pools := make([]exam.Pool, len(fp.Rules))
		for i, r := range fp.Rules {
			pools[i] = exam.Pool{Rule: i, IDs: r.IDs, Count: r.Count}
		}
		var err error
		if ids, err = exam.Draw(pools, seed); err != nil {
			return nil, 0, err
		}
		for _, r := range fp.Rules {
			for k := 0; k < r.Count; k++ {
				points = append(points, r.Points)
			}
		}
	}
	vs, err := a.versions(ctx, tx, ids)
	if err != nil {
		return nil, 0, err
	}
	items := make([]store.PaperItem, len(ids))
	max := 0
	for i, vid := range ids {
		v := vs[vid]
		items[i] = store.PaperItem{Position: i + 1, QuestionID: v.QuestionID, VersionID: vid, Points: points[i], Score: -1,
			Order: exam.Shuffle(len(v.Options), seed, v.QuestionID, e.ShuffleOptions)}
		max += points[i]
	}
	return items, max, nil
}

// candidateExam reads an exam the actor is a candidate of; otherwise not
// found (a candidate learns nothing of other exams).
func candidateExam(ctx context.Context, tx *store.Tx, ac domain.Actor, id int64) (domain.Exam, int64, error) {
	e, err := tx.ExamByID(ctx, id)
	if err != nil {
		return e, 0, err
	}
	org, ok, err := tx.Candidate(ctx, id, ac.AccountID)
	if err != nil {
		return e, 0, err
	}
	if !ok || e.State == domain.ExamDraft {
		return e, 0, domain.NotFound("exam %d", id)
	}
	return e, org, nil
}

// StartAttempt starts an attempt, or answers the open one.
func (a *App) StartAttempt(ctx context.Context, ac domain.Actor, examID int64) (domain.Attempt, error) {
	if err := ac.Require(domain.PermExamTake); err != nil {
		return domain.Attempt{}, err
	}
	var out domain.Attempt
	var err error
	// Two starts of one candidate at once (a double tap, two tabs) race for
	// the same attempt number: the loser's insert conflicts, and its retry
	// finds the winner's open attempt.
	for try := 0; try < 3; try++ {
		err = a.st.Write(ctx, func(tx *store.Tx) error {
			var err error
			out, err = a.start(ctx, tx, ac, examID)
			return err
		})
		if !domain.IsKind(err, domain.KindConflict) || fieldOf(err) != "exam_id" {
			break
		}
	}
	return out, err
}

func fieldOf(err error) string {
	if e, ok := err.(*domain.Error); ok {
		return e.Field
	}
	return ""
}

func (a *App) start(ctx context.Context, tx *store.Tx, ac domain.Actor, examID int64) (domain.Attempt, error) {
	e, org, err := candidateExam(ctx, tx, ac, examID)
	if err != nil {
		return domain.Attempt{}, err
	}
	atts, err := tx.AccountAttempts(ctx, examID, ac.AccountID)
	if err != nil {
		return domain.Attempt{}, err
	}
	now := tx.Now()
	for _, r := range atts {
		if r.State != domain.AttemptOpen {
			continue
		}
		if now.Before(r.Deadline) {
			return a.attemptView(ctx, tx, e, r)
		}
		// Its time ran out before the expiry sweep came: submit it now.
		if _, err := a.finish(ctx, tx, e, r); err != nil {
			return domain.Attempt{}, err
		}
	}
	if e.State != domain.ExamPublished {
		return domain.Attempt{}, domain.Conflict("state", "the exam was cancelled")
	}
	if now.Before(e.OpensAt) {
		return domain.Attempt{}, domain.Conflict("opens_at", "the exam opens at %s", e.OpensAt.In(a.clock.Location()).Format("2006-01-02 15:04"))
	}
	if !now.Before(e.ClosesAt) {
		return domain.Attempt{}, domain.Conflict("closes_at", "the exam closed at %s", e.ClosesAt.In(a.clock.Location()).Format("2006-01-02 15:04"))
	}
	if len(atts) >= e.AttemptsAllowed {
		return domain.Attempt{}, domain.Conflict("attempts_allowed", "all %d attempts are used", e.AttemptsAllowed)
	}
	fp, err := a.paperOf(ctx, tx, examID)
	if err != nil {
		return domain.Attempt{}, err
	}
	no := len(atts) + 1
	items, max, err := a.draw(ctx, tx, e, fp, ac.AccountID, no)
	if err != nil {
		return domain.Attempt{}, err
	}
	deadline := now.Add(time.Duration(e.DurationMinutes) * time.Minute)
	if e.ClosesAt.Before(deadline) {
		deadline = e.ClosesAt
	}
	r := store.AttemptRecord{ExamID: examID, AccountID: ac.AccountID, OrgID: org, No: no, StartedAt: now, Deadline: deadline,
		State: domain.AttemptOpen, Max: max}
	id, err := tx.InsertAttempt(ctx, r, items)
	if err != nil {
		if domain.IsKind(err, domain.KindConflict) {
			return domain.Attempt{}, domain.Conflict("exam_id", "an attempt was started meanwhile")
		}
		return domain.Attempt{}, err
	}
	r.ID = id
	return a.attemptView(ctx, tx, e, r)
}

// attemptView is an attempt as its candidate sees it.
func (a *App) attemptView(ctx context.Context, tx *store.Tx, e domain.Exam, r store.AttemptRecord) (domain.Attempt, error) {
	out := domain.Attempt{ID: r.ID, ExamID: e.ID, ExamTitle: e.Title, StartedAt: r.StartedAt, Deadline: r.Deadline, ServerNow: tx.Now(),
		State: r.State, Questions: []domain.PaperQuestion{}, Answers: map[string]json.RawMessage{}}
	paper, err := tx.AttemptPaper(ctx, r.ID)
	if err != nil {
		return out, err
	}
	ids := make([]int64, len(paper))
	for i, p := range paper {
		ids[i] = p.VersionID
	}
	vs, err := a.versions(ctx, tx, ids)
	if err != nil {
		return out, err
	}
	for _, p := range paper {
		v := vs[p.VersionID]
		q := domain.PaperQuestion{ID: p.QuestionID, Kind: v.Kind, Stem: v.Stem, Options: exam.DisplayOptions(v.Options, p.Order), Points: p.Points}
		if v.Kind == domain.QuestionFill {
			var blanks []string
			_ = json.Unmarshal(v.Answer, &blanks)
			q.Blanks = len(blanks)
		}
		out.Questions = append(out.Questions, q)
	}
	answers, err := tx.AttemptAnswers(ctx, r.ID)
	if err != nil {
		return out, err
	}
	for q, v := range answers {
		out.Answers[strconv.FormatInt(q, 10)] = v.Value
	}
	if r.State != domain.AttemptOpen {
		res, err := a.resultView(ctx, tx, e, r, paper, vs, answers)
		if err != nil {
			return out, err
		}
		out.Result = &res
	}
	return out, nil
}

// ownAttempt reads an attempt of the actor's; another's is not found.
func ownAttempt(ctx context.Context, tx *store.Tx, ac domain.Actor, id int64, lock string) (store.AttemptRecord, error) {
	r, err := tx.AttemptByID(ctx, id, lock)
	if err != nil {
		return r, err
	}
	if r.AccountID != ac.AccountID || ac.AccountID == 0 {
		return r, domain.NotFound("attempt %d", id)
	}
	return r, nil
}

// GetAttempt answers one of the actor's attempts (resume).
func (a *App) GetAttempt(ctx context.Context, ac domain.Actor, id int64) (domain.Attempt, error) {
	if err := ac.Require(domain.PermExamTake); err != nil {
		return domain.Attempt{}, err
	}
	var out domain.Attempt
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		r, err := ownAttempt(ctx, tx, ac, id, "")
		if err != nil {
			return err
		}
		e, err := tx.ExamByID(ctx, r.ExamID)
		if err != nil {
			return err
		}
		out, err = a.attemptView(ctx, tx, e, r)
		return err
	})
	return out, err
}

// SaveAnswers stores answers of an open attempt before its deadline.
func (a *App) SaveAnswers(ctx context.Context, ac domain.Actor, id int64, saves []domain.AnswerSave) (domain.SaveResult, error) {
	if err := ac.Require(domain.PermExamTake); err != nil {
		return domain.SaveResult{}, err
	}
	if err := domain.CheckCount("answers", len(saves), MaxAnswerSaves, "answers"); err != nil {
		return domain.SaveResult{}, err
	}
	var out domain.SaveResult
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		// A shared lock: saves of one attempt run side by side, but never
		// across its submission, so an acknowledged save is always graded.
		r, err := ownAttempt(ctx, tx, ac, id, "share")
		if err != nil {
			return err
		}
		now := tx.Now()
		out = domain.SaveResult{Saved: []domain.SavedAnswer{}, ServerNow: now, Deadline: r.Deadline}
		if r.State != domain.AttemptOpen {
			return domain.Locked("the attempt was submitted at %s; answers can no longer change", r.SubmittedAt.In(a.clock.Location()).Format("15:04:05"))
		}
		if !now.Before(r.Deadline) {
			return domain.Locked("the time ran out at %s; answers can no longer change", r.Deadline.In(a.clock.Location()).Format("15:04:05"))
		}
		paper, err := tx.AttemptPaper(ctx, id)
		if err != nil {
			return err
		}
		byQ := map[int64]store.PaperItem{}
		ids := make([]int64, 0, len(paper))
		for _, p := range paper {
			byQ[p.QuestionID] = p
			ids = append(ids, p.VersionID)
		}
		vs, err := a.versions(ctx, tx, ids)
		if err != nil {
			return err
		}
		for i, s := range saves {
			field := fmt.Sprintf("answers[%d]", i)
			p, ok := byQ[s.QuestionID]
			if !ok {
				return domain.Invalid(field+".question_id", "question %d is not on this paper", s.QuestionID)
			}
			if s.Seq < 1 {
				return domain.Invalid(field+".seq", "must be at least 1")
			}
			v := vs[p.VersionID]
			val, err := domain.CanonicalAnswer(v.Kind, len(v.Options), s.Value, false)
			if err != nil {
				e := err.(*domain.Error)
				return domain.Invalid(field+".value", "%s", e.Message)
			}
			stored, err := tx.SaveAnswer(ctx, id, s.QuestionID, val, s.Seq)
			if err != nil {
				return err
			}
			out.Saved = append(out.Saved, domain.SavedAnswer{QuestionID: s.QuestionID, Seq: stored})
		}
		return nil
	})
	return out, err
}

// SubmitAttempt submits one of the actor's attempts; a second submission
// answers the result of the first.
func (a *App) SubmitAttempt(ctx context.Context, ac domain.Actor, id int64) (domain.AttemptResult, error) {
	if err := ac.Require(domain.PermExamTake); err != nil {
		return domain.AttemptResult{}, err
	}
	var out domain.AttemptResult
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		r, err := ownAttempt(ctx, tx, ac, id, "update")
		if err != nil {
			return err
		}
		e, err := tx.ExamByID(ctx, r.ExamID)
		if err != nil {
			return err
		}
		if r.State == domain.AttemptOpen {
			if r, err = a.finish(ctx, tx, e, r); err != nil {
				return err
			}
		}
		out, err = a.result(ctx, tx, e, r)
		return err
	})
	return out, err
}

// finish grades a locked open attempt and stores the result: submitted by
// the candidate before the deadline, expired (dated at its deadline) after.
func (a *App) finish(ctx context.Context, tx *store.Tx, e domain.Exam, r store.AttemptRecord) (store.AttemptRecord, error) {
	paper, err := tx.AttemptPaper(ctx, r.ID)
	if err != nil {
		return r, err
	}
	ids := make([]int64, len(paper))
	for i, p := range paper {
		ids[i] = p.VersionID
	}
	vs, err := a.versions(ctx, tx, ids)
	if err != nil {
		return r, err
	}
	answers, err := tx.AttemptAnswers(ctx, r.ID)
	if err != nil {
		return r, err
	}
	scores := map[int]int{}
	r.Score, r.Max = 0, 0
	for _, p := range paper {
		v := vs[p.VersionID]
		s := exam.Grade(v.Kind, v.Answer, answers[p.QuestionID].Value, p.Order, p.Points)
		scores[p.Position] = s
		r.Score += s
		r.Max += p.Points
	}
	r.Passed = r.Score >= e.PassMark
	r.State, r.SubmittedAt = domain.AttemptSubmitted, tx.Now()
	if !tx.Now().Before(r.Deadline) {
		r.State, r.SubmittedAt = domain.AttemptExpired, r.Deadline
	}
	done, err := tx.FinishAttempt(ctx, r, scores)
	if err != nil {
		return r, err
	}
	if !done {
		// Someone else finished it first (possible only without the row
		// lock): answer what is stored.
		return tx.AttemptByID(ctx, r.ID, "")
	}
	return r, nil
}

// revealed reports whether a submitted attempt's result may be shown now.
func revealed(e domain.Exam, now time.Time) bool {
	return e.RevealAfter == domain.RevealAtSubmit || !now.Before(e.ClosesAt)
}

// result is a finished attempt's result as the exam reveals it.
func (a *App) result(ctx context.Context, tx *store.Tx, e domain.Exam, r store.AttemptRecord) (domain.AttemptResult, error) {
	paper, err := tx.AttemptPaper(ctx, r.ID)
	if err != nil {
		return domain.AttemptResult{}, err
	}
	ids := make([]int64, len(paper))
	for i, p := range paper {
		ids[i] = p.VersionID
	}
	vs, err := a.versions(ctx, tx, ids)
	if err != nil {
		return domain.AttemptResult{}, err
	}
	answers, err := tx.AttemptAnswers(ctx, r.ID)
	if err != nil {
		return domain.AttemptResult{}, err
	}
	return a.resultView(ctx, tx, e, r, paper, vs, answers)
}

func (a *App) resultView(_ context.Context, tx *store.Tx, e domain.Exam, r store.AttemptRecord, paper []store.PaperItem,
	vs map[int64]store.QuestionVersion, answers map[int64]store.SavedValue) (domain.AttemptResult, error) {
	out := domain.AttemptResult{AttemptID: r.ID, State: r.State, SubmittedAt: r.SubmittedAt, Max: r.Max, Questions: []domain.QuestionResult{}}
	if !revealed(e, tx.Now()) {
		at := e.ClosesAt
		out.RevealAt = &at
		return out, nil
	}
	out.Revealed = true
	score, passed := r.Score, r.Passed
	out.Score, out.Passed = &score, &passed
	if e.Reveal == domain.RevealScore {
		return out, nil
	}
	for _, p := range paper {
		v := vs[p.VersionID]
		given := answers[p.QuestionID].Value
		if len(given) == 0 {
			given = json.RawMessage("null")
		}
		s := p.Score
		if s < 0 {
			s = 0
		}
		correct := s > 0
		q := domain.QuestionResult{ID: p.QuestionID, Stem: v.Stem, Kind: v.Kind, Options: exam.DisplayOptions(v.Options, p.Order), Points: p.Points,
			Given: given, Score: &s, Correct: &correct, Answer: exam.ToDisplay(v.Kind, v.Answer, p.Order)}
		if e.Reveal == domain.RevealExplanations {
			q.Explanation = v.Explanation
		}
		out.Questions = append(out.Questions, q)
	}
	return out, nil
}

// MyExams lists the actor's exams with their attempts and results.
func (a *App) MyExams(ctx context.Context, ac domain.Actor) (domain.MyExams, error) {
	if err := ac.Require(domain.PermExamTake); err != nil {
		return domain.MyExams{}, err
	}
	out := domain.MyExams{Items: []domain.MyExam{}}
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		now := tx.Now()
		out.ServerNow = now
		exams, err := tx.CandidateExams(ctx, ac.AccountID)
		if err != nil {
			return err
		}
		for _, e := range exams {
			atts, err := tx.AccountAttempts(ctx, e.ID, ac.AccountID)
			if err != nil {
				return err
			}
			m := domain.MyExam{ID: e.ID, Title: e.Title, OrgName: e.OrgName, OpensAt: e.OpensAt, ClosesAt: e.ClosesAt, DurationMinutes: e.DurationMinutes,
				PassMark: e.PassMark, MaxScore: e.MaxScore, AttemptsAllowed: e.AttemptsAllowed, AttemptsUsed: len(atts), Results: []domain.AttemptResult{}}
			switch {
			case now.Before(e.OpensAt):
				m.Phase = "upcoming"
			case now.Before(e.ClosesAt):
				m.Phase = "open"
			default:
				m.Phase = "finished"
			}
			for _, r := range atts {
				if r.State == domain.AttemptOpen && now.Before(r.Deadline) {
					m.OpenAttemptID = r.ID
					continue
				}
				if r.State == domain.AttemptOpen {
					continue // ran out; the sweep submits it
				}
				res, err := a.result(ctx, tx, e, r)
				if err != nil {
					return err
				}
				m.Results = append(m.Results, res)
			}
			m.CanStart = m.Phase == "open" && (m.OpenAttemptID != 0 || len(atts) < e.AttemptsAllowed)
			out.Items = append(out.Items, m)
		}
		return nil
	})
	return out, err
}

// ExpireDue submits every open attempt whose deadline has passed, each in
// its own transaction under its row lock; it returns how many it submitted.
// Two nodes running it at once submit each attempt once: the second finds
// the attempt no longer open.
func (a *App) ExpireDue(ctx context.Context) (int, error) {
	done := 0
	for {
		var ids []int64
		err := a.st.Read(ctx, func(tx *store.Tx) error {
			var err error
			ids, err = tx.DueAttempts(ctx, a.now(), 200)
			return err
		})
		if err != nil || len(ids) == 0 {
			return done, err
		}
		progressed := false
		for _, id := range ids {
			finished := false
			err := a.st.Write(ctx, func(tx *store.Tx) error {
				r, err := tx.AttemptByID(ctx, id, "update")
				if err != nil || r.State != domain.AttemptOpen {
					return err
				}
				e, err := tx.ExamByID(ctx, r.ExamID)
				if err != nil {
					return err
				}
				if _, err := a.finish(ctx, tx, e, r); err != nil {
					return err
				}
				finished = true
				return nil
			})
			if err != nil {
				return done, err
			}
			if finished {
				done++
				progressed = true
			}
		}
		if !progressed {
			// Another node took this batch; it will take the rest too.
			return done, nil
		}
	}
}

// examExpirySweep submits attempts that ran out of time, every minute, even
// when their candidates never come back.
func (a *App) examExpirySweep() Sweep {
	return Sweep{Name: ExamExpirySweep, Every: time.Minute, Run: func(ctx context.Context) error {
		_, err := a.ExpireDue(ctx)
		return err
	}}
}
