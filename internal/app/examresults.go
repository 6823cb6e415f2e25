package app

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/exam"
	"github.com/zeren-edu/zeren/internal/store"
)

// Results of an exam over a unit's subtree. A candidate counts once, with
// the best of its finished attempts (submitted or expired); the time taken
// is each finished attempt's, and an attempt under exam.ShortShare (20 %) of
// the median time of the exam's finished attempts is flagged as very short.

// examResultData is what the results, the export and the report figures
// are computed from.
type examResultData struct {
	exam       domain.Exam
	root       domain.OrgUnit
	rows       []store.ResultRow
	best       map[int64]store.ResultRow // account → best finished attempt
	started    map[int64]bool
	candidates map[int64]int // unit → candidates
	medianSecs int
}

func secondsOf(r store.ResultRow) int {
	return int(math.Round(r.SubmittedAt.Sub(r.StartedAt).Seconds()))
}

// loadResults reads an exam's attempts of a unit's subtree (the exam's unit
// when orgID is 0), inside the manager's subtree.
func (a *App) loadResults(ctx context.Context, tx *store.Tx, ac domain.Actor, id, orgID int64) (examResultData, error) {
	var d examResultData
	e, err := tx.GetExam(ctx, manageScope(ac), id)
	if err != nil {
		return d, err
	}
	if orgID == 0 {
		orgID = e.OrgID
		if ok, err := tx.InScope(ctx, manageScope(ac).Roots, orgID); err != nil {
			return d, err
		} else if !ok {
			// The exam's unit lies above the manager's: its own subtree.
			orgID = ac.OrgID
		}
	}
	root, err := tx.GetOrg(ctx, manageScope(ac), orgID)
	if err != nil {
		return d, fieldNotFound(err, "org_id")
	}
	return a.resultsOver(ctx, tx, e, root)
}

func (a *App) resultsOver(ctx context.Context, tx *store.Tx, e domain.Exam, root domain.OrgUnit) (examResultData, error) {
	d := examResultData{exam: e, root: root, best: map[int64]store.ResultRow{}, started: map[int64]bool{}}
	var err error
	if d.rows, err = tx.ExamAttemptRows(ctx, e.ID, root.ID); err != nil {
		return d, err
	}
	if d.candidates, err = tx.CandidateUnits(ctx, e.ID, root.ID); err != nil {
		return d, err
	}
	var secs []int
	for _, r := range d.rows {
		d.started[r.AccountID] = true
		if r.State == domain.AttemptOpen {
			continue
		}
		secs = append(secs, secondsOf(r))
		if b, ok := d.best[r.AccountID]; !ok || r.Score > b.Score {
			d.best[r.AccountID] = r
		}
	}
	d.medianSecs = exam.Median(secs)
	return d, nil
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// summary is a set of best attempts' count, average and pass rate.
func summary(best []store.ResultRow) (n int, avg, pass float64) {
	passed, sum := 0, 0
	for _, r := range best {
		sum += r.Score
		if r.Passed {
			passed++
		}
	}
	return len(best), round2(share(sum, len(best))), round2(share(passed, len(best)))
}

func (d examResultData) bestList() []store.ResultRow {
	out := make([]store.ResultRow, 0, len(d.best))
	for _, r := range d.best {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (d examResultData) totalCandidates() int {
	n := 0
	for _, c := range d.candidates {
		n += c
	}
	return n
}

func (d examResultData) attemptRow(r store.ResultRow) domain.AttemptRow {
	out := domain.AttemptRow{ID: r.ID, AccountID: r.AccountID, Name: r.Name, OrgID: r.OrgID, OrgName: r.OrgName, State: r.State,
		StartedAt: r.StartedAt, Score: r.Score, Max: r.Max, Passed: r.Passed}
	if r.State != domain.AttemptOpen {
		at := r.SubmittedAt
		out.SubmittedAt = &at
		out.DurationSeconds = secondsOf(r)
		out.Short = exam.Short(out.DurationSeconds, d.medianSecs)
	}
	return out
}

// ExamResults computes an exam's results and statistics.
func (a *App) ExamResults(ctx context.Context, ac domain.Actor, id, orgID int64) (domain.ExamResults, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return domain.ExamResults{}, err
	}
	var out domain.ExamResults
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		d, err := a.loadResults(ctx, tx, ac, id, orgID)
		if err != nil {
			return err
		}
		out, err = a.computeResults(ctx, tx, d)
		return err
	})
	return out, err
}

