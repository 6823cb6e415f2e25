package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/tabular"
)

// Question banks in Excel: a template, an import in two steps (a preview
// listing every problem by row and column, then the import, all or nothing
// in one transaction), and an export with the same columns, so that an
// exported bank imports again.
//
// Cells are read as text. A cell whose text starts with = + - @ is stored
// as that text — never evaluated; exports write every cell as a string
// cell, so it never becomes a formula in a reader's spreadsheet either. A
// cell holding a formula in the workbook is refused (its value would be
// whatever the last program to save it computed), naming its row and
// column; so is a cell holding HTML tags: question text is plain text, and
// refusing it is clearer than silently stripping what the author meant.

// The columns, as the template writes them.
const (
	qcKind        = "题型"
	qcStem        = "题干"
	qcAnswer      = "答案"
	qcTags        = "标签"
	qcDifficulty  = "难度"
	qcPoints      = "分值"
	qcExplanation = "解析"
)

// MaxQuestionImportRows bounds one import.
const MaxQuestionImportRows = 5000

// QuestionImportColumns is the template's header row, in order.
func QuestionImportColumns() []string {
	cols := []string{qcKind, qcStem}
	for _, k := range domain.OptionKeys {
		cols = append(cols, "选项"+string(k))
	}
	return append(cols, qcAnswer, qcTags, qcDifficulty, qcPoints, qcExplanation)
}

var kindNames = map[domain.QuestionKind]string{
	domain.QuestionSingle: "单选", domain.QuestionMultiple: "多选", domain.QuestionJudge: "判断", domain.QuestionFill: "填空",
}

var kindByName = map[string]domain.QuestionKind{
	"单选": domain.QuestionSingle, "单选题": domain.QuestionSingle, "single": domain.QuestionSingle,
	"多选": domain.QuestionMultiple, "多选题": domain.QuestionMultiple, "multiple": domain.QuestionMultiple,
	"判断": domain.QuestionJudge, "判断题": domain.QuestionJudge, "judge": domain.QuestionJudge,
	"填空": domain.QuestionFill, "填空题": domain.QuestionFill, "fill": domain.QuestionFill,
}

var htmlTag = regexp.MustCompile(`(?i)</?[a-z][a-z0-9]*(\s[^>]*)?/?>|&(lt|gt|amp|nbsp|#\d+);`)

