package domain

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Online exams (在线考试, issue 15): question banks, exams over an audience,
// attempts on the server's clock, results and their statistics. The grading
// and the draw are pure functions in internal/exam; the types live here so
// that the store, the app and the API share them.

// QuestionKind is the kind of a question.
type QuestionKind string

const (
	QuestionSingle   QuestionKind = "single"   // 单选: one key
	QuestionMultiple QuestionKind = "multiple" // 多选: several keys, all-or-nothing
	QuestionJudge    QuestionKind = "judge"    // 判断: true/false
	QuestionFill     QuestionKind = "fill"     // 填空: one text per blank, alternatives "答案1|答案2"
)

// QuestionKinds lists the kinds in the order the template offers them.
var QuestionKinds = []QuestionKind{QuestionSingle, QuestionMultiple, QuestionJudge, QuestionFill}

// Bounds of a question and an exam.
const (
	MaxStemLen        = 2000
	MaxOptionLen      = 500
	MaxOptions        = 8
	MaxFillBlanks     = 10
	MaxFillAnswerLen  = 200
	MaxTags           = 10
	MaxTagLen         = 30
	MaxExplanationLen = 4000
	MaxQuestionPoints = 100
	MaxBankNameLen    = 100
	MaxExamTitleLen   = 100
	MaxPaperQuestions = 300
	MaxDrawRules      = 50
	MaxAudienceItems  = 5000
	MaxExamMinutes    = 600
	MaxAttempts       = 10
)

// OptionKeys are the keys options carry, in order.
const OptionKeys = "ABCDEFGH"

// ExamOption is one option of a choice question.
type ExamOption struct {
	Key  string `json:"key"`
	Text string `json:"text"`
}

