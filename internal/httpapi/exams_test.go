package httpapi

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// TestExamCandidateSeesNoKey walks every exam endpoint as a candidate
// before submission: the ones a candidate may call answer without a key, an
// explanation or a right answer's text; the managers' ones refuse (403).
// Then a submission replayed with the same Idempotency-Key, and a device
// whose clock runs an hour ahead, change nothing.
func TestExamCandidateSeesNoKey(t *testing.T) {
	e := newEnv(t)
	mgr := e.newSession("kaoshi", "考试管理员", e.bureau, domain.RoleOfficeAdmin)
	cand := e.newSession("jiaoshi", "教师", e.school, domain.RoleMember)
	var bank domain.QuestionBank
	e.call(req("POST", "/api/v1/exam-banks", map[string]any{"org_id": e.bureau, "name": "题库"}).as(mgr), 201).decode(t, &bank)
	qs := []map[string]any{
		{"kind": "single", "stem": "单选题", "options": []map[string]any{{"text": "甲选项"}, {"text": "乙选项"}}, "answer": "B", "explanation": "秘密解析一"},
		{"kind": "fill", "stem": "填空题____", "answer": []string{"秘密答案"}, "explanation": "秘密解析二"},
		{"kind": "judge", "stem": "判断题", "answer": true},
	}
	var ids []int64
	for _, q := range qs {
		var out domain.Question
		e.call(req("POST", fmt.Sprintf("/api/v1/exam-banks/%d/questions", bank.ID), q).as(mgr), 201).decode(t, &out)
		ids = append(ids, out.ID)
	}
	now := e.clk.now()
	var ex domain.Exam
	e.call(req("POST", "/api/v1/exams", map[string]any{"title": "知识考试", "org_id": e.bureau, "opens_at": now.Format(time.RFC3339),
		"closes_at": now.Add(time.Hour).Format(time.RFC3339), "duration_minutes": 20, "pass_mark": 1, "reveal": "explanations",
		"paper": map[string]any{"fixed_question_ids": ids}}).as(mgr), 201).decode(t, &ex)
	e.call(req("POST", fmt.Sprintf("/api/v1/exams/%d/publish", ex.ID), nil).as(mgr), 200)

	var bodies []string
	keep := func(r resp) resp { bodies = append(bodies, string(r.body)); return r }
	keep(e.call(req("GET", "/api/v1/my/exams", nil).as(cand), 200))
	var at domain.Attempt
	keep(e.call(req("POST", fmt.Sprintf("/api/v1/exams/%d/attempts", ex.ID), nil).as(cand), 200)).decode(t, &at)
	ahead := req("GET", fmt.Sprintf("/api/v1/attempts/%d", at.ID), nil).as(cand)
	ahead.header.Set("Date", now.Add(time.Hour).UTC().Format(time.RFC1123)) // a device clock an hour ahead
	var again domain.Attempt
	keep(e.call(ahead, 200)).decode(t, &again)
	if !again.Deadline.Equal(at.Deadline) || !again.ServerNow.Equal(now) {
		t.Fatalf("the server's clock only: deadline %v vs %v, server_now %v", again.Deadline, at.Deadline, again.ServerNow)
	}
	save := map[string]any{"answers": []map[string]any{{"question_id": at.Questions[1].ID, "value": []string{"猜的"}, "seq": 1}}}
	keep(e.call(req("PUT", fmt.Sprintf("/api/v1/attempts/%d/answers", at.ID), save).as(cand), 200))
	for _, r := range []*request{
		req("GET", "/api/v1/exam-banks", nil), req("GET", fmt.Sprintf("/api/v1/exam-banks/%d/questions", bank.ID), nil),
		req("GET", fmt.Sprintf("/api/v1/exam-banks/%d/export", bank.ID), nil), req("GET", fmt.Sprintf("/api/v1/exam-banks/%d/import-template", bank.ID), nil),
		req("GET", fmt.Sprintf("/api/v1/exams/%d", ex.ID), nil), req("GET", "/api/v1/exams", nil),
		req("GET", fmt.Sprintf("/api/v1/exams/%d/results", ex.ID), nil), req("GET", fmt.Sprintf("/api/v1/exams/%d/attempts", ex.ID), nil),
		req("GET", fmt.Sprintf("/api/v1/exams/%d/results/export", ex.ID), nil),
	} {
		keep(e.call(r.as(cand), 403))
	}
	for _, b := range bodies {
		for _, secret := range []string{`"answer"`, `"explanation"`, "秘密"} {
			if strings.Contains(b, secret) {
				t.Fatalf("%s reached the candidate before submission: %s", secret, b)
			}
		}
	}
	// Submitting twice with one key, and once more without: one result.
	var r1, r2, r3 domain.AttemptResult
	sub := func() *request {
		r := req("POST", fmt.Sprintf("/api/v1/attempts/%d/submit", at.ID), nil).as(cand)
		r.header.Set("Idempotency-Key", "6f1c1f8e-6a8b-4a4e-9b0a-3d1f1f7a9c11")
		return r
	}
	e.call(sub(), 200).decode(t, &r1)
	e.clk.add(time.Minute)
	e.call(sub(), 200).decode(t, &r2)
	e.call(req("POST", fmt.Sprintf("/api/v1/attempts/%d/submit", at.ID), nil).as(cand), 200).decode(t, &r3)
	if *r1.Score != 0 || *r2.Score != 0 || !r1.SubmittedAt.Equal(r2.SubmittedAt) || !r1.SubmittedAt.Equal(r3.SubmittedAt) {
		t.Fatalf("replayed submissions: %+v %+v %+v", r1, r2, r3)
	}
	// Now the explanations come, as the exam reveals them.
	b, _ := json.Marshal(r1)
	if !strings.Contains(string(b), "秘密解析一") {
		t.Fatalf("explanations after submission: %s", b)
	}
	e.call(req("PUT", fmt.Sprintf("/api/v1/attempts/%d/answers", at.ID), save).as(cand), 423)
}
