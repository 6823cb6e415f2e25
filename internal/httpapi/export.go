package httpapi

import (
	"net/http"
	"slices"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// xlsxType is the media type of an Excel workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// exportActivities answers the ledger of a filter as an .xlsx download. The
// workbook is complete before the first byte goes out, so an error (a filter
// over the row limit, a unit out of scope) still answers in the error shape.
func (s *Server) exportActivities(c *call) error {
	q, err := ledgerQuery(c)
	if err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	return sendExport(c)(s.app.ExportActivities(c.ctx(), ac, q))
}

// sendExport answers a finished export as an .xlsx download.
func sendExport(c *call) func(*app.Export, error) error {
	return func(x *app.Export, err error) error {
		if err != nil {
			return err
		}
		defer x.Close()
		h := c.w.Header()
		h.Set("Content-Type", xlsxType)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Disposition", contentDisposition("attachment", x.Filename))
		// What a reader may export depends on their scope and changes with every
		// record: never cached.
		h.Set("Cache-Control", "no-store")
		c.w.WriteHeader(http.StatusOK)
		if c.r.Method == http.MethodHead {
			return nil
		}
		_, err = x.WriteTo(c.w)
		return err
	}
}

func (s *Server) exportTeams(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	return sendExport(c)(s.app.ExportTeams(c.ctx(), ac, teamQuery(c, false)))
}

func (s *Server) exportMembers(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	all := c.p.bool("all")
	return sendExport(c)(s.app.ExportMembers(c.ctx(), ac, c.p.int("id"), all != nil && *all))
}

func (s *Server) exportAccounts(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	return sendExport(c)(s.app.ExportAccounts(c.ctx(), ac, c.p.str("q")))
}

func (s *Server) exportAuditEvents(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	q, err := auditQuery(c, false)
	if err != nil {
		return err
	}
	return sendExport(c)(s.app.ExportAuditEvents(c.ctx(), ac, q))
}

func (s *Server) exportProblems(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	return sendExport(c)(s.app.ExportProblems(c.ctx(), ac, c.p.int("org_id"), c.p.str("period")))
}

func (s *Server) exportRectifications(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	return sendExport(c)(s.app.ExportRectifications(c.ctx(), ac, rectQuery(c, false)))
}

// listExport declares the export of a list route: the same filter, every
// row, as an .xlsx file. A list added later gets its export with one entry
// here and one App method built on writeExport (see README, "Exports").
type listExport struct {
	list, opID, path, summary string
	perms                     []domain.Permission // nil: the list's own
	handle                    func(*Server, *call) error
}

var listExports = []listExport{
	{list: "listTeams", opID: "exportTeams", path: api + "/teams/export", summary: "The teams of a filter as an Excel workbook",
		perms: []domain.Permission{domain.PermExport}, handle: (*Server).exportTeams},
	{list: "listMembers", opID: "exportMembers", path: api + "/teams/{id}/members/export", summary: "A team's members as an Excel workbook",
		perms: []domain.Permission{domain.PermExport}, handle: (*Server).exportMembers},
	{list: "listAccounts", opID: "exportAccounts", path: api + "/accounts/export", summary: "The accounts of a filter as an Excel workbook",
		handle: (*Server).exportAccounts},
	{list: "listAuditEvents", opID: "exportAuditEvents", path: api + "/audit/events/export", summary: "The audit trail of a filter as an Excel workbook",
		handle: (*Server).exportAuditEvents},
	{list: "listProblems", opID: "exportProblems", path: api + "/problems/export", summary: "A unit's problems of a period as an Excel workbook",
		perms: []domain.Permission{domain.PermExport}, handle: (*Server).exportProblems},
	{list: "listRectifications", opID: "exportRectifications", path: api + "/rectifications/export", summary: "The rectifications of a filter as an Excel workbook",
		perms: []domain.Permission{domain.PermExport}, handle: (*Server).exportRectifications},
}

// withExports adds to the table the export route of each list in
// listExports: the list's parameters without the paging, its scope, and a
// workbook for an answer.
func withExports(table []*route) []*route {
	for _, x := range listExports {
		i := slices.IndexFunc(table, func(r *route) bool { return r.opID == x.list })
		if i < 0 {
			panic("the export of an unknown list " + x.list)
		}
		l := table[i]
		var params []param
		for _, p := range l.params {
			if p.name != "limit" && p.name != "offset" {
				params = append(params, p)
			}
		}
		perms := x.perms
		if perms == nil {
			perms = l.perms
		}
		errs := []int{413}
		for _, e := range l.errors {
			if e != 413 {
				errs = append(errs, e)
			}
		}
		table = append(table, &route{method: "GET", path: x.path, opID: x.opID, tag: l.tag, summary: x.summary,
			desc: "The same filter as " + l.method + " " + l.path + ", every matching row (no paging), as an .xlsx file: three rows " +
				"saying what it holds (the list, the filter in words, the time of export in the bureau's zone and the exporter), " +
				"the column headers, one row per record in the list's order. Phones are masked as in the list. A filter matching " +
				"more rows than an export holds answers 413 naming the limit, never a cut-short file. Exports are audited.",
			params: params, status: 200, binary: true, download: xlsxType, errors: errs, transfer: true,
			perms: perms, reach: l.reach, handle: x.handle})
	}
	return table
}
