package httpapi

import "net/http"

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
	x, err := s.app.ExportActivities(c.ctx(), ac, q)
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