// parseQuestionSheet reads a workbook into questions and problems.
func parseQuestionSheet(data []byte) (domain.QuestionImport, error) {
	out := domain.QuestionImport{Errors: []domain.ImportError{}, Questions: []domain.QuestionInput{}}
	fail := func(row int, col, msg string) {
		out.Errors = append(out.Errors, domain.ImportError{Row: row, Column: col, Message: msg})
	}
	sh, err := tabular.Read(data, tabular.Limits{MaxBytes: MaxImportFileSize, MaxUnzipped: 64 << 20, MaxRows: MaxQuestionImportRows, MaxCellRunes: 4000})
	if err != nil {
		if te, ok := err.(*tabular.Error); ok {
			fail(te.Row, te.Column, te.Msg)
			return out, nil
		}
		return out, err
	}
	if sh.Format != "xlsx" {
		fail(0, "", "请上传 .xlsx 工作簿（可先下载模板）")
		return out, nil
	}
	if len(sh.Rows) == 0 {
		fail(0, "", "工作表是空的")
		return out, nil
	}
	head := sh.Rows[0]
	if err := sh.MergedBelow(head.Line); err != nil {
		te := err.(*tabular.Error)
		fail(te.Row, te.Column, te.Msg)
		return out, nil
	}
	col := map[string]int{}
	for i, c := range head.Cells {
		c = strings.TrimSuffix(strings.TrimSpace(c), "*")
		if c != "" {
			col[c] = i
		}
	}
	for _, need := range []string{qcKind, qcStem, qcAnswer} {
		if _, ok := col[need]; !ok {
			fail(head.Line, "", fmt.Sprintf("表头缺少“%s”列（请使用模板）", need))
		}
	}
	if len(out.Errors) > 0 {
		return out, nil
	}
	formulas := formulaCells(data, sh.Name)
	colName := func(i int) string {
		return tabular.ColumnName(i) + "（" + strings.TrimSuffix(strings.TrimSpace(head.Cell(i)), "*") + "）"
	}
	for _, r := range sh.Rows[1:] {
		out.Rows++
		bad := false
		cell := func(name string) (string, int) {
			i, ok := col[name]
			if !ok {
				return "", -1
			}
			return strings.TrimSpace(r.Cell(i)), i
		}
		for i, c := range r.Cells {
			if formulas[[2]int{r.Line, i}] {
				fail(r.Line, colName(i), "单元格是公式：请复制后“选择性粘贴为数值”再导入")
				bad = true
			} else if htmlTag.MatchString(c) {
				fail(r.Line, colName(i), "含有 HTML 标签或实体：题目只收纯文本")
				bad = true
			}
		}
		if bad {
			continue
		}
		kindText, ki := cell(qcKind)
		kind, ok := kindByName[strings.ToLower(kindText)]
		if !ok {
			fail(r.Line, colName(ki), "题型须是 单选、多选、判断 或 填空")
			continue
		}
		in := domain.QuestionInput{Kind: kind, Options: []domain.ExamOption{}}
		in.Stem, _ = cell(qcStem)
		in.Explanation, _ = cell(qcExplanation)
		if kind == domain.QuestionSingle || kind == domain.QuestionMultiple {
			last := -1
			for k, key := range domain.OptionKeys {
				t, _ := cell("选项" + string(key))
				if t != "" {
					last = k
				}
			}
			for k := 0; k <= last; k++ {
				t, i := cell("选项" + domain.OptionKeys[k:k+1])
				if t == "" {
					fail(r.Line, colName(i), "选项不能跳空：请从选项A起依次填写")
					bad = true
					break
				}
				in.Options = append(in.Options, domain.ExamOption{Text: t})
			}
		}
		ansText, ai := cell(qcAnswer)
		answer, msg := parseAnswerCell(kind, ansText)
		if msg != "" {
			fail(r.Line, colName(ai), msg)
			bad = true
		}
		in.Answer = answer
		if t, _ := cell(qcTags); t != "" {
			in.Tags = strings.FieldsFunc(t, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' })
		}
		for _, f := range []struct {
			name string
			dst  *int
		}{{qcDifficulty, &in.Difficulty}, {qcPoints, &in.Points}} {
			t, i := cell(f.name)
			if t == "" {
				continue
			}
			n, err := strconv.Atoi(t)
			if err != nil {
				fail(r.Line, colName(i), fmt.Sprintf("“%s”不是整数", t))
				bad = true
				continue
			}
			*f.dst = n
		}
		if bad {
			continue
		}
		v, err := in.Validate()
		if err != nil {
			e, ok := err.(*domain.Error)
			if !ok {
				return out, err
			}
			fail(r.Line, questionColumn(e.Field, col, colName), e.Message)
			continue
		}
		out.Questions = append(out.Questions, v)
	}
	out.QuestionsOK = len(out.Questions)
	if out.Rows == 0 {
		fail(0, "", "没有题目：表头下面没有数据行")
	}
	return out, nil
}

// questionColumn names the column of a validation error's field.
func questionColumn(field string, col map[string]int, colName func(int) string) string {
	name := map[string]string{"kind": qcKind, "stem": qcStem, "answer": qcAnswer, "difficulty": qcDifficulty, "points": qcPoints, "explanation": qcExplanation}[field]
	switch {
	case strings.HasPrefix(field, "tags"):
		name = qcTags
	case strings.HasPrefix(field, "options"):
		name = "选项A"
		if i := strings.Index(field, "["); i >= 0 {
			if k, err := strconv.Atoi(strings.TrimSuffix(strings.Split(field[i+1:], "]")[0], "")); err == nil && k < len(domain.OptionKeys) {
				name = "选项" + domain.OptionKeys[k:k+1]
			}
		}
	}
	if i, ok := col[name]; ok {
		return colName(i)
	}
	return name
}

// parseAnswerCell reads the 答案 cell: B; ABD or A,B,D; 对/错; blanks
// separated by ；(alternatives by |).
func parseAnswerCell(kind domain.QuestionKind, s string) (json.RawMessage, string) {
	if s == "" {
		return nil, "答案不能为空"
	}
	var v any
	switch kind {
	case domain.QuestionSingle:
		v = strings.ToUpper(s)
	case domain.QuestionMultiple:
		var ks []string
		for _, r := range strings.ToUpper(s) {
			if r >= 'A' && r <= 'Z' {
				ks = append(ks, string(r))
			}
		}
		v = ks
	case domain.QuestionJudge:
		switch strings.ToLower(s) {
		case "对", "正确", "√", "是", "t", "true", "y":
			v = true
		case "错", "错误", "×", "否", "f", "false", "n":
			v = false
		default:
			return nil, "判断题的答案填“对”或“错”"
		}
	case domain.QuestionFill:
		v = strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' })
	}
	b, _ := json.Marshal(v)
	return b, ""
}

// formulaCells lists the (row, column index) of the cells holding a formula.
func formulaCells(data []byte, sheet string) map[[2]int]bool {
	out := map[[2]int]bool{}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return out
	}
	defer f.Close()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return out
	}
	for ri, r := range rows {
		for ci := range r {
			name, _ := excelize.CoordinatesToCellName(ci+1, ri+1)
			if fm, err := f.GetCellFormula(sheet, name); err == nil && fm != "" {
				out[[2]int{ri + 1, ci}] = true
			}
		}
	}
	return out
}

