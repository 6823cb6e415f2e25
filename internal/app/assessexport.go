package app

import (
	"bytes"
	"context"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/domain"
)

// ExportScores writes a rubric's scores, as the reader sees them, into an
// Excel workbook in the ledger export's style: one row a unit (rank, unit,
// each item's points, adjustment, total) and a second sheet with each item's
// indicator value and the numbers behind it. Exports are audited.
func (a *App) ExportScores(ctx context.Context, ac domain.Actor, id int64) ([]byte, string, error) {
	if err := ac.Require(domain.PermExport); err != nil {
		return nil, "", err
	}
	sc, err := a.Scores(ctx, ac, id)
	if err != nil {
		return nil, "", err
	}
	f := excelize.NewFile()
	defer f.Close()
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E6EEF8"}}})
	if err != nil {
		return nil, "", err
	}
	const main, detail = "考核结果", "指标明细"
	if err := f.SetSheetName("Sheet1", main); err != nil {
		return nil, "", err
	}
	if _, err := f.NewSheet(detail); err != nil {
		return nil, "", err
	}
	row := func(sheet string, r int, cells []any, style int) error {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
			return err
		}
		if style != 0 {
			end, _ := excelize.CoordinatesToCellName(len(cells), r)
			return f.SetCellStyle(sheet, cell, end, style)
		}
		return nil
	}
	h := []any{"名次", "单位代码", "单位"}
	for _, it := range sc.Rubric.Items {
		h = append(h, fmt.Sprintf("%s（%g分）", it.Name, it.Weight))
	}
	h = append(h, "调整分", "总分")
	if err := row(main, 1, h, head); err != nil {
		return nil, "", err
	}
	if err := row(detail, 1, []any{"单位", "考核项目", "指标", "指标值", "分子", "分母", "得分", "记录查询"}, head); err != nil {
		return nil, "", err
	}
	dr := 2
	for i, u := range sc.Units {
		cells := []any{u.Rank, u.OrgCode, u.OrgName}
		for _, it := range u.Items {
			cells = append(cells, it.Points)
			if err := row(detail, dr, []any{u.OrgName, it.Name, it.Indicator, it.Value, it.Num, it.Den, it.Points, it.Records}, 0); err != nil {
				return nil, "", err
			}
			dr++
		}
		cells = append(cells, u.Adjustment, u.Total)
		if err := row(main, i+2, cells, 0); err != nil {
			return nil, "", err
		}
	}
	_ = f.SetColWidth(main, "C", "C", 24)
	_ = f.SetColWidth(detail, "A", "B", 20)
	_ = f.SetColWidth(detail, "H", "H", 60)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, "", err
	}
	if err := a.recordAlone(ctx, ac, AuditEntry{Type: "export.assessment", Target: rubricTarget(id),
		Detail: fmt.Sprintf("%d units", len(sc.Units))}); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), fmt.Sprintf("%d年度考核结果-%s.xlsx", sc.Rubric.Year, sc.Rubric.OrgName), nil
}
