package httpapi

import (
	"net/http"
	"strconv"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/reporttpl"
)

// The work report (issue 5): templates, figure functions, previews, stored
// reports with their staleness, and downloads.

// exampleTemplate is a small valid template (the scope matrix sends it).
const exampleTemplate = "# {{ unit.name }}{{ period.label }}工作报告\n\n全年开展理论学习{{ count(pillar: \"theory\") }}场次。\n"

func reportRoutes() []*route {
	read := []domain.Permission{domain.PermActivityRead}
	manage := []domain.Permission{domain.PermReportManage}
	pReportID := pathID("The report's id.")
	pTemplateID := pathID("The template's id.")
	return []*route{
		{method: "GET", path: api + "/report-templates", opID: "listReportTemplates", tag: "reports", summary: "The report templates",
			desc:   "The default template (after the source document's structure) first; it is stored the first time anyone asks.",
			status: 200, resp: "ReportTemplateList", perms: read, reach: reachInstallation,
			handle: (*Server).listReportTemplates},
		{method: "POST", path: api + "/report-templates", opID: "createReportTemplate", tag: "reports", summary: "Create a template (version 1)",
			desc: "A mistake in the source answers 400 with field `source` and the message \"line L, column C: …\" " +
				"(the language: docs/report-templates.md).",
			body: jsonBody("ReportTemplateCreate"), status: 201, resp: "ReportTemplate", errors: []int{409, 413}, perms: manage, reach: reachInstallation,
			handle: (*Server).createReportTemplate},
		{method: "GET", path: api + "/report-templates/{id}", opID: "getReportTemplate", tag: "reports", summary: "A template with its source",
			params: []param{pTemplateID, qID("version", "An older version (default: the current one).")},
			status: 200, resp: "ReportTemplate", errors: []int{404}, perms: read, reach: reachInstallation,
			handle: (*Server).getReportTemplate},
		{method: "PUT", path: api + "/report-templates/{id}", opID: "updateReportTemplate", tag: "reports", summary: "Save a new version of a template",
			desc: "Versions are never overwritten: this adds one. `version` is the version edited; a stale one answers 409. " +
				"A mistake in the source answers 400 with field `source` and \"line L, column C: …\".",
			params: []param{pTemplateID}, body: jsonBody("ReportTemplateUpdate"),
			status: 200, resp: "ReportTemplate", errors: []int{404, 409, 413}, perms: manage, reach: reachInstallation,
			handle: (*Server).updateReportTemplate},
		{method: "GET", path: api + "/report-templates/{id}/versions", opID: "listReportTemplateVersions", tag: "reports", summary: "A template's versions, newest first",
			params: []param{pTemplateID}, status: 200, resp: "ReportTemplateVersionList", errors: []int{404}, perms: read, reach: reachInstallation,
			handle: (*Server).listReportTemplateVersions},
		{method: "GET", path: api + "/report-functions", opID: "listReportFunctions", tag: "reports", summary: "The figure functions, filters and variables a template may use",
			status: 200, resp: "ReportFunctionList", perms: read, reach: reachInstallation,
			handle: (*Server).listReportFunctions},
		{method: "POST", path: api + "/reports/preview", opID: "previewReport", tag: "reports", summary: "Render a report without storing it",
			desc: "A stored template (template_id; default: the default template) or a source being edited, for a unit and period. " +
				"Every figure carries `records`, the ledger page filtered to exactly what it counted, and `query`.",
			body: jsonBody("ReportPreview"), status: 200, resp: "Report", errors: []int{404, 413}, perms: read,
			handle: (*Server).previewReport},
		{method: "POST", path: api + "/reports", opID: "generateReport", tag: "reports", summary: "Generate and store a report (a snapshot)",
			desc: "Stores the rendered report, every figure's value, query, records link and a SHA-256 of the ids it counted, " +
				"and the state of every activity behind it, so later edits are flagged (`stale`).",
			body: jsonBody("ReportGenerate"), status: 201, resp: "ReportView", errors: []int{404}, perms: manage,
			handle: (*Server).generateReport},
		{method: "GET", path: api + "/reports", opID: "listReports", tag: "reports", summary: "Stored reports, newest first",
			desc:   "Reports of units in the caller's scope (of org_id's subtree when given), each with how many records behind it changed since.",
			params: []param{qID("org_id", "Only reports of this unit's subtree."), pLimit, pOffset},
			status: 200, resp: "ReportSummaryPage", errors: []int{404}, perms: read,
			handle: (*Server).listReports},
		{method: "GET", path: api + "/reports/{id}", opID: "getReport", tag: "reports", summary: "A stored report and what changed behind it",
			desc: "`stale.activities` lists the records counted by the report that were edited, re-reviewed or deleted since it was generated " +
				"(one indexed join, always). With `recheck=true` every figure is recounted and `stale.figures` names those whose records now " +
				"differ — including records approved since that the report did not count.",
			params: []param{pReportID, qBool("recheck", "Also recount every figure (slower).")},
			status: 200, resp: "ReportView", errors: []int{404}, perms: read,
			handle: (*Server).getReport},
		{method: "GET", path: api + "/reports/{id}/download", opID: "downloadReport", tag: "reports", summary: "A stored report as .docx, PDF, .xlsx or HTML",
			desc: "docx: the official document format (GB/T 9704-2012), named 单位-期间意识形态工作责任制落实情况报告.docx; pdf: that document " +
				"converted by LibreOffice on the server (503 unavailable, field format, when LibreOffice is not installed); xlsx: the appendix — every figure, its split by child unit " +
				"and the records behind it; html: a standalone page whose figures link to their records. Downloads are audited.",
			params: []param{pReportID, qEnum("format", "The file format.", app.FormatDOCX, app.FormatPDF, app.FormatXLSX, app.FormatHTML).withDefault(app.FormatDOCX)},
			status: 200, binary: true, errors: []int{404, 503}, transfer: true, perms: []domain.Permission{domain.PermExport},
			handle: (*Server).downloadReport},
	}
}