// QuestionBank is a named set of questions owned by a unit.
type QuestionBank struct {
	ID          int64     `json:"id"`
	OrgID       int64     `json:"org_id"`
	OrgName     string    `json:"org_name"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Questions   int       `json:"questions"`
	Version     int       `json:"version"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// BankInput is a bank as a manager writes it.
type BankInput struct {
	OrgID       int64  `json:"org_id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Version     int    `json:"version"`
}

// Validate checks a bank's text.
func (in BankInput) Validate() (BankInput, error) {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return in, Invalid("name", "is required")
	}
	if utf8.RuneCountInString(in.Name) > MaxBankNameLen {
		return in, Invalid("name", "at most %d characters", MaxBankNameLen)
	}
	if err := TextLine("name", in.Name); err != nil {
		return in, err
	}
	if utf8.RuneCountInString(in.Description) > MaxExplanationLen {
		return in, Invalid("description", "at most %d characters", MaxExplanationLen)
	}
	return in, TextBlock("description", in.Description)
}

// Question is one question in its current version. Answer is the key: it
// is only ever sent to managers (exam.manage), never to a candidate before
// submission.
type Question struct {
	ID          int64           `json:"id"`
	BankID      int64           `json:"bank_id"`
	Version     int             `json:"version"`
	VersionID   int64           `json:"-"`
	Kind        QuestionKind    `json:"kind"`
	Stem        string          `json:"stem"`
	Options     []ExamOption    `json:"options"`
	Answer      json.RawMessage `json:"answer"`
	Tags        []string        `json:"tags"`
	Difficulty  int             `json:"difficulty"`
	Explanation string          `json:"explanation"`
	Points      int             `json:"points"`
	Retired     bool            `json:"retired"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

// QuestionInput is a question as a manager writes it (or an import row).
type QuestionInput struct {
	Kind        QuestionKind    `json:"kind"`
	Stem        string          `json:"stem"`
	Options     []ExamOption    `json:"options"`
	Answer      json.RawMessage `json:"answer"`
	Tags        []string        `json:"tags"`
	Difficulty  int             `json:"difficulty"`
	Explanation string          `json:"explanation"`
	Points      int             `json:"points"`
}

// Validate checks a question and returns it with its answer in canonical
// form: single "A"; multiple ["A","C"] (sorted, distinct); judge true/false;
// fill ["text", …] one per blank, each possibly "alt1|alt2".
func (in QuestionInput) Validate() (QuestionInput, error) {
	if !slices.Contains(QuestionKinds, in.Kind) {
		return in, Invalid("kind", "must be one of single, multiple, judge, fill")
	}
	in.Stem = strings.TrimSpace(in.Stem)
	if in.Stem == "" {
		return in, Invalid("stem", "is required")
	}
	if utf8.RuneCountInString(in.Stem) > MaxStemLen {
		return in, Invalid("stem", "at most %d characters", MaxStemLen)
	}
	if err := TextBlock("stem", in.Stem); err != nil {
		return in, err
	}
	if in.Difficulty == 0 {
		in.Difficulty = 3
	}
	if in.Difficulty < 1 || in.Difficulty > 5 {
		return in, Invalid("difficulty", "must be 1 to 5")
	}
	if in.Points == 0 {
		in.Points = 1
	}
	if in.Points < 1 || in.Points > MaxQuestionPoints {
		return in, Invalid("points", "must be 1 to %d", MaxQuestionPoints)
	}
	if utf8.RuneCountInString(in.Explanation) > MaxExplanationLen {
		return in, Invalid("explanation", "at most %d characters", MaxExplanationLen)
	}
	if err := TextBlock("explanation", in.Explanation); err != nil {
		return in, err
	}
	if err := CheckCount("tags", len(in.Tags), MaxTags, "tags"); err != nil {
		return in, err
	}
	tags := []string{}
	for i, t := range in.Tags {
		t = strings.TrimSpace(t)
		field := fmt.Sprintf("tags[%d]", i)
		if t == "" {
			continue
		}
		if utf8.RuneCountInString(t) > MaxTagLen {
			return in, Invalid(field, "at most %d characters", MaxTagLen)
		}
		if strings.ContainsAny(t, ",，|\"") {
			return in, Invalid(field, "a tag holds no comma, | or quote")
		}
		if err := TextLine(field, t); err != nil {
			return in, err
		}
		if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	in.Tags = tags
	switch in.Kind {
	case QuestionSingle, QuestionMultiple:
		if len(in.Options) < 2 {
			return in, Invalid("options", "a choice question needs at least 2 options")
		}
		if err := CheckCount("options", len(in.Options), MaxOptions, "options"); err != nil {
			return in, err
		}
		for i := range in.Options {
			field := fmt.Sprintf("options[%d].text", i)
			in.Options[i].Key = OptionKeys[i : i+1]
			in.Options[i].Text = strings.TrimSpace(in.Options[i].Text)
			if in.Options[i].Text == "" {
				return in, Invalid(field, "is required")
			}
			if utf8.RuneCountInString(in.Options[i].Text) > MaxOptionLen {
				return in, Invalid(field, "at most %d characters", MaxOptionLen)
			}
			if err := TextLine(field, in.Options[i].Text); err != nil {
				return in, err
			}
		}
	default:
		if len(in.Options) > 0 {
			return in, Invalid("options", "only choice questions have options")
		}
		in.Options = []ExamOption{}
	}
	ans, err := CanonicalAnswer(in.Kind, len(in.Options), in.Answer, true)
	if err != nil {
		return in, err
	}
	in.Answer = ans
	return in, nil
}

// CanonicalAnswer checks a value of a question's kind and returns it in
// canonical JSON. key marks the answer key (a fill key must name every
// blank; a candidate's value may leave blanks empty). options is the number
// of options of a choice question.
func CanonicalAnswer(kind QuestionKind, options int, raw json.RawMessage, key bool) (json.RawMessage, error) {
	const field = "answer"
	if len(raw) == 0 || string(raw) == "null" {
		if key {
			return nil, Invalid(field, "is required")
		}
		return json.RawMessage("null"), nil
	}
	validKey := func(k string) bool {
		return len(k) == 1 && strings.Contains(OptionKeys[:options], k)
	}
	switch kind {
	case QuestionSingle:
		var k string
		if err := json.Unmarshal(raw, &k); err != nil {
			// A one-element list is accepted as the same choice.
			var ks []string
			if json.Unmarshal(raw, &ks) != nil || len(ks) != 1 {
				return nil, Invalid(field, "a single-choice answer is one option key, e.g. \"A\"")
			}
			k = ks[0]
		}
		k = strings.ToUpper(strings.TrimSpace(k))
		if !validKey(k) {
			return nil, Invalid(field, "%q is not an option of this question", k)
		}
		return json.Marshal(k)
	case QuestionMultiple:
		var ks []string
		if err := json.Unmarshal(raw, &ks); err != nil {
			var k string
			if json.Unmarshal(raw, &k) != nil {
				return nil, Invalid(field, "a multiple-choice answer is a list of option keys, e.g. [\"A\",\"C\"]")
			}
			ks = strings.Split(k, "")
		}
		out := []string{}
		for _, k := range ks {
			k = strings.ToUpper(strings.TrimSpace(k))
			if k == "" {
				continue
			}
			if !validKey(k) {
				return nil, Invalid(field, "%q is not an option of this question", k)
			}
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
		slices.Sort(out)
		if key && len(out) < 1 {
			return nil, Invalid(field, "a multiple-choice key names at least one option")
		}
		return json.Marshal(out)
	case QuestionJudge:
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return nil, Invalid(field, "a true/false answer is true or false")
		}
		return json.Marshal(b)
	case QuestionFill:
		var ts []string
		if err := json.Unmarshal(raw, &ts); err != nil {
			var t string
			if json.Unmarshal(raw, &t) != nil {
				return nil, Invalid(field, "a fill-in answer is a list of texts, one per blank")
			}
			ts = []string{t}
		}
		if len(ts) > MaxFillBlanks {
			return nil, Invalid(field, "at most %d blanks", MaxFillBlanks)
		}
		for i, t := range ts {
			ts[i] = strings.TrimSpace(t)
			if key && ts[i] == "" {
				return nil, Invalid(field, "blank %d has no answer", i+1)
			}
			if utf8.RuneCountInString(ts[i]) > MaxFillAnswerLen {
				return nil, Invalid(field, "blank %d: at most %d characters", i+1, MaxFillAnswerLen)
			}
			if err := TextLine(field, ts[i]); err != nil {
				return nil, err
			}
		}
		if key && len(ts) == 0 {
			return nil, Invalid(field, "a fill-in key names at least one blank")
		}
		return json.Marshal(ts)
	}
	return nil, Invalid("kind", "unknown question kind")
}

// ExamState is where an exam stands.
type ExamState string

const (
	ExamDraft     ExamState = "draft"
	ExamPublished ExamState = "published"
	ExamCancelled ExamState = "cancelled"
)

// Reveal is what a candidate sees after submission.
type Reveal string

const (
	RevealScore        Reveal = "score"        // the score and pass/fail
	RevealAnswers      Reveal = "answers"      // and per question: right or wrong, the key
	RevealExplanations Reveal = "explanations" // and the explanations
)

// RevealAfter is when it is shown.
type RevealAfter string

const (
	RevealAtSubmit RevealAfter = "submit"
	RevealAtClose  RevealAfter = "close"
)

// Audience names who sits an exam: the accounts of the units' subtrees
// (all of the exam's unit when org_ids is empty) holding one of the roles
// (any role when roles is empty), plus the listed accounts. Every candidate
// must lie in the exam's unit subtree and hold exam.take.
type Audience struct {
	OrgIDs     []int64  `json:"org_ids"`
	Roles      []string `json:"roles"`
	AccountIDs []int64  `json:"account_ids"`
}

// DrawRule draws Count questions at random per candidate from a bank's
// active questions of a tag (any when empty) and difficulty (any when 0),
// each worth Points (the question's own points when 0).
type DrawRule struct {
	BankID     int64  `json:"bank_id"`
	Tag        string `json:"tag"`
	Difficulty int    `json:"difficulty"`
	Count      int    `json:"count"`
	Points     int    `json:"points"`
}

// Paper is either a fixed list of questions (the same for every
// candidate, in order) or draw rules.
type Paper struct {
	FixedQuestionIDs []int64    `json:"fixed_question_ids,omitempty"`
	Rules            []DrawRule `json:"rules,omitempty"`
}

// Exam is one exam.
type Exam struct {
	ID              int64       `json:"id"`
	Title           string      `json:"title"`
	OrgID           int64       `json:"org_id"`
	OrgName         string      `json:"org_name"`
	Audience        Audience    `json:"audience"`
	OpensAt         time.Time   `json:"opens_at"`
	ClosesAt        time.Time   `json:"closes_at"`
	DurationMinutes int         `json:"duration_minutes"`
	PassMark        int         `json:"pass_mark"`
	AttemptsAllowed int         `json:"attempts_allowed"`
	Paper           Paper       `json:"paper"`
	ShuffleOptions  bool        `json:"shuffle_options"`
	Reveal          Reveal      `json:"reveal"`
	RevealAfter     RevealAfter `json:"reveal_after"`
	State           ExamState   `json:"state"`
	Candidates      int         `json:"candidates"`
	MaxScore        int         `json:"max_score"`
	Version         int         `json:"version"`
	CreatedBy       string      `json:"created_by"`
	CreatedAt       time.Time   `json:"created_at"`
	UpdatedAt       time.Time   `json:"updated_at"`
}

// ExamInput is an exam as a manager writes it.
type ExamInput struct {
	Title           string      `json:"title"`
	OrgID           int64       `json:"org_id"`
	Audience        Audience    `json:"audience"`
	OpensAt         time.Time   `json:"opens_at"`
	ClosesAt        time.Time   `json:"closes_at"`
	DurationMinutes int         `json:"duration_minutes"`
	PassMark        int         `json:"pass_mark"`
	AttemptsAllowed int         `json:"attempts_allowed"`
	Paper           Paper       `json:"paper"`
	ShuffleOptions  bool        `json:"shuffle_options"`
	Reveal          Reveal      `json:"reveal"`
	RevealAfter     RevealAfter `json:"reveal_after"`
	Version         int         `json:"version"`
}

// Validate checks an exam's own fields (the units, banks and questions it
// names are checked against the database by the app). A draft may have no
// paper yet; publication needs one.
func (in ExamInput) Validate() (ExamInput, error) {
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		return in, Invalid("title", "is required")
	}
	if utf8.RuneCountInString(in.Title) > MaxExamTitleLen {
		return in, Invalid("title", "at most %d characters", MaxExamTitleLen)
	}
	if err := TextLine("title", in.Title); err != nil {
		return in, err
	}
	if in.OrgID <= 0 {
		return in, Invalid("org_id", "is required")
	}
	if in.OpensAt.IsZero() {
		return in, Invalid("opens_at", "is required")
	}
	if !in.ClosesAt.After(in.OpensAt) {
		return in, Invalid("closes_at", "must be after opens_at")
	}
	if in.DurationMinutes < 1 || in.DurationMinutes > MaxExamMinutes {
		return in, Invalid("duration_minutes", "must be 1 to %d", MaxExamMinutes)
	}
	if in.AttemptsAllowed == 0 {
		in.AttemptsAllowed = 1
	}
	if in.AttemptsAllowed < 1 || in.AttemptsAllowed > MaxAttempts {
		return in, Invalid("attempts_allowed", "must be 1 to %d", MaxAttempts)
	}
	if in.PassMark < 0 {
		return in, Invalid("pass_mark", "must not be negative")
	}
	if in.Reveal == "" {
		in.Reveal = RevealScore
	}
	if !slices.Contains([]Reveal{RevealScore, RevealAnswers, RevealExplanations}, in.Reveal) {
		return in, Invalid("reveal", "must be score, answers or explanations")
	}
	if in.RevealAfter == "" {
		in.RevealAfter = RevealAtSubmit
	}
	if in.RevealAfter != RevealAtSubmit && in.RevealAfter != RevealAtClose {
		return in, Invalid("reveal_after", "must be submit or close")
	}
	a := &in.Audience
	if err := CheckCount("audience.org_ids", len(a.OrgIDs), MaxAudienceItems, "units"); err != nil {
		return in, err
	}
	if err := CheckCount("audience.account_ids", len(a.AccountIDs), MaxAudienceItems, "accounts"); err != nil {
		return in, err
	}
	if err := CheckCount("audience.roles", len(a.Roles), MaxAccountRoles, "roles"); err != nil {
		return in, err
	}
	a.OrgIDs, a.AccountIDs = distinct(a.OrgIDs), distinct(a.AccountIDs)
	if a.Roles == nil {
		a.Roles = []string{}
	}
	p := &in.Paper
	switch {
	case len(p.FixedQuestionIDs) > 0 && len(p.Rules) > 0:
		return in, Invalid("paper", "either fixed_question_ids or rules, not both")
	}
	if err := CheckCount("paper.fixed_question_ids", len(p.FixedQuestionIDs), MaxPaperQuestions, "questions"); err != nil {
		return in, err
	}
	if len(distinct(p.FixedQuestionIDs)) != len(p.FixedQuestionIDs) {
		return in, Invalid("paper.fixed_question_ids", "a question is named twice")
	}
	if err := CheckCount("paper.rules", len(p.Rules), MaxDrawRules, "rules"); err != nil {
		return in, err
	}
	total := 0
	for i, r := range p.Rules {
		field := fmt.Sprintf("paper.rules[%d]", i)
		if r.BankID <= 0 {
			return in, Invalid(field+".bank_id", "is required")
		}
		if r.Difficulty < 0 || r.Difficulty > 5 {
			return in, Invalid(field+".difficulty", "must be 0 (any) or 1 to 5")
		}
		if r.Count < 1 {
			return in, Invalid(field+".count", "must be at least 1")
		}
		if r.Points < 0 || r.Points > MaxQuestionPoints {
			return in, Invalid(field+".points", "must be 0 (the question's own) to %d", MaxQuestionPoints)
		}
		p.Rules[i].Tag = strings.TrimSpace(r.Tag)
		total += r.Count
	}
	if total > MaxPaperQuestions {
		return in, Invalid("paper.rules", "at most %d questions in all, got %d", MaxPaperQuestions, total)
	}
	return in, nil
}

func distinct(ids []int64) []int64 {
	out := []int64{}
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// AttemptState is where an attempt stands.
type AttemptState string

const (
	AttemptOpen      AttemptState = "open"
	AttemptSubmitted AttemptState = "submitted" // by the candidate
	AttemptExpired   AttemptState = "expired"   // submitted by the expiry sweep at its deadline
)

// PaperQuestion is a question as a candidate sees it while sitting: no key,
// no explanation; options relabelled A, B, … in the candidate's order.
type PaperQuestion struct {
	ID      int64        `json:"id"`
	Kind    QuestionKind `json:"kind"`
	Stem    string       `json:"stem"`
	Options []ExamOption `json:"options"`
	Blanks  int          `json:"blanks,omitempty"`
	Points  int          `json:"points"`
}

// Attempt is one sitting of a candidate.
type Attempt struct {
	ID        int64                      `json:"id"`
	ExamID    int64                      `json:"exam_id"`
	ExamTitle string                     `json:"exam_title"`
	StartedAt time.Time                  `json:"started_at"`
	Deadline  time.Time                  `json:"deadline"`
	ServerNow time.Time                  `json:"server_now"`
	Questions []PaperQuestion            `json:"questions"`
	Answers   map[string]json.RawMessage `json:"answers"`
	State     AttemptState               `json:"state"`
	Result    *AttemptResult             `json:"result,omitempty"`
}

// AnswerSave is one answer sent by a device; Seq is the device's
// per-question counter: a save with a seq not above the stored one is
// acknowledged and ignored.
type AnswerSave struct {
	QuestionID int64           `json:"question_id"`
	Value      json.RawMessage `json:"value"`
	Seq        int64           `json:"seq"`
}

// SavedAnswer acknowledges one save.
type SavedAnswer struct {
	QuestionID int64 `json:"question_id"`
	Seq        int64 `json:"seq"`
}

// SaveResult answers an autosave.
type SaveResult struct {
	Saved     []SavedAnswer `json:"saved"`
	ServerNow time.Time     `json:"server_now"`
	Deadline  time.Time     `json:"deadline"`
}

// QuestionResult is one question of a submitted attempt as the reveal
// rules allow: Correct and Answer with answers, Explanation with
// explanations.
type QuestionResult struct {
	ID          int64           `json:"id"`
	Stem        string          `json:"stem"`
	Kind        QuestionKind    `json:"kind"`
	Options     []ExamOption    `json:"options"`
	Points      int             `json:"points"`
	Given       json.RawMessage `json:"given"`
	Score       *int            `json:"score,omitempty"`
	Correct     *bool           `json:"correct,omitempty"`
	Answer      json.RawMessage `json:"answer,omitempty"`
	Explanation string          `json:"explanation,omitempty"`
}

// AttemptResult is a submitted attempt's result as the reveal rules allow;
// Revealed false means only the fact of submission is shown yet (the
// results come when the window closes).
type AttemptResult struct {
	AttemptID   int64            `json:"attempt_id"`
	State       AttemptState     `json:"state"`
	SubmittedAt time.Time        `json:"submitted_at"`
	Revealed    bool             `json:"revealed"`
	RevealAt    *time.Time       `json:"reveal_at,omitempty"`
	Score       *int             `json:"score,omitempty"`
	Max         int              `json:"max"`
	Passed      *bool            `json:"passed,omitempty"`
	Questions   []QuestionResult `json:"questions"`
}

// MyExam is one exam of a candidate's list.
type MyExam struct {
	ID              int64           `json:"id"`
	Title           string          `json:"title"`
	OrgName         string          `json:"org_name"`
	OpensAt         time.Time       `json:"opens_at"`
	ClosesAt        time.Time       `json:"closes_at"`
	DurationMinutes int             `json:"duration_minutes"`
	PassMark        int             `json:"pass_mark"`
	MaxScore        int             `json:"max_score"`
	AttemptsAllowed int             `json:"attempts_allowed"`
	AttemptsUsed    int             `json:"attempts_used"`
	Phase           string          `json:"phase"` // upcoming | open | finished
	OpenAttemptID   int64           `json:"open_attempt_id,omitempty"`
	CanStart        bool            `json:"can_start"`
	Results         []AttemptResult `json:"results"`
}

// MyExams is a candidate's list of exams, on the server's clock.
type MyExams struct {
	ServerNow time.Time `json:"server_now"`
	Items     []MyExam  `json:"items"`
}

// Bucket is one bar of a distribution: [From, To) of a score or of
// minutes taken.
type Bucket struct {
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Count int     `json:"count"`
}

// UnitResult is one unit's participation and scores in an exam.
type UnitResult struct {
	OrgID      int64   `json:"org_id"`
	Name       string  `json:"name"`
	Candidates int     `json:"candidates"`
	Submitted  int     `json:"submitted"`
	Average    float64 `json:"average"`
	PassRate   float64 `json:"pass_rate"`
}

// QuestionStat is one question's item statistics over the submitted
// attempts that drew it.
type QuestionStat struct {
	ID              int64        `json:"id"`
	Stem            string       `json:"stem"`
	Kind            QuestionKind `json:"kind"`
	Attempts        int          `json:"attempts"`
	DifficultyIndex float64      `json:"difficulty_index"`
	Discrimination  float64      `json:"discrimination"`
}

// AttemptRow is one attempt in a manager's list: the candidate's name and
// unit (never the username or phone), the score and how long it took.
type AttemptRow struct {
	ID              int64        `json:"id"`
	AccountID       int64        `json:"account_id"`
	Name            string       `json:"name"`
	OrgID           int64        `json:"org_id"`
	OrgName         string       `json:"org_name"`
	State           AttemptState `json:"state"`
	StartedAt       time.Time    `json:"started_at"`
	SubmittedAt     *time.Time   `json:"submitted_at,omitempty"`
	DurationSeconds int          `json:"duration_seconds"`
	Score           int          `json:"score"`
	Max             int          `json:"max"`
	Passed          bool         `json:"passed"`
	Short           bool         `json:"short"`
}

// ExamResults are an exam's results over the candidates of a unit's
// subtree. Rates are shares in [0, 1]; a candidate's best submitted attempt
// counts.
type ExamResults struct {
	ExamID               int64          `json:"exam_id"`
	OrgID                int64          `json:"org_id"`
	Candidates           int            `json:"candidates"`
	Started              int            `json:"started"`
	Submitted            int            `json:"submitted"`
	Participation        float64        `json:"participation"`
	Average              float64        `json:"average"`
	PassRate             float64        `json:"pass_rate"`
	MaxScore             int            `json:"max_score"`
	MedianSeconds        int            `json:"median_seconds"`
	Distribution         []Bucket       `json:"distribution"`
	DurationDistribution []Bucket       `json:"duration_distribution"`
	ShortAttempts        []AttemptRow   `json:"short_attempts"`
	Units                []UnitResult   `json:"units"`
	Questions            []QuestionStat `json:"questions"`
}

// ImportError is one problem of an import file, by row and column.
type ImportError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// QuestionImport is what an import (or its preview) found.
type QuestionImport struct {
	Rows        int             `json:"rows"`
	QuestionsOK int             `json:"questions_ok"`
	Errors      []ImportError   `json:"errors"`
	Questions   []QuestionInput `json:"questions"`
	Imported    int             `json:"imported"`
}

// CandidateAccount is an account an exam may name: its name and unit only.
type CandidateAccount struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
}