// PreviewQuestionImport checks a workbook against a bank; nothing is written.
func (a *App) PreviewQuestionImport(ctx context.Context, ac domain.Actor, bankID int64, file []byte) (domain.QuestionImport, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return domain.QuestionImport{}, err
	}
	if err := a.st.Read(ctx, func(tx *store.Tx) error {
		_, err := tx.GetBank(ctx, manageScope(ac), bankID)
		return err
	}); err != nil {
		return domain.QuestionImport{}, err
	}
	return parseQuestionSheet(file)
}

// ImportQuestions imports a workbook into a bank: every question in one
// transaction, or nothing when any row has a problem.
func (a *App) ImportQuestions(ctx context.Context, ac domain.Actor, bankID int64, file []byte) (domain.QuestionImport, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return domain.QuestionImport{}, err
	}
	out, err := parseQuestionSheet(file)
	if err != nil {
		return out, err
	}
	if len(out.Errors) > 0 {
		e := out.Errors[0]
		where := "file"
		if e.Row > 0 {
			where = fmt.Sprintf("第%d行", e.Row)
			if e.Column != "" {
				where += " " + e.Column + "列"
			}
		}
		return out, domain.Invalid("file", "%s：%s（共 %d 处问题，先预览查看全部；没有导入任何题目）", where, e.Message, len(out.Errors))
	}
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetBank(ctx, manageScope(ac), bankID); err != nil {
			return err
		}
		for _, q := range out.Questions {
			if _, err := tx.CreateQuestion(ctx, bankID, q); err != nil {
				return err
			}
		}
		out.Imported = len(out.Questions)
		return a.record(ctx, tx, ac, AuditEntry{Type: "exam.question.import", Target: bankTarget(bankID), Detail: fmt.Sprintf("%d questions", out.Imported)})
	})
	return out, err
}

