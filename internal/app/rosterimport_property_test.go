package app_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"pgregory.net/rapid"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// Any workbook of well-formed and malformed rows either imports every row or
// none, and a refusal is an invalid error naming a row and a column of the
// file: never another kind of error, never half an import.
func TestRosterImportAllOrNothingProperty(t *testing.T) {
	e := storetest.Engines(t)[0]
	f := newFixture(t, e)
	ctx := context.Background()
	s1 := f.schools[0]
	admin := actorOf(s1)
	team := f.mustTeam(t, admin, s1.ID, domain.TeamInformation, "信息员队")
	fieldRe := regexp.MustCompile(`^rows\[(\d+)\]\.(name|role|org_code|org_name|title|phone|joined_on)$`)
	roles := []string{"队长", "副队长", "成员", "队员", "联络员", "leader", "", "队员长", "boss"}
	units := []string{"", s1.Code, f.branches[0].Code, f.schools[1].Code, "nope", f.bureau.Code}
	phones := []string{"", "13812345678", "138-1234-5678", "0915-1234567", "12", "abc", "1381234567x"}
	dates := []string{"", "2024-03-01", "2024/3/1", "2024年3月1日", "45352", "2099-01-01", "3月1日", "2024-02-30"}
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		rows := [][]string{importHeader}
		k := rapid.IntRange(1, 6).Draw(rt, "rows")
		for i := 0; i < k; i++ {
			n++
			name := fmt.Sprintf("人%d", n)
			if rapid.IntRange(0, 9).Draw(rt, "dupname") == 0 && i > 0 {
				name = rows[len(rows)-1][0] // maybe a duplicate of the row above
			}
			if rapid.IntRange(0, 12).Draw(rt, "noname") == 0 {
				name = ""
			}
			rows = append(rows, []string{name, rapid.SampledFrom(roles).Draw(rt, "role"), rapid.SampledFrom(units).Draw(rt, "unit"), "",
				"", rapid.SampledFrom(phones).Draw(rt, "phone"), rapid.SampledFrom(dates).Draw(rt, "date")})
		}
		before, err := f.app.ListMembers(ctx, admin, team.ID, true)
		if err != nil {
			rt.Fatal(err)
		}
		res, err := f.app.ImportMembers(ctx, admin, team.ID, bytes.NewReader(workbook(rt, rows)))
		after, err2 := f.app.ListMembers(ctx, admin, team.ID, true)
		if err2 != nil {
			rt.Fatal(err2)
		}
		if err != nil {
			de, ok := err.(*domain.Error)
			if !ok || de.Kind != domain.KindInvalid || !fieldRe.MatchString(de.Field) {
				rt.Fatalf("refusal is not an invalid error naming a row and column: %#v", err)
			}
			row, _ := strconv.Atoi(fieldRe.FindStringSubmatch(de.Field)[1])
			if row < 2 || row > len(rows) {
				rt.Fatalf("the error names row %d of a sheet whose data rows are 2…%d", row, len(rows))
			}
			if len(after) != len(before) {
				rt.Fatalf("a refused import changed the team: %d → %d members", len(before), len(after))
			}
			return
		}
		if res.Imported != k || len(after) != len(before)+k || res.Members != len(after) {
			rt.Fatalf("imported %+v: %d → %d members for %d rows", res, len(before), len(after), k)
		}
	})
	if _, err := f.app.ImportMembers(ctx, admin, team.ID, bytes.NewReader([]byte("PK\x03\x04 not really"))); !domain.IsKind(err, domain.KindInvalid) {
		t.Fatalf("a broken zip: %v", err)
	}
	_ = app.ImportColumns
}
