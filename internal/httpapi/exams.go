package httpapi

import (
	"net/http"
	"strconv"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// Online exams (在线考试, issue 15): banks, questions, exams, attempts,
// results. The rules are in internal/app/exams*.go.

func (s *Server) listExamBanks(c *call) error {
	ac, _ := c.actor()
	out, err := s.app.ListBanks(c.ctx(), ac, c.p.int("org_id"))
	if err != nil {
		return err
	}
	return c.reply(list[domain.QuestionBank]{Items: nonNil(out)})
}

func (s *Server) createExamBank(c *call) error {
	var b domain.BankInput
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, _ := c.actor()
	out, err := s.app.CreateBank(c.ctx(), ac, b)
	if err != nil {
		return err
	}
	return c.created(api+"/exam-banks/"+strconv.FormatInt(out.ID, 10), out)
}

func (s *Server) getExamBank(c *call) error {
	ac, _ := c.actor()
	out, err := s.app.GetBank(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) updateExamBank(c *call) error {
	var b domain.BankInput
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, _ := c.actor()
	out, err := s.app.UpdateBank(c.ctx(), ac, c.p.int("id"), b)
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) listExamQuestions(c *call) error {
	q := app.QuestionQuery{Q: c.p.str("q"), Tag: c.p.str("tag"), Kind: domain.QuestionKind(c.p.str("kind")),
		Difficulty: int(c.p.int("difficulty")), Limit: int(c.p.int("limit")), Offset: int(c.p.int("offset"))}
	if b := c.p.bool("retired"); b != nil {
		q.Retired = *b
	}
	ac, _ := c.actor()
	items, total, err := s.app.ListQuestions(c.ctx(), ac, c.p.int("id"), q)
	if err != nil {
		return err
	}
	return c.reply(page[domain.Question]{Items: nonNil(items), Total: total, Limit: q.Limit, Offset: q.Offset})
}

func (s *Server) createExamQuestion(c *call) error {
	var b domain.QuestionInput
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, _ := c.actor()
	out, err := s.app.CreateQuestion(c.ctx(), ac, c.p.int("id"), b)
	if err != nil {
		return err
	}
	return c.created(api+"/exam-questions/"+strconv.FormatInt(out.ID, 10), out)
}

func (s *Server) updateExamQuestion(c *call) error {
	var b domain.QuestionInput
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, _ := c.actor()
	out, err := s.app.UpdateQuestion(c.ctx(), ac, c.p.int("id"), b)
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) retireExamQuestion(c *call) error {
	ac, _ := c.actor()
	if err := s.app.RetireQuestion(c.ctx(), ac, c.p.int("id")); err != nil {
		return err
	}
	return c.noContent()
}

// sendXLSX answers a generated workbook as a download.
func sendXLSX(c *call, b []byte, name string) error {
	h := c.w.Header()
	h.Set("Content-Type", xlsxType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", contentDisposition("attachment", name))
	h.Set("Cache-Control", "no-store")
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method == http.MethodHead {
		return nil
	}
	_, err := c.w.Write(b)
	return err
}

func (s *Server) getQuestionImportTemplate(c *call) error {
	ac, _ := c.actor()
	b, name, err := s.app.QuestionImportTemplate(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return sendXLSX(c, b, name)
}

func (s *Server) previewQuestionImport(c *call) error {
	buf, _, err := readWorkbookUpload(c, app.MaxImportFileSize)
	if err != nil {
		return err
	}
	ac, _ := c.actor()
	out, err := s.app.PreviewQuestionImport(c.ctx(), ac, c.p.int("id"), buf.Bytes())
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) importQuestions(c *call) error {
	buf, _, err := readWorkbookUpload(c, app.MaxImportFileSize)
	if err != nil {
		return err
	}
	ac, _ := c.actor()
	out, err := s.app.ImportQuestions(c.ctx(), ac, c.p.int("id"), buf.Bytes())
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) exportExamBank(c *call) error {
	ac, _ := c.actor()
	b, name, err := s.app.ExportBank(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return sendXLSX(c, b, name)
}

func (s *Server) listExams(c *call) error {
	ac, _ := c.actor()
	out, err := s.app.ListExams(c.ctx(), ac, app.ExamQuery{State: domain.ExamState(c.p.str("state")), OrgID: c.p.int("org_id")})
	if err != nil {
		return err
	}
	return c.reply(list[domain.Exam]{Items: nonNil(out)})
}

func (s *Server) createExam(c *call) error {
	var b domain.ExamInput
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, _ := c.actor()
	out, err := s.app.CreateExam(c.ctx(), ac, b)
	if err != nil {
		return err
	}
	return c.created(api+"/exams/"+strconv.FormatInt(out.ID, 10), out)
}

func (s *Server) getExam(c *call) error {
	ac, _ := c.actor()
	out, err := s.app.GetExam(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) updateExam(c *call) error {
	var b domain.ExamInput
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, _ := c.actor()
	out, err := s.app.UpdateExam(c.ctx(), ac, c.p.int("id"), b)
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) publishExam(c *call) error {
	ac, _ := c.actor()
	out, err := s.app.PublishExam(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) cancelExam(c *call) error {
	ac, _ := c.actor()
	out, err := s.app.CancelExam(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) myExams(c *call) error {
	ac, _ := c.actor()
	out, err := s.app.MyExams(c.ctx(), ac)
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) startAttempt(c *call) error {
	ac, _ := c.actor()
	out, err := s.app.StartAttempt(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) getAttempt(c *call) error {
	ac, _ := c.actor()
	out, err := s.app.GetAttempt(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) saveAnswers(c *call) error {
	var b struct {
		Answers []domain.AnswerSave `json:"answers"`
	}
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, _ := c.actor()
	out, err := s.app.SaveAnswers(c.ctx(), ac, c.p.int("id"), b.Answers)
	if err != nil {
		return err
	}
	return c.reply(out)
}

// submitAttempt is idempotent by itself: a second submission (a replay
// with the same Idempotency-Key, or another tab) answers the stored result.
func (s *Server) submitAttempt(c *call) error {
	ac, _ := c.actor()
	out, err := s.app.SubmitAttempt(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) examResults(c *call) error {
	ac, _ := c.actor()
	out, err := s.app.ExamResults(c.ctx(), ac, c.p.int("id"), c.p.int("org_id"))
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) exportExamResults(c *call) error {
	ac, _ := c.actor()
	b, name, err := s.app.ExportExamResults(c.ctx(), ac, c.p.int("id"), c.p.int("org_id"))
	if err != nil {
		return err
	}
	return sendXLSX(c, b, name)
}

func (s *Server) listExamAttempts(c *call) error {
	ac, _ := c.actor()
	limit, offset := int(c.p.int("limit")), int(c.p.int("offset"))
	items, total, err := s.app.ListExamAttempts(c.ctx(), ac, c.p.int("id"), c.p.int("org_id"), limit, offset)
	if err != nil {
		return err
	}
	return c.reply(page[domain.AttemptRow]{Items: nonNil(items), Total: total, Limit: limit, Offset: offset})
}

func (s *Server) listExamCandidates(c *call) error {
	ac, _ := c.actor()
	out, err := s.app.CandidateAccounts(c.ctx(), ac, c.p.int("org_id"), c.p.str("q"), int(c.p.int("limit")))
	if err != nil {
		return err
	}
	return c.reply(list[domain.CandidateAccount]{Items: nonNil(out)})
}

// examSchemas are the component schemas of the exam routes.
func examSchemas() obj {
	nonNeg := func(desc string) obj { return obj{"type": "integer", "minimum": 0, "description": desc} }
	integer := func(desc string) obj { return obj{"type": "integer", "description": desc} }
	number := func(desc string) obj { return obj{"type": "number", "description": desc} }
	ids := func(desc string) obj { return array(desc, id("")) }
	kinds := []string{string(domain.QuestionSingle), string(domain.QuestionMultiple), string(domain.QuestionJudge), string(domain.QuestionFill)}
	kind := enum("single 单选, multiple 多选, judge 判断, fill 填空.", kinds...)
	option := object("An option of a choice question.", obj{"key": str("A, B, …"), "text": str("")}, "key", "text")
	value := func(desc string) obj {
		return obj{"type": []string{"string", "array", "boolean", "null"}, "items": obj{"type": "string"}, "description": desc}
	}
	states := []string{string(domain.AttemptOpen), string(domain.AttemptSubmitted), string(domain.AttemptExpired)}
	bucket := object("[from, to) and how many fall in it.", obj{"from": number(""), "to": number(""), "count": nonNeg("")}, "from", "to", "count")
	questionInput := obj{
		"kind":        ex(kind, "judge"),
		"stem":        ex(strMax("The question.", domain.MaxStemLen), "党员必须遵守党的纪律。"),
		"options":     ex(array("Options of a choice question (2 to 8), keyed A, B, … in order; none for judge and fill.", object("", obj{"key": str("Ignored: keys follow the order."), "text": strMax("", domain.MaxOptionLen)}, "text")), []any{}),
		"answer":      ex(value("The key: \"A\" (single), [\"A\",\"C\"] (multiple), true/false (judge), [\"text\", …] one per blank (fill; alternatives \"答案1|答案2\")."), true),
		"tags":        ex(array("At most 10 tags.", strMax("", domain.MaxTagLen)), []string{"纪律处分条例"}),
		"difficulty":  ex(obj{"type": "integer", "minimum": 0, "maximum": 5, "description": "1 (easy) to 5 (hard); 0: 3."}, 2),
		"explanation": strMax("Shown after submission when the exam reveals explanations.", domain.MaxExplanationLen),
		"points":      ex(obj{"type": "integer", "minimum": 0, "maximum": domain.MaxQuestionPoints, "description": "Points; 0: 1."}, 2),
	}
	audience := object("Who sits it: accounts of the units' subtrees (the exam's unit when empty) holding one of the roles (any when empty), "+
		"plus the listed accounts; all inside the exam's unit subtree and holding exam.take.", obj{
		"org_ids":     ids("Units whose subtrees sit it."),
		"roles":       array("Role codes, e.g. member.", str("")),
		"account_ids": ids("Accounts that sit it besides."),
	})
	rule := object("Draw count questions per candidate from the bank's active questions of the tag (any when empty) and difficulty (any when 0).", obj{
		"bank_id":    id(""),
		"tag":        str(""),
		"difficulty": obj{"type": "integer", "minimum": 0, "maximum": 5, "description": ""},
		"count":      obj{"type": "integer", "minimum": 1, "description": ""},
		"points":     obj{"type": "integer", "minimum": 0, "maximum": domain.MaxQuestionPoints, "description": "Points of each; 0: the question's own."},
	}, "bank_id", "count")
	paper := object("A fixed paper (the same questions, in order, for every candidate) or draw rules (a paper per candidate).", obj{
		"fixed_question_ids": ids("Questions (current versions at publication)."),
		"rules":              array("", rule),
	})
	examInput := obj{
		"title":            ex(strMax("", domain.MaxExamTitleLen), "2026年党纪党规知识考试"),
		"org_id":           id("The unit holding the exam (in the caller's subtree); the audience lies in its subtree."),
		"audience":         audience,
		"opens_at":         ex(dateTime("The window opens."), "2026-06-01T09:00:00+08:00"),
		"closes_at":        ex(dateTime("The window closes: no attempt starts after it, and every attempt ends by it."), "2026-06-01T11:00:00+08:00"),
		"duration_minutes": ex(obj{"type": "integer", "minimum": 1, "maximum": domain.MaxExamMinutes, "description": "Time allowed from the start."}, 30),
		"pass_mark":        ex(nonNeg("The score that passes."), 60),
		"attempts_allowed": obj{"type": "integer", "minimum": 0, "maximum": domain.MaxAttempts, "description": "0: 1."},
		"paper":            paper,
		"shuffle_options":  boolean("Options in a random order per candidate."),
		"reveal":           enum("What a candidate sees after submission: the score; also each answer and the key; also the explanations.", "score", "answers", "explanations"),
		"reveal_after":     enum("At submission, or only after the window closes.", "submit", "close"),
		"version":          obj{"type": "integer", "minimum": 0, "description": "On change: the version read (409 if it moved)."},
	}
	questionResult := object("A question of a submitted attempt, as the exam reveals it.", obj{
		"id": id(""), "stem": str(""), "kind": kind, "options": array("", option), "points": nonNeg(""),
		"given":       value("The candidate's answer (option keys as the candidate saw them)."),
		"score":       nonNeg("With answers."),
		"correct":     boolean("With answers."),
		"answer":      value("The key, in the candidate's option keys (with answers)."),
		"explanation": str("With explanations."),
	}, "id", "stem", "kind", "options", "points", "given")
	result := object("A submitted attempt's result as the exam reveals it; revealed false: not yet (after the window closes, reveal_at).", obj{
		"attempt_id": id(""), "state": enum("", states...), "submitted_at": dateTime(""),
		"revealed": boolean(""), "reveal_at": dateTime(""),
		"score": nonNeg(""), "max": nonNeg(""), "passed": boolean(""),
		"questions": array("Empty unless answers are revealed.", questionResult),
	}, "attempt_id", "state", "submitted_at", "revealed", "max", "questions")
	attemptRow := object("One attempt: the candidate's name and unit, never the username or phone.", obj{
		"id": id(""), "account_id": id(""), "name": str(""), "org_id": id(""), "org_name": str(""),
		"state": enum("", states...), "started_at": dateTime(""), "submitted_at": dateTime(""),
		"duration_seconds": nonNeg(""), "score": nonNeg(""), "max": nonNeg(""), "passed": boolean(""),
		"short": boolean("Took under 20 % of the median time of the exam's submitted attempts."),
	}, "id", "account_id", "name", "org_id", "org_name", "state", "started_at", "duration_seconds", "score", "max", "passed", "short")
	return obj{
		"ExamBankInput": object("A question bank as a manager writes it.", obj{
			"org_id":      id("The owning unit (in the caller's subtree)."),
			"name":        ex(strMax("", domain.MaxBankNameLen), "党纪党规题库"),
			"description": strMax("", domain.MaxExplanationLen),
			"version":     obj{"type": "integer", "minimum": 0, "description": "On change: the version read (409 if it moved)."},
		}, "org_id", "name"),
		"ExamBank": object("A question bank.", obj{
			"id": id(""), "org_id": id(""), "org_name": str(""), "name": str(""), "description": str(""),
			"questions": nonNeg("Active questions."), "version": id(""), "created_by": str(""),
			"created_at": dateTime(""), "updated_at": dateTime(""),
		}, "id", "org_id", "org_name", "name", "description", "questions", "version", "created_by", "created_at", "updated_at"),
		"ExamBankList":      listSchema("Question banks.", "ExamBank"),
		"ExamCandidateList": listSchema("Accounts that may sit an exam: names and units only.", "ExamCandidate"),
		"ExamCandidate": object("An account that may sit an exam.", obj{"id": id(""), "name": str(""), "org_id": id(""), "org_name": str("")},
			"id", "name", "org_id", "org_name"),
		"QuestionInput": object("A question as a manager writes it.", questionInput, "kind", "stem", "answer"),
		"Question": object("A question in its current version, with its key (managers only).", obj{
			"id": id(""), "bank_id": id(""), "version": id("Changes with every edit; attempts keep the version they drew."),
			"kind": kind, "stem": str(""), "options": array("", option), "answer": value("The key."),
			"tags": array("", str("")), "difficulty": integer(""), "explanation": str(""), "points": nonNeg(""),
			"retired": boolean("Retired questions are no longer drawn."), "updated_at": dateTime(""),
		}, "id", "bank_id", "version", "kind", "stem", "options", "answer", "tags", "difficulty", "explanation", "points", "retired", "updated_at"),
		"QuestionPage": pageSchema("Questions of a bank.", "Question"),
		"QuestionImportUpload": object("A multipart/form-data upload.", obj{
			"file": obj{"type": "string", "contentMediaType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "description": "The .xlsx file."},
		}, "file"),
		"QuestionImport": object("What an import found (and, when committed, wrote).", obj{
			"rows":         nonNeg("Data rows read."),
			"questions_ok": nonNeg("Rows that make a valid question."),
			"errors": array("Each problem, by row (as Excel numbers it) and column (its header).",
				object("", obj{"row": nonNeg(""), "column": str(""), "message": str("")}, "row", "column", "message")),
			"questions": array("The questions read (preview).", ref("QuestionInput")),
			"imported":  nonNeg("Questions written (commit only)."),
		}, "rows", "questions_ok", "errors", "questions", "imported"),
		"ExamInput": object("An exam as a manager writes it; a draft may have no paper yet (publication needs one).", examInput, "title", "org_id", "opens_at", "closes_at", "duration_minutes"),
		"Exam": object("An exam.", merge(examInput, obj{
			"id": id(""), "org_name": str(""),
			"state":      enum("draft, published (candidates see it), cancelled.", "draft", "published", "cancelled"),
			"candidates": nonNeg("Candidates (fixed at publication)."),
			"max_score":  nonNeg("The paper's total points."),
			"version":    id(""), "created_by": str(""), "created_at": dateTime(""), "updated_at": dateTime(""),
		}), "id", "title", "org_id", "org_name", "audience", "opens_at", "closes_at", "duration_minutes", "pass_mark", "attempts_allowed",
			"paper", "shuffle_options", "reveal", "reveal_after", "state", "candidates", "max_score", "version", "created_by", "created_at", "updated_at"),
		"ExamList":      listSchema("Exams.", "Exam"),
		"AttemptResult": result,
		"MyExams": object("The caller's exams, on the server's clock.", obj{
			"server_now": dateTime("The server's clock: count down from it, never from the device's."),
			"items": array("", object("", obj{
				"id": id(""), "title": str(""), "org_name": str(""), "opens_at": dateTime(""), "closes_at": dateTime(""),
				"duration_minutes": nonNeg(""), "pass_mark": nonNeg(""), "max_score": nonNeg(""),
				"attempts_allowed": nonNeg(""), "attempts_used": nonNeg(""),
				"phase":           enum("upcoming: the window has not opened; open; finished: closed.", "upcoming", "open", "finished"),
				"open_attempt_id": id("An attempt in progress, to resume."),
				"can_start":       boolean("The window is open and an attempt is left."),
				"results":         array("Submitted attempts, as the exam reveals them.", ref("AttemptResult")),
			}, "id", "title", "org_name", "opens_at", "closes_at", "duration_minutes", "pass_mark", "max_score", "attempts_allowed",
				"attempts_used", "phase", "can_start", "results")),
		}, "server_now", "items"),
		"Attempt": object("An attempt as its candidate sees it: never a key or an explanation before submission.", obj{
			"id": id(""), "exam_id": id(""), "exam_title": str(""),
			"started_at": dateTime(""), "deadline": dateTime("min(start + duration, the window's close)"),
			"server_now": dateTime("The server's clock."),
			"questions": array("The candidate's paper, options relabelled A, B, … in the candidate's order.", object("", obj{
				"id": id("The question's id (answers are keyed by it)."), "kind": kind, "stem": str(""),
				"options": array("", option), "blanks": nonNeg("Fill-in: how many blanks."), "points": nonNeg(""),
			}, "id", "kind", "stem", "options", "points")),
			"answers": obj{"type": "object", "additionalProperties": value(""), "description": "Saved answers by question id."},
			"state":   enum("", states...),
			"result":  ref("AttemptResult"),
		}, "id", "exam_id", "exam_title", "started_at", "deadline", "server_now", "questions", "answers", "state"),
		"AnswerSaveInput": object("Answers to save.", obj{
			"answers": ex(array("At most 300.", object("", obj{
				"question_id": id(""),
				"value":       value("\"A\" | [\"A\",\"C\"] | true/false | [\"text\", …]; null clears."),
				"seq":         obj{"type": "integer", "minimum": 1, "description": "The device's counter for this question: a save with a seq not above the stored one is acknowledged and ignored."},
			}, "question_id", "value", "seq")), []any{}),
		}, "answers"),
		"AnswerSaveResult": object("What was acknowledged.", obj{
			"saved":      array("", object("", obj{"question_id": id(""), "seq": nonNeg("The stored seq.")}, "question_id", "seq")),
			"server_now": dateTime(""), "deadline": dateTime(""),
		}, "saved", "server_now", "deadline"),
		"AttemptRow":  attemptRow,
		"AttemptPage": pageSchema("Attempts.", "AttemptRow"),
		"ExamResults": object("An exam's results over a unit's subtree: a candidate's best submitted attempt counts; rates in [0, 1].", obj{
			"exam_id": id(""), "org_id": id(""),
			"candidates": nonNeg(""), "started": nonNeg("Candidates who started."), "submitted": nonNeg("Candidates with a submitted attempt."),
			"participation": number("submitted / candidates."), "average": number("Mean score of the submitted."),
			"pass_rate": number("passed / submitted."), "max_score": nonNeg(""),
			"median_seconds":        nonNeg("Median time taken."),
			"distribution":          array("Scores in ten bands of the maximum.", bucket),
			"duration_distribution": array("Minutes taken.", bucket),
			"short_attempts":        array("Attempts under 20 % of the median time.", ref("AttemptRow")),
			"units": array("The units directly below (or the unit itself).", object("", obj{
				"org_id": id(""), "name": str(""), "candidates": nonNeg(""), "submitted": nonNeg(""), "average": number(""), "pass_rate": number(""),
			}, "org_id", "name", "candidates", "submitted", "average", "pass_rate")),
			"questions": array("Item statistics: difficulty index = mean share of the points earned (1 easy); discrimination = share earned by the top 27 % minus the bottom 27 % by total score.", object("", obj{
				"id": id(""), "stem": str(""), "kind": kind, "attempts": nonNeg(""),
				"difficulty_index": number(""), "discrimination": number(""),
			}, "id", "stem", "kind", "attempts", "difficulty_index", "discrimination")),
		}, "exam_id", "org_id", "candidates", "started", "submitted", "participation", "average", "pass_rate", "max_score", "median_seconds",
			"distribution", "duration_distribution", "short_attempts", "units", "questions"),
	}
}

// examRoutes are the routes of question banks, exams and attempts.
func examRoutes() []*route {
	manage := []domain.Permission{domain.PermExamManage}
	take := []domain.Permission{domain.PermExamTake}
	bankID := pathID("The bank's id.")
	examID := pathID("The exam's id.")
	attemptID := pathID("The attempt's id.")
	return []*route{
		{method: "GET", path: api + "/exam-candidates", opID: "listExamCandidates", tag: "exams", summary: "Accounts of the caller's subtree that may sit an exam",
			desc:   "Names and units only (no username or phone), by name, for naming accounts in an exam's audience.",
			params: []param{qID("org_id", "Only accounts of this unit's subtree."), qString("q", "A substring of the name."), pLimit},
			status: 200, resp: "ExamCandidateList", errors: []int{404}, perms: manage, handle: (*Server).listExamCandidates},
		{method: "GET", path: api + "/exam-banks", opID: "listExamBanks", tag: "exams", summary: "Question banks of the caller's subtree",
			params: []param{qID("org_id", "Only banks of this unit's subtree.")},
			status: 200, resp: "ExamBankList", errors: []int{404}, perms: manage, handle: (*Server).listExamBanks},
		{method: "POST", path: api + "/exam-banks", opID: "createExamBank", tag: "exams", summary: "Create a question bank",
			body: jsonBody("ExamBankInput"), status: 201, resp: "ExamBank", errors: []int{404}, perms: manage, handle: (*Server).createExamBank},
		{method: "GET", path: api + "/exam-banks/{id}", opID: "getExamBank", tag: "exams", summary: "One question bank",
			params: []param{bankID}, status: 200, resp: "ExamBank", errors: []int{404}, perms: manage, handle: (*Server).getExamBank},
		{method: "PUT", path: api + "/exam-banks/{id}", opID: "updateExamBank", tag: "exams", summary: "Rename a question bank",
			params: []param{bankID}, body: jsonBody("ExamBankInput"), status: 200, resp: "ExamBank", errors: []int{404, 409},
			perms: manage, handle: (*Server).updateExamBank},
		{method: "GET", path: api + "/exam-banks/{id}/questions", opID: "listExamQuestions", tag: "exams", summary: "Questions of a bank, with their keys",
			params: []param{bankID,
				qString("q", "A substring of the stem."),
				qString("tag", "Only questions with this tag."),
				qEnum("kind", "Only questions of this kind.", "single", "multiple", "judge", "fill"),
				qInt("difficulty", "Only questions of this difficulty.", 0, 5, 0),
				qBool("retired", "Retired questions (true) instead of active ones."),
				pLimit, pOffset},
			status: 200, resp: "QuestionPage", errors: []int{404}, perms: manage, handle: (*Server).listExamQuestions},
		{method: "POST", path: api + "/exam-banks/{id}/questions", opID: "createExamQuestion", tag: "exams", summary: "Add a question to a bank",
			params: []param{bankID}, body: jsonBody("QuestionInput"), status: 201, resp: "Question", errors: []int{404},
			perms: manage, handle: (*Server).createExamQuestion},
		{method: "PUT", path: api + "/exam-questions/{id}", opID: "updateExamQuestion", tag: "exams", summary: "Change a question: a new version",
			desc:   "The attempts and published exams that hold the old version keep it: a finished attempt never changes.",
			params: []param{pathID("The question's id.")}, body: jsonBody("QuestionInput"), status: 200, resp: "Question", errors: []int{404},
			perms: manage, handle: (*Server).updateExamQuestion},
		{method: "DELETE", path: api + "/exam-questions/{id}", opID: "retireExamQuestion", tag: "exams", summary: "Retire a question",
			desc:   "It is no longer drawn or listed; attempts that hold it keep it.",
			params: []param{pathID("The question's id.")}, status: 204, errors: []int{404}, perms: manage, handle: (*Server).retireExamQuestion},
		{method: "GET", path: api + "/exam-banks/{id}/import-template", opID: "getQuestionImportTemplate", tag: "exams", summary: "The Excel template of a question import",
			desc: "An .xlsx workbook: the header row (题型*, 题干*, 选项A…选项H, 答案*, 标签, 难度, 分值, 解析), example rows, drop-downs for 题型 and 难度, " +
				"and a 说明 sheet explaining each column. An export of a bank has the same columns and imports again.",
			params: []param{bankID}, status: 200, binary: true, download: xlsxType, errors: []int{404}, perms: manage,
			handle: (*Server).getQuestionImportTemplate},
		{method: "POST", path: api + "/exam-banks/{id}/import/preview", opID: "previewQuestionImport", tag: "exams", summary: "Check a question workbook without writing",
			desc: "multipart/form-data with the .xlsx in the field `file`. Every problem is named by row and column. A cell starting with = + - @ " +
				"is read as text (never a formula), and a cell holding HTML tags is refused.",
			params: []param{bankID}, body: &bodySpec{schema: "QuestionImportUpload", multipart: true},
			status: 200, resp: "QuestionImport", errors: []int{404, 413}, transfer: true, perms: manage, handle: (*Server).previewQuestionImport},
		{method: "POST", path: api + "/exam-banks/{id}/import", opID: "importQuestions", tag: "exams", summary: "Import a question workbook",
			desc: "The same checks as the preview; every question in one transaction, or nothing: any problem answers 400 naming the first " +
				"(row and column) and how many there are.",
			params: []param{bankID}, body: &bodySpec{schema: "QuestionImportUpload", multipart: true},
			status: 200, resp: "QuestionImport", errors: []int{404, 413}, transfer: true, perms: manage, handle: (*Server).importQuestions},
		{method: "GET", path: api + "/exam-banks/{id}/export", opID: "exportExamBank", tag: "exams", summary: "A bank's active questions as an Excel workbook",
			params: []param{bankID}, status: 200, binary: true, download: xlsxType, errors: []int{404}, perms: manage, handle: (*Server).exportExamBank},

		{method: "GET", path: api + "/exams", opID: "listExams", tag: "exams", summary: "Exams of the caller's subtree",
			params: []param{qEnum("state", "Only exams in this state.", "draft", "published", "cancelled"), qID("org_id", "Only exams of this unit's subtree.")},
			status: 200, resp: "ExamList", errors: []int{404}, perms: manage, handle: (*Server).listExams},
		{method: "POST", path: api + "/exams", opID: "createExam", tag: "exams", summary: "Create an exam (a draft)",
			body: jsonBody("ExamInput"), status: 201, resp: "Exam", errors: []int{404}, perms: manage, handle: (*Server).createExam},
		{method: "GET", path: api + "/exams/{id}", opID: "getExam", tag: "exams", summary: "One exam",
			params: []param{examID}, status: 200, resp: "Exam", errors: []int{404}, perms: manage, handle: (*Server).getExam},
		{method: "PUT", path: api + "/exams/{id}", opID: "updateExam", tag: "exams", summary: "Change a draft exam",
			params: []param{examID}, body: jsonBody("ExamInput"), status: 200, resp: "Exam", errors: []int{404, 409},
			perms: manage, handle: (*Server).updateExam},
		{method: "POST", path: api + "/exams/{id}/publish", opID: "publishExam", tag: "exams", summary: "Publish a draft: its candidates are fixed and notified",
			desc: "The paper is frozen (the current version of each question; each rule's pool, refused naming the rule when a bank holds too few) " +
				"and the audience resolved to its candidates, who get a notification and a to-do line.",
			params: []param{examID}, status: 200, resp: "Exam", errors: []int{404, 409}, perms: manage, handle: (*Server).publishExam},
		{method: "POST", path: api + "/exams/{id}/cancel", opID: "cancelExam", tag: "exams", summary: "Cancel an exam",
			params: []param{examID}, status: 200, resp: "Exam", errors: []int{404, 409}, perms: manage, handle: (*Server).cancelExam},
		{method: "GET", path: api + "/my/exams", opID: "myExams", tag: "exams", summary: "The caller's exams: upcoming, open and finished",
			desc:  "With the server's clock. Results as each exam reveals them.",
			reach: reachSelf, status: 200, resp: "MyExams", perms: take, handle: (*Server).myExams},
		{method: "POST", path: api + "/exams/{id}/attempts", opID: "startAttempt", tag: "exams", summary: "Start (or resume) an attempt",
			desc: "Idempotent: an open attempt is answered, not a new one. The deadline is min(start + duration, the window's close), " +
				"on the server's clock. No key and no explanation is ever sent here.",
			params: []param{examID}, status: 200, resp: "Attempt", errors: []int{404, 409}, perms: take, handle: (*Server).startAttempt},
		{method: "GET", path: api + "/attempts/{id}", opID: "getAttempt", tag: "exams", summary: "One of the caller's attempts (resume)",
			desc:   "The paper, the saved answers and the server's clock; the result once submitted, as the exam reveals it.",
			params: []param{attemptID}, status: 200, resp: "Attempt", errors: []int{404}, perms: take, handle: (*Server).getAttempt},
		{method: "PUT", path: api + "/attempts/{id}/answers", opID: "saveAnswers", tag: "exams", summary: "Save answers (autosave)",
			desc: "Each answer with its device counter `seq`: an older or replayed save is acknowledged and ignored. After the deadline, or " +
				"once submitted, nothing is written: 423.",
			params: []param{attemptID}, body: jsonBody("AnswerSaveInput"), status: 200, resp: "AnswerSaveResult", errors: []int{404, 423},
			perms: take, handle: (*Server).saveAnswers},
		{method: "POST", path: api + "/attempts/{id}/submit", opID: "submitAttempt", tag: "exams", summary: "Submit an attempt",
			desc: "Idempotent: a second submission (a replay, another tab, the expiry job first) answers the same result; the attempt is " +
				"scored once. An `Idempotency-Key` is accepted and changes nothing.",
			params: []param{attemptID, hString("Idempotency-Key", "A client-generated key; the submission is idempotent with or without it.")},
			status: 200, resp: "AttemptResult", errors: []int{404}, perms: take, handle: (*Server).submitAttempt},
		{method: "GET", path: api + "/exams/{id}/results", opID: "examResults", tag: "exams", summary: "An exam's results and statistics",
			params: []param{examID, qID("org_id", "Only candidates of this unit's subtree.")},
			status: 200, resp: "ExamResults", errors: []int{404}, perms: manage, handle: (*Server).examResults},
		{method: "GET", path: api + "/exams/{id}/results/export", opID: "exportExamResults", tag: "exams", summary: "An exam's results as an Excel workbook",
			params: []param{examID, qID("org_id", "Only candidates of this unit's subtree.")},
			status: 200, binary: true, download: xlsxType, errors: []int{404}, perms: manage, handle: (*Server).exportExamResults},
		{method: "GET", path: api + "/exams/{id}/attempts", opID: "listExamAttempts", tag: "exams", summary: "An exam's attempts, best score first",
			params: []param{examID, qID("org_id", "Only candidates of this unit's subtree."), pLimit, pOffset},
			status: 200, resp: "AttemptPage", errors: []int{404}, perms: manage, handle: (*Server).listExamAttempts},
	}
}
