package httpapi

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
)

// importCSV imports a CSV ledger into a unit through the API and returns the
// batch id its summary names.
func (e *env) importCSV(as *session, org int64, csv string) int64 {
	e.t.Helper()
	path := "/api/v1/imports/activities/preview?org_id=" + strconv.FormatInt(org, 10)
	var pre struct {
		FileSHA256 string `json:"file_sha256"`
		Invalid    int    `json:"invalid"`
	}
	e.call(upload(path, "台账.csv", []byte(csv)).as(as), 200).decode(e.t, &pre)
	var res struct {
		BatchID  int64 `json:"batch_id"`
		Imported int   `json:"imported"`
	}
	e.call(req("POST", "/api/v1/imports/activities", map[string]any{"file_sha256": pre.FileSHA256, "org_id": org}).as(as), 200).decode(e.t, &res)
	if res.BatchID == 0 || res.Imported == 0 {
		e.t.Fatalf("import: %+v", res)
	}
	return res.BatchID
}

// TestLedgerByImportBatch lists and exports exactly the records one import
// brought in; another school's reader is refused (404 on import_batch).
func TestLedgerByImportBatch(t *testing.T) {
	e := newEnv(t)
	school := e.newSession("xiaoxue", "实验小学李书记", e.school, domain.RoleSchoolAdmin)
	school2 := e.newSession("erzhong", "第二中学王书记", e.school2, domain.RoleSchoolAdmin)
	typ := e.types["moral_education"].Name
	e.activity(e.school, "moral_education", "2024-03-05", "日常登记", 20, true)
	first := e.importCSV(school, e.school, fmt.Sprintf("日期,活动类型,标题,参加人数\n2024-03-06,%s,导入甲,30\n2024-03-07,%s,导入乙,31\n", typ, typ))
	second := e.importCSV(school, e.school, fmt.Sprintf("日期,活动类型,标题,参加人数\n2024-04-06,%s,导入丙,30\n", typ))

	for batch, want := range map[int64][]string{first: {"导入乙", "导入甲"}, second: {"导入丙"}} {
		q := "import_batch=" + strconv.FormatInt(batch, 10)
		got := e.listed(q, school)
		if len(got) != len(want) {
			t.Fatalf("batch %d lists %d records, want %v", batch, len(got), want)
		}
		for i, a := range got {
			if a.Title != want[i] {
				t.Fatalf("batch %d record %d is %q, want %q", batch, i, a.Title, want[i])
			}
		}
		rows, _ := e.exportSheet(req("GET", "/api/v1/activities/export?"+q, nil).as(school))
		if len(rows) != len(want) {
			t.Fatalf("batch %d exports %d rows", batch, len(rows))
		}
		// The other school may not read the batch: not found, naming the parameter.
		if d := e.call(req("GET", "/api/v1/activities?"+q, nil).as(school2), 404).errorOf(t); d.Field != "import_batch" {
			t.Fatalf("another school's reader: %+v", d)
		}
	}
	if d := e.call(req("GET", "/api/v1/activities?import_batch=999999", nil).as(school), 404).errorOf(t); d.Field != "import_batch" {
		t.Fatalf("an unknown batch: %+v", d)
	}
}
