package httpapi

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/period"
)

// route is one endpoint. The ServeMux and the OpenAPI document are both built
// from the table below, so an endpoint cannot exist without its documentation.
type route struct {
	method  string
	path    string // a ServeMux pattern path, which is also the OpenAPI path
	opID    string // OpenAPI operationId
	tag     string
	summary string
	desc    string
	params  []param
	body    *bodySpec
	status  int    // the success status
	resp    string // component schema of the success body; "" for none
	binary  bool   // the success body is a stored file, not JSON
	errors  []int  // error statuses besides those every route may answer
	noDB    bool   // answers without the database (no 503); public routes only
	// transfer marks evidence uploads and downloads, which get the longer
	// transfer timeout.
	transfer bool
	// download is the media type of a generated binary body (an export);
	// "" for a stored file served with its own type.
	download string
	handle   func(*Server, *call) error

	// Who may call it. A public route answers without credentials; every
	// other route needs a login session (the zeren_session cookie) or an API
	// token (Authorization: Bearer zrn_…).
	public bool
	// session marks the routes that work on the caller's own login session
	// (logout, password, second factor): an API token cannot call them.
	session bool
	// steps are the pending login steps (app.Pending…) in which a session may
	// call the route. A session with a step pending may call nothing else.
	steps []string
	// perms are the permissions of which any one allows the call, as the app
	// layer checks them; empty means any authenticated actor, its scope
	// applying. Documented as x-zeren-permissions; the scope matrix test
	// holds the app layer to it.
	perms []domain.Permission
	// reach says what data the route reaches (x-zeren-scope); "" means
	// reachOrg for a protected route. See reachOf.
	reach string
}

// What a route reaches, documented as x-zeren-scope.
const (
	// reachPublic: nothing behind a login (health, this document, login).
	reachPublic = "public"
	// reachSelf: the caller's own session and account only.
	reachSelf = "self"
	// reachOrg: records of the org tree, limited to the actor's subtree plus
	// the units it covers; an id outside answers 404.
	reachOrg = "org"
	// reachInstallation: one thing for the whole installation — the activity
	// catalog, period closures, roles, the security policy, the audit trail —
	// guarded by the route's permission alone.
	reachInstallation = "installation"
)

// reachOf returns what rt reaches.
func (rt *route) reachOf() string {
	switch {
	case rt.public:
		return reachPublic
	case rt.session:
		return reachSelf
	case rt.reach == "":
		return reachOrg
	}
	return rt.reach
}

// allowedIn reports whether a session with the pending step may call rt.
func (rt *route) allowedIn(step string) bool {
	return step == "" || slices.Contains(rt.steps, step)
}

// unsafeMethod reports whether a request of this method changes something,
// and so needs the CSRF token when a cookie authenticates it.
func unsafeMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// bodySpec describes a request body.
type bodySpec struct {
	schema    string // component schema
	multipart bool   // multipart/form-data instead of JSON
	optional  bool   // the body may be empty
}

func jsonBody(schema string) *bodySpec { return &bodySpec{schema: schema} }

// param returns the declaration of a parameter.
func (rt *route) param(name string) (param, bool) {
	for _, p := range rt.params {
		if p.name == name {
			return p, true
		}
	}
	return param{}, false
}