func (s *Server) listReportTemplates(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	ts, err := s.app.ListReportTemplates(c.ctx(), ac)
	if err != nil {
		return err
	}
	return c.reply(map[string]any{"items": nonNil(ts)})
}

func (s *Server) getReportTemplate(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	t, err := s.app.GetReportTemplate(c.ctx(), ac, c.p.int("id"), int(c.p.int("version")))
	if err != nil {
		return err
	}
	return c.reply(t)
}

func (s *Server) listReportTemplateVersions(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	vs, err := s.app.ListTemplateVersions(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(map[string]any{"items": nonNil(vs)})
}

func (s *Server) createReportTemplate(c *call) error {
	var b struct {
		Name   string `json:"name"`
		Source string `json:"source"`
	}
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	t, err := s.app.CreateReportTemplate(c.ctx(), ac, b.Name, b.Source)
	if err != nil {
		return err
	}
	return c.created(api+"/report-templates/"+strconv.FormatInt(t.ID, 10), t)
}

func (s *Server) updateReportTemplate(c *call) error {
	var b struct {
		Source  string `json:"source"`
		Version int    `json:"version"`
	}
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	t, err := s.app.UpdateReportTemplate(c.ctx(), ac, c.p.int("id"), b.Version, b.Source)
	if err != nil {
		return err
	}
	return c.reply(t)
}

func (s *Server) listReportFunctions(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	fns, err := s.app.ReportFunctions(ac)
	if err != nil {
		return err
	}
	return c.reply(map[string]any{"items": fns, "filters": reporttpl.Filters(), "variables": reporttpl.Variables()})
}

// reportBody is the body of a preview or a generation.
type reportBody struct {
	OrgID      int64               `json:"org_id"`
	Period     string              `json:"period"`
	TemplateID int64               `json:"template_id"`
	Source     string              `json:"source"`
	Slots      map[string][]string `json:"slots"`
	// SigningDate is the date of writing (成文日期), e.g. 2025-01-10; empty: the default.
	SigningDate string `json:"signing_date"`
	// ProblemWording rewords accepted problems for this report, by problem key.
	ProblemWording map[string]string `json:"problem_wording"`
}

func (b reportBody) request() app.ReportRequest {
	return app.ReportRequest{OrgID: b.OrgID, Period: b.Period, TemplateID: b.TemplateID, Source: b.Source, Slots: b.Slots, SigningDate: b.SigningDate, ProblemWording: b.ProblemWording}
}

func (s *Server) previewReport(c *call) error {
	var b reportBody
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	d, err := s.app.PreviewReport(c.ctx(), ac, b.request())
	if err != nil {
		return err
	}
	return c.reply(d)
}

func (s *Server) generateReport(c *call) error {
	var b reportBody
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	v, err := s.app.GenerateReport(c.ctx(), ac, b.request())
	if err != nil {
		return err
	}
	return c.created(api+"/reports/"+strconv.FormatInt(v.ID, 10), v)
}

func (s *Server) listReports(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	limit, offset := int(c.p.int("limit")), int(c.p.int("offset"))
	items, total, err := s.app.ListReports(c.ctx(), ac, c.p.int("org_id"), limit, offset)
	if err != nil {
		return err
	}
	return c.reply(page[app.ReportSummary]{Items: nonNil(items), Total: total, Limit: limit, Offset: offset})
}

func (s *Server) getReport(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	recheck := c.p.bool("recheck")
	v, err := s.app.GetReport(c.ctx(), ac, c.p.int("id"), recheck != nil && *recheck)
	if err != nil {
		return err
	}
	return c.reply(v)
}

// downloadReport answers a stored report as a file. The file is complete
// before the first byte goes out, so an error still answers in the error shape.
func (s *Server) downloadReport(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	format := c.p.str("format")
	if format == "" {
		format = app.FormatDOCX
	}
	f, err := s.app.DownloadReport(c.ctx(), ac, c.p.int("id"), format)
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", contentDisposition("attachment", f.Name))
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	// A report may go stale and what a reader may download depends on their
	// scope: never cached.
	h.Set("Cache-Control", "no-store")
	if format == app.FormatHTML {
		// A standalone page: no script, its own styles, links to the app only.
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; sandbox allow-top-navigation-by-user-activation")
	}
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method == http.MethodHead {
		return nil
	}
	_, err = c.w.Write(f.Data)
	return err
}

// reportSchemas are the component schemas of the report routes.
func reportSchemas() obj {
	count := func(desc string) obj { return obj{"type": "integer", "minimum": 0, "description": desc} }
	integer := func(desc string) obj { return obj{"type": "integer", "description": desc} }
	template := object("A report template; `source` is the text of `version`.", obj{
		"id":         id(""),
		"name":       str(""),
		"version":    obj{"type": "integer", "minimum": 1},
		"is_default": boolean("The template a report uses when none is named."),
		"source":     str("The template text (docs/report-templates.md); absent in lists."),
		"updated_at": dateTime("When this version was saved."),
		"updated_by": str("Who saved it."),
	}, "id", "name", "version", "is_default", "updated_at", "updated_by")
	figure := object("One figure of a report.", obj{
		"index":     count("Its position in `figures`; spans point at it."),
		"expr":      str("The expression as written in the template, canonically."),
		"func":      str("The figure function."),
		"line":      count("Where the expression is in the template."),
		"column":    count(""),
		"value":     integer("The exact figure."),
		"display":   str("The text shown in the report (exact, or rounded down with 余 when the template asks)."),
		"unit":      str("场次, 人次, 个, 支, 人 …"),
		"query":     str("Canonical text of what was counted."),
		"records":   str("The web app's page listing exactly the records counted: /ledger?<the filter of GET /api/v1/activities>, or /rosters?…"),
		"approx":    boolean("The display is approximate (rounded down)."),
		"last_year": integer("The same figure a year before, for | vs_last_year."),
		"digest":    str("SHA-256 (hex) of the sorted ids of what was counted; over no ids for a preview."),
		"n_records": count("How many ids were counted (0 for a preview)."),
		"breakdown": array("The figure by direct child unit (stored reports).", object("", obj{
			"unit_id": id(""), "code": str(""), "name": str(""), "value": integer(""),
		}, "unit_id", "code", "name", "value")),
	}, "index", "expr", "func", "line", "column", "value", "display", "unit", "query", "records", "approx", "digest", "n_records")
	reportProps := obj{
		"id":               id("A stored report's id (absent in a preview)."),
		"org_id":           id("The unit reported on (with its subtree)."),
		"org_name":         str(""),
		"period":           str("The period code."),
		"period_label":     str("The period in words, e.g. 2024年."),
		"template_id":      count("The template (0 for a source previewed)."),
		"template_version": count(""),
		"title":            str(""),
		"blocks": array("The document in order.", object("", obj{
			"kind": enum("", "title", "subtitle", "heading1", "heading2", "paragraph", "signature"),
			"spans": array("Text runs; a figure's run has `figure`, the index into `figures`.", object("", obj{
				"text":   str(""),
				"figure": count(""),
			}, "text")),
			"slot":     str("The slot a paragraph came from (problems, next_steps)."),
			"reminder": boolean("An empty slot's visible 【请填写…】 reminder."),
		}, "kind", "spans")),
		"figures": array("", ref("ReportFigure")),
		"slots": array("The paragraphs the template asks the office to write ({% slot %}), for a field each.", object("", obj{
			"name": str("The slot's name, the key in the request's `slots`."), "label": str("What to write there (may be empty)."),
		}, "name", "label")),
		"created_at": dateTime("When it was generated (stored reports)."),
		"created_by": str(""),
	}
	reportRequired := []string{"org_id", "org_name", "period", "period_label", "template_id", "template_version", "title", "blocks", "figures"}
	// snapshotInfo: what a stored report keeps of its records (app.SnapshotInfo).
	snapshotInfo := object("What the snapshot keeps of the records behind it: at most record_cap ids per figure; a figure "+
		"over the cap keeps its value, count and digest but not its ids, so edits of its records are found by ?recheck=true.", obj{
		"record_cap":     obj{"type": "integer", "minimum": 1, "description": "Record ids kept per figure at most."},
		"capped_figures": array("Indexes of the figures over the cap.", obj{"type": "integer", "minimum": 0}),
	}, "record_cap", "capped_figures")
	stale := object("What changed behind a stored report since it was generated.", obj{
		"count": count("Records behind the report that changed."),
		"activities": array("Those records.", object("", obj{
			"id":         id("The activity."),
			"title":      str(""),
			"change":     enum("edited: fields changed; status: its review status changed; deleted.", "edited", "status", "deleted"),
			"status":     str("Its status now."),
			"changed_at": dateTime(""),
		}, "id", "title", "change")),
		"rechecked": boolean("The figures were recounted (recheck=true)."),
		"figures": array("Figures whose records now differ (recheck=true).", object("", obj{
			"index": count(""), "expr": str(""), "was": integer(""), "now": integer(""),
		}, "index", "expr", "was", "now")),
	}, "count", "activities", "rechecked")
	slots := obj{"type": "object", "description": "Office-written paragraphs per slot, e.g. {\"next_steps\": [\"一是…\", \"二是…\"]}.",
		"additionalProperties": array("", obj{"type": "string"})}
	return obj{
		"ReportTemplate":     template,
		"ReportTemplateList": listSchema("The report templates.", "ReportTemplate"),
		"ReportTemplateCreate": object("A new template.", obj{
			"name":   ex(strMax("Unique.", 100), "县级年度报告"),
			"source": ex(str("The template text."), exampleTemplate),
		}, "name", "source"),
		"ReportTemplateUpdate": object("A new version of a template.", obj{
			"source":  ex(str("The template text."), exampleTemplate),
			"version": obj{"type": "integer", "minimum": 1, "description": "The version edited."},
		}, "source", "version"),
		"ReportTemplateVersionList": object("A template's versions, newest first.", obj{
			"items": array("", object("", obj{
				"version": obj{"type": "integer", "minimum": 1}, "updated_at": dateTime(""), "updated_by": str(""),
			}, "version", "updated_at", "updated_by")),
		}, "items"),
		"ReportFunctionList": object("What a template may use.", obj{
			"items": array("The figure functions.", object("", obj{
				"name": str(""), "doc": str(""), "unit": str("Display unit of its figure."),
				"label": str("Chinese name (count → 场次)."), "doc_zh": str("Chinese help."),
				"args": array("", object("", obj{
					"name": str(""), "kind": enum("", "string", "integer", "list", "bool", "any"), "required": boolean(""), "doc": str(""),
					"label": str("Chinese name."), "doc_zh": str("Chinese help."),
				}, "name", "kind", "required", "doc", "label", "doc_zh")),
			}, "name", "doc", "unit", "args", "label", "doc_zh")),
			"filters":   obj{"type": "object", "description": "Filter name → what it does.", "additionalProperties": obj{"type": "string"}},
			"variables": obj{"type": "object", "description": "Variable name → what it holds.", "additionalProperties": obj{"type": "string"}},
		}, "items", "filters", "variables"),
		"ReportPreview": object("What to render.", obj{
			"org_id":          id("The unit reported on."),
			"period":          ex(str("A period code or label."), "2024"),
			"template_id":     id("A stored template (default: the default template)."),
			"source":          str("A template text to preview instead (the editor's live preview)."),
			"slots":           slots,
			"signing_date":    ex(str("The date of writing (成文日期), YYYY-MM-DD; default: today for the running period, the period's last day for a past one."), "2025-01-10"),
			"problem_wording": obj{"type": "object", "description": "Accepted problems reworded for this report, by problem key.", "additionalProperties": obj{"type": "string"}},
		}, "org_id", "period"),
		"ReportGenerate": object("What to generate and store.", obj{
			"org_id":          id("The unit reported on (in the caller's own subtree)."),
			"period":          ex(str("A period code or label."), "2024"),
			"template_id":     id("A stored template (default: the default template)."),
			"slots":           slots,
			"signing_date":    ex(str("The date of writing (成文日期), YYYY-MM-DD; default: today for the running period, the period's last day for a past one."), "2025-01-10"),
			"problem_wording": obj{"type": "object", "description": "Accepted problems reworded for this report, by problem key.", "additionalProperties": obj{"type": "string"}},
		}, "org_id", "period"),
		"ReportFigure": figure,
		"Report":       object("A rendered report.", reportProps, reportRequired...),
		"ReportView":   object("A stored report and its staleness.", merge(reportProps, obj{"stale": stale, "snapshot": snapshotInfo}), append(reportRequired, "stale")...),
		"ReportSummary": object("A stored report in a list.", obj{
			"id": id(""), "org_id": id(""), "period": str(""), "template_id": id(""), "template_name": str(""),
			"template_version": obj{"type": "integer", "minimum": 1}, "created_at": dateTime(""), "created_by": str(""),
			"stale_count": count("Records behind it changed since it was generated."),
		}, "id", "org_id", "period", "template_id", "template_name", "template_version", "created_at", "created_by", "stale_count"),
		"ReportSummaryPage": pageSchema("Stored reports.", "ReportSummary"),
	}
}
