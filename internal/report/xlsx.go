package report

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/zeren-edu/zeren/internal/appendix"
)

// RecordLine is one record behind a figure, as the appendix lists it.
type RecordLine struct {
	ID                 int64
	Date               string
	UnitCode, UnitName string
	Type               string
	Title              string
	Attendance         int64
	Status             string
}

// AppendixFigures converts a report's figures into the appendix model: each
// with a label taken from the words before it in the report, its split by
// child unit, and the records behind it (records[i] for figure i).
func AppendixFigures(d Document, records map[int][]RecordLine) []appendix.Figure {
	labels := figureLabels(d)
	out := make([]appendix.Figure, 0, len(d.Figures))
	for i, f := range d.Figures {
		af := appendix.Figure{Label: labels[i], Expr: f.Expr, Display: f.Display, Value: f.Value, Unit: f.Unit, Query: f.Query, Link: f.Records}
		if f.Breakdown != nil {
			af.Breakdown = []appendix.UnitRow{}
			for _, u := range f.Breakdown {
				if u.UnitID == d.OrgID {
					continue // the unit's own records: in the figure, not in a child's row
				}
				af.Breakdown = append(af.Breakdown, appendix.UnitRow{Code: u.Code, Name: u.Name, Value: u.Value})
			}
		}
		for _, r := range records[i] {
			af.Records = append(af.Records, appendix.Record{ID: r.ID, Date: r.Date, UnitCode: r.UnitCode, UnitName: r.UnitName,
				Type: r.Type, Title: r.Title, Attendance: r.Attendance, Status: r.Status})
		}
		out = append(out, af)
	}
	return out
}

// figureLabels names each figure by the words just before it in its
// sentence (e.g. "组织“习语润咸”宣讲活动"), so a row of the appendix reads as
// the report does.
func figureLabels(d Document) map[int]string {
	out := map[int]string{}
	for _, b := range d.Blocks {
		var prev string
		for _, sp := range b.Spans {
			if sp.Figure == nil {
				prev = sp.Text
				continue
			}
			label := prev
			if i := strings.LastIndexAny(label, "，。；：、！？（）,;:"); i >= 0 {
				_, size := utf8.DecodeRuneInString(label[i:])
				label = label[i+size:]
			}
			if r := []rune(label); len(r) > 30 {
				label = string(r[len(r)-30:])
			}
			out[*sp.Figure] = strings.TrimSpace(label)
			prev = ""
		}
	}
	return out
}

// XLSX writes the appendix (internal/appendix): the figures, each split by
// child unit, and the records behind each.
func XLSX(d Document, records map[int][]RecordLine) ([]byte, error) {
	var buf bytes.Buffer
	if err := appendix.Write(&buf, d.Title+"（附表）", AppendixFigures(d, records)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
