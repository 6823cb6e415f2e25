package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/assess"
	"github.com/zeren-edu/zeren/internal/casework"
	"github.com/zeren-edu/zeren/internal/domain"
)

// TestScopeMatrix is the scope matrix of issue 3: for every operation of the
// OpenAPI document × every built-in role × a resource in a foreign subtree,
// the answer is 403 or 404 and never the resource, and nothing of the
// foreign subtree changes.
//
// The matrix is generated from the served document, not from a list: a new
// route joins it by being in the route table. Each operation's requests are
// filled from its parameters and request schema — path ids by the collection
// they name, org_id/parent_id/ids/… by name, everything else from the
// schema's examples, enums and defaults — once with the role's own resources
// and once with the foreign ones. A route whose parameters the filler cannot
// fill fails the test, naming what to teach it.
//
// The world: two bureaus, 甲县 (A) and 乙县 (B), each with a district and a
// school. Every role has an account in A — at school A, district A, or the
// bureau for the office admin and the three administrators; the leader at a
// branch of the bureau, covering district A — so everything of B lies outside
// every role's subtree. For each operation:
//
//   - foreign: every reference filled with B's resources (every combination
//     of B's candidates), and each reference alone made foreign with the rest
//     own. Where a foreign reference is a lookup (a path id, a unit to list or
//     count, a record a body points to), the answer must be 403 or 404. Where
//     it is a filter (a search string, an evidence hash to filter by), the
//     answer may list nothing, but never anything of B.
//   - positive control, so that the matrix can fail: the same request with
//     the role's own resources succeeds (2xx) for every role holding one of
//     the operation's x-zeren-permissions (all roles when it lists none), and
//     is refused with 403 for every other role — which also holds the app
//     layer to the permissions the document declares.
//   - no response of any kind contains a marker of B (its codes, names,
//     usernames, token id, file hash) that the request did not itself carry,
//     except the installation-wide audit trail read by its own administrator
//     (x-zeren-scope installation, see routes.go); and after the operation,
//     B's units, ledger, accounts, tokens and files are byte for byte as before.
//
// Operations reaching only the caller's own session (x-zeren-scope self) and
// the public ones are sent too, for the last two checks.
func TestScopeMatrix(t *testing.T) {
	ops := matrixOps(t)
	roles := domain.BuiltinRoles()
	var cells, requests atomic.Int64
	for _, role := range roles {
		t.Run(role.Code, func(t *testing.T) {
			m := newMatrix(t, role)
			for _, op := range ops {
				n := m.run(op)
				cells.Add(1)
				requests.Add(int64(n))
			}
		})
	}
	t.Logf("scope matrix: %d operations × %d roles = %d cells, %d requests: %d foreign lookups refused (403/404), "+
		"%d positive controls succeeded on own resources, %d refused to roles lacking the permission",
		len(ops), len(roles), cells.Load(), requests.Load(), tally.refused.Load(), tally.succeeded.Load(), tally.forbidden.Load())
}

// tally counts what the matrix saw, for its log line.
var tally struct{ refused, succeeded, forbidden atomic.Int64 }

// slotKind is what a reference in a request points to.
type slotKind string

const (
	kOrg      slotKind = "org"
	kActivity slotKind = "activity"
	kAccount  slotKind = "account"
	kToken    slotKind = "token"
	kSHA      slotKind = "sha"
	kSearch   slotKind = "search" // a free-text filter
	kReport   slotKind = "report"
	kTeam     slotKind = "team"
	kMember   slotKind = "member" // a team's member, in the path after the team
	kDuty     slotKind = "duty"
	kRect     slotKind = "rectification"
	kRubric   slotKind = "rubric"
	kCase     slotKind = "case"
	kStory    slotKind = "story"
	kRule     slotKind = "concern_rule"
	kSource   slotKind = "concern_source"
	kItem     slotKind = "concern_item"
	kRobot    slotKind = "robot"
	kBank     slotKind = "exam-bank"
	kQuestion slotKind = "exam-question"
	kExam     slotKind = "exam"
	kAttempt  slotKind = "attempt"
)

// slot is one reference of a request that can point to an own or a foreign resource.
type slot struct {
	in     string // path, query or body
	name   string
	kind   slotKind
	lookup bool   // a foreign value must answer 403 or 404; false: a filter
	array  bool   // a body field holding a list of them
	format string // for a query value: fmt format of the id (target=activity:%d)
}

// matrixOp is one operation of the document, with its references.
type matrixOp struct {
	method, path, id string
	reach            string
	perms            []domain.Permission
	op               *openapi3.Operation
	slots            []slot
}

// Names of parameters and body fields that are references, and what to.
var (
	queryRefs = map[string]slot{
		"org_id":    {kind: kOrg, lookup: true},
		"under":     {kind: kOrg, lookup: true},
		"parent_id": {kind: kOrg, lookup: true},
		"evidence":  {kind: kSHA},
		"q":         {kind: kSearch},
		"actor_id":  {kind: kAccount},
		"target":    {kind: kActivity, format: "activity:%d"},
	}
	bodyRefs = map[string]slot{
		"org_id":    {kind: kOrg, lookup: true},
		"parent_id": {kind: kOrg, lookup: true},
		"org_ids":   {kind: kOrg, lookup: true, array: true},
		"ids":       {kind: kActivity, lookup: true, array: true},
	}
	// pathCollections: the kind of the {id} that follows a collection; ""
	// for the installation's records (the catalog, roles), which have no
	// owner: a fixed scratch record of the matrix stands in.
	pathCollections = map[string]slotKind{
		"activities": kActivity, "orgs": kOrg, "accounts": kAccount, "tokens": kToken,
		"activity-types": "", "roles": "",
		"reports": kReport, "report-templates": "",
		"teams": kTeam, "jobs": "",
		"duties":         kDuty,
		"rectifications": kRect, "rubrics": kRubric,
		"cases":   kCase,
		"stories": kStory, "rules": kRule, "sources": kSource, "items": kItem,
		"robots":     kRobot,
		"exam-banks": kBank, "exam-questions": kQuestion, "exams": kExam, "attempts": kAttempt,
	}
)