func (a *App) computeResults(ctx context.Context, tx *store.Tx, d examResultData) (domain.ExamResults, error) {
	best := d.bestList()
	n, avg, pass := summary(best)
	cands := d.totalCandidates()
	out := domain.ExamResults{ExamID: d.exam.ID, OrgID: d.root.ID, Candidates: cands, Started: len(d.started), Submitted: n,
		Participation: round2(share(n, cands)), Average: avg, PassRate: pass, MaxScore: d.exam.MaxScore, MedianSeconds: d.medianSecs,
		ShortAttempts: []domain.AttemptRow{}, Units: []domain.UnitResult{}, Questions: []domain.QuestionStat{}}
	scores := make([]float64, len(best))
	for i, r := range best {
		scores[i] = float64(r.Score)
	}
	out.Distribution = exam.Distribution(scores, float64(d.exam.MaxScore), 10)
	var mins []float64
	for _, r := range d.rows {
		if r.State == domain.AttemptOpen {
			continue
		}
		mins = append(mins, float64(secondsOf(r))/60)
		if row := d.attemptRow(r); row.Short {
			out.ShortAttempts = append(out.ShortAttempts, row)
		}
	}
	out.DurationDistribution = exam.Distribution(mins, float64(d.exam.DurationMinutes), 10)

	// Units: those directly below the root, or the root itself when it is a leaf.
	branches, err := tx.Branches(ctx, d.root.ID)
	if err != nil {
		return out, err
	}
	if len(branches) == 0 {
		branches = []store.UnitBranch{{ID: d.root.ID, Name: d.root.Name, Units: []int64{d.root.ID}}}
	}
	for _, b := range branches {
		in := map[int64]bool{}
		c := 0
		for _, u := range b.Units {
			in[u] = true
			c += d.candidates[u]
		}
		var bb []store.ResultRow
		for _, r := range best {
			if in[r.OrgID] {
				bb = append(bb, r)
			}
		}
		if c == 0 && len(bb) == 0 {
			continue
		}
		k, bavg, bpass := summary(bb)
		out.Units = append(out.Units, domain.UnitResult{OrgID: b.ID, Name: b.Name, Candidates: c, Submitted: k, Average: bavg, PassRate: bpass})
	}

	// Item statistics over the best attempts.
	items, err := tx.ExamItemScores(ctx, d.exam.ID, d.root.ID)
	if err != nil {
		return out, err
	}
	isBest := map[int64]float64{}
	for _, r := range best {
		isBest[r.ID] = float64(r.Score)
	}
	resp := map[int64]*exam.Response{}
	for _, it := range items {
		total, ok := isBest[it.AttemptID]
		if !ok {
			continue
		}
		r := resp[it.AttemptID]
		if r == nil {
			r = &exam.Response{Total: total, Shares: map[int64]float64{}}
			resp[it.AttemptID] = r
		}
		r.Shares[it.QuestionID] = share(it.Score, it.Points)
	}
	var rs []exam.Response
	for _, r := range resp {
		rs = append(rs, *r)
	}
	stats := exam.ItemStats(rs)
	qids := make([]int64, 0, len(stats))
	for q := range stats {
		qids = append(qids, q)
	}
	sort.Slice(qids, func(i, j int) bool { return qids[i] < qids[j] })
	stems, err := tx.QuestionStems(ctx, qids)
	if err != nil {
		return out, err
	}
	for _, q := range qids {
		s := stats[q]
		out.Questions = append(out.Questions, domain.QuestionStat{ID: q, Stem: stems[q].Stem, Kind: stems[q].Kind, Attempts: s.Attempts,
			DifficultyIndex: round2(s.Difficulty), Discrimination: round2(s.Discrimination)})
	}
	return out, nil
}