// writeQuestionSheet writes questions (or the template's examples) with
// the import's columns, a 说明 sheet and drop-downs for 题型 and 难度.
func writeQuestionSheet(qs []domain.Question, examples bool) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet, help = "题目", "说明"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	cols := QuestionImportColumns()
	put := func(r int, cells []string) error {
		for j, c := range cells {
			name, _ := excelize.CoordinatesToCellName(j+1, r)
			if err := f.SetCellStr(sheet, name, c); err != nil { // always a string cell: "=1+1" stays text
				return err
			}
		}
		return nil
	}
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c
		if c == qcKind || c == qcStem || c == qcAnswer {
			head[i] = c + "*"
		}
	}
	if err := put(1, head); err != nil {
		return nil, err
	}
	row := func(q domain.Question) []string {
		cells := make([]string, len(cols))
		cells[0], cells[1] = kindNames[q.Kind], q.Stem
		for i, o := range q.Options {
			cells[2+i] = o.Text
		}
		cells[10] = answerCell(q.Kind, q.Answer)
		cells[11] = strings.Join(q.Tags, "，")
		cells[12], cells[13] = strconv.Itoa(q.Difficulty), strconv.Itoa(q.Points)
		cells[14] = q.Explanation
		return cells
	}
	if examples {
		qs = []domain.Question{
			{Kind: domain.QuestionSingle, Stem: "《中国共产党纪律处分条例》规定的党的纪律有几项？", Options: []domain.ExamOption{{Text: "四项"}, {Text: "六项"}, {Text: "八项"}},
				Answer: json.RawMessage(`"B"`), Tags: []string{"纪律处分条例"}, Difficulty: 2, Points: 2, Explanation: "政治、组织、廉洁、群众、工作、生活六项纪律。"},
			{Kind: domain.QuestionMultiple, Stem: "下列属于六项纪律的有？", Options: []domain.ExamOption{{Text: "政治纪律"}, {Text: "组织纪律"}, {Text: "饮食纪律"}, {Text: "廉洁纪律"}},
				Answer: json.RawMessage(`["A","B","D"]`), Tags: []string{"纪律处分条例"}, Difficulty: 3, Points: 4},
			{Kind: domain.QuestionJudge, Stem: "党员必须遵守党的纪律。", Answer: json.RawMessage(`true`), Tags: []string{"党章"}, Difficulty: 1, Points: 1},
			{Kind: domain.QuestionFill, Stem: "党的根本组织原则是____。", Answer: json.RawMessage(`["民主集中制"]`), Tags: []string{"党章"}, Difficulty: 2, Points: 2},
		}
	}
	for i, q := range qs {
		if err := put(i+2, row(q)); err != nil {
			return nil, err
		}
	}
	last := max(len(qs)+1, 1000)
	kinds := excelize.NewDataValidation(true)
	kinds.Sqref = fmt.Sprintf("A2:A%d", last)
	if err := kinds.SetDropList([]string{"单选", "多选", "判断", "填空"}); err != nil {
		return nil, err
	}
	diff := excelize.NewDataValidation(true)
	diff.Sqref = fmt.Sprintf("M2:M%d", last)
	if err := diff.SetDropList([]string{"1", "2", "3", "4", "5"}); err != nil {
		return nil, err
	}
	for _, dv := range []*excelize.DataValidation{kinds, diff} {
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return nil, err
		}
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return nil, err
	}
	if err := f.SetColStyle(sheet, "A:O", text); err != nil {
		return nil, err
	}
	if err := f.SetColWidth(sheet, "B", "B", 50); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(help); err != nil {
		return nil, err
	}
	lines := []string{
		"第一个工作表“题目”的第一行是表头，请保留；带 * 的列必填。模板中的几行是示例，导入前请删除或改成真实题目。",
		"题型：单选、多选、判断、填空（下拉选择）。",
		"题干：题目正文。填空题的空用 ____ 表示。",
		"选项A～选项H：单选、多选题的选项，从选项A起依次填写，至少两个；判断、填空题不填。",
		"答案：单选填一个字母，如 B；多选填几个字母，如 ABD；判断填“对”或“错”；填空题每个空的答案用“；”隔开，一个空有几种答法时用“|”隔开，如 2012|二〇一二。",
		"填空题判分时忽略空格、全角半角和大小写。多选题须全部选对才得分。",
		"标签：用于按标签抽题，多个标签用“，”隔开。",
		"难度：1（易）到 5（难），不填为 3。分值：正整数，不填为 1。",
		"解析：交卷后按考试设置显示给考生。",
		"单元格请填纯文本：公式单元格和 HTML 标签会被拒绝；以 = + - @ 开头的内容按文字保存，不会当作公式。",
		"上传后先预览：每个错误都会列出所在的行和列；确认导入时全部题目一次写入，任何一行有错都不会导入。",
		"导出的题库与本模板的列相同，可以修改后再导入（导入总是新增题目）。",
	}
	for i, l := range lines {
		if err := f.SetCellStr(help, fmt.Sprintf("A%d", i+1), l); err != nil {
			return nil, err
		}
	}
	if err := f.SetColWidth(help, "A", "A", 110); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	_, err = f.WriteTo(&buf)
	return buf.Bytes(), err
}

// answerCell writes a key as the 答案 column reads it.
func answerCell(kind domain.QuestionKind, key json.RawMessage) string {
	switch kind {
	case domain.QuestionSingle:
		var k string
		_ = json.Unmarshal(key, &k)
		return k
	case domain.QuestionMultiple:
		var ks []string
		_ = json.Unmarshal(key, &ks)
		return strings.Join(ks, "")
	case domain.QuestionJudge:
		var b bool
		_ = json.Unmarshal(key, &b)
		if b {
			return "对"
		}
		return "错"
	}
	var ts []string
	_ = json.Unmarshal(key, &ts)
	return strings.Join(ts, "；")
}

// QuestionImportTemplate writes the template of a bank's import.
func (a *App) QuestionImportTemplate(ctx context.Context, ac domain.Actor, bankID int64) ([]byte, string, error) {
	b, err := a.GetBank(ctx, ac, bankID)
	if err != nil {
		return nil, "", err
	}
	data, err := writeQuestionSheet(nil, true)
	return data, b.Name + "-导入模板.xlsx", err
}

// ExportBank writes a bank's active questions with the import's columns.
func (a *App) ExportBank(ctx context.Context, ac domain.Actor, bankID int64) ([]byte, string, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return nil, "", err
	}
	var b domain.QuestionBank
	var qs []domain.Question
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		if b, err = tx.GetBank(ctx, manageScope(ac), bankID); err != nil {
			return err
		}
		qs, _, err = tx.ListQuestions(ctx, bankID, store.QuestionFilter{})
		return err
	})
	if err != nil {
		return nil, "", err
	}
	data, err := writeQuestionSheet(qs, false)
	if err != nil {
		return nil, "", err
	}
	if err := a.recordAlone(ctx, ac, AuditEntry{Type: "export.question_bank", Target: bankTarget(bankID), Detail: fmt.Sprintf("%d questions", len(qs))}); err != nil {
		return nil, "", err
	}
	return data, b.Name + ".xlsx", nil
}