// matrixOps reads the operations of the served document, in a stable order.
func matrixOps(t *testing.T) []*matrixOp {
	e := newEnv(t) // only for its loaded document
	var paths []string
	for p := range e.doc.Paths.Map() {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var out []*matrixOp
	for _, p := range paths {
		item := e.doc.Paths.Value(p)
		for _, method := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			mo := &matrixOp{method: method, path: p, id: op.OperationID, op: op, reach: extString(t, op, "x-zeren-scope")}
			for _, perm := range extStrings(t, op, "x-zeren-permissions") {
				mo.perms = append(mo.perms, domain.Permission(perm))
			}
			mo.slots = opSlots(t, mo)
			out = append(out, mo)
		}
	}
	if len(out) < 50 {
		t.Fatalf("only %d operations in the document", len(out))
	}
	return out
}

func extString(t *testing.T, op *openapi3.Operation, name string) string {
	var s string
	if err := remarshal(op.Extensions[name], &s); err != nil || s == "" {
		t.Fatalf("%s: no %s (%v)", op.OperationID, name, err)
	}
	return s
}

func extStrings(t *testing.T, op *openapi3.Operation, name string) []string {
	v, ok := op.Extensions[name]
	if !ok {
		return nil
	}
	var s []string
	if err := remarshal(v, &s); err != nil {
		t.Fatalf("%s: %s: %v", op.OperationID, name, err)
	}
	return s
}

func remarshal(v, dst any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dst)
}

// opSlots finds an operation's references.
func opSlots(t *testing.T, mo *matrixOp) []slot {
	var out []slot
	for _, pr := range mo.op.Parameters {
		p := pr.Value
		switch {
		case p.In == "path" && p.Name == "id":
			coll := collectionOf(mo.path)
			kind, ok := pathCollections[coll]
			if !ok {
				t.Fatalf("%s: the matrix does not know what /%s/{id} is; add the collection to pathCollections "+
					"and its own and foreign candidates to matrix.candidates", mo.id, coll)
			}
			if kind != "" {
				out = append(out, slot{in: "path", name: "id", kind: kind, lookup: true})
			}
		case p.In == "path" && p.Name == "sha":
			out = append(out, slot{in: "path", name: "sha", kind: kSHA, lookup: true})
		case p.In == "path" && p.Name == "member_id":
			out = append(out, slot{in: "path", name: "member_id", kind: kMember, lookup: true})
		case p.In == "path":
			if p.Example == nil {
				t.Fatalf("%s: path parameter {%s} is neither a known reference nor has an example", mo.id, p.Name)
			}
		case p.In == "query":
			if s, ok := queryRefs[p.Name]; ok {
				s.in, s.name = "query", p.Name
				out = append(out, s)
			}
		}
	}
	if schema := jsonBodySchema(mo.op); schema != nil {
		for name := range properties(schema) {
			if s, ok := bodyRefs[name]; ok {
				s.in, s.name = "body", name
				out = append(out, s)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].in+out[i].name < out[j].in+out[j].name })
	return out
}

func jsonBodySchema(op *openapi3.Operation) *openapi3.Schema {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
		return mt.Schema.Value
	}
	return nil
}

func isMultipartOp(op *openapi3.Operation) bool {
	return op.RequestBody != nil && op.RequestBody.Value != nil && op.RequestBody.Value.Content.Get("multipart/form-data") != nil
}

// properties merges a schema's properties with those of its allOf parts.
func properties(s *openapi3.Schema) map[string]*openapi3.Schema {
	out := map[string]*openapi3.Schema{}
	for _, part := range s.AllOf {
		for k, v := range properties(part.Value) {
			out[k] = v
		}
	}
	for k, v := range s.Properties {
		out[k] = v.Value
	}
	return out
}

func required(s *openapi3.Schema) []string {
	out := slices.Clone(s.Required)
	for _, part := range s.AllOf {
		out = append(out, required(part.Value)...)
	}
	return out
}

// matrix is one role's run: its env, its session and the two worlds.
type matrix struct {
	*env
	t     *testing.T
	role  domain.Role
	me    *session
	perms []domain.Permission

	// A: own. U is the role's own unit.
	districtA, schoolA, u int64
	// B: foreign.
	bureauB, districtB, schoolB int64
	bActs                       []int64
	bAccount                    int64
	bToken, bSHA                string
	bReport                     int64
	bTeam, bMember              int64
	bDuty                       int64
	bRect, bRubric              int64
	bCase                       int64
	bStory, bRule, bSource      int64
	bItem                       int64
	bRobot                      int64
	bBank, bQuestion            int64
	bExam, bAttempt             int64
	bPhoto                      []byte
	markers                     []string
	before                      string // B's records before the run

	scratch   map[string]any // installation records to change, by collection
	ownSHA    string
	importSHA string               // a ledger file previewed for the import's commit
	n         int                  // a counter for unique codes, names and files
	fresh     map[slotKind][]any   // own candidates made for the current operation
	versionOf func(id int64) int64 // an activity's current version
}