// ListExamAttempts lists an exam's attempts of a unit's subtree, best score first.
func (a *App) ListExamAttempts(ctx context.Context, ac domain.Actor, id, orgID int64, limit, offset int) ([]domain.AttemptRow, int, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	var out []domain.AttemptRow
	var total int
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		d, err := a.loadResults(ctx, tx, ac, id, orgID)
		if err != nil {
			return err
		}
		all := d.sortedRows()
		total = len(all)
		for i := offset; i < len(all) && i < offset+limit; i++ {
			out = append(out, all[i])
		}
		return nil
	})
	return out, total, err
}

func (d examResultData) sortedRows() []domain.AttemptRow {
	all := make([]domain.AttemptRow, 0, len(d.rows))
	for _, r := range d.rows {
		all = append(all, d.attemptRow(r))
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Score != all[j].Score {
			return all[i].Score > all[j].Score
		}
		return all[i].ID < all[j].ID
	})
	return all
}

// ExportExamResults writes an exam's results as an Excel workbook: one
// sheet of attempts, one of units, one of the questions' statistics.
func (a *App) ExportExamResults(ctx context.Context, ac domain.Actor, id, orgID int64) ([]byte, string, error) {
	if err := ac.Require(domain.PermExamManage); err != nil {
		return nil, "", err
	}
	var res domain.ExamResults
	var rows []domain.AttemptRow
	var title string
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		d, err := a.loadResults(ctx, tx, ac, id, orgID)
		if err != nil {
			return err
		}
		title = d.exam.Title
		rows = d.sortedRows()
		res, err = a.computeResults(ctx, tx, d)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	f := excelize.NewFile()
	defer f.Close()
	const s1, s2, s3 = "成绩", "单位统计", "试题分析"
	if err := f.SetSheetName("Sheet1", s1); err != nil {
		return nil, "", err
	}
	for _, s := range []string{s2, s3} {
		if _, err := f.NewSheet(s); err != nil {
			return nil, "", err
		}
	}
	put := func(sheet string, r int, cells []any) error {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		return f.SetSheetRow(sheet, cell, &cells)
	}
	loc := a.clock.Location()
	if err := put(s1, 1, []any{"姓名", "单位", "状态", "开始时间", "交卷时间", "用时（分钟）", "得分", "满分", "是否及格", "用时过短"}); err != nil {
		return nil, "", err
	}
	states := map[domain.AttemptState]string{domain.AttemptOpen: "答题中", domain.AttemptSubmitted: "已交卷", domain.AttemptExpired: "超时自动交卷"}
	yes := func(b bool) string {
		if b {
			return "是"
		}
		return "否"
	}
	for i, r := range rows {
		sub := ""
		if r.SubmittedAt != nil {
			sub = r.SubmittedAt.In(loc).Format("2006-01-02 15:04:05")
		}
		if err := put(s1, i+2, []any{r.Name, r.OrgName, states[r.State], r.StartedAt.In(loc).Format("2006-01-02 15:04:05"), sub,
			round2(float64(r.DurationSeconds) / 60), r.Score, r.Max, yes(r.Passed), yes(r.Short)}); err != nil {
			return nil, "", err
		}
	}
	if err := put(s2, 1, []any{"单位", "应考人数", "交卷人数", "平均分", "及格率"}); err != nil {
		return nil, "", err
	}
	for i, u := range res.Units {
		if err := put(s2, i+2, []any{u.Name, u.Candidates, u.Submitted, u.Average, u.PassRate}); err != nil {
			return nil, "", err
		}
	}
	if err := put(s3, 1, []any{"题号", "题干", "作答人数", "难度（得分率）", "区分度"}); err != nil {
		return nil, "", err
	}
	for i, q := range res.Questions {
		if err := put(s3, i+2, []any{q.ID, q.Stem, q.Attempts, q.DifficultyIndex, q.Discrimination}); err != nil {
			return nil, "", err
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, "", err
	}
	if err := a.recordAlone(ctx, ac, AuditEntry{Type: "export.exam_results", Target: examTarget(id), Detail: fmt.Sprintf("%d rows", len(rows))}); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), fmt.Sprintf("%s-成绩.xlsx", title), nil
}
