package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/exam"
	"github.com/zeren-edu/zeren/internal/store"
)

// Online exams (在线考试, issue 15). Who does what:
//
//   - a manager (exam.manage: the office over the whole tree, a district
//     admin over its subtree) keeps question banks of units in its subtree,
//     and writes, publishes and cancels exams of those units; results are
//     read over the manager's subtree;
//   - a candidate (exam.take) sits the exams it is a candidate of: the
//     audience resolved at publication (exam_candidates), so a candidate's
//     access is that row, not the org scope.
//
// Managers' writes are audited; a candidate's start, saves and submission are
// records of their own (exam_attempts, exam_answers, with the server's
// times), not audit events: the audit trail's hash chain is one lock for the
// installation, and the start burst must not queue on it.

// QuestionQuery narrows ListQuestions.
type QuestionQuery struct {
	Q, Tag        string
	Kind          domain.QuestionKind
	Difficulty    int
	Retired       bool
	Limit, Offset int
}

// ExamQuery narrows ListExams.
type ExamQuery struct {
	State domain.ExamState
	OrgID int64
}

func examTarget(id int64) string     { return fmt.Sprintf("exam:%d", id) }
func bankTarget(id int64) string     { return fmt.Sprintf("question_bank:%d", id) }
func questionTarget(id int64) string { return fmt.Sprintf("exam_question:%d", id) }

// manageScope is the subtree a manager keeps banks and exams in: its own
// (write) roots, never the units a leader merely covers.
func manageScope(ac domain.Actor) domain.Scope { return domain.Scope{Roots: ac.Scope.Roots} }

// ListBanks lists the question banks of the actor's subtree.
func (a *App) ListBanks(ctx context.Context, ac domain.Actor, orgID int64) ([]domain.QuestionBank, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return nil, err
	}
	var out []domain.QuestionBank
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListBanks(ctx, manageScope(ac), orgID)
		return fieldNotFound(err, "org_id")
	})
	return out, err
}

// CreateBank creates a question bank of a unit in the actor's subtree.
func (a *App) CreateBank(ctx context.Context, ac domain.Actor, in domain.BankInput) (domain.QuestionBank, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return domain.QuestionBank{}, err
	}
	in, err := in.Validate()
	if err != nil {
		return domain.QuestionBank{}, err
	}
	var out domain.QuestionBank
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetOrg(ctx, manageScope(ac), in.OrgID); err != nil {
			return fieldNotFound(err, "org_id")
		}
		id, err := tx.CreateBank(ctx, in, ac.Name)
		if err != nil {
			return err
		}
		if out, err = tx.GetBank(ctx, manageScope(ac), id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "exam.bank.create", Target: bankTarget(id), After: out})
	})
	return out, err
}

// GetBank returns one bank of the actor's subtree.
func (a *App) GetBank(ctx context.Context, ac domain.Actor, id int64) (domain.QuestionBank, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return domain.QuestionBank{}, err
	}
	var out domain.QuestionBank
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.GetBank(ctx, manageScope(ac), id)
		return err
	})
	return out, err
}

// UpdateBank renames a bank (it keeps its unit).
func (a *App) UpdateBank(ctx context.Context, ac domain.Actor, id int64, in domain.BankInput) (domain.QuestionBank, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return domain.QuestionBank{}, err
	}
	var out domain.QuestionBank
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		before, err := tx.GetBank(ctx, manageScope(ac), id)
		if err != nil {
			return err
		}
		if in.OrgID == 0 {
			in.OrgID = before.OrgID
		} else if _, err := tx.GetOrg(ctx, manageScope(ac), in.OrgID); err != nil {
			return fieldNotFound(err, "org_id") // a bank moves only inside the manager's subtree
		}
		if in, err = in.Validate(); err != nil {
			return err
		}
		if err := tx.UpdateBank(ctx, id, in); err != nil {
			return err
		}
		if out, err = tx.GetBank(ctx, manageScope(ac), id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "exam.bank.update", Target: bankTarget(id), Before: before, After: out})
	})
	return out, err
}

// ListQuestions lists a bank's questions with their keys (managers only).
func (a *App) ListQuestions(ctx context.Context, ac domain.Actor, bankID int64, q QuestionQuery) ([]domain.Question, int, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return nil, 0, err
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 50
	}
	var out []domain.Question
	var total int
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetBank(ctx, manageScope(ac), bankID); err != nil {
			return err
		}
		var err error
		out, total, err = tx.ListQuestions(ctx, bankID, store.QuestionFilter{Q: q.Q, Tag: q.Tag, Kind: q.Kind, Difficulty: q.Difficulty,
			Retired: q.Retired, Limit: q.Limit, Offset: q.Offset})
		return err
	})
	return out, total, err
}