// queryNames lists the query parameters, for the message about an unknown one.
func (rt *route) queryNames() string {
	var names []string
	for _, p := range rt.params {
		if p.in == "query" {
			names = append(names, p.name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// compileParams compiles the parameters' patterns once.
func compileParams(routes []*route) {
	for _, rt := range routes {
		for i := range rt.params {
			if p := &rt.params[i]; p.pattern != "" {
				p.re = regexp.MustCompile(p.pattern)
			}
		}
	}
}

const api = "/api/v1"

// Parameter declarations shared by several routes.
var (
	shaPattern = "^[0-9a-f]{64}$"
	pSHA       = pathString("sha", "The SHA-256 of the file's content: 64 lower-case hexadecimal digits.").withPattern(shaPattern)
	pLimit     = qInt("limit", "Page size.", 1, app.MaxPageSize, 50)
	pOffset    = qInt("offset", "How many items to skip.", 0, 0, 0)
	pPillar    = qEnum("pillar", "Only activity types of this pillar (六个方面).", pillarCodes()...)
	pTypeIDs   = qIDs("type_id", "Only these activity types; repeat the parameter for several. Combined with pillar, the intersection.")
	pStatuses  = qEnum("status", "Only these statuses; repeat the parameter for several.", statusNames()...).many()
	pPeriodQ   = qString("period", "A period code or Chinese label: 2024, 2024Q3, 2024-09, 2024-W05, 2024-09-01, 2024FA, 2024-2025学年, 2024年秋季学期.").withExample("2024")
)

// ledgerFilterParams are the ledger's filter and order, shared by the list
// and its export.
func ledgerFilterParams() []param {
	return []param{
		qID("org_id", "Only this unit's subtree."),
		pTypeIDs, pPillar,
		pPeriodQ,
		qDate("from", "Only activities on or after this date (when no period is given)."),
		qDate("to", "Only activities on or before this date (when no period is given)."),
		pStatuses,
		qBool("has_evidence", "Only activities with (true) or without (false) evidence files."),
		qString("q", "A substring of the title."),
		qString("evidence", "Only activities carrying the file with this SHA-256.").withPattern(shaPattern),
		qEnum("venue", "Only activities carrying this venue tag (a report figure's `venue:`).", venueCodes()...),
		qString("created_by", "Only activities entered by this account (its username)."),
		qDate("entered_on", "Only activities entered on this day (China time)."),
		qID("import_batch", "Only the records one import brought in (its `batch_id`); an import into a unit outside the caller's scope is not found."),
		qEnum("sort", "Sort key.", app.ActivitySorts()...).withDefault("date"),
		qEnum("order", "Sort direction.", "asc", "desc").withDefault("desc"),
	}
}

// routeTable is every endpoint of the server.
func routeTable() []*route {
	return withExports(append([]*route{
		// Operations.
		{method: "GET", path: "/healthz", opID: "health", tag: "ops", summary: "The process is up",
			desc:   "Answers 200 as long as the process serves HTTP; it does not touch the database (see /readyz).",
			status: 200, resp: "Health", noDB: true, public: true,
			handle: (*Server).health},
		{method: "GET", path: "/readyz", opID: "ready", tag: "ops", summary: "The database answers",
			desc:   "200 when the database answers, 503 in the error shape when it does not. Load balancers route on it.",
			status: 200, resp: "Health", public: true,
			handle: (*Server).ready},
		{method: "GET", path: "/api/openapi.json", opID: "openapi", tag: "ops", summary: "This API's OpenAPI 3.1 document",
			status: 200, resp: "OpenAPIDocument", noDB: true, public: true,
			handle: (*Server).openAPIDoc},

		// Catalog.
		{method: "GET", path: api + "/pillars", opID: "listPillars", tag: "catalog", summary: "The six pillars of the work (六个方面)",
			status: 200, resp: "PillarList", reach: reachInstallation,
			handle: (*Server).listPillars},
		{method: "GET", path: api + "/activity-types", opID: "listActivityTypes", tag: "catalog", summary: "The activity catalog",
			params: []param{pPillar, qBool("active", "true: only types in use; false: only retired types; absent: all.")},
			status: 200, resp: "ActivityTypeList", reach: reachInstallation,
			handle: (*Server).listActivityTypes},
		{method: "POST", path: api + "/activity-types", opID: "createActivityType", tag: "catalog", summary: "Add an activity type",
			body: jsonBody("ActivityTypeCreate"), status: 201, resp: "ActivityType", errors: []int{403, 409},
			reach: reachInstallation, perms: []domain.Permission{domain.PermCatalogManage},
			handle: (*Server).createActivityType},
		{method: "GET", path: api + "/activity-types/{id}", opID: "getActivityType", tag: "catalog", summary: "One activity type",
			params: []param{pathID("The activity type's id.")}, status: 200, resp: "ActivityType", errors: []int{404},
			reach:  reachInstallation,
			handle: (*Server).getActivityType},
		{method: "PUT", path: api + "/activity-types/{id}", opID: "updateActivityType", tag: "catalog", summary: "Change an activity type",
			desc:   "Replaces the type's fields. The code cannot change: records and reports refer to it. An absent `active` keeps the current value.",
			params: []param{pathID("The activity type's id.")}, body: jsonBody("ActivityTypeInput"),
			status: 200, resp: "ActivityType", errors: []int{403, 404, 409}, reach: reachInstallation, perms: []domain.Permission{domain.PermCatalogManage},
			handle: (*Server).updateActivityType},
		{method: "POST", path: api + "/activity-types/{id}/impact", opID: "activityTypeImpact", tag: "catalog", summary: "What a change of an activity type would break in the saved report templates",
			desc:   "Takes the body PUT would take and changes nothing: lists each line of a template's current version that the change would break (the type leaves the pillar named beside it, or is retired), for the office to confirm or cancel.",
			params: []param{pathID("The activity type's id.")}, body: jsonBody("ActivityTypeInput"),
			status: 200, resp: "TemplateBreakList", errors: []int{403, 404}, reach: reachInstallation, perms: []domain.Permission{domain.PermCatalogManage},
			handle: (*Server).activityTypeImpact},

		// Org tree.
		{method: "GET", path: api + "/orgs", opID: "listOrgs", tag: "orgs", summary: "Org units in scope, in tree order",
			params: []param{
				qID("under", "Only this unit's subtree, the unit included."),
				qID("parent_id", "Only the direct children of this unit."),
				qEnum("kind", "Only units of this kind.", orgKinds()...),
				qBool("active", "Only active (true) or deactivated (false) units."),
				qString("q", "A substring of the code, name or an alias."),
				pLimit, pOffset,
			},
			status: 200, resp: "OrgPage", errors: []int{404}, handle: (*Server).listOrgs},
		{method: "POST", path: api + "/orgs", opID: "createOrg", tag: "orgs", summary: "Add an org unit",
			body: jsonBody("OrgInput"), status: 201, resp: "OrgUnit", errors: []int{403, 404, 409}, perms: []domain.Permission{domain.PermOrgManage},
			handle: (*Server).createOrg},
		{method: "GET", path: api + "/orgs/{id}", opID: "getOrg", tag: "orgs", summary: "One org unit",
			params: []param{pathID("The unit's id.")}, status: 200, resp: "OrgUnit", errors: []int{404}, handle: (*Server).getOrg},
		{method: "PATCH", path: api + "/orgs/{id}", opID: "updateOrg", tag: "orgs", summary: "Rename a unit or replace its aliases",
			params: []param{pathID("The unit's id.")}, body: jsonBody("OrgPatch"),
			status: 200, resp: "OrgUnit", errors: []int{404, 409}, perms: []domain.Permission{domain.PermOrgManage},
			handle: (*Server).updateOrg},
		{method: "POST", path: api + "/orgs/{id}/move", opID: "moveOrg", tag: "orgs", summary: "Move a unit and its subtree under another parent",
			desc:   "Aggregates follow at once: the subtree's figures leave the old ancestors and join the new ones in the same transaction.",
			params: []param{pathID("The unit's id.")}, body: jsonBody("OrgMove"),
			status: 200, resp: "OrgUnit", errors: []int{404, 409}, perms: []domain.Permission{domain.PermOrgManage},
			handle: (*Server).moveOrg},
		{method: "POST", path: api + "/orgs/{id}/deactivate", opID: "deactivateOrg", tag: "orgs", summary: "End a unit's active life",
			params: []param{pathID("The unit's id.")}, body: &bodySpec{schema: "OrgDeactivate", optional: true},
			status: 200, resp: "OrgUnit", errors: []int{404, 409}, perms: []domain.Permission{domain.PermOrgManage},
			handle: (*Server).deactivateOrg},
		{method: "POST", path: api + "/orgs/{id}/reactivate", opID: "reactivateOrg", tag: "orgs", summary: "Make a deactivated unit active again",
			params: []param{pathID("The unit's id.")}, status: 200, resp: "OrgUnit", errors: []int{404, 409},
			perms:  []domain.Permission{domain.PermOrgManage},
			handle: (*Server).reactivateOrg},
		{method: "GET", path: api + "/orgs/{id}/calendar", opID: "getOrgCalendar", tag: "orgs", summary: "The semester calendar that applies to a unit",
			params: []param{pathID("The unit's id.")}, status: 200, resp: "SemesterCalendar", errors: []int{404},
			handle: (*Server).getOrgCalendar},
		{method: "PUT", path: api + "/orgs/{id}/calendar", opID: "setOrgCalendar", tag: "orgs", summary: "Set a bureau's semester boundaries",
			params: []param{pathID("The bureau's id.")}, body: jsonBody("SemesterCalendar"),
			status: 200, resp: "SemesterCalendar", errors: []int{403, 404}, perms: []domain.Permission{domain.PermPeriodClose},
			handle: (*Server).setOrgCalendar},

		// Activity ledger.
		{method: "GET", path: api + "/activities", opID: "listActivities", tag: "activities", summary: "A page of the ledger",
			desc: "The records behind any figure: GET /api/v1/aggregates returns, in `records`, the query string that lists exactly the activities it counted.",
			params: append(ledgerFilterParams(), pLimit, pOffset,
				qString("after", "Continue after the last row of an earlier page: that page's `next`. Pages by key, so every page costs the same and rows written meanwhile never repeat one; the total is counted on the first page only.").withPattern("^[A-Za-z0-9_-]{1,400}$")),
			status: 200, resp: "ActivityPage", errors: []int{404}, perms: []domain.Permission{domain.PermActivityRead},
			handle: (*Server).listActivities},
		{method: "GET", path: api + "/activities/export", opID: "exportActivities", tag: "activities", summary: "The ledger of a filter as an Excel workbook",
			desc: "The same filter as GET /api/v1/activities, every matching record (no paging), as an .xlsx file named " +
				"工作台账-<period or dates>.xlsx: a header row (日期, 单位, 单位编码, 活动类型, 方面, 标题, 参与人次, 场所, 状态, 佐证材料数, 编号) " +
				"and one row per activity, in the list's order. A filter matching more rows than an export holds answers 413 " +
				"naming the limit, never a cut-short file. Exports are audited.",
			params: ledgerFilterParams(), status: 200, binary: true, download: xlsxType, errors: []int{404, 413}, transfer: true,
			perms:  []domain.Permission{domain.PermExport},
			handle: (*Server).exportActivities},
		{method: "POST", path: api + "/activities", opID: "createActivity", tag: "activities", summary: "Record an activity",
			desc: "Creates a draft, or a submitted record when `submit` is true (the phone page's one-tap flow). " +
				"With an `Idempotency-Key` header (a UUID the client generates once per activity and keeps across retries) " +
				"a repeated request is safe: the same key with the same body from the same account (or API token) answers 201 " +
				"with the activity the first request created, and the header `Idempotent-Replayed: true`, and creates nothing; " +
				"the same key with a different body answers 409 naming `Idempotency-Key` and the fields that differ. " +
				"Concurrent requests with one key create one activity. Keys are per account: another account's key never matches. " +
				"Deleting the activity forgets its key. A date in a closed period answers 423 (drafts too); a replay answers the activity already created.",
			params: []param{hString("Idempotency-Key", "A client-generated key (a UUID) making the creation safe to retry.").
				withPattern(`^[A-Za-z0-9._:-]{1,100}$`).withExample("5f0c6a1e-8d1b-4c3e-9a57-1d2f3e4a5b6c")},
			body: jsonBody("ActivityCreate"), status: 201, resp: "Activity", errors: []int{404, 409, 423}, perms: []domain.Permission{domain.PermActivityWrite},
			handle: (*Server).createActivity},
		{method: "POST", path: api + "/activities/approve", opID: "bulkApproveActivities", tag: "activities", summary: "Approve several submitted activities at once",
			desc: "All or none: the first activity that cannot be approved is named in `field` (ids[i]) and nothing is changed.",
			body: jsonBody("BulkApprove"), status: 200, resp: "ActivityList", errors: []int{404, 409, 423},
			perms:  []domain.Permission{domain.PermActivityApprove},
			handle: (*Server).bulkApprove},
		{method: "GET", path: api + "/activities/{id}", opID: "getActivity", tag: "activities", summary: "One activity",
			params: []param{pathID("The activity's id.")}, status: 200, resp: "Activity", errors: []int{404},
			perms:  []domain.Permission{domain.PermActivityRead},
			handle: (*Server).getActivity},
		{method: "GET", path: api + "/activities/{id}/history", opID: "getActivityHistory", tag: "activities", summary: "What happened to an activity",
			desc: "Oldest first: created, edited (each changed field old → new, units and types with their names), submitted, approved, " +
				"returned (with the reason), reopened (an approved record edited by someone who may not approve goes back to review), " +
				"evidence added or removed; who (the account's name) and when. Scoped like the activity: out of scope is 404.",
			params: []param{pathID("The activity's id.")}, status: 200, resp: "ActivityHistory", errors: []int{404},
			perms: []domain.Permission{domain.PermActivityRead}, handle: (*Server).getActivityHistory},
		{method: "PUT", path: api + "/activities/{id}", opID: "updateActivity", tag: "activities", summary: "Change an activity",
			desc:   "Replaces the client-set fields. `version` must be the version read: a stale one answers 409, so two editors cannot overwrite each other.",
			params: []param{pathID("The activity's id.")}, body: jsonBody("ActivityUpdate"),
			status: 200, resp: "Activity", errors: []int{404, 409, 423}, perms: []domain.Permission{domain.PermActivityWrite},
			handle: (*Server).updateActivity},
		{method: "DELETE", path: api + "/activities/{id}", opID: "deleteActivity", tag: "activities", summary: "Delete an activity",
			params: []param{pathID("The activity's id.")}, status: 204, errors: []int{404, 423}, perms: []domain.Permission{domain.PermActivityWrite},
			handle: (*Server).deleteActivity},
		{method: "POST", path: api + "/activities/{id}/submit", opID: "submitActivity", tag: "activities", summary: "Submit a draft or returned activity for review",
			params: []param{pathID("The activity's id.")}, status: 200, resp: "Activity", errors: []int{404, 409, 423},
			perms:  []domain.Permission{domain.PermActivitySubmit},
			handle: (*Server).submitActivity},
		{method: "POST", path: api + "/activities/{id}/approve", opID: "approveActivity", tag: "activities", summary: "Approve a submitted activity",
			params: []param{pathID("The activity's id.")}, status: 200, resp: "Activity", errors: []int{404, 409, 423},
			perms:  []domain.Permission{domain.PermActivityApprove},
			handle: (*Server).approveActivity},
		{method: "POST", path: api + "/activities/{id}/return", opID: "returnActivity", tag: "activities", summary: "Return a submitted activity to its author, saying why",
			params: []param{pathID("The activity's id.")}, body: jsonBody("ReturnRequest"),
			status: 200, resp: "Activity", errors: []int{404, 409, 423}, perms: []domain.Permission{domain.PermActivityApprove},
			handle: (*Server).returnActivity},

		// Evidence.
		{method: "POST", path: api + "/activities/{id}/evidence", opID: "attachEvidence", tag: "evidence", summary: "Attach an evidence file",
			desc: "multipart/form-data with the file in the field `file`. The file is streamed to storage, checked by its content " +
				"(see /api/v1/evidence-limits) and stored once per content: the same photo attached twice is one file.",
			params: []param{pathID("The activity's id.")}, body: &bodySpec{schema: "EvidenceUpload", multipart: true},
			status: 201, resp: "Activity", errors: []int{404, 423}, transfer: true, perms: []domain.Permission{domain.PermActivityWrite},
			handle: (*Server).attachEvidence},
		{method: "DELETE", path: api + "/activities/{id}/evidence/{sha}", opID: "detachEvidence", tag: "evidence", summary: "Remove an evidence file from an activity",
			params: []param{pathID("The activity's id."), pSHA}, status: 200, resp: "Activity", errors: []int{404, 423},
			perms:  []domain.Permission{domain.PermActivityWrite},
			handle: (*Server).detachEvidence},
		{method: "GET", path: api + "/evidence/{sha}", opID: "getEvidence", tag: "evidence", summary: "A file's metadata and the activities carrying it",
			params: []param{pSHA}, status: 200, resp: "EvidenceBlob", errors: []int{404}, perms: []domain.Permission{domain.PermActivityRead},
			handle: (*Server).getEvidence},
		{method: "GET", path: api + "/evidence/{sha}/content", opID: "getEvidenceContent", tag: "evidence", summary: "A file's content",
			desc: "Served with its checked media type, `X-Content-Type-Options: nosniff`, the filename it was attached with, " +
				"ETag = the SHA-256 and immutable caching, and `Content-Security-Policy: sandbox`; photos inline, every other file " +
				"(PDF included: a PDF can carry JavaScript) as an attachment.",
			params: []param{pSHA}, status: 200, binary: true, errors: []int{304, 404}, transfer: true,
			perms:  []domain.Permission{domain.PermActivityRead},
			handle: (*Server).getEvidenceContent},
		{method: "GET", path: api + "/evidence/{sha}/thumbnail", opID: "getEvidenceThumbnail", tag: "evidence", summary: "A photo's thumbnail",
			desc: "A JPEG of at most 240 pixels on its longer side, for galleries: a smaller picture, not the file, so it is not audited " +
				"as a download (the content is). JPEG, PNG and GIF photos have one; other files answer 404.",
			params: []param{pSHA}, status: 200, binary: true, errors: []int{304, 404},
			perms:  []domain.Permission{domain.PermActivityRead},
			handle: (*Server).getEvidenceThumbnail},
		{method: "GET", path: api + "/evidence-limits", opID: "getEvidenceLimits", tag: "evidence", summary: "What files are accepted, and how large",
			desc:   "So that clients can explain the limits before an upload.",
			status: 200, resp: "EvidenceLimits", reach: reachInstallation,
			handle: (*Server).getEvidenceLimits},

		// Figures.
		{method: "GET", path: api + "/aggregates", opID: "getAggregate", tag: "aggregates", summary: "A figure: count and attendance",
			desc: "Count of activities (场次) and summed attendance (人次) of a unit's subtree over a period, for a set of types or a pillar, " +
				"counting approved records unless `status` says otherwise. Answered from rollups kept in the same transaction as every write: " +
				"always fresh. `records` is the query string for GET /api/v1/activities that lists exactly the records counted.",
			params: []param{
				qID("org_id", "The unit whose subtree is counted.").req(),
				pPeriodQ.req(),
				pTypeIDs, pPillar, pStatuses,
				qEnum("group_by", "Split the figure by activity type, direct child unit, month or status.", groupBys()...),
				qEnum("compare", "Also answer the same period one year earlier.", "last_year"),
			},
			status: 200, resp: "AggResult", errors: []int{404}, perms: []domain.Permission{domain.PermActivityRead},
			handle: (*Server).getAggregate},
		{method: "GET", path: api + "/dashboard", opID: "getDashboard", tag: "aggregates", summary: "A unit's dashboard in one answer",
			desc: "For a unit's subtree and a period, in one read transaction: the cards (each pillar against the same period last year, cut at the " +
				"same day while the period runs), the table by activity type, the heatmap of direct children × pillars (and the unit's own records), " +
				"the monthly trend of the period's year, and the unit's breadcrumbs. Approved records only; every figure carries its `records` query.",
			params: []param{qID("org_id", "The unit whose subtree is counted.").req(), pPeriodQ.req()},
			status: 200, resp: "Dashboard", errors: []int{404}, perms: []domain.Permission{domain.PermActivityRead},
			handle: (*Server).getDashboard},

		// Problems suggested from the ledger, and the office's decisions.
		{method: "GET", path: api + "/problems", opID: "listProblems", tag: "problems", summary: "Problems suggested from the ledger, with the office's decisions",
			desc: "Recomputed from the records at each call (a county year in tens of milliseconds): schools without theory study in an ended quarter, " +
				"pillars and direct child units falling against the same period last year, the share of approved records without evidence, " +
				"one evidence file on several records, records entered in bulk long after they happened. Each carries the exact numbers and, in " +
				"`evidence.records`, the query string for GET /api/v1/activities listing exactly the records it counts (for an absence, " +
				"`evidence.units` names the units). Only accepted problems reach the report.",
			params: []param{qID("org_id", "The report's unit; its subtree is examined.").req(), pPeriodQ.req()},
			status: 200, resp: "ProblemList", errors: []int{404}, perms: []domain.Permission{domain.PermActivityRead},
			handle: (*Server).listProblems},
		{method: "PUT", path: api + "/problems/{key}/decision", opID: "decideProblem", tag: "problems", summary: "Accept or drop a suggested problem",
			desc: "`decision` null makes the problem undecided again (and drops the note). The key must be one the data suggests for the unit and " +
				"period now; otherwise 404. Audited.",
			params: []param{pathString("key", "The problem's key (16 hexadecimal digits), from GET /api/v1/problems.").
				withPattern(`^[0-9a-f]{16}$`).withExample(problemKeyExample)},
			body:   jsonBody("ProblemDecision"),
			status: 200, resp: "Problem", errors: []int{403, 404}, perms: []domain.Permission{domain.PermReportManage},
			handle: (*Server).decideProblem},

		// Rectification (整改) and the yearly assessment (考核).
		{method: "GET", path: api + "/rectifications", opID: "listRectifications", tag: "rectification", summary: "Rectifications of the caller's subtree",
			desc: "Pending first, nearest deadline first. A unit's subtree readers see its items; the units above see them too " +
				"(they review them, and overdue items escalate to them: `escalated`).",
			params: []param{
				qID("org_id", "Only items owned in this unit's subtree."),
				qEnum("state", "Only items in this state.", "open", "submitted", "closed", "returned"),
				qBool("overdue", "Only pending items past their deadline."),
				qBool("escalated", "Only items escalated at least once."),
				qBool("to_review", "Only submitted items the caller signs off."),
				qYear("Only items due in this year (what an assessment counted)."),
				qDate("opened_from", "Only items opened on or after this day."),
				qDate("opened_to", "Only items opened before this day."),
				qDate("closed_from", "Only items signed off on or after this day."),
				qDate("closed_to", "Only items signed off before this day."),
				qBool("on_time", "Only closed items done by their deadline."),
				qBool("immediate", "Only closed items done within the configured days of opening (立行立改)."),
				pLimit, pOffset,
			},
			status: 200, resp: "RectificationPage", errors: []int{404}, perms: []domain.Permission{domain.PermActivityRead},
			handle: (*Server).listRectifications},
		{method: "POST", path: api + "/rectifications", opID: "createRectification", tag: "rectification", summary: "Open a rectification for a unit",
			desc: "From an accepted problem, an inspection, a case or by hand. The caller's unit signs it off, or the owner's parent " +
				"when the owner opens its own. The owner unit is notified.",
			body: jsonBody("RectificationInput"), status: 201, resp: "Rectification", errors: []int{404},
			perms: []domain.Permission{domain.PermRectReview}, handle: (*Server).createRectification},
		{method: "GET", path: api + "/rectifications/{id}", opID: "getRectification", tag: "rectification", summary: "One rectification, with its timeline and evidence",
			params: []param{pathID("The rectification's id.")}, status: 200, resp: "Rectification", errors: []int{404},
			perms: []domain.Permission{domain.PermActivityRead}, handle: (*Server).getRectification},
		{method: "POST", path: api + "/rectifications/{id}/notes", opID: "addRectificationNote", tag: "rectification", summary: "Write a progress note (owner unit)",
			params: []param{pathID("The rectification's id.")}, body: jsonBody("RectNoteInput"), status: 200, resp: "Rectification",
			errors: []int{404, 409}, perms: []domain.Permission{domain.PermActivityWrite}, handle: (*Server).addRectNote},
		{method: "POST", path: api + "/rectifications/{id}/evidence", opID: "attachRectificationEvidence", tag: "rectification", summary: "Attach a closure evidence file (owner unit)",
			desc:   "multipart/form-data with the file in the field `file`, checked and stored as the ledger's evidence (the phone's camera sends a photo).",
			params: []param{pathID("The rectification's id.")}, body: &bodySpec{schema: "RectEvidenceUpload", multipart: true},
			status: 200, resp: "Rectification", errors: []int{404, 409}, transfer: true, perms: []domain.Permission{domain.PermActivityWrite},
			handle: (*Server).attachRectEvidence},
		{method: "GET", path: api + "/rectifications/{id}/evidence/{sha}", opID: "getRectificationEvidence", tag: "rectification", summary: "A closure evidence file's content",
			desc:   "Audited as a download. Photos inline, every other file as an attachment.",
			params: []param{pathID("The rectification's id."), pSHA}, status: 200, binary: true, errors: []int{404}, transfer: true,
			perms: []domain.Permission{domain.PermActivityRead}, handle: (*Server).getRectEvidence},
		{method: "POST", path: api + "/rectifications/{id}/submit", opID: "submitRectification", tag: "rectification", summary: "Report the work done (owner unit)",
			desc:   "Needs at least one closure evidence file. The reviewing unit is notified.",
			params: []param{pathID("The rectification's id.")}, body: jsonBody("RectSubmitInput"), status: 200, resp: "Rectification",
			errors: []int{404, 409}, perms: []domain.Permission{domain.PermActivitySubmit}, handle: (*Server).submitRectification},
		{method: "POST", path: api + "/rectifications/{id}/review", opID: "reviewRectification", tag: "rectification", summary: "Sign off or send back a submitted rectification",
			desc: "Only the reviewing unit (in the caller's write scope), and never the person who submitted it (403). " +
				"Sending back needs a reason.",
			params: []param{pathID("The rectification's id.")}, body: jsonBody("RectReviewInput"), status: 200, resp: "Rectification",
			errors: []int{403, 404, 409}, perms: []domain.Permission{domain.PermRectReview}, handle: (*Server).reviewRectification},
		{method: "GET", path: api + "/indicators", opID: "listIndicators", tag: "assessment", summary: "What an assessment item may measure",
			desc:   "Work done only: records, their timeliness and approval, rectifications closed on time. Never clicks, logins or time online.",
			status: 200, resp: "IndicatorList", reach: reachInstallation, handle: (*Server).listIndicators},
		{method: "GET", path: api + "/rubrics", opID: "listRubrics", tag: "assessment", summary: "Assessment rubrics the caller reads",
			params: []param{qYear("Only this year's.")},
			status: 200, resp: "RubricList", perms: []domain.Permission{domain.PermActivityRead}, handle: (*Server).listRubrics},
		{method: "POST", path: api + "/rubrics", opID: "createRubric", tag: "assessment", summary: "Create a year's rubric",
			desc: "The weights must add up to the total (100 unless set): otherwise 400 naming `items.weight`; every rule is checked " +
				"(400 naming e.g. `items[2].rule.steps[1].points`).",
			body: jsonBody("RubricInput"), status: 201, resp: "Rubric", errors: []int{404, 409},
			perms: []domain.Permission{domain.PermAssessManage}, handle: (*Server).createRubric},
		{method: "GET", path: api + "/rubrics/{id}", opID: "getRubric", tag: "assessment", summary: "One rubric",
			params: []param{pathID("The rubric's id.")}, status: 200, resp: "Rubric", errors: []int{404},
			perms: []domain.Permission{domain.PermActivityRead}, handle: (*Server).getRubric},
		{method: "PUT", path: api + "/rubrics/{id}", opID: "updateRubric", tag: "assessment", summary: "Change a rubric (it keeps its unit and year)",
			params: []param{pathID("The rubric's id.")}, body: jsonBody("RubricUpdate"), status: 200, resp: "Rubric", errors: []int{404, 409},
			perms: []domain.Permission{domain.PermAssessManage}, handle: (*Server).updateRubric},
		{method: "GET", path: api + "/rubrics/{id}/scores", opID: "getScores", tag: "assessment", summary: "Scores and ranks under a rubric, computed from the records now",
			desc: "Each item carries its indicator's value and the link to the records counted. The caller sees the units of its scope, " +
				"each ranked among all the rubric's units.",
			params: []param{pathID("The rubric's id.")}, status: 200, resp: "Scores", errors: []int{404},
			perms: []domain.Permission{domain.PermActivityRead}, handle: (*Server).getScores},
		{method: "GET", path: api + "/rubrics/{id}/export", opID: "exportScores", tag: "assessment", summary: "The scores as an Excel workbook",
			params: []param{pathID("The rubric's id.")}, status: 200, binary: true, download: xlsxType, errors: []int{404},
			perms: []domain.Permission{domain.PermExport}, handle: (*Server).exportScores},
		{method: "POST", path: api + "/rubrics/{id}/adjustments", opID: "adjustScore", tag: "assessment", summary: "Adjust a unit's score, with a written reason",
			desc:   "Audited. The unit must be one the rubric scores.",
			params: []param{pathID("The rubric's id.")}, body: jsonBody("AdjustmentInput"), status: 201, resp: "Adjustment", errors: []int{404},
			perms: []domain.Permission{domain.PermAssessManage}, handle: (*Server).adjustScore},

		// Teams and their members (队伍名册).
		{method: "GET", path: api + "/teams", opID: "listTeams", tag: "rosters", summary: "Teams of the actor's subtree, with today's member counts",
			desc: "Outreach teams (宣讲队伍), online commentators (网评员), opinion monitors (舆情监督员), information officers (信息员) " +
				"and volunteer teams (志愿服务队伍), by unit then name.",
			params: []param{
				qID("org_id", "Only teams of this unit's subtree."),
				qEnum("kind", "Only teams of this kind.", teamKindCodes()...),
				qBool("active", "Only active (true) or deactivated (false) teams."),
				qString("q", "A substring of the team's name."),
				qDate("at", "Only teams standing on this day, with their members on that day: what a report figure counted (its records link carries it)."),
				pLimit, pOffset,
			},
			status: 200, resp: "TeamPage", errors: []int{404}, perms: []domain.Permission{domain.PermActivityRead},
			handle: (*Server).listTeams},
		{method: "POST", path: api + "/teams", opID: "createTeam", tag: "rosters", summary: "Create a team of a unit",
			body: jsonBody("TeamInput"), status: 201, resp: "Team", errors: []int{404, 409}, perms: []domain.Permission{domain.PermRosterManage},
			handle: (*Server).createTeam},
		{method: "GET", path: api + "/imports/activities/template", opID: "getActivityImportTemplate", tag: "activities", summary: "The Excel template of a ledger import for a unit",
			desc: "An .xlsx workbook: the header row (日期*, 单位, 活动类型*, 标题*, 内容, 参加人数, 阵地), one example row, drop-downs of the " +
				"unit's subtree (at most 2000 units), the catalog's types and the venues (from a hidden sheet), and a sheet explaining each column.",
			params: []param{{name: "org_id", in: "query", kind: kindInt, desc: "The unit the records will belong to.", min: 1, hasMin: true, required: true}},
			status: 200, binary: true, download: xlsxType, errors: []int{404}, perms: []domain.Permission{domain.PermActivityWrite},
			handle: (*Server).getActivityImportTemplate},
		{method: "POST", path: api + "/imports/activities/preview", opID: "previewActivityImport", tag: "activities", summary: "Preview an import of an office's own ledger workbook",
			desc: "multipart/form-data with the .xlsx (Excel, WPS or LibreOffice) or CSV (UTF-8 or GBK) in the field `file`. Nothing is written: " +
				"the answer says how every row would be imported — the header row found, the column mapping (`mapping` given here, else the one " +
				"the unit saved at its last import, else suggested from the headers), each row's problems by row and column in Chinese with " +
				"suggestions for near-miss unit and type names, and duplicates of existing records or of earlier rows (same unit, type, day and " +
				"title). The file is kept under its SHA-256 for the commit.",
			params: []param{
				{name: "org_id", in: "query", kind: kindInt, desc: "The unit the records belong to: rows name units of its subtree, or none (then its own).", min: 1, hasMin: true, required: true},
				qInt("year", "Completes dates written without a year (3月1日); 0: none.", 0, 2100, 0),
				qString("mapping", "Field to 0-based column, e.g. `date:1,org:2,type:3,title:4`; empty: saved or suggested."),
			},
			body:   &bodySpec{schema: "ActivityImportUpload", multipart: true},
			status: 200, resp: "ActivityImportPreview", errors: []int{404, 413}, transfer: true,
			perms:  []domain.Permission{domain.PermActivityWrite},
			handle: (*Server).previewActivityImport},
		{method: "POST", path: api + "/imports/activities", opID: "commitActivityImport", tag: "activities", summary: "Import a previewed ledger workbook",
			desc: "Judges the previewed file again with the same options and writes every row in one transaction, submitted for review, as one " +
				"import batch holding the file's SHA-256 — or nothing: any row with a problem answers 400 naming it, and a duplicate does too " +
				"unless `skip_duplicates`. The mapping is saved for the unit's next import. Imported records are left out of the back-filling " +
				"problem (rule 6): their entry day is the import's.",
			body: jsonBody("ActivityImportCommit"), status: 200, resp: "ActivityImportResult", errors: []int{404, 423},
			perms:  []domain.Permission{domain.PermActivityWrite, domain.PermActivitySubmit},
			handle: (*Server).commitActivityImport},
		{method: "GET", path: api + "/teams/import-template", opID: "getMemberImportTemplate", tag: "rosters", summary: "The Excel template of a member import",
			desc: "An .xlsx workbook: the header row (姓名, 角色, 单位编码, 单位名称, 职务, 手机号, 加入日期), one example row, " +
				"and a second sheet explaining each column.",
			status: 200, binary: true, download: xlsxType, reach: reachInstallation, perms: []domain.Permission{domain.PermRosterManage},
			handle: (*Server).getMemberImportTemplate},
		{method: "GET", path: api + "/teams/{id}", opID: "getTeam", tag: "rosters", summary: "One team",
			params: []param{pathID("The team's id.")}, status: 200, resp: "Team", errors: []int{404},
			perms:  []domain.Permission{domain.PermActivityRead},
			handle: (*Server).getTeam},
		{method: "PUT", path: api + "/teams/{id}", opID: "updateTeam", tag: "rosters", summary: "Change a team's kind, name, description or founding date",
			desc:   "A team stays with its unit: `org_id` must be the team's own.",
			params: []param{pathID("The team's id.")}, body: jsonBody("TeamInput"),
			status: 200, resp: "Team", errors: []int{404, 409}, perms: []domain.Permission{domain.PermRosterManage},
			handle: (*Server).updateTeam},
		{method: "POST", path: api + "/teams/{id}/deactivate", opID: "deactivateTeam", tag: "rosters", summary: "Deactivate a team as of today",
			desc:   "The team no longer counts in figures from today; it still counts for periods that ended before.",
			params: []param{pathID("The team's id.")}, status: 200, resp: "Team", errors: []int{404},
			perms:  []domain.Permission{domain.PermRosterManage},
			handle: (*Server).deactivateTeam},
		{method: "POST", path: api + "/teams/{id}/activate", opID: "activateTeam", tag: "rosters", summary: "Reactivate a deactivated team",
			params: []param{pathID("The team's id.")}, status: 200, resp: "Team", errors: []int{404},
			perms:  []domain.Permission{domain.PermRosterManage},
			handle: (*Server).activateTeam},
		{method: "GET", path: api + "/teams/{id}/members", opID: "listMembers", tag: "rosters", summary: "A team's members",
			desc:   "Phones are masked. Today's members, leaders first; with `all=true` also those who left, last.",
			params: []param{pathID("The team's id."), qBool("all", "Also list members who left.")},
			status: 200, resp: "MemberList", errors: []int{404}, perms: []domain.Permission{domain.PermActivityRead},
			handle: (*Server).listMembers},
		{method: "POST", path: api + "/teams/{id}/members", opID: "addMember", tag: "rosters", summary: "Add a member to a team",
			desc: "The member's unit (`org_id`) must lie in the team's unit's subtree and in the caller's scope. " +
				"A person (name and unit) is a current member of a team once (409).",
			params: []param{pathID("The team's id.")}, body: jsonBody("MemberInput"),
			status: 201, resp: "Member", errors: []int{404, 409}, perms: []domain.Permission{domain.PermRosterManage},
			handle: (*Server).addMember},
		{method: "POST", path: api + "/teams/{id}/members/import", opID: "importMembers", tag: "rosters", summary: "Import a team's members from an Excel workbook",
			desc: "multipart/form-data with the .xlsx in the field `file` (see GET /api/v1/teams/import-template for the columns). " +
				"All or nothing: any bad row answers 400 and imports nothing; the message lists every problem, one a line, with its " +
				"row number as Excel shows it and its column (第 5 行 角色：未知角色“队员长”…), and `field` names the first one " +
				"(rows[5].role). A person twice in the file, or already a member, is such a problem.",
			params: []param{pathID("The team's id.")}, body: &bodySpec{schema: "MemberImportUpload", multipart: true},
			status: 200, resp: "MemberImportResult", errors: []int{404}, transfer: true, perms: []domain.Permission{domain.PermRosterManage},
			handle: (*Server).importMembers},
		{method: "GET", path: api + "/teams/{id}/members/{member_id}", opID: "getMember", tag: "rosters", summary: "One member",
			desc:   "The phone is in full only for a roster.manage holder who may change the team; masked otherwise (`phone_masked`).",
			params: []param{pathID("The team's id."), pMemberID}, status: 200, resp: "Member", errors: []int{404},
			perms:  []domain.Permission{domain.PermActivityRead},
			handle: (*Server).getMember},
		{method: "PUT", path: api + "/teams/{id}/members/{member_id}", opID: "updateMember", tag: "rosters", summary: "Change a member; `left_on` records leaving",
			desc:   "A member who left keeps counting for periods that ended before `left_on`.",
			params: []param{pathID("The team's id."), pMemberID}, body: jsonBody("MemberInput"),
			status: 200, resp: "Member", errors: []int{404, 409}, perms: []domain.Permission{domain.PermRosterManage},
			handle: (*Server).updateMember},
		{method: "DELETE", path: api + "/teams/{id}/members/{member_id}", opID: "removeMember", tag: "rosters", summary: "Delete a member entered by mistake",
			desc:   "To record that someone left, set `left_on` instead (PUT): past figures then stay as they were.",
			params: []param{pathID("The team's id."), pMemberID}, status: 204, errors: []int{404},
			perms:  []domain.Permission{domain.PermRosterManage},
			handle: (*Server).removeMember},

		// Periods.
		{method: "GET", path: api + "/clock", opID: "getClock", tag: "periods", summary: "Today and now, in the bureau's time zone",
			desc: "The server's clock is the only clock: clients take today's date (a form's default date, the running period) " +
				"from here, never from the device, whose clock and time zone may differ from the bureau's.",
			status: 200, resp: "Clock", reach: reachInstallation, handle: (*Server).getClock},
		{method: "GET", path: api + "/periods/current", opID: "getCurrentPeriod", tag: "periods", summary: "The period of a kind containing today",
			params: []param{
				qEnum("kind", "The kind of period.", periodKinds()...).req(),
				qID("org_id", "Resolve semesters and school years with this unit's bureau calendar."),
			},
			status: 200, resp: "ResolvedPeriod", errors: []int{404}, handle: (*Server).getCurrentPeriod},
		{method: "GET", path: api + "/periods/{code}", opID: "getPeriod", tag: "periods", summary: "Parse a period and resolve its dates",
			params: []param{
				pathString("code", "A period code or Chinese label (URL-encoded): 2024, 2024Q3, 2024-09, 2024FA, 2024-2025学年…").withExample("2024Q3"),
				qID("org_id", "Resolve semesters and school years with this unit's bureau calendar."),
			},
			status: 200, resp: "ResolvedPeriod", errors: []int{404}, handle: (*Server).getPeriod},
		{method: "GET", path: api + "/period-closures", opID: "listPeriodClosures", tag: "periods", summary: "Closed periods, newest first",
			status: 200, resp: "PeriodClosureList", reach: reachInstallation,
			handle: (*Server).listPeriodClosures},
		{method: "POST", path: api + "/period-closures", opID: "closePeriod", tag: "periods", summary: "Close a period",
			desc: "Nothing dated in a closed period can be created, edited, moved in or out, deleted, submitted, approved, returned or have its evidence changed (423) until it is reopened. Audited.",
			body: jsonBody("PeriodClosureRequest"), status: 201, resp: "PeriodClosure", errors: []int{403, 409},
			reach: reachInstallation, perms: []domain.Permission{domain.PermPeriodClose},
			handle: (*Server).closePeriod},
		{method: "DELETE", path: api + "/period-closures/{period}", opID: "reopenPeriod", tag: "periods", summary: "Reopen a closed period",
			desc:   "Records dated in the period can change again. Needs period.close; audited with the closure it removes.",
			params: []param{pathString("period", "The closed period's code (URL-encoded).").withExample("2023")}, status: 204, errors: []int{403, 404},
			reach: reachInstallation, perms: []domain.Permission{domain.PermPeriodClose},
			handle: (*Server).reopenPeriod},

		// Login and the caller's own session.
		{method: "POST", path: api + "/auth/login", opID: "login", tag: "auth", summary: "Log in with a username and password",
			desc: "Answers the session in a cookie, `zeren_session` (HttpOnly, SameSite=Strict, Secure over TLS), and in the body the " +
				"`csrf_token` that every cookie-authenticated POST, PUT, PATCH and DELETE must carry in the `X-CSRF-Token` header. " +
				"`pending` names the step the session must pass before anything else: `password_change` (first login, or the password " +
				"expired), `totp_enrol` (the role needs a second factor and none is enrolled) or `totp` (enter the current code). " +
				"A wrong username and a wrong password answer alike (401). After too many failures the account is locked (423) and " +
				"too many attempts are slowed down (429); both say in `retry_at` and `Retry-After` when to try again.",
			public: true, body: jsonBody("LoginRequest"), status: 200, resp: "LoginResult", errors: []int{401, 403, 423, 429},
			handle: (*Server).login},
		{method: "POST", path: api + "/auth/logout", opID: "logout", tag: "auth", summary: "End the session",
			session: true, steps: allSteps, status: 204, handle: (*Server).logout},
		{method: "GET", path: api + "/auth/me", opID: "getMe", tag: "auth", summary: "Who is logged in, with what permissions, and what step is pending",
			desc:    "Also answers the session's `csrf_token`, so a reloaded web app can recover it.",
			session: true, steps: allSteps, status: 200, resp: "Me", handle: (*Server).getMe},
		{method: "POST", path: api + "/auth/password", opID: "changePassword", tag: "auth", summary: "Change the password",
			desc: "Checks the current password and the policy (GET /api/v1/policy): length, character classes, no reuse of recent " +
				"passwords. Every other session of the account ends. Answers the session as GET /api/v1/auth/me does: a second " +
				"factor may still be pending.",
			session: true, steps: []string{app.PendingPasswordChange}, body: jsonBody("PasswordChange"),
			status: 200, resp: "Me", handle: (*Server).changePassword},
		{method: "POST", path: api + "/auth/totp/enrol", opID: "enrolTOTP", tag: "auth", summary: "Start enrolling a second factor (TOTP)",
			desc: "Answers a new secret and its otpauth:// URI, to show once as a QR code. The second factor takes effect when a " +
				"code from it is confirmed with POST /api/v1/auth/totp/verify.",
			session: true, steps: []string{app.PendingTOTPEnrol}, status: 200, resp: "TOTPEnrolment", errors: []int{409},
			handle: (*Server).enrolTOTP},
		{method: "POST", path: api + "/auth/totp/verify", opID: "verifyTOTP", tag: "auth", summary: "Enter a second-factor code",
			desc: "Confirms an enrolment, or passes the second factor of a login. A code is accepted once. " +
				"A wrong code is a failed login: it counts toward the account's lockout (the same count as wrong passwords) " +
				"and the client address's failure limit; the lock (423) ends the half-logged-in session, and 423 and 429 say when to retry.",
			session: true, steps: []string{app.PendingTOTP, app.PendingTOTPEnrol}, body: jsonBody("TOTPCode"),
			status: 200, resp: "Me", errors: []int{409, 423, 429}, handle: (*Server).verifyTOTP},

		// Accounts.
		{method: "GET", path: api + "/accounts", opID: "listAccounts", tag: "accounts", summary: "Accounts of the actor's subtree",
			desc:   "Phone numbers are masked.",
			params: []param{qString("q", "A substring of the username or name."), pLimit, pOffset},
			perms:  []domain.Permission{domain.PermAccountManage, domain.PermRoleManage, domain.PermAccountUnlock, domain.PermCoverageManage},
			status: 200, resp: "AccountPage", handle: (*Server).listAccounts},
		{method: "POST", path: api + "/accounts", opID: "createAccount", tag: "accounts", summary: "Create an account",
			desc: "The account gets a one-time password, answered here once as `initial_password`; it must be changed at first " +
				"login. Roles are assigned by the security administrator (PUT /api/v1/accounts/{id}/roles).",
			body: jsonBody("AccountInput"), perms: []domain.Permission{domain.PermAccountManage},
			status: 201, resp: "CreatedAccount", errors: []int{404, 409}, handle: (*Server).createAccount},
		{method: "PATCH", path: api + "/accounts/{id}", opID: "updateAccount", tag: "accounts", summary: "Change an account's name, unit or phone",
			desc: "Absent fields stay; `phone: \"\"` clears the phone. Moving the account to another unit hands its permissions over " +
				"that unit: the unit must lie in the caller's subtree and the caller must hold the account's permissions (403 names `org_id`).",
			params: []param{pathID("The account's id.")}, body: jsonBody("AccountEdit"), perms: []domain.Permission{domain.PermAccountManage},
			status: 200, resp: "Account", errors: []int{403, 404}, handle: (*Server).updateAccount},
		{method: "GET", path: api + "/accounts/import-template", opID: "getAccountImportTemplate", tag: "accounts", summary: "The Excel template of an account import",
			desc:   "An .xlsx workbook: the header row (用户名, 姓名, 单位编码, 单位名称, 手机号), one example row, and a second sheet explaining each column.",
			status: 200, binary: true, download: xlsxType, reach: reachInstallation, perms: []domain.Permission{domain.PermAccountManage},
			handle: (*Server).getAccountImportTemplate},
		{method: "POST", path: api + "/accounts/import/preview", opID: "previewAccountImport", tag: "accounts", summary: "Check an account import without writing",
			desc: "multipart/form-data with the .xlsx in the field `file`. Answers the accounts the import would create and every problem " +
				"(row as Excel numbers it, column by its header, message). A problem of the whole file (no header row) answers 400.",
			body: &bodySpec{schema: "MemberImportUpload", multipart: true}, perms: []domain.Permission{domain.PermAccountManage},
			status: 200, resp: "AccountImportPreview", transfer: true, handle: (*Server).previewAccountImport},
		{method: "POST", path: api + "/accounts/import", opID: "importAccounts", tag: "accounts", summary: "Import accounts from an Excel workbook",
			desc: "The same upload as the preview. All or nothing in one transaction: any problem answers 400 listing every one " +
				"(第 5 行 用户名：…) with `field` naming the first (rows[5].username). Each new account's one-time password is answered once.",
			body: &bodySpec{schema: "MemberImportUpload", multipart: true}, perms: []domain.Permission{domain.PermAccountManage},
			status: 200, resp: "AccountImportResult", transfer: true, errors: []int{409}, handle: (*Server).importAccounts},
		{method: "PUT", path: api + "/accounts/{id}/roles", opID: "setAccountRoles", tag: "accounts", summary: "Replace an account's roles",
			desc: "One account holds at most one of the system, security and audit administrator roles, and an administrator " +
				"holds no other role. No one changes their own roles.",
			params: []param{pathID("The account's id.")}, body: jsonBody("RoleAssignment"),
			perms:  []domain.Permission{domain.PermRoleManage},
			status: 200, resp: "Account", errors: []int{404, 409}, handle: (*Server).setAccountRoles},
		{method: "PUT", path: api + "/accounts/{id}/coverage", opID: "setAccountCoverage", tag: "accounts", summary: "Replace the units a leader covers (分片包抓)",
			desc:   "Covered units are visible read-only to the account.",
			params: []param{pathID("The account's id.")}, body: jsonBody("CoverageAssignment"),
			perms:  []domain.Permission{domain.PermCoverageManage},
			status: 200, resp: "Account", errors: []int{404}, handle: (*Server).setAccountCoverage},
		{method: "POST", path: api + "/accounts/{id}/unlock", opID: "unlockAccount", tag: "accounts", summary: "Unlock an account locked after failed logins",
			params: []param{pathID("The account's id.")}, perms: []domain.Permission{domain.PermAccountUnlock},
			status: 204, errors: []int{404}, handle: (*Server).unlockAccount},
		{method: "POST", path: api + "/accounts/{id}/disable", opID: "disableAccount", tag: "accounts", summary: "Disable an account",
			desc:   "Its sessions end at once.",
			params: []param{pathID("The account's id.")}, perms: []domain.Permission{domain.PermAccountManage},
			status: 200, resp: "Account", errors: []int{404}, handle: (*Server).disableAccount},
		{method: "POST", path: api + "/accounts/{id}/enable", opID: "enableAccount", tag: "accounts", summary: "Enable a disabled account",
			params: []param{pathID("The account's id.")}, perms: []domain.Permission{domain.PermAccountManage},
			status: 200, resp: "Account", errors: []int{404}, handle: (*Server).enableAccount},
		{method: "POST", path: api + "/accounts/{id}/reset-password", opID: "resetAccountPassword", tag: "accounts", summary: "Give an account a new one-time password",
			desc:   "The password is answered here once and must be changed at the next login; the account's sessions end.",
			params: []param{pathID("The account's id.")}, perms: []domain.Permission{domain.PermAccountManage},
			status: 200, resp: "InitialPassword", errors: []int{404}, handle: (*Server).resetAccountPassword},

		// Roles.
		{method: "GET", path: api + "/roles", opID: "listRoles", tag: "accounts", summary: "Built-in and custom roles",
			reach: reachInstallation, perms: []domain.Permission{domain.PermRoleManage, domain.PermAccountManage, domain.PermTokenCreate},
			status: 200, resp: "RoleList", handle: (*Server).listRoles},
		{method: "POST", path: api + "/roles", opID: "createRole", tag: "accounts", summary: "Add a custom role",
			desc:  "A permission set over the same permissions as the built-in roles; administration and business permissions do not mix.",
			reach: reachInstallation, body: jsonBody("RoleInput"), perms: []domain.Permission{domain.PermRoleManage},
			status: 201, resp: "Role", errors: []int{409}, handle: (*Server).createRole},
		{method: "PUT", path: api + "/roles/{id}", opID: "updateRole", tag: "accounts", summary: "Change a custom role",
			desc:  "Replaces its names and permissions; its code stays. Built-in roles cannot change (409).",
			reach: reachInstallation, params: []param{pathID("The role's id.")}, body: jsonBody("RoleUpdate"),
			perms:  []domain.Permission{domain.PermRoleManage},
			status: 200, resp: "Role", errors: []int{404, 409}, handle: (*Server).updateRole},

		// API tokens.
		{method: "GET", path: api + "/tokens", opID: "listTokens", tag: "accounts", summary: "API tokens of the actor's subtree",
			desc:  "Never the tokens themselves: they are shown once, when created, and stored hashed.",
			perms: []domain.Permission{domain.PermAccountManage, domain.PermTokenCreate}, status: 200, resp: "TokenList", handle: (*Server).listTokens},
		{method: "POST", path: api + "/tokens", opID: "createToken", tag: "accounts", summary: "Issue an API token for a machine client",
			desc: "The token acts with one role (never an administrator's) over one unit's subtree until it expires or is revoked. " +
				"It lends the issuer's own authority: the role's permissions must all be the issuer's, and the unit in the issuer's subtree " +
				"(403 naming the first permission it lacks); at every use the token holds only what its role and its issuer both still hold. " +
				"It is answered here once, in `token`; send it as `Authorization: Bearer <token>`.",
			body: jsonBody("TokenInput"), perms: []domain.Permission{domain.PermTokenCreate},
			status: 201, resp: "CreatedToken", errors: []int{404}, handle: (*Server).createToken},
		{method: "DELETE", path: api + "/tokens/{id}", opID: "revokeToken", tag: "accounts", summary: "Revoke an API token at once",
			params: []param{pathString("id", "The token's id (16 hexadecimal digits, the part after zrn_).").withPattern(tokenIDPattern)},
			perms:  []domain.Permission{domain.PermAccountManage, domain.PermTokenCreate}, status: 204, errors: []int{404}, handle: (*Server).revokeToken},

		// Security policy and the audit trail.
		{method: "GET", path: api + "/policy", opID: "getPolicy", tag: "security", summary: "The password and session policy",
			desc: "Anyone logged in may read it, so that the web app can explain the rules — also while a one-time or " +
				"expired password waits to be changed, when the rules matter most.",
			reach: reachInstallation, steps: []string{app.PendingPasswordChange}, status: 200, resp: "Policy", handle: (*Server).getPolicy},
		{method: "PUT", path: api + "/policy", opID: "setPolicy", tag: "security", summary: "Change the password and session policy",
			desc:  "The MLPS level-3 defaults may be tightened, never weakened: a weaker value is refused, naming its field.",
			reach: reachInstallation, body: jsonBody("Policy"), perms: []domain.Permission{domain.PermPolicyManage},
			status: 200, resp: "Policy", handle: (*Server).setPolicy},
		{method: "GET", path: api + "/audit/events", opID: "listAuditEvents", tag: "security", summary: "The audit trail, newest first",
			desc: "Only the audit administrator reads it. The trail is one for the installation, append-only and hash-chained; " +
				"no endpoint changes or deletes an event.",
			params: []param{
				qID("org_id", "Only events of actors in this unit's subtree (inside the reader's own; otherwise 404)."),
				qEnum("outcome", "Only events with this outcome.", "success", "failure", "denied"),
				qString("type", "Only events whose type starts with this, e.g. login or activity.update."),
				qID("actor_id", "Only events of this account."),
				qString("target", "Only events about this target, e.g. account:12 or activity:34."),
				qTime("from", "Only events at or after this time (RFC 3339)."),
				qTime("to", "Only events before this time (RFC 3339)."),
				pLimit, pOffset,
			},
			reach: reachInstallation, perms: []domain.Permission{domain.PermAuditRead},
			status: 200, resp: "AuditPage", errors: []int{404}, handle: (*Server).listAuditEvents},
		{method: "POST", path: api + "/audit/verify", opID: "verifyAudit", tag: "security", summary: "Re-compute the audit trail's hash chain",
			desc: "Reports the first event that was modified, deleted or reordered, if any, and compares the chain with the anchors " +
				"(keyed checkpoints of its head) that the server writes to its data directory, so deleted newest events and a re-hashed " +
				"trail are found too (as `zeren audit verify` does at the console).",
			reach: reachInstallation, perms: []domain.Permission{domain.PermAuditRead},
			status: 200, resp: "AuditReport", handle: (*Server).verifyAudit},
		{method: "PUT", path: api + "/audit/settings", opID: "setAuditSettings", tag: "security", summary: "Choose the audit hash and retention",
			desc:  "The hash of new events (sha256 or sm3; the chain may mix them) and how long events are kept: at least 184 days.",
			reach: reachInstallation, body: jsonBody("AuditSettings"), perms: []domain.Permission{domain.PermPolicyManage},
			status: 200, resp: "AuditSettings", handle: (*Server).setAuditSettings},
	}, append(append(append(append(append(append(reportRoutes(), dutyRoutes()...), notifyRoutes()...), caseRoutes()...), concernRoutes()...), examRoutes()...), backupRoutes()...)...))
}

// allSteps: a route every pending session may call.
var allSteps = []string{app.PendingPasswordChange, app.PendingTOTPEnrol, app.PendingTOTP}

// tokenIDPattern is the public id of an API token.
const tokenIDPattern = "^[0-9a-f]{16}$"

func pillarCodes() []string {
	var out []string
	for _, p := range domain.Pillars {
		out = append(out, p.Code)
	}
	return out
}

func statusNames() []string {
	var out []string
	for _, s := range domain.Statuses {
		out = append(out, string(s))
	}
	return out
}

func orgKinds() []string {
	var out []string
	for _, k := range domain.OrgKinds {
		out = append(out, string(k))
	}
	return out
}

func groupBys() []string {
	var out []string
	for _, g := range app.GroupBys() {
		out = append(out, string(g))
	}
	return out
}

func periodKinds() []string {
	var out []string
	for _, k := range period.Kinds {
		out = append(out, string(k))
	}
	return out
}

// health answers that the process is up.
func (s *Server) health(c *call) error { return c.reply(healthBody{Status: "ok"}) }

// ready answers whether the database answers.
func (s *Server) ready(c *call) error {
	if err := s.app.Ready(c.ctx()); err != nil {
		return err
	}
	return c.reply(healthBody{Status: "ok"})
}

type healthBody struct {
	Status string `json:"status"`
}

func (s *Server) openAPIDoc(c *call) error {
	c.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	c.w.Header().Set("Cache-Control", "no-cache")
	c.w.WriteHeader(http.StatusOK)
	_, err := c.w.Write(s.openapi)
	return err
}