func newMatrix(t *testing.T, role domain.Role) *matrix {
	t.Helper()
	ctx := context.Background()
	e := newBareEnv(t, "jia-edu", "甲县教育局")
	m := &matrix{env: e, t: t, role: role, perms: role.Permissions}
	opA := e.operator(e.bureau)
	mk := func(op domain.Actor, parent int64, kind domain.OrgKind, code, name string) int64 {
		o, err := e.app.CreateOrg(ctx, op, app.OrgInput{ParentID: parent, Kind: kind, Code: code, Name: name})
		if err != nil {
			t.Fatalf("create %s: %v", code, err)
		}
		return o.ID
	}
	m.districtA = mk(opA, e.bureau, domain.OrgDistrict, "jia-d1", "甲县城关学区")
	m.schoolA = mk(opA, m.districtA, domain.OrgSchool, "jia-s1", "甲县实验小学")
	m.bureauB = mk(domain.Actor{Name: "test", Operator: true}, 0, domain.OrgBureau, "yi-edu", "乙县教育局")
	opB := e.operator(m.bureauB)
	m.districtB = mk(opB, m.bureauB, domain.OrgDistrict, "yi-d1", "乙县第一学区")
	m.schoolB = mk(opB, m.districtB, domain.OrgSchool, "yi-s1", "乙县第一中学")

	// B's records: a draft, a submitted activity carrying a file, an
	// approved one; an account; an API token.
	// A ledger file already previewed: an import's commit names it.
	prev, err := e.app.PreviewActivityImport(ctx, opA, strings.NewReader(m.importCSV(e.types["moral_education"].Name, "导入的活动")), app.ActivityImportOptions{OrgID: e.bureau})
	if err != nil {
		t.Fatal(err)
	}
	m.importSHA = prev.FileSHA256
	m.bPhoto = decodablePNG(7, 5) // a real picture: its thumbnail is a positive control
	m.bSHA = sha256Hex(m.bPhoto)
	moral := e.types["moral_education"].ID
	for i, status := range []string{"draft", "submitted", "approved"} {
		a, err := e.app.CreateActivity(ctx, opB, domain.ActivityInput{OrgID: m.schoolB, TypeID: moral, Date: mustDate("2024-03-0" + strconv.Itoa(i+1)),
			Title: "乙县活动" + status, Attendance: 30}, status != "draft")
		if err != nil {
			t.Fatal(err)
		}
		if status == "submitted" {
			if _, err := e.app.AttachEvidence(ctx, opB, a.ID, "乙县照片.png", bytes.NewReader(m.bPhoto)); err != nil {
				t.Fatal(err)
			}
		}
		if status == "approved" {
			if _, err := e.app.Transition(ctx, opB, a.ID, domain.ActApprove, ""); err != nil {
				t.Fatal(err)
			}
		}
		m.bActs = append(m.bActs, a.ID)
	}
	ba, err := e.app.CreateAccount(ctx, opB, app.AccountInput{Username: "yi.secretary", Name: "乙县书记", OrgID: m.schoolB,
		Phone: "13800001111", Roles: []string{domain.RoleSchoolAdmin}})
	if err != nil {
		t.Fatal(err)
	}
	m.bAccount = ba.Account.ID
	issuer := opB
	issuer.AccountID = ba.Account.ID // a token records who issued it
	bt, err := e.app.CreateToken(ctx, issuer, app.TokenInput{Name: "乙县令牌", Role: domain.RoleMember, OrgID: m.schoolB, ValidDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	m.bToken = bt.ID
	m.markers = []string{"乙县", "yi-edu", "yi-d1", "yi-s1", "yi.secretary", m.bSHA, m.bToken}

	// A's fixed records: a catalog type to change, an own file in the ledger.
	ty, err := e.app.CreateType(ctx, opA, domain.ActivityType{Code: "matrix_scratch", Pillar: domain.PillarTheory, Name: "矩阵测试类型", Venues: []string{}, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	role2, err := e.app.CreateRole(ctx, opA, domain.Role{Code: "matrix_role", Name: "矩阵测试角色", Permissions: []domain.Permission{domain.PermActivityRead}})
	if err != nil {
		t.Fatal(err)
	}
	m.scratch = map[string]any{"activity-types": ty.ID, "roles": role2.ID}
	// The work report: a template to edit, and B's stored report.
	tpl, err := e.app.CreateReportTemplate(ctx, opA, "矩阵模板", "# 矩阵报告\n\n共{{ count() }}场次。\n")
	if err != nil {
		t.Fatal(err)
	}
	m.scratch["report-templates"] = tpl.ID
	// The background jobs: the runner's stand-in, with job 1 to retry and cancel.
	e.app.SetJobQueue(newStubJobs())
	m.scratch["jobs"] = int64(1)
	br, err := e.app.GenerateReport(ctx, opB, app.ReportRequest{OrgID: m.schoolB, Period: "2024"})
	if err != nil {
		t.Fatal(err)
	}
	m.bReport = br.ID
	// B's roster: a team with a member.
	bt2, err := e.app.CreateTeam(ctx, opB, domain.TeamInput{OrgID: m.schoolB, Kind: domain.TeamOutreach, Name: "乙县宣讲队"})
	if err != nil {
		t.Fatal(err)
	}
	bm, err := e.app.AddMember(ctx, opB, bt2.ID, domain.MemberInput{Name: "乙县队员", Role: domain.RoleTeamMember, OrgID: m.schoolB, Phone: "13900002222"})
	if err != nil {
		t.Fatal(err)
	}
	m.bTeam, m.bMember = bt2.ID, bm.ID
	// B's duty: a checklist item of its school.
	bd, err := e.app.CreateDuty(ctx, opB, domain.DutyInput{Year: 2026, Title: "乙县任务", Pillar: domain.PillarLeadership, OwnerOrgID: m.schoolB,
		Applies: domain.Applies{Kind: domain.AppliesSubtree, Root: m.schoolB}, Target: domain.Target{Measure: domain.MeasureChecklist, Grain: domain.GrainYear}})
	if err != nil {
		t.Fatal(err)
	}
	m.bDuty = bd.ID
	// B's rectification, carrying B's file, and B's rubric.
	brc, err := e.app.CreateRectification(ctx, opB, domain.RectificationInput{OrgID: m.schoolB, Source: domain.RectFromInspection,
		Finding: "乙县整改事项", Responsible: "乙县校长", Deadline: mustDate("2099-12-31")})
	if err == nil {
		_, err = e.app.AttachRectEvidence(ctx, opB, brc.ID, "乙县整改.png", bytes.NewReader(m.bPhoto))
	}
	if err != nil {
		t.Fatal(err)
	}
	// B's case, carrying B's file.
	bc, err := e.app.OpenCase(ctx, opB, app.CaseInput{OrgID: m.schoolB, Title: "乙县舆情事件", Severity: casework.SevGeneral})
	if err == nil {
		_, err = e.app.AttachCaseEvidence(ctx, opB, bc.ID, "乙县截图.png", bytes.NewReader(m.bPhoto))
	}
	if err != nil {
		t.Fatal(err)
	}
	m.bCase = bc.ID
	// B's public-concern records: a watch rule, a feed, a manual entry
	// carrying B's file (its story routed to B's school).
	bStory, bRule, bSource, bItem := concernRecords(t, e.app, opB, m.schoolB, "乙县", m.bPhoto)
	m.bStory, m.bRule, m.bSource, m.bItem = bStory, bRule, bSource, bItem
	bru, err := e.app.SaveRubric(ctx, opB, 0, matrixRubric(m.bureauB, "乙县考核"))
	if err != nil {
		t.Fatal(err)
	}
	m.bRect, m.bRubric = brc.ID, bru.ID
	// B's group robot, on its school.
	brb, err := e.app.AddRobot(ctx, opB, app.RobotInput{OrgID: m.schoolB, Kind: "dingtalk", Name: "乙县群", Webhook: "https://oapi.dingtalk.com/robot/send?access_token=b"})
	if err != nil {
		t.Fatal(err)
	}
	m.bRobot = brb.ID
	// B's exam: a bank with a question, a published exam, an attempt of B's account.
	m.bBank, m.bQuestion, m.bExam = m.examOf(opB, m.bureauB, m.bureauB, "乙县", true)
	bat, err := e.app.StartAttempt(ctx, domain.Actor{Name: "yi.secretary", AccountID: ba.Account.ID, OrgID: m.schoolB,
		Scope: domain.Scope{Roots: []int64{m.schoolB}}, Permissions: []domain.Permission{domain.PermExamTake}}, m.bExam)
	if err != nil {
		t.Fatal(err)
	}
	m.bAttempt = bat.ID
	m.fresh = map[slotKind][]any{}
	m.ownActivities()
	m.versionOf = func(id int64) int64 {
		a, err := e.app.GetActivity(ctx, domain.Actor{Name: "test", Operator: true, Scope: domain.Scope{Roots: []int64{e.bureau, m.bureauB}}}, id)
		if err != nil {
			return 1
		}
		return a.Version
	}

	// The role's account in A.
	switch {
	case role.Admin != domain.AdminNone:
		m.me = e.adminSession(map[domain.AdminKind]string{domain.AdminSystem: "sysadmin", domain.AdminSecurity: "secadmin", domain.AdminAudit: "auditadmin"}[role.Admin])
		m.u = e.bureau
	case role.Code == domain.RoleOfficeAdmin:
		m.u = e.bureau
	case role.Code == domain.RoleLeader:
		m.u = mk(opA, e.bureau, domain.OrgBranch, "jia-office", "甲县教育局机关党支部")
	case role.Code == domain.RoleDistrictAdmin:
		m.u = m.districtA
	default:
		m.u = m.schoolA
	}
	if m.me == nil {
		m.me = e.newSession("jia."+strings.ReplaceAll(role.Code, "_", "."), "甲县"+role.Name, m.u, role.Code)
	}
	if role.Code == domain.RoleLeader {
		if _, err := e.app.SetCoverage(ctx, opA, m.me.accountID, []int64{m.districtA}); err != nil {
			t.Fatal(err)
		}
	}
	m.before = m.snapshotB()
	return m
}

// examOf makes a bank of unit bankOrg with one true/false question, and an
// exam of unit examOrg on it, open from an hour ago for two hours; published
// when publish.
func (m *matrix) examOf(op domain.Actor, bankOrg, examOrg int64, name string, publish bool) (bank, question, exam int64) {
	ctx := context.Background()
	b, err := m.app.CreateBank(ctx, op, domain.BankInput{OrgID: bankOrg, Name: name + "题库"})
	if err != nil {
		m.t.Fatal(err)
	}
	q, err := m.app.CreateQuestion(ctx, op, b.ID, domain.QuestionInput{Kind: domain.QuestionJudge, Stem: name + "的判断题", Answer: json.RawMessage("true")})
	if err != nil {
		m.t.Fatal(err)
	}
	now := m.app.Clock().Now()
	ex, err := m.app.CreateExam(ctx, op, domain.ExamInput{Title: name + "考试", OrgID: examOrg, OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour),
		DurationMinutes: 30, Paper: domain.Paper{FixedQuestionIDs: []int64{q.ID}}})
	if err == nil && publish {
		_, err = m.app.PublishExam(ctx, op, ex.ID)
	}
	if err != nil {
		m.t.Fatal(err)
	}
	return b.ID, q.ID, ex.ID
}

// matrixRubric is a one-item rubric scoring the schools under org.
func matrixRubric(org int64, name string) app.RubricInput {
	return app.RubricInput{OrgID: org, Year: 2026, Name: name, UnitKind: domain.OrgSchool, Items: []assess.Item{
		{Name: "台账及时", Indicator: app.IndRecordsTimely, Weight: 100, Rule: assess.Rule{Kind: assess.Linear, Floor: 0.5, Full: 1}}}}
}

func mustDate(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (m *matrix) next() int { m.n++; return m.n }

// ownActivities makes a draft and a submitted activity at school A, each
// carrying the own file.
func (m *matrix) ownActivities() []any {
	ctx := context.Background()
	op := m.operator(m.bureau)
	photo := decodablePNG(5, 7)
	m.ownSHA = sha256Hex(photo)
	var out []any
	for _, submit := range []bool{false, true} {
		a, err := m.app.CreateActivity(ctx, op, domain.ActivityInput{OrgID: m.schoolA, TypeID: m.types["moral_education"].ID,
			Date: mustDate("2024-03-05"), Title: "甲县活动", Attendance: 20}, submit)
		if err != nil {
			m.t.Fatal(err)
		}
		if _, err := m.app.AttachEvidence(ctx, op, a.ID, "甲县照片.png", bytes.NewReader(photo)); err != nil {
			m.t.Fatal(err)
		}
		out = append(out, a.ID)
	}
	return out
}

// candidates are the values a reference may take on one side. The own ones
// are made fresh for each operation (an operation may delete, approve or
// disable them); the foreign ones never change.
func (m *matrix) candidates(k slotKind, foreign bool) []any {
	if foreign {
		switch k {
		case kOrg:
			return []any{m.schoolB, m.districtB, m.bureauB}
		case kActivity:
			return []any{m.bActs[0], m.bActs[1], m.bActs[2]}
		case kAccount:
			return []any{m.bAccount}
		case kToken:
			return []any{m.bToken}
		case kSHA:
			return []any{m.bSHA}
		case kSearch:
			return []any{"乙县"}
		case kReport:
			return []any{m.bReport}
		case kTeam:
			return []any{m.bTeam}
		case kMember:
			return []any{m.bMember}
		case kDuty:
			return []any{m.bDuty}
		case kRect:
			return []any{m.bRect}
		case kRubric:
			return []any{m.bRubric}
		case kCase:
			return []any{m.bCase}
		case kStory:
			return []any{m.bStory}
		case kRule:
			return []any{m.bRule}
		case kSource:
			return []any{m.bSource}
		case kItem:
			return []any{m.bItem}
		case kRobot:
			return []any{m.bRobot}
		case kBank:
			return []any{m.bBank}
		case kQuestion:
			return []any{m.bQuestion}
		case kExam:
			return []any{m.bExam}
		case kAttempt:
			return []any{m.bAttempt}
		}
		m.t.Fatalf("no foreign %s", k)
	}
	if c, ok := m.fresh[k]; ok {
		return c
	}
	ctx := context.Background()
	op := m.operator(m.bureau)
	var c []any
	switch k {
	case kOrg:
		n := m.next()
		on, err := m.app.CreateOrg(ctx, op, app.OrgInput{ParentID: m.schoolA, Kind: domain.OrgBranch, Code: fmt.Sprintf("jia-b%d", n), Name: fmt.Sprintf("甲县支部%d", n)})
		if err != nil {
			m.t.Fatal(err)
		}
		off, err := m.app.CreateOrg(ctx, op, app.OrgInput{ParentID: m.schoolA, Kind: domain.OrgBranch, Code: fmt.Sprintf("jia-c%d", n), Name: fmt.Sprintf("甲县旧支部%d", n)})
		if err == nil {
			_, err = m.app.DeactivateOrg(ctx, op, off.ID, domain.Date{})
		}
		if err != nil {
			m.t.Fatal(err)
		}
		c = []any{on.ID, off.ID, m.u}
		if m.u != m.schoolA {
			c = append(c, m.schoolA)
		}
	case kActivity:
		c = m.ownActivities()
	case kAccount:
		n := m.next()
		a, err := m.app.CreateAccount(ctx, op, app.AccountInput{Username: fmt.Sprintf("jia.user%d", n), Name: "甲县教师", OrgID: m.schoolA,
			Roles: []string{domain.RoleMember}})
		if err != nil {
			m.t.Fatal(err)
		}
		c = []any{a.Account.ID}
	case kToken:
		op.AccountID = m.admins["sysadmin"].Account.ID // a token records who issued it
		tok, err := m.app.CreateToken(ctx, op, app.TokenInput{Name: "甲县令牌", Role: domain.RoleMember, OrgID: m.schoolA, ValidDays: 30})
		if err != nil {
			m.t.Fatal(err)
		}
		c = []any{tok.ID}
	case kSHA:
		m.candidates(kActivity, false) // carries the own file
		c = []any{m.ownSHA}
	case kSearch:
		c = []any{"甲县"}
	case kReport:
		r, err := m.app.GenerateReport(ctx, op, app.ReportRequest{OrgID: m.u, Period: "2024"})
		if err != nil {
			m.t.Fatal(err)
		}
		c = []any{r.ID}
	case kTeam:
		tm, err := m.app.CreateTeam(ctx, op, domain.TeamInput{OrgID: m.schoolA, Kind: domain.TeamMonitor, Name: fmt.Sprintf("甲县监督员队%d", m.next())})
		if err != nil {
			m.t.Fatal(err)
		}
		c = []any{tm.ID}
	case kMember:
		team := m.candidates(kTeam, false)[0].(int64) // the member of the operation's own team
		mb, err := m.app.AddMember(ctx, op, team, domain.MemberInput{Name: fmt.Sprintf("甲县队员%d", m.next()), Role: domain.RoleTeamMember, OrgID: m.schoolA})
		if err != nil {
			m.t.Fatal(err)
		}
		c = []any{mb.ID}
	case kDuty:
		// A checklist duty of the role's unit, with evidence submitted by
		// the own units the operation names (so a sign-off has something
		// to sign).
		d, err := m.app.CreateDuty(ctx, op, domain.DutyInput{Year: 2026, Title: fmt.Sprintf("甲县任务%d", m.next()), Pillar: domain.PillarLeadership,
			OwnerOrgID: m.u, Applies: domain.Applies{Kind: domain.AppliesSubtree, Root: m.u}, Target: domain.Target{Measure: domain.MeasureChecklist, Grain: domain.GrainYear}})
		if err != nil {
			m.t.Fatal(err)
		}
		for _, o := range m.candidates(kOrg, false) {
			_ = m.app.SubmitDutyCheck(ctx, op, d.ID, o.(int64), "已完成", nil) // units outside the duty's reach are refused: fine
		}
		// And one nobody has worked on: a duty carrying submissions is
		// refused deletion (409), this one is deleted.
		clean, err := m.app.CreateDuty(ctx, op, domain.DutyInput{Year: 2026, Title: fmt.Sprintf("甲县任务%d", m.next()), Pillar: domain.PillarLeadership,
			OwnerOrgID: m.u, Applies: domain.Applies{Kind: domain.AppliesSubtree, Root: m.u}, Target: domain.Target{Measure: domain.MeasureChecklist, Grain: domain.GrainYear}})
		if err != nil {
			m.t.Fatal(err)
		}
		c = []any{d.ID, clean.ID}
	case kRect:
		// An open one carrying the own file (a note, a file, a submission
		// succeed on it) and a submitted one (a sign-off succeeds on it).
		m.candidates(kSHA, false)
		for i := 0; i < 2; i++ {
			r, err := m.app.CreateRectification(ctx, op, domain.RectificationInput{OrgID: m.schoolA, Finding: "甲县整改事项",
				Responsible: "甲县校长", Deadline: mustDate("2099-12-31")})
			if err == nil {
				_, err = m.app.AttachRectEvidence(ctx, op, r.ID, "甲县照片.png", bytes.NewReader(decodablePNG(5, 7)))
			}
			if err == nil && i == 1 {
				_, err = m.app.SubmitRectification(ctx, op, r.ID, "已整改")
			}
			if err != nil {
				m.t.Fatal(err)
			}
			c = append(c, r.ID)
		}
	case kCase:
		// A new case of school A carrying the own file (every step,
		// note and file succeeds on it).
		cs, err := m.app.OpenCase(ctx, op, app.CaseInput{OrgID: m.schoolA, Title: "甲县舆情事件", Severity: casework.SevGeneral})
		if err == nil {
			_, err = m.app.AttachCaseEvidence(ctx, op, cs.ID, "甲县截图.png", bytes.NewReader(decodablePNG(5, 7)))
		}
		if err != nil {
			m.t.Fatal(err)
		}
		m.ownSHA = sha256Hex(decodablePNG(5, 7))
		c = []any{cs.ID}
	case kStory, kRule, kSource, kItem:
		// A's own public-concern records, the manual entry carrying the own file.
		photo := decodablePNG(5, 7) // the own activity's file: a {sha} slot names it
		story, rule, source, item := concernRecords(m.t, m.app, op, m.schoolA, fmt.Sprintf("甲县%d", m.next()), photo)
		m.ownSHA = sha256Hex(photo)
		m.fresh[kStory], m.fresh[kRule], m.fresh[kSource], m.fresh[kItem] = []any{story}, []any{rule}, []any{source}, []any{item}
		c = m.fresh[k]
	case kRubric:
		r, err := m.app.SaveRubric(ctx, op, 0, matrixRubric(m.bureau, fmt.Sprintf("甲县考核%d", m.next())))
		if err != nil {
			m.t.Fatal(err)
		}
		c = []any{r.ID}
	case kRobot:
		r, err := m.app.AddRobot(ctx, op, app.RobotInput{OrgID: m.u, Kind: "wecom", Name: fmt.Sprintf("甲县群%d", m.next()),
			Webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a"})
		if err != nil {
			m.t.Fatal(err)
		}
		c = []any{r.ID}
	case kBank, kQuestion:
		bank, q, _ := m.examOf(op, m.u, m.u, fmt.Sprintf("甲县%d", m.next()), false)
		c = []any{bank}
		if k == kQuestion {
			c = []any{q}
		}
	case kExam:
		// A draft of the role's unit (changed, published, cancelled by a
		// manager) and a published exam of the bureau, open now, that
		// every role of A sits.
		_, _, draft := m.examOf(op, m.u, m.u, fmt.Sprintf("甲县%d", m.next()), false)
		_, _, open := m.examOf(op, m.bureau, m.bureau, fmt.Sprintf("甲县%d", m.next()), true)
		c = []any{draft, open}
	case kAttempt:
		if !slices.Contains(m.perms, domain.PermExamTake) {
			c = []any{int64(1) << 40} // refused for the permission before any lookup
			break
		}
		_, _, open := m.examOf(op, m.bureau, m.bureau, fmt.Sprintf("甲县%d", m.next()), true)
		at, err := m.app.StartAttempt(ctx, domain.Actor{Name: "me", AccountID: m.me.accountID, OrgID: m.u, Scope: domain.Scope{Roots: []int64{m.u}},
			Permissions: m.perms}, open)
		if err != nil {
			m.t.Fatal(err)
		}
		c = []any{at.ID}
	default:
		m.t.Fatalf("no own %s", k)
	}
	m.fresh[k] = c
	return c
}

// holds reports whether the role may call op at all.
func (m *matrix) holds(op *matrixOp) bool {
	if len(op.perms) == 0 {
		return true
	}
	for _, p := range op.perms {
		if slices.Contains(m.perms, p) {
			return true
		}
	}
	return false
}

// assignment is a value for each slot, and which of them are foreign.
type assignment struct {
	vals    []any
	foreign []bool
}

// product lists the combinations of one value per slot, at most max of them.
func product(lists [][]any, max int) [][]any {
	out := [][]any{{}}
	for _, l := range lists {
		var next [][]any
		for _, prefix := range out {
			for _, v := range l {
				next = append(next, append(slices.Clone(prefix), v))
			}
		}
		out = next
	}
	if len(out) > max {
		out = out[:max]
	}
	return out
}

// run sends one operation's requests as the role and checks them; it returns
// how many it sent.
func (m *matrix) run(op *matrixOp) int {
	t := m.t
	m.fresh = map[slotKind][]any{}
	sent := 0
	send := func(a assignment) resp {
		t.Helper()
		r := m.build(op, a)
		got := m.do(r.as(m.me))
		sent++
		if got.status >= 500 {
			t.Fatalf("%s as %s: %s", op.id, m.role.Code, got)
		}
		m.noMarkers(op, r, got)
		return got
	}
	if len(op.slots) == 0 {
		// Nothing to point elsewhere: one request, own and foreign alike.
		got := send(assignment{})
		m.positive(op, []resp{got})
	} else {
		// Foreign: everything foreign, then each reference alone.
		var variants [][]bool
		all := make([]bool, len(op.slots))
		for i := range all {
			all[i] = true
		}
		variants = append(variants, all)
		if len(op.slots) > 1 {
			for i := range op.slots {
				v := make([]bool, len(op.slots))
				v[i] = true
				variants = append(variants, v)
			}
		}
		for _, foreign := range variants {
			lists := make([][]any, len(op.slots))
			lookup := false
			for i, s := range op.slots {
				if foreign[i] {
					lists[i] = m.candidates(s.kind, true)
					lookup = lookup || s.lookup
				} else {
					lists[i] = m.candidates(s.kind, false)[:1]
				}
			}
			for _, vals := range product(lists, 12) {
				got := send(assignment{vals: vals, foreign: foreign})
				if lookup && op.reach != reachInstallation {
					tally.refused.Add(1)
				}
				if lookup && op.reach != reachInstallation && got.status != 403 && got.status != 404 {
					t.Errorf("%s as %s with %s: want 403 or 404, got %s", op.id, m.role.Code, describe(op, vals, foreign), got)
				}
			}
		}
		// Positive control: own resources.
		lists := make([][]any, len(op.slots))
		for i, s := range op.slots {
			lists[i] = m.candidates(s.kind, false)
		}
		var answers []resp
		for _, vals := range product(lists, 24) {
			got := send(assignment{vals: vals, foreign: make([]bool, len(op.slots))})
			answers = append(answers, got)
			if got.status < 300 || !m.holds(op) {
				break
			}
		}
		m.positive(op, answers)
	}
	if after := m.snapshotB(); after != m.before {
		t.Fatalf("%s as %s changed B's records:\nbefore %s\nafter  %s", op.id, m.role.Code, m.before, after)
	}
	if op.reach == reachSelf || op.reach == reachPublic {
		// The operation may have ended the session (logout): log in again.
		if got := m.do(req("GET", "/api/v1/auth/me", nil).as(m.me)); got.status == 401 {
			m.logIn(m.me)
		}
	}
	return sent
}

// positive checks the answers with the role's own resources.
func (m *matrix) positive(op *matrixOp, answers []resp) {
	t := m.t
	if op.reach == reachSelf || op.reach == reachPublic {
		return // the caller's own session: no permission to hold
	}
	last := answers[len(answers)-1]
	if m.holds(op) && last.status < 300 {
		tally.succeeded.Add(1)
	} else if !m.holds(op) && answers[0].status == 403 {
		tally.forbidden.Add(1)
	}
	switch {
	case m.holds(op) && last.status >= 300:
		t.Errorf("positive control: %s as %s (holding %v) fails on its own resources: %s", op.id, m.role.Code, op.perms, last)
	case !m.holds(op) && (answers[0].status != 403 || answers[0].errorOf(t).Code != "forbidden"):
		t.Errorf("positive control: %s as %s (lacking all of %v) answers %s, not 403", op.id, m.role.Code, op.perms, answers[0])
	}
}

// noMarkers fails if a response carries anything of B the request did not carry.
func (m *matrix) noMarkers(op *matrixOp, r *request, got resp) {
	if op.reach == reachInstallation && m.holds(op) && op.method == "GET" {
		return // the installation's audit trail, read by its administrator
	}
	sent := r.target + string(r.body)
	for _, mk := range m.markers {
		if strings.Contains(string(got.body), mk) && !strings.Contains(sent, mk) {
			m.t.Errorf("%s %s as %s answers %q of B: %s", r.method, r.target, m.role.Code, mk, got)
		}
	}
}

func describe(op *matrixOp, vals []any, foreign []bool) string {
	var parts []string
	for i, s := range op.slots {
		side := "own"
		if foreign[i] {
			side = "foreign"
		}
		parts = append(parts, fmt.Sprintf("%s %s=%v (%s)", s.in, s.name, vals[i], side))
	}
	return strings.Join(parts, ", ")
}

// build fills one request of op.
func (m *matrix) build(op *matrixOp, a assignment) *request {
	t := m.t
	val := func(in, name string) (any, bool) {
		for i, s := range op.slots {
			if s.in == in && s.name == name && i < len(a.vals) {
				return a.vals[i], true
			}
		}
		return nil, false
	}
	path := op.path
	query := url.Values{}
	var pathActivity int64
	for _, pr := range op.op.Parameters {
		p := pr.Value
		v, isSlot := val(p.In, p.Name)
		switch {
		case isSlot:
			if s := slotOf(op, p.In, p.Name); s.format != "" {
				v = fmt.Sprintf(s.format, v)
			}
		case p.In == "path" && p.Name == "id": // an installation record
			v = m.scratch[collectionOf(op.path)]
			if v == nil {
				t.Fatalf("%s: no scratch record for %s", op.id, op.path)
			}
		case p.In == "path" || p.Required:
			v = example(p.Schema.Value, p.Example)
		default:
			continue
		}
		s := fmt.Sprint(v)
		if p.In == "path" {
			if id, ok := v.(int64); ok && slotOf(op, "path", "id").kind == kActivity {
				pathActivity = id
			}
			path = strings.Replace(path, "{"+p.Name+"}", url.PathEscape(s), 1)
		} else {
			query.Set(p.Name, s)
		}
	}
	if strings.Contains(path, "{") {
		t.Fatalf("%s: cannot fill %s", op.id, path)
	}
	if len(query) > 0 {
		path += "?" + query.Encode()
	}
	if isMultipartOp(op.op) && strings.HasSuffix(op.path, "/members/import") {
		// A roster import takes a workbook: one new member of the team's unit.
		r := upload(path, "名单.xlsx", rosterWorkbook(t, [][]string{{"姓名", "角色"}, {fmt.Sprintf("甲县导入%d", m.next()), "成员"}}))
		r.method = op.method
		return r
	}
	if isMultipartOp(op.op) && strings.HasPrefix(op.path, "/api/v1/concern/imports") {
		// A vendor's export: one new item.
		r := upload(path, "导出.csv", []byte(fmt.Sprintf("编号,标题,正文\nm-%d,甲县导入的帖子,正文\n", m.next())))
		r.method = op.method
		return r
	}
	if isMultipartOp(op.op) && strings.HasSuffix(op.path, "/concern/manual") {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("title", fmt.Sprintf("甲县人工报送%d", m.next()))
		_ = mw.Close()
		r := &request{method: op.method, target: path, body: buf.Bytes(), header: http.Header{}}
		r.header.Set("Content-Type", mw.FormDataContentType())
		return r
	}
	if isMultipartOp(op.op) && strings.HasSuffix(op.path, "/imports/activities/preview") {
		r := upload(path, "台账.csv", []byte(m.importCSV(m.types["moral_education"].Name, fmt.Sprintf("导入%d", m.next()))))
		r.method = op.method
		return r
	}
	if isMultipartOp(op.op) && strings.HasPrefix(op.path, "/api/v1/exam-banks/") {
		// A question import takes a workbook: one true/false question.
		r := upload(path, "题库.xlsx", rosterWorkbook(t, [][]string{{"题型", "题干", "答案"}, {"判断", fmt.Sprintf("甲县导入题%d", m.next()), "对"}}))
		r.method = op.method
		return r
	}
	if isMultipartOp(op.op) && strings.HasPrefix(op.path, "/api/v1/accounts/import") {
		// An account import takes a workbook: one new account of the role's own unit.
		own, err := m.app.GetOrg(context.Background(), m.operator(m.u), m.u)
		if err != nil {
			t.Fatal(err)
		}
		r := upload(path, "账号.xlsx", rosterWorkbook(t, [][]string{{"用户名", "姓名", "单位编码"}, {fmt.Sprintf("import%d", m.next()), "导入", own.Code}}))
		r.method = op.method
		return r
	}
	if isMultipartOp(op.op) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="matrix.png"`)
		h.Set("Content-Type", "application/octet-stream")
		part, _ := mw.CreatePart(h)
		_, _ = part.Write(pngBytes(300+m.next(), 0xC))
		_ = mw.Close()
		r := &request{method: op.method, target: path, body: buf.Bytes(), header: http.Header{}}
		r.header.Set("Content-Type", mw.FormDataContentType())
		return r
	}
	schema := jsonBodySchema(op.op)
	if schema == nil {
		return req(op.method, path, nil)
	}
	body := map[string]any{}
	reqd := required(schema)
	for name, ps := range properties(schema) {
		v, isSlot := val("body", name)
		switch {
		case isSlot && slotOf(op, "body", name).array:
			body[name] = []any{v}
		case isSlot:
			body[name] = v
		case name == "type_id":
			body[name] = m.types["moral_education"].ID
		case name == "version" && strings.HasPrefix(op.path, "/api/v1/concern/"):
			// 0: a public-concern change without the version check
		case name == "version":
			body[name] = m.versionOf(pathActivity)
		case name == "file_sha256":
			body[name] = m.importSHA
		case name == "skip_duplicates":
			body[name] = true // the same file is committed by several cells
		case slices.Contains(reqd, name):
			body[name] = example(ps, nil)
			if name == "code" || name == "username" {
				body[name] = fmt.Sprintf("%v%d", body[name], m.next())
			}
		}
	}
	return req(op.method, path, body)
}

// collectionOf is the collection an {id} of path belongs to.
func collectionOf(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if s == "{id}" && i > 0 {
			return segs[i-1]
		}
	}
	return ""
}

func slotOf(op *matrixOp, in, name string) slot {
	for _, s := range op.slots {
		if s.in == in && s.name == name {
			return s
		}
	}
	return slot{}
}

// example is a valid value of a schema: its example, default or first enum
// value, or one of its type.
func example(s *openapi3.Schema, paramExample any) any {
	switch {
	case paramExample != nil:
		return paramExample
	case len(s.Examples) > 0:
		return s.Examples[0]
	case s.Example != nil:
		return s.Example
	case s.Default != nil:
		return s.Default
	case len(s.Enum) > 0:
		return s.Enum[0]
	}
	switch {
	case s.Type.Is("integer"), s.Type.Is("number"):
		if s.Min != nil {
			return int64(*s.Min)
		}
		return 1
	case s.Type.Is("boolean"):
		return false
	case s.Type.Is("array"):
		return []any{example(s.Items.Value, nil)}
	}
	return "m"
}

// snapshotB is everything of B, to compare before and after each operation.
func (m *matrix) snapshotB() string {
	ctx := context.Background()
	op := m.operator(m.bureauB)
	orgs, _, err1 := m.app.ListOrgs(ctx, op, app.OrgFilter{Limit: app.MaxPageSize})
	acts, _, err2 := m.app.ListActivities(ctx, op, app.ActivityQuery{Limit: app.MaxPageSize})
	accts, _, err3 := m.app.ListAccounts(ctx, op, "", app.MaxPageSize, 0)
	toks, err4 := m.app.ListTokens(ctx, op)
	teams, _, err5 := m.app.ListTeams(ctx, op, app.TeamQuery{})
	members, err6 := m.app.ListMembers(ctx, op, m.bTeam, true)
	rect, err7 := m.app.GetRectification(ctx, op, m.bRect)
	rubrics, err8 := m.app.ListRubrics(ctx, op, 0)
	scores, err9 := m.app.Scores(ctx, op, m.bRubric)
	bcase, err10 := m.app.GetCase(ctx, op, m.bCase)
	robots, err11 := m.app.ListRobots(ctx, op)
	exam, err12 := m.app.GetExam(ctx, op, m.bExam)
	questions, _, err13 := m.app.ListQuestions(ctx, op, m.bBank, app.QuestionQuery{})
	attempts, _, err14 := m.app.ListExamAttempts(ctx, op, m.bExam, 0, 50, 0)
	for _, err := range []error{err1, err2, err3, err4, err5, err6, err7, err8, err9, err10, err11, err12, err13, err14} {
		if err != nil {
			m.t.Fatal(err)
		}
	}
	file := m.findBlob()
	b, err := json.Marshal(map[string]any{"orgs": orgs, "activities": acts, "accounts": accts, "tokens": toks,
		"teams": teams, "members": members, "file": bytes.Equal(file, m.bPhoto), "rectification": rect, "rubrics": rubrics, "scores": scores, "case": bcase,
		"robots": robots, "exam": exam, "questions": questions, "attempts": attempts})
	if err != nil {
		m.t.Fatal(err)
	}
	return string(b)
}

// findBlob reads B's file wherever the blob store keeps it.
func (m *matrix) findBlob() []byte {
	var found []byte
	_ = filepath.WalkDir(m.dataDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(filepath.Base(p), m.bSHA) {
			found, _ = os.ReadFile(p)
		}
		return nil
	})
	return found
}

// importCSV is an office's ledger as a CSV: one record of a type, no unit
// column (the records are the import's unit's own).
func (m *matrix) importCSV(typeName, title string) string {
	return "日期,活动类型,标题,参加人数\n2024-03-06," + typeName + "," + title + ",30\n"
}

// concernRecords makes a school's public-concern records: a watch rule, a
// feed and a manual entry carrying the photo (its story is routed to the
// school). It returns the story, rule, source and item ids.
func concernRecords(t *testing.T, a *app.App, op domain.Actor, school int64, name string, photo []byte) (story, rule, source, item int64) {
	t.Helper()
	ctx := context.Background()
	r, err := a.CreateRule(ctx, op, app.RuleInput{OrgID: school, Name: name + "规则", Expr: name + " AND 食堂", Topic: "食品安全", Severity: 1})
	if err != nil {
		t.Fatal(err)
	}
	s, err := a.CreateSource(ctx, op, app.SourceInput{OrgID: school, Kind: domain.SourceRSS, Name: name + "论坛", URL: "https://bbs.example.cn/rss"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.ManualEntry(ctx, op, app.ManualInput{OrgID: school, Title: name + "食堂截图", Text: name + "家长群里说食堂饭菜不好"}, "截图.png", bytes.NewReader(photo))
	if err != nil {
		t.Fatal(err)
	}
	return st.ID, r.ID, s.ID, st.Items[0].ID
}
