package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Online exams (在线考试): banks, questions with their versions, exams, their
// candidates, attempts with the drawn paper and the saved answers. A bank
// or an exam is in scope when its unit is; an attempt belongs to its
// candidate (the app checks the account) and, for managers, to the exam.

// ---- banks ----

const bankCols = `b.id, b.org_id, o.name, b.name, b.description,
	(SELECT COUNT(*) FROM exam_questions q WHERE q.bank_id = b.id AND q.retired = FALSE),
	b.version, b.created_by, b.created_at, b.updated_at`

func scanBank(sc interface{ Scan(...any) error }) (domain.QuestionBank, error) {
	var b domain.QuestionBank
	var created, updated string
	err := sc.Scan(&b.ID, &b.OrgID, &b.OrgName, &b.Name, &b.Description, &b.Questions, &b.Version, &b.CreatedBy, &created, &updated)
	b.CreatedAt, b.UpdatedAt = parseTime(created), parseTime(updated)
	return b, err
}

// ListBanks lists the banks of a unit's subtree (0: the whole scope).
func (tx *Tx) ListBanks(ctx context.Context, scope domain.Scope, orgID int64) ([]domain.QuestionBank, error) {
	args := []any{}
	cond, ok, err := tx.subtreeInScope(ctx, scope, "b.org_id", orgID, &args)
	if err != nil || !ok {
		if err == nil {
			err = domain.NotFound("org unit %d", orgID)
		}
		return nil, err
	}
	rows, err := tx.query(ctx, "SELECT "+bankCols+" FROM question_banks b JOIN org_units o ON o.id = b.org_id WHERE "+cond+" ORDER BY b.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.QuestionBank{}
	for rows.Next() {
		b, err := scanBank(rows)
		if err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, b)
	}
	return out, tx.d.wrap(rows.Err())
}

// GetBank returns a bank whose unit is in scope; otherwise not found.
func (tx *Tx) GetBank(ctx context.Context, scope domain.Scope, id int64) (domain.QuestionBank, error) {
	args := []any{id}
	q := "SELECT " + bankCols + " FROM question_banks b JOIN org_units o ON o.id = b.org_id WHERE b.id = $1 AND " + scopeFilter("b.org_id", scope.Roots, &args)
	b, err := scanBank(tx.queryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return b, domain.NotFound("question bank %d", id)
	}
	return b, tx.d.wrap(err)
}

// CreateBank inserts a bank.
func (tx *Tx) CreateBank(ctx context.Context, in domain.BankInput, by string) (int64, error) {
	now := timeText(tx.now)
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO question_banks (org_id, name, description, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, in.OrgID, in.Name, in.Description, by, now).Scan(&id)
	return id, tx.d.wrap(err)
}

// UpdateBank changes a bank if its version is still in.Version (0: any).
func (tx *Tx) UpdateBank(ctx context.Context, id int64, in domain.BankInput) error {
	res, err := tx.exec(ctx, `UPDATE question_banks SET name = $2, description = $3, updated_at = $4, org_id = $6, version = version + 1
		WHERE id = $1 AND ($5 = 0 OR version = $5)`, id, in.Name, in.Description, timeText(tx.now), in.Version, in.OrgID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Conflict("version", "the bank was changed meanwhile; reload it")
	}
	return nil
}

// ---- questions ----

const questionCols = `q.id, q.bank_id, q.version, q.version_id, q.kind, q.stem, q.options, q.answer, q.tags, q.difficulty,
	q.explanation, q.points, q.retired, q.updated_at`

func scanQuestion(sc interface{ Scan(...any) error }) (domain.Question, error) {
	var q domain.Question
	var opts, answer, tags, updated string
	err := sc.Scan(&q.ID, &q.BankID, &q.Version, &q.VersionID, &q.Kind, &q.Stem, &opts, &answer, &tags, &q.Difficulty,
		&q.Explanation, &q.Points, &q.Retired, &updated)
	if err != nil {
		return q, err
	}
	q.Options, q.Tags = []domain.ExamOption{}, []string{}
	_ = json.Unmarshal([]byte(opts), &q.Options)
	_ = json.Unmarshal([]byte(tags), &q.Tags)
	q.Answer = json.RawMessage(answer)
	q.UpdatedAt = parseTime(updated)
	return q, nil
}

// QuestionFilter narrows ListQuestions.
type QuestionFilter struct {
	Q, Tag        string
	Kind          domain.QuestionKind
	Difficulty    int
	Retired       bool
	Limit, Offset int
}

func containsPattern(s string) string { return "%" + likeEscape(s) + "%" }