// CreateQuestion adds a question to a bank.
func (a *App) CreateQuestion(ctx context.Context, ac domain.Actor, bankID int64, in domain.QuestionInput) (domain.Question, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return domain.Question{}, err
	}
	in, err := in.Validate()
	if err != nil {
		return domain.Question{}, err
	}
	var out domain.Question
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetBank(ctx, manageScope(ac), bankID); err != nil {
			return err
		}
		id, err := tx.CreateQuestion(ctx, bankID, in)
		if err != nil {
			return err
		}
		if out, err = tx.GetQuestion(ctx, manageScope(ac), id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "exam.question.create", Target: questionTarget(id), After: out})
	})
	return out, err
}

// UpdateQuestion makes a new version of a question.
func (a *App) UpdateQuestion(ctx context.Context, ac domain.Actor, id int64, in domain.QuestionInput) (domain.Question, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return domain.Question{}, err
	}
	in, err := in.Validate()
	if err != nil {
		return domain.Question{}, err
	}
	var out domain.Question
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		before, err := tx.GetQuestion(ctx, manageScope(ac), id)
		if err != nil {
			return err
		}
		if before.Retired {
			return domain.Conflict("id", "question %d is retired", id)
		}
		if err := tx.UpdateQuestion(ctx, id, in); err != nil {
			return err
		}
		if out, err = tx.GetQuestion(ctx, manageScope(ac), id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "exam.question.update", Target: questionTarget(id), Before: before, After: out})
	})
	return out, err
}

// RetireQuestion retires a question: no longer drawn or listed.
func (a *App) RetireQuestion(ctx context.Context, ac domain.Actor, id int64) error {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return err
	}
	return a.st.Write(ctx, func(tx *store.Tx) error {
		before, err := tx.GetQuestion(ctx, manageScope(ac), id)
		if err != nil {
			return err
		}
		if err := tx.RetireQuestion(ctx, id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "exam.question.retire", Target: questionTarget(id), Before: before})
	})
}

// ListExams lists the exams of the actor's subtree.
func (a *App) ListExams(ctx context.Context, ac domain.Actor, q ExamQuery) ([]domain.Exam, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return nil, err
	}
	var out []domain.Exam
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListExams(ctx, manageScope(ac), q.OrgID, q.State)
		return fieldNotFound(err, "org_id")
	})
	return out, err
}

// checkExamRefs checks the units, accounts, banks and questions an exam
// names against the actor's subtree: each must lie inside the exam's unit.
func (a *App) checkExamRefs(ctx context.Context, tx *store.Tx, ac domain.Actor, in domain.ExamInput) error {
	if _, err := tx.GetOrg(ctx, manageScope(ac), in.OrgID); err != nil {
		return fieldNotFound(err, "org_id")
	}
	inExam := domain.Scope{Roots: []int64{in.OrgID}}
	for i, o := range in.Audience.OrgIDs {
		if _, err := tx.GetOrg(ctx, inExam, o); err != nil {
			return fieldNotFound(err, fmt.Sprintf("audience.org_ids[%d]", i))
		}
	}
	builtin := domain.BuiltinRoles()
	for i, r := range in.Audience.Roles {
		if !slices.ContainsFunc(builtin, func(b domain.Role) bool { return b.Code == r }) {
			if _, err := tx.RoleByCode(ctx, r); err != nil {
				return fieldNotFound(err, fmt.Sprintf("audience.roles[%d]", i))
			}
		}
	}
	for i, id := range in.Audience.AccountIDs {
		acc, err := tx.GetAccount(ctx, id)
		if err == nil {
			var ok bool
			if ok, err = tx.InScope(ctx, []int64{in.OrgID}, acc.OrgID); err == nil && !ok {
				err = domain.NotFound("account %d", id)
			}
		}
		if err != nil {
			return fieldNotFound(err, fmt.Sprintf("audience.account_ids[%d]", i))
		}
	}
	for i, r := range in.Paper.Rules {
		if _, err := tx.GetBank(ctx, manageScope(ac), r.BankID); err != nil {
			return fieldNotFound(err, fmt.Sprintf("paper.rules[%d].bank_id", i))
		}
	}
	for i, q := range in.Paper.FixedQuestionIDs {
		qu, err := tx.GetQuestion(ctx, manageScope(ac), q)
		if err == nil && qu.Retired {
			err = domain.NotFound("question %d", q)
		}
		if err != nil {
			return fieldNotFound(err, fmt.Sprintf("paper.fixed_question_ids[%d]", i))
		}
	}
	return nil
}

