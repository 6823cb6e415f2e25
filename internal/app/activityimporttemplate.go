package app

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// maxTemplateUnits bounds the units a template's drop-down lists; a bigger
// subtree still imports by typed name or code.
const maxTemplateUnits = 2000

// ActivityImportTemplate writes the ledger import template of a unit: the
// record sheet (Chinese headers, one example row, drop-downs for unit, type
// and venue fed from a hidden sheet), and a sheet explaining each column.
func (a *App) ActivityImportTemplate(ctx context.Context, ac domain.Actor, orgID int64, w io.Writer) error {
	if err := ac.Require(domain.PermActivityWrite); err != nil {
		return err
	}
	if err := a.importUnitInScope(ctx, ac, orgID); err != nil {
		return err
	}
	var units []domain.OrgUnit
	var types []domain.ActivityType
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		active := true
		if units, _, err = tx.ListOrgs(ctx, domain.Scope{Roots: ac.Scope.Roots}, store.OrgFilter{Under: orgID, Active: &active, Limit: maxTemplateUnits}); err != nil {
			return err
		}
		types, err = tx.ListTypes(ctx, "", true)
		return err
	})
	if err != nil {
		return err
	}
	if len(units) == 0 {
		return domain.Invalid("org_id", "the unit is deactivated: records cannot be imported into it")
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet, lists, help = "台账", "选项", "填写说明"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	example := map[string]any{"date": a.Today().String(), "org": units[0].Name, "title": "学习贯彻党的二十届三中全会精神",
		"description": "党支部书记领学，党员交流发言", "attendance": "约30人", "venues": ""}
	if len(types) > 0 {
		example["type"] = types[0].Name
	}
	for j, fld := range ActivityImportFields {
		h := fld.Label
		if fld.Required {
			h += "*"
		}
		c, _ := excelize.CoordinatesToCellName(j+1, 1)
		if err := f.SetCellStr(sheet, c, h); err != nil {
			return err
		}
		c2, _ := excelize.CoordinatesToCellName(j+1, 2)
		if err := f.SetCellValue(sheet, c2, example[fld.Key]); err != nil {
			return err
		}
	}
	// The drop-downs' choices live on a hidden sheet: a list typed into the
	// validation itself is capped at 255 characters.
	if _, err := f.NewSheet(lists); err != nil {
		return err
	}
	column := func(col string, values []string) (string, error) {
		for i, v := range values {
			if err := f.SetCellStr(lists, fmt.Sprintf("%s%d", col, i+1), v); err != nil {
				return "", err
			}
		}
		return fmt.Sprintf("%s!$%s$1:$%s$%d", lists, col, col, max(1, len(values))), nil
	}
	var unitNames, typeNames, venueNames []string
	for _, u := range units {
		unitNames = append(unitNames, u.Name)
	}
	for _, t := range types {
		typeNames = append(typeNames, t.Name)
	}
	for _, v := range domain.VenueNames {
		venueNames = append(venueNames, v)
	}
	sort.Strings(venueNames)
	for _, dd := range []struct {
		field, col string
		values     []string
	}{{"org", "A", unitNames}, {"type", "B", typeNames}, {"venues", "C", venueNames}} {
		ref, err := column(dd.col, dd.values)
		if err != nil {
			return err
		}
		idx := 0
		for j, fld := range ActivityImportFields {
			if fld.Key == dd.field {
				idx = j + 1
			}
		}
		name, _ := excelize.ColumnNumberToName(idx)
		v := excelize.NewDataValidation(true)
		v.Sqref = fmt.Sprintf("%s2:%s5000", name, name)
		v.SetSqrefDropList(ref)
		// Venues may hold several (课堂、校园): a warning, not a refusal.
		if dd.field == "venues" {
			v.SetError(excelize.DataValidationErrorStyleInformation, "阵地", "可填多个，用顿号分隔，如：校园、课堂")
		}
		if err := f.AddDataValidation(sheet, v); err != nil {
			return err
		}
	}
	if err := f.SetSheetVisible(lists, false); err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(ActivityImportFields))
	if err := f.SetColStyle(sheet, "A:"+last, text); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", last+"1", bold); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "A", last, 18); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "D", "E", 36); err != nil {
		return err
	}
	if _, err := f.NewSheet(help); err != nil {
		return err
	}
	lines := []string{
		"第一行是表头，请保留；带 * 的列必填。第二行是示例，导入前请删除或改成真实记录。",
		"日期*：活动开展的日期，如 2024-03-01、2024/3/1、2024年3月1日；不能晚于今天。只写“3月1日”时，导入页面上要选择年份。",
		"单位：开展活动的单位，从下拉列表选，或填单位名称、简称或编码；不填则为导入时选择的单位。",
		"活动类型*：从下拉列表选。",
		"标题*：活动的名称，如“学习贯彻党的二十届三中全会精神”。",
		"内容：活动的简要情况，选填。",
		"参加人数：如 30、约30人、30人次；选填，但参加人数要求填写的类型提交时需要。",
		"阵地：宣讲类活动的阵地，可填多个，用顿号分隔，如“校园、课堂”。",
		"也可以直接导入本单位原有的台账表格：列名不同也没关系，导入时可以逐列对应，系统会记住本单位的对应关系。",
		"导入前会先预览：每一行的问题按行、列列出，与已有记录（同单位、同类型、同一天、同标题）重复的行会标出。确认后一次性导入，任何一行有错都不会导入。",
		"导入的记录为“待审核”，由审核人审核通过后计入统计。",
	}
	for i, l := range lines {
		if err := f.SetCellStr(help, fmt.Sprintf("A%d", i+1), l); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(help, "A", "A", 110); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}