// ListQuestions lists a bank's questions, oldest first.
func (tx *Tx) ListQuestions(ctx context.Context, bankID int64, f QuestionFilter) ([]domain.Question, int, error) {
	args := []any{bankID, f.Retired}
	where := "q.bank_id = $1 AND q.retired = $2"
	if f.Q != "" {
		args = append(args, containsPattern(f.Q))
		where += fmt.Sprintf(` AND q.stem LIKE $%d ESCAPE '\'`, len(args))
	}
	if f.Tag != "" {
		tag, _ := json.Marshal(f.Tag)
		args = append(args, containsPattern(string(tag)))
		where += fmt.Sprintf(` AND q.tags LIKE $%d ESCAPE '\'`, len(args))
	}
	if f.Kind != "" {
		args = append(args, string(f.Kind))
		where += fmt.Sprintf(" AND q.kind = $%d", len(args))
	}
	if f.Difficulty > 0 {
		args = append(args, f.Difficulty)
		where += fmt.Sprintf(" AND q.difficulty = $%d", len(args))
	}
	var total int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM exam_questions q WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, tx.d.wrap(err)
	}
	q := "SELECT " + questionCols + " FROM exam_questions q WHERE " + where + " ORDER BY q.id"
	if f.Limit > 0 {
		args = append(args, f.Limit, f.Offset)
		q += fmt.Sprintf(" LIMIT $%d OFFSET $%d", len(args)-1, len(args))
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []domain.Question{}
	for rows.Next() {
		qu, err := scanQuestion(rows)
		if err != nil {
			return nil, 0, tx.d.wrap(err)
		}
		out = append(out, qu)
	}
	return out, total, tx.d.wrap(rows.Err())
}