// CreateExam writes a draft exam.
func (a *App) CreateExam(ctx context.Context, ac domain.Actor, in domain.ExamInput) (domain.Exam, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return domain.Exam{}, err
	}
	in, err := in.Validate()
	if err != nil {
		return domain.Exam{}, err
	}
	var out domain.Exam
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		if err := a.checkExamRefs(ctx, tx, ac, in); err != nil {
			return err
		}
		id, err := tx.CreateExam(ctx, store.NewExam{ExamInput: in, CreatedBy: ac.Name, CreatedByID: ac.AccountID})
		if err != nil {
			return err
		}
		if out, err = tx.GetExam(ctx, manageScope(ac), id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "exam.create", Target: examTarget(id), After: out})
	})
	return out, err
}

// GetExam returns one exam of the actor's subtree.
func (a *App) GetExam(ctx context.Context, ac domain.Actor, id int64) (domain.Exam, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return domain.Exam{}, err
	}
	var out domain.Exam
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.GetExam(ctx, manageScope(ac), id)
		return err
	})
	return out, err
}

// UpdateExam changes a draft exam.
func (a *App) UpdateExam(ctx context.Context, ac domain.Actor, id int64, in domain.ExamInput) (domain.Exam, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return domain.Exam{}, err
	}
	in, err := in.Validate()
	if err != nil {
		return domain.Exam{}, err
	}
	var out domain.Exam
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		before, err := tx.LockExam(ctx, manageScope(ac), id)
		if err != nil {
			return err
		}
		if before.State != domain.ExamDraft {
			return domain.Conflict("state", "only a draft can be changed; this exam is %s", before.State)
		}
		if err := a.checkExamRefs(ctx, tx, ac, in); err != nil {
			return err
		}
		if err := tx.UpdateExam(ctx, id, store.NewExam{ExamInput: in}); err != nil {
			return err
		}
		if out, err = tx.GetExam(ctx, manageScope(ac), id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "exam.update", Target: examTarget(id), Before: before, After: out})
	})
	return out, err
}

// frozenPaper is what publication freezes: the version ids each rule draws
// from (disjoint, see exam.DisjointPools) or the fixed paper's versions, and
// the points each carries. It is stored as JSON in exams.pool.
type frozenPaper struct {
	Fixed       []int64      `json:"fixed,omitempty"`
	FixedPoints []int        `json:"fixed_points,omitempty"`
	Rules       []frozenRule `json:"rules,omitempty"`
}

type frozenRule struct {
	IDs    []int64 `json:"ids"`
	Count  int     `json:"count"`
	Points int     `json:"points"`
}

// freeze computes an exam's frozen paper and its maximum score. A rule
// that leaves each question its own points must draw from questions of
// equal points, so that every candidate's paper has the same total.
func (a *App) freeze(ctx context.Context, tx *store.Tx, ac domain.Actor, e domain.Exam) (frozenPaper, int, error) {
	var fp frozenPaper
	max := 0
	if len(e.Paper.FixedQuestionIDs) == 0 && len(e.Paper.Rules) == 0 {
		return fp, 0, domain.Invalid("paper", "name the questions (fixed_question_ids) or draw rules (rules) before publishing")
	}
	if len(e.Paper.FixedQuestionIDs) > 0 {
		for i, q := range e.Paper.FixedQuestionIDs {
			qu, err := tx.GetQuestion(ctx, manageScope(ac), q)
			if err == nil && qu.Retired {
				err = domain.NotFound("question %d", q)
			}
			if err != nil {
				return fp, 0, fieldNotFound(err, fmt.Sprintf("paper.fixed_question_ids[%d]", i))
			}
			fp.Fixed = append(fp.Fixed, qu.VersionID)
			fp.FixedPoints = append(fp.FixedPoints, qu.Points)
			max += qu.Points
		}
		return fp, max, nil
	}
	var pools []exam.Pool
	for i, r := range e.Paper.Rules {
		ids, err := tx.QuestionPool(ctx, r.BankID, r.Tag, r.Difficulty)
		if err != nil {
			return fp, 0, err
		}
		pools = append(pools, exam.Pool{Rule: i, IDs: ids, Count: r.Count})
	}
	pools, err := exam.DisjointPools(pools)
	if err != nil {
		return fp, 0, err
	}
	for i, p := range pools {
		pts := e.Paper.Rules[i].Points
		if pts == 0 {
			vs, err := tx.QuestionVersions(ctx, p.IDs)
			if err != nil {
				return fp, 0, err
			}
			for _, v := range vs {
				if pts == 0 {
					pts = v.Points
				} else if v.Points != pts {
					return fp, 0, domain.Invalid(fmt.Sprintf("paper.rules[%d].points", i),
						"the rule's questions carry different points (%d and %d): set the rule's points so every candidate's paper has the same total", pts, v.Points)
				}
			}
		}
		fp.Rules = append(fp.Rules, frozenRule{IDs: p.IDs, Count: p.Count, Points: pts})
		max += pts * p.Count
	}
	return fp, max, nil
}