// GetQuestion returns a question whose bank's unit is in scope.
func (tx *Tx) GetQuestion(ctx context.Context, scope domain.Scope, id int64) (domain.Question, error) {
	args := []any{id}
	q := "SELECT " + questionCols + " FROM exam_questions q JOIN question_banks b ON b.id = q.bank_id WHERE q.id = $1 AND " +
		scopeFilter("b.org_id", scope.Roots, &args)
	qu, err := scanQuestion(tx.queryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return qu, domain.NotFound("question %d", id)
	}
	return qu, tx.d.wrap(err)
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// CreateQuestion inserts a question and its first version.
func (tx *Tx) CreateQuestion(ctx context.Context, bankID int64, in domain.QuestionInput) (int64, error) {
	now := timeText(tx.now)
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO exam_questions (bank_id, kind, stem, options, answer, tags, difficulty, explanation, points, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
		bankID, string(in.Kind), in.Stem, mustJSON(in.Options), string(in.Answer), mustJSON(in.Tags), in.Difficulty, in.Explanation, in.Points, now).Scan(&id)
	if err != nil {
		return 0, tx.d.wrap(err)
	}
	return id, tx.addQuestionVersion(ctx, id, 1, in)
}

func (tx *Tx) addQuestionVersion(ctx context.Context, id int64, version int, in domain.QuestionInput) error {
	var vid int64
	err := tx.queryRow(ctx, `INSERT INTO exam_question_versions (question_id, version, kind, stem, options, answer, explanation, points, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		id, version, string(in.Kind), in.Stem, mustJSON(in.Options), string(in.Answer), in.Explanation, in.Points, timeText(tx.now)).Scan(&vid)
	if err != nil {
		return tx.d.wrap(err)
	}
	_, err = tx.exec(ctx, "UPDATE exam_questions SET version_id = $2 WHERE id = $1", id, vid)
	return err
}

// UpdateQuestion makes a new version of a question: the old version stays
// for the attempts and exams that hold it.
func (tx *Tx) UpdateQuestion(ctx context.Context, id int64, in domain.QuestionInput) error {
	var version int
	if err := tx.queryRow(ctx, "SELECT version FROM exam_questions WHERE id = $1"+tx.d.forUpdate(), id).Scan(&version); err != nil {
		return tx.d.wrap(err)
	}
	version++
	_, err := tx.exec(ctx, `UPDATE exam_questions SET version = $2, kind = $3, stem = $4, options = $5, answer = $6, tags = $7, difficulty = $8,
		explanation = $9, points = $10, updated_at = $11 WHERE id = $1`,
		id, version, string(in.Kind), in.Stem, mustJSON(in.Options), string(in.Answer), mustJSON(in.Tags), in.Difficulty, in.Explanation, in.Points, timeText(tx.now))
	if err != nil {
		return err
	}
	return tx.addQuestionVersion(ctx, id, version, in)
}

// RetireQuestion stops a question being drawn or listed.
func (tx *Tx) RetireQuestion(ctx context.Context, id int64) error {
	_, err := tx.exec(ctx, "UPDATE exam_questions SET retired = TRUE, updated_at = $2 WHERE id = $1", id, timeText(tx.now))
	return err
}

// QuestionPool lists the current version ids of a bank's active questions
// of a tag ("" any) and difficulty (0 any), by question id.
func (tx *Tx) QuestionPool(ctx context.Context, bankID int64, tag string, difficulty int) ([]int64, error) {
	args := []any{bankID}
	q := "SELECT version_id FROM exam_questions WHERE bank_id = $1 AND retired = FALSE"
	if tag != "" {
		t, _ := json.Marshal(tag)
		args = append(args, containsPattern(string(t)))
		q += fmt.Sprintf(` AND tags LIKE $%d ESCAPE '\'`, len(args))
	}
	if difficulty > 0 {
		args = append(args, difficulty)
		q += fmt.Sprintf(" AND difficulty = $%d", len(args))
	}
	return tx.queryIDs(ctx, q+" ORDER BY id", args...)
}

// QuestionVersion is one immutable version of a question.
type QuestionVersion struct {
	ID          int64
	QuestionID  int64
	Version     int
	Kind        domain.QuestionKind
	Stem        string
	Options     []domain.ExamOption
	Answer      json.RawMessage
	Explanation string
	Points      int
}

// QuestionVersions reads versions by id.
func (tx *Tx) QuestionVersions(ctx context.Context, ids []int64) (map[int64]QuestionVersion, error) {
	out := map[int64]QuestionVersion{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := []any{}
		rows, err := tx.query(ctx, `SELECT id, question_id, version, kind, stem, options, answer, explanation, points
			FROM exam_question_versions WHERE id IN (`+placeholders(&args, int64s(chunk)...)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var v QuestionVersion
			var opts, ans string
			if err := rows.Scan(&v.ID, &v.QuestionID, &v.Version, &v.Kind, &v.Stem, &opts, &ans, &v.Explanation, &v.Points); err != nil {
				rows.Close()
				return nil, tx.d.wrap(err)
			}
			v.Options = []domain.ExamOption{}
			_ = json.Unmarshal([]byte(opts), &v.Options)
			v.Answer = json.RawMessage(ans)
			out[v.ID] = v
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, tx.d.wrap(err)
		}
	}
	return out, nil
}

// ---- exams ----

// NewExam is what CreateExam and UpdateExam store.
type NewExam struct {
	domain.ExamInput
	CreatedBy   string
	CreatedByID int64
}

const examCols = `e.id, e.org_id, o.name, e.title, e.opens_at, e.closes_at, e.duration_minutes, e.pass_mark, e.attempts_allowed, e.paper,
	e.shuffle_options, e.reveal, e.reveal_after, e.state, e.candidates, e.max_score, e.version, e.created_by, e.created_at, e.updated_at`

func scanExam(sc interface{ Scan(...any) error }) (domain.Exam, error) {
	var e domain.Exam
	var opens, closes, paper, created, updated string
	err := sc.Scan(&e.ID, &e.OrgID, &e.OrgName, &e.Title, &opens, &closes, &e.DurationMinutes, &e.PassMark, &e.AttemptsAllowed, &paper,
		&e.ShuffleOptions, &e.Reveal, &e.RevealAfter, &e.State, &e.Candidates, &e.MaxScore, &e.Version, &e.CreatedBy, &created, &updated)
	if err != nil {
		return e, err
	}
	_ = json.Unmarshal([]byte(paper), &e.Paper)
	e.OpensAt, e.ClosesAt, e.CreatedAt, e.UpdatedAt = parseTime(opens), parseTime(closes), parseTime(created), parseTime(updated)
	e.Audience = domain.Audience{OrgIDs: []int64{}, Roles: []string{}, AccountIDs: []int64{}}
	return e, nil
}

// CreateExam inserts a draft exam and its audience.
func (tx *Tx) CreateExam(ctx context.Context, n NewExam) (int64, error) {
	now := timeText(tx.now)
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO exams (org_id, title, opens_at, closes_at, duration_minutes, pass_mark, attempts_allowed, paper,
		shuffle_options, reveal, reveal_after, state, created_by, created_by_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'draft', $12, $13, $14, $14) RETURNING id`,
		n.OrgID, n.Title, timeText(n.OpensAt), timeText(n.ClosesAt), n.DurationMinutes, n.PassMark, n.AttemptsAllowed, mustJSON(n.Paper),
		n.ShuffleOptions, string(n.Reveal), string(n.RevealAfter), n.CreatedBy, n.CreatedByID, now).Scan(&id)
	if err != nil {
		return 0, tx.d.wrap(err)
	}
	return id, tx.setAudience(ctx, id, n.Audience)
}

func (tx *Tx) setAudience(ctx context.Context, id int64, a domain.Audience) error {
	if _, err := tx.exec(ctx, "DELETE FROM exam_audience WHERE exam_id = $1", id); err != nil {
		return err
	}
	for _, o := range a.OrgIDs {
		if _, err := tx.exec(ctx, "INSERT INTO exam_audience (exam_id, kind, org_id) VALUES ($1, 'org', $2)", id, o); err != nil {
			return err
		}
	}
	for _, r := range a.Roles {
		if _, err := tx.exec(ctx, "INSERT INTO exam_audience (exam_id, kind, role) VALUES ($1, 'role', $2)", id, r); err != nil {
			return err
		}
	}
	for _, acc := range a.AccountIDs {
		if _, err := tx.exec(ctx, "INSERT INTO exam_audience (exam_id, kind, account_id) VALUES ($1, 'account', $2)", id, acc); err != nil {
			return err
		}
	}
	return nil
}

// UpdateExam changes a draft exam if its version is still the one read.
func (tx *Tx) UpdateExam(ctx context.Context, id int64, n NewExam) error {
	res, err := tx.exec(ctx, `UPDATE exams SET org_id = $2, title = $3, opens_at = $4, closes_at = $5, duration_minutes = $6, pass_mark = $7,
		attempts_allowed = $8, paper = $9, shuffle_options = $10, reveal = $11, reveal_after = $12, updated_at = $13, version = version + 1
		WHERE id = $1 AND state = 'draft' AND ($14 = 0 OR version = $14)`,
		id, n.OrgID, n.Title, timeText(n.OpensAt), timeText(n.ClosesAt), n.DurationMinutes, n.PassMark, n.AttemptsAllowed, mustJSON(n.Paper),
		n.ShuffleOptions, string(n.Reveal), string(n.RevealAfter), timeText(tx.now), n.Version)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return domain.Conflict("version", "the exam was changed meanwhile, or is no longer a draft; reload it")
	}
	return tx.setAudience(ctx, id, n.Audience)
}

// GetExam returns an exam whose unit is in scope, with its audience.
func (tx *Tx) GetExam(ctx context.Context, scope domain.Scope, id int64) (domain.Exam, error) {
	args := []any{id}
	q := "SELECT " + examCols + " FROM exams e JOIN org_units o ON o.id = e.org_id WHERE e.id = $1 AND " + scopeFilter("e.org_id", scope.Roots, &args)
	e, err := scanExam(tx.queryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return e, domain.NotFound("exam %d", id)
	}
	if err != nil {
		return e, tx.d.wrap(err)
	}
	return e, tx.loadAudience(ctx, &e)
}

// LockExam locks an exam's row for a change, then reads it.
func (tx *Tx) LockExam(ctx context.Context, scope domain.Scope, id int64) (domain.Exam, error) {
	if _, err := tx.queryIDs(ctx, "SELECT id FROM exams WHERE id = $1"+tx.d.forUpdate(), id); err != nil {
		return domain.Exam{}, err
	}
	return tx.GetExam(ctx, scope, id)
}

// ExamByID reads an exam without a scope: for the candidate paths, whose
// access is their candidate row.
func (tx *Tx) ExamByID(ctx context.Context, id int64) (domain.Exam, error) {
	e, err := scanExam(tx.queryRow(ctx, "SELECT "+examCols+" FROM exams e JOIN org_units o ON o.id = e.org_id WHERE e.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, domain.NotFound("exam %d", id)
	}
	return e, tx.d.wrap(err)
}

func (tx *Tx) loadAudience(ctx context.Context, e *domain.Exam) error {
	rows, err := tx.query(ctx, "SELECT kind, COALESCE(org_id, 0), role, COALESCE(account_id, 0) FROM exam_audience WHERE exam_id = $1 ORDER BY kind, org_id, role, account_id", e.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, role string
		var org, acc int64
		if err := rows.Scan(&kind, &org, &role, &acc); err != nil {
			return tx.d.wrap(err)
		}
		switch kind {
		case "org":
			e.Audience.OrgIDs = append(e.Audience.OrgIDs, org)
		case "role":
			e.Audience.Roles = append(e.Audience.Roles, role)
		case "account":
			e.Audience.AccountIDs = append(e.Audience.AccountIDs, acc)
		}
	}
	return tx.d.wrap(rows.Err())
}

// ListExams lists the exams of a unit's subtree (0: the scope), newest first.
func (tx *Tx) ListExams(ctx context.Context, scope domain.Scope, orgID int64, state domain.ExamState) ([]domain.Exam, error) {
	args := []any{}
	cond, ok, err := tx.subtreeInScope(ctx, scope, "e.org_id", orgID, &args)
	if err != nil || !ok {
		if err == nil {
			err = domain.NotFound("org unit %d", orgID)
		}
		return nil, err
	}
	if state != "" {
		args = append(args, string(state))
		cond += fmt.Sprintf(" AND e.state = $%d", len(args))
	}
	rows, err := tx.query(ctx, "SELECT "+examCols+" FROM exams e JOIN org_units o ON o.id = e.org_id WHERE "+cond+" ORDER BY e.opens_at DESC, e.id DESC", args...)
	if err != nil {
		return nil, err
	}
	out := []domain.Exam{}
	for rows.Next() {
		e, err := scanExam(rows)
		if err != nil {
			rows.Close()
			return nil, tx.d.wrap(err)
		}
		out = append(out, e)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, tx.d.wrap(err)
	}
	for i := range out {
		if err := tx.loadAudience(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ResolveCandidates writes an exam's candidates from its audience: active
// accounts of the exam's unit subtree holding exam.take, in the audience's
// units (the exam's unit when none) with one of its roles (any when none),
// plus the listed accounts. It returns their number.
func (tx *Tx) ResolveCandidates(ctx context.Context, e domain.Exam) (int, error) {
	if _, err := tx.exec(ctx, "DELETE FROM exam_candidates WHERE exam_id = $1", e.ID); err != nil {
		return 0, err
	}
	args := []any{e.ID, e.OrgID, `%"` + string(domain.PermExamTake) + `"%`}
	orgs := e.Audience.OrgIDs
	if len(orgs) == 0 {
		orgs = []int64{e.OrgID}
	}
	orgCond := "a.org_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id IN (" + placeholders(&args, int64s(orgs)...) + "))"
	if len(e.Audience.Roles) > 0 {
		orgCond += " AND EXISTS (SELECT 1 FROM account_roles ar2 JOIN roles r2 ON r2.id = ar2.role_id WHERE ar2.account_id = a.id AND r2.code IN (" +
			placeholders(&args, strs(e.Audience.Roles)...) + "))"
	}
	accCond := "1=0"
	if len(e.Audience.AccountIDs) > 0 {
		accCond = "a.id IN (" + placeholders(&args, int64s(e.Audience.AccountIDs)...) + ")"
	}
	res, err := tx.exec(ctx, `INSERT INTO exam_candidates (exam_id, account_id, org_id)
		SELECT $1, a.id, a.org_id FROM accounts a
		WHERE a.disabled = FALSE
		  AND a.org_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $2)
		  AND EXISTS (SELECT 1 FROM account_roles ar JOIN roles r ON r.id = ar.role_id WHERE ar.account_id = a.id AND r.permissions LIKE $3)
		  AND ((`+orgCond+`) OR `+accCond+`)`, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), tx.d.wrap(err)
}

// CandidateIDs lists an exam's candidates.
func (tx *Tx) CandidateIDs(ctx context.Context, examID int64) ([]int64, error) {
	return tx.queryIDs(ctx, "SELECT account_id FROM exam_candidates WHERE exam_id = $1 ORDER BY account_id", examID)
}

// PublishExam stores the frozen pool and the figures of publication.
func (tx *Tx) PublishExam(ctx context.Context, id int64, pool string, maxScore, candidates int) error {
	_, err := tx.exec(ctx, `UPDATE exams SET state = 'published', pool = $2, max_score = $3, candidates = $4, updated_at = $5, version = version + 1
		WHERE id = $1`, id, pool, maxScore, candidates, timeText(tx.now))
	return err
}

// SetExamState moves an exam to a state.
func (tx *Tx) SetExamState(ctx context.Context, id int64, state domain.ExamState) error {
	_, err := tx.exec(ctx, "UPDATE exams SET state = $2, updated_at = $3, version = version + 1 WHERE id = $1", id, string(state), timeText(tx.now))
	return err
}

// ExamPool returns an exam's frozen pool (JSON written at publication).
func (tx *Tx) ExamPool(ctx context.Context, id int64) (string, error) {
	var pool string
	err := tx.queryRow(ctx, "SELECT pool FROM exams WHERE id = $1", id).Scan(&pool)
	return pool, tx.d.wrap(err)
}

// Candidate reports whether an account is a candidate of an exam, and its unit.
func (tx *Tx) Candidate(ctx context.Context, examID, accountID int64) (int64, bool, error) {
	var org int64
	err := tx.queryRow(ctx, "SELECT org_id FROM exam_candidates WHERE exam_id = $1 AND account_id = $2", examID, accountID).Scan(&org)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return org, err == nil, tx.d.wrap(err)
}

// CandidateExams lists the published exams an account is a candidate of.
func (tx *Tx) CandidateExams(ctx context.Context, accountID int64) ([]domain.Exam, error) {
	rows, err := tx.query(ctx, "SELECT "+examCols+` FROM exams e JOIN org_units o ON o.id = e.org_id
		JOIN exam_candidates c ON c.exam_id = e.id WHERE c.account_id = $1 AND e.state = 'published' ORDER BY e.opens_at DESC, e.id DESC`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.Exam{}
	for rows.Next() {
		e, err := scanExam(rows)
		if err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, e)
	}
	return out, tx.d.wrap(rows.Err())
}

// ---- attempts ----

// AttemptRecord is an attempt's row.
type AttemptRecord struct {
	ID          int64
	ExamID      int64
	AccountID   int64
	OrgID       int64
	No          int
	StartedAt   time.Time
	Deadline    time.Time
	SubmittedAt time.Time
	State       domain.AttemptState
	Score, Max  int
	Passed      bool
}

const attemptCols = "id, exam_id, account_id, org_id, attempt_no, started_at, deadline, submitted_at, state, score, max_score, passed"

func scanAttempt(sc interface{ Scan(...any) error }) (AttemptRecord, error) {
	var r AttemptRecord
	var started, deadline, submitted string
	err := sc.Scan(&r.ID, &r.ExamID, &r.AccountID, &r.OrgID, &r.No, &started, &deadline, &submitted, &r.State, &r.Score, &r.Max, &r.Passed)
	r.StartedAt, r.Deadline, r.SubmittedAt = parseTime(started), parseTime(deadline), parseTime(submitted)
	return r, err
}

// AccountAttempts lists an account's attempts at an exam, first first.
func (tx *Tx) AccountAttempts(ctx context.Context, examID, accountID int64) ([]AttemptRecord, error) {
	rows, err := tx.query(ctx, "SELECT "+attemptCols+" FROM exam_attempts WHERE exam_id = $1 AND account_id = $2 ORDER BY attempt_no", examID, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []AttemptRecord{}
	for rows.Next() {
		r, err := scanAttempt(rows)
		if err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, r)
	}
	return out, tx.d.wrap(rows.Err())
}

// AttemptByID reads an attempt; lock takes its row for a change (submit),
// share for a save (so a save and a submission never interleave).
func (tx *Tx) AttemptByID(ctx context.Context, id int64, lock string) (AttemptRecord, error) {
	suffix := ""
	switch lock {
	case "update":
		suffix = tx.d.forUpdate()
	case "share":
		suffix = tx.d.forShare()
	}
	r, err := scanAttempt(tx.queryRow(ctx, "SELECT "+attemptCols+" FROM exam_attempts WHERE id = $1"+suffix, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, domain.NotFound("attempt %d", id)
	}
	return r, tx.d.wrap(err)
}

// PaperItem is one question of a drawn paper.
type PaperItem struct {
	Position   int
	QuestionID int64
	VersionID  int64
	Order      []string // original option keys in display order
	Points     int
	Score      int // -1 before grading
}

// InsertAttempt writes a started attempt and its paper in one statement each.
func (tx *Tx) InsertAttempt(ctx context.Context, r AttemptRecord, paper []PaperItem) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO exam_attempts (exam_id, account_id, org_id, attempt_no, started_at, deadline, state, max_score)
		VALUES ($1, $2, $3, $4, $5, $6, 'open', $7) RETURNING id`,
		r.ExamID, r.AccountID, r.OrgID, r.No, timeText(r.StartedAt), timeText(r.Deadline), r.Max).Scan(&id)
	if err != nil {
		return 0, tx.d.wrap(err)
	}
	for start := 0; start < len(paper); start += 100 {
		args := []any{}
		var vals []string
		for _, p := range paper[start:min(start+100, len(paper))] {
			vals = append(vals, "("+placeholders(&args, id, p.Position, p.QuestionID, p.VersionID, strings.Join(p.Order, ""), p.Points)+")")
		}
		if _, err := tx.exec(ctx, "INSERT INTO exam_attempt_questions (attempt_id, position, question_id, version_id, option_order, points) VALUES "+
			strings.Join(vals, ","), args...); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// AttemptPaper reads an attempt's paper in order.
func (tx *Tx) AttemptPaper(ctx context.Context, id int64) ([]PaperItem, error) {
	rows, err := tx.query(ctx, "SELECT position, question_id, version_id, option_order, points, score FROM exam_attempt_questions WHERE attempt_id = $1 ORDER BY position", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []PaperItem{}
	for rows.Next() {
		var p PaperItem
		var order string
		if err := rows.Scan(&p.Position, &p.QuestionID, &p.VersionID, &order, &p.Points, &p.Score); err != nil {
			return nil, tx.d.wrap(err)
		}
		p.Order = strings.Split(order, "")
		if order == "" {
			p.Order = []string{}
		}
		out = append(out, p)
	}
	return out, tx.d.wrap(rows.Err())
}

// SavedValue is a stored answer.
type SavedValue struct {
	Value json.RawMessage
	Seq   int64
}

// AttemptAnswers reads an attempt's saved answers by question id.
func (tx *Tx) AttemptAnswers(ctx context.Context, id int64) (map[int64]SavedValue, error) {
	rows, err := tx.query(ctx, "SELECT question_id, value, seq FROM exam_answers WHERE attempt_id = $1", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]SavedValue{}
	for rows.Next() {
		var q int64
		var v string
		var s SavedValue
		if err := rows.Scan(&q, &v, &s.Seq); err != nil {
			return nil, tx.d.wrap(err)
		}
		s.Value = json.RawMessage(v)
		out[q] = s
	}
	return out, tx.d.wrap(rows.Err())
}

// SaveAnswer stores an answer unless a save with a higher or equal seq is
// already stored; it returns the seq stored after it.
func (tx *Tx) SaveAnswer(ctx context.Context, attemptID, questionID int64, value json.RawMessage, seq int64) (int64, error) {
	_, err := tx.exec(ctx, `INSERT INTO exam_answers (attempt_id, question_id, value, seq, saved_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (attempt_id, question_id) DO UPDATE SET value = excluded.value, seq = excluded.seq, saved_at = excluded.saved_at
		WHERE exam_answers.seq < excluded.seq`, attemptID, questionID, string(value), seq, timeText(tx.now))
	if err != nil {
		return 0, err
	}
	var stored int64
	err = tx.queryRow(ctx, "SELECT seq FROM exam_answers WHERE attempt_id = $1 AND question_id = $2", attemptID, questionID).Scan(&stored)
	return stored, tx.d.wrap(err)
}

// FinishAttempt records a graded attempt, only if it is still open; it
// reports whether it did (a second submission changes nothing).
func (tx *Tx) FinishAttempt(ctx context.Context, r AttemptRecord, scores map[int]int) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE exam_attempts SET state = $2, submitted_at = $3, score = $4, max_score = $5, passed = $6
		WHERE id = $1 AND state = 'open'`, r.ID, string(r.State), timeText(r.SubmittedAt), r.Score, r.Max, r.Passed)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	for pos, s := range scores {
		if _, err := tx.exec(ctx, "UPDATE exam_attempt_questions SET score = $3 WHERE attempt_id = $1 AND position = $2", r.ID, pos, s); err != nil {
			return false, err
		}
	}
	return true, nil
}

// DueAttempts lists open attempts whose deadline has passed.
func (tx *Tx) DueAttempts(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	return tx.queryIDs(ctx, "SELECT id FROM exam_attempts WHERE state = 'open' AND deadline <= $1 ORDER BY deadline, id LIMIT $2", timeText(now), limit)
}

// ---- results ----

// ResultRow is a candidate's attempt for the results.
type ResultRow struct {
	AttemptRecord
	Name    string
	OrgName string
}

// ExamAttemptRows lists an exam's attempts of a unit's subtree.
func (tx *Tx) ExamAttemptRows(ctx context.Context, examID, root int64) ([]ResultRow, error) {
	rows, err := tx.query(ctx, `SELECT t.id, t.exam_id, t.account_id, t.org_id, t.attempt_no, t.started_at, t.deadline, t.submitted_at, t.state,
		t.score, t.max_score, t.passed, a.name, o.name
		FROM exam_attempts t JOIN accounts a ON a.id = t.account_id JOIN org_units o ON o.id = t.org_id
		WHERE t.exam_id = $1 AND t.org_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $2)
		ORDER BY t.id`, examID, root)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ResultRow{}
	for rows.Next() {
		var r ResultRow
		var started, deadline, submitted string
		if err := rows.Scan(&r.ID, &r.ExamID, &r.AccountID, &r.OrgID, &r.No, &started, &deadline, &submitted, &r.State,
			&r.Score, &r.Max, &r.Passed, &r.Name, &r.OrgName); err != nil {
			return nil, tx.d.wrap(err)
		}
		r.StartedAt, r.Deadline, r.SubmittedAt = parseTime(started), parseTime(deadline), parseTime(submitted)
		out = append(out, r)
	}
	return out, tx.d.wrap(rows.Err())
}

// ItemScore is one graded question of one attempt.
type ItemScore struct {
	AttemptID  int64
	QuestionID int64
	Score      int
	Points     int
}

// ExamItemScores lists the graded questions of an exam's submitted
// attempts of a unit's subtree.
func (tx *Tx) ExamItemScores(ctx context.Context, examID, root int64) ([]ItemScore, error) {
	rows, err := tx.query(ctx, `SELECT q.attempt_id, q.question_id, q.score, q.points FROM exam_attempt_questions q
		JOIN exam_attempts t ON t.id = q.attempt_id
		WHERE t.exam_id = $1 AND t.state <> 'open' AND q.score >= 0
		  AND t.org_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $2)`, examID, root)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ItemScore{}
	for rows.Next() {
		var s ItemScore
		if err := rows.Scan(&s.AttemptID, &s.QuestionID, &s.Score, &s.Points); err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, s)
	}
	return out, tx.d.wrap(rows.Err())
}

// CandidateUnits counts an exam's candidates of a unit's subtree by their unit.
func (tx *Tx) CandidateUnits(ctx context.Context, examID, root int64) (map[int64]int, error) {
	rows, err := tx.query(ctx, `SELECT org_id, COUNT(*) FROM exam_candidates WHERE exam_id = $1
		AND org_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $2) GROUP BY org_id`, examID, root)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var org int64
		var n int
		if err := rows.Scan(&org, &n); err != nil {
			return nil, tx.d.wrap(err)
		}
		out[org] = n
	}
	return out, tx.d.wrap(rows.Err())
}

// UnitBranch is a unit directly below a root, with the units of its subtree.
type UnitBranch struct {
	ID    int64
	Name  string
	Units []int64
}

// Branches lists the units directly below root, each with its subtree, by code.
func (tx *Tx) Branches(ctx context.Context, root int64) ([]UnitBranch, error) {
	rows, err := tx.query(ctx, `SELECT o.id, o.name, c.descendant_id FROM org_units o JOIN org_closure c ON c.ancestor_id = o.id
		WHERE o.parent_id = $1 ORDER BY o.code, o.id, c.descendant_id`, root)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []UnitBranch{}
	for rows.Next() {
		var id, d int64
		var name string
		if err := rows.Scan(&id, &name, &d); err != nil {
			return nil, tx.d.wrap(err)
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, UnitBranch{ID: id, Name: name})
		}
		out[len(out)-1].Units = append(out[len(out)-1].Units, d)
	}
	return out, tx.d.wrap(rows.Err())
}

// ExamsClosedIn lists the published exams of a unit's subtree whose window
// closed in [from, to): the exams a period's figures count.
func (tx *Tx) ExamsClosedIn(ctx context.Context, root int64, from, to time.Time) ([]int64, error) {
	return tx.queryIDs(ctx, `SELECT e.id FROM exams e WHERE e.state = 'published' AND e.closes_at >= $2 AND e.closes_at < $3
		AND e.org_id IN (SELECT ancestor_id FROM org_closure WHERE descendant_id = $1
		                 UNION SELECT descendant_id FROM org_closure WHERE ancestor_id = $1) ORDER BY e.id`, root, timeText(from), timeText(to))
}

// QuestionStem is a question's current stem and kind.
type QuestionStem struct {
	Stem string
	Kind domain.QuestionKind
}

// QuestionStems reads the current stems of questions.
func (tx *Tx) QuestionStems(ctx context.Context, ids []int64) (map[int64]QuestionStem, error) {
	out := map[int64]QuestionStem{}
	for start := 0; start < len(ids); start += 500 {
		args := []any{}
		rows, err := tx.query(ctx, "SELECT id, stem, kind FROM exam_questions WHERE id IN ("+placeholders(&args, int64s(ids[start:min(start+500, len(ids))])...)+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var s QuestionStem
			if err := rows.Scan(&id, &s.Stem, &s.Kind); err != nil {
				rows.Close()
				return nil, tx.d.wrap(err)
			}
			out[id] = s
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, tx.d.wrap(err)
		}
	}
	return out, nil
}

// CandidateAccounts lists active accounts of a unit's subtree holding
// exam.take whose name contains q, by name.
func (tx *Tx) CandidateAccounts(ctx context.Context, scope domain.Scope, orgID int64, q string, limit int) ([]domain.CandidateAccount, error) {
	args := []any{}
	cond, ok, err := tx.subtreeInScope(ctx, scope, "a.org_id", orgID, &args)
	if err != nil || !ok {
		if err == nil {
			err = domain.NotFound("org unit %d", orgID)
		}
		return nil, err
	}
	args = append(args, `%"`+string(domain.PermExamTake)+`"%`)
	cond += fmt.Sprintf(" AND a.disabled = FALSE AND EXISTS (SELECT 1 FROM account_roles ar JOIN roles r ON r.id = ar.role_id WHERE ar.account_id = a.id AND r.permissions LIKE $%d)", len(args))
	if q != "" {
		args = append(args, containsPattern(q))
		cond += fmt.Sprintf(` AND a.name LIKE $%d ESCAPE '\'`, len(args))
	}
	args = append(args, limit)
	rows, err := tx.query(ctx, "SELECT a.id, a.name, a.org_id, o.name FROM accounts a JOIN org_units o ON o.id = a.org_id WHERE "+cond+
		fmt.Sprintf(" ORDER BY a.name, a.id LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.CandidateAccount{}
	for rows.Next() {
		var c domain.CandidateAccount
		if err := rows.Scan(&c.ID, &c.Name, &c.OrgID, &c.OrgName); err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, c)
	}
	return out, tx.d.wrap(rows.Err())
}