// PublishExam publishes a draft: the paper frozen, the candidates resolved
// and notified.
func (a *App) PublishExam(ctx context.Context, ac domain.Actor, id int64) (domain.Exam, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return domain.Exam{}, err
	}
	var out domain.Exam
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		e, err := tx.LockExam(ctx, manageScope(ac), id)
		if err != nil {
			return err
		}
		if e.State != domain.ExamDraft {
			return domain.Conflict("state", "only a draft can be published; this exam is %s", e.State)
		}
		if !e.ClosesAt.After(tx.Now()) {
			return domain.Conflict("closes_at", "the window closed at %s", e.ClosesAt.Format("2006-01-02 15:04"))
		}
		fp, max, err := a.freeze(ctx, tx, ac, e)
		if err != nil {
			return err
		}
		if e.PassMark > max {
			return domain.Invalid("pass_mark", "%d is above the paper's total of %d", e.PassMark, max)
		}
		n, err := tx.ResolveCandidates(ctx, e)
		if err != nil {
			return err
		}
		if n == 0 {
			return domain.Conflict("audience", "the audience holds no active account that may sit an exam")
		}
		pool, _ := json.Marshal(fp)
		if err := tx.PublishExam(ctx, id, string(pool), max, n); err != nil {
			return err
		}
		if out, err = tx.GetExam(ctx, manageScope(ac), id); err != nil {
			return err
		}
		if err := a.record(ctx, tx, ac, AuditEntry{Type: "exam.publish", Target: examTarget(id), After: out}); err != nil {
			return err
		}
		return a.notifyCandidates(ctx, tx, out)
	})
	return out, err
}

// notifyCandidates writes the publication notice, in batches of candidates.
func (a *App) notifyCandidates(ctx context.Context, tx *store.Tx, e domain.Exam) error {
	ids, err := tx.CandidateIDs(ctx, e.ID)
	if err != nil {
		return err
	}
	const batch = 1000
	for i := 0; i < len(ids); i += batch {
		n := domain.Notice{Kind: "exam.published", Recipients: ids[i:min(i+batch, len(ids))],
			Subject: "考试通知：" + firstLine(e.Title),
			Body: fmt.Sprintf("考试时间 %s 至 %s，限时 %d 分钟。", e.OpensAt.In(a.clock.Location()).Format("2006-01-02 15:04"),
				e.ClosesAt.In(a.clock.Location()).Format("2006-01-02 15:04"), e.DurationMinutes),
			Link: fmt.Sprintf("/my/exams?id=%d", e.ID), DedupKey: fmt.Sprintf("exam:%d:published:%d", e.ID, i/batch), At: tx.Now()}
		if err := a.notify(ctx, tx, n); err != nil {
			return err
		}
	}
	return nil
}

// CancelExam cancels a draft or published exam; attempts stay as they are.
func (a *App) CancelExam(ctx context.Context, ac domain.Actor, id int64) (domain.Exam, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return domain.Exam{}, err
	}
	var out domain.Exam
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		before, err := tx.LockExam(ctx, manageScope(ac), id)
		if err != nil {
			return err
		}
		if before.State == domain.ExamCancelled {
			return domain.Conflict("state", "the exam is already cancelled")
		}
		if err := tx.SetExamState(ctx, id, domain.ExamCancelled); err != nil {
			return err
		}
		if out, err = tx.GetExam(ctx, manageScope(ac), id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "exam.cancel", Target: examTarget(id), Before: before, After: out})
	})
	return out, err
}

// CandidateAccounts lists accounts of the manager's subtree that may sit an
// exam (names and units only), for naming them in an audience.
func (a *App) CandidateAccounts(ctx context.Context, ac domain.Actor, orgID int64, q string, limit int) ([]domain.CandidateAccount, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var out []domain.CandidateAccount
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.CandidateAccounts(ctx, manageScope(ac), orgID, q, limit)
		return fieldNotFound(err, "org_id")
	})
	return out, err
}
