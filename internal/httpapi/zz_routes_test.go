package httpapi

import (
	"flag"
	"sort"
	"strings"
	"testing"
)

// TestZZEveryRouteIsExercised lives in the file sorted last, so it runs after
// the tests whose requests it counts (go test runs tests in source order). It
// walks the route table and fails for any route that no test made answer successfully.
func TestZZEveryRouteIsExercised(t *testing.T) {
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() != "" {
		t.Skip("the route coverage check needs the whole suite (no -run)")
	}
	if f := flag.Lookup("test.shuffle"); f != nil && f.Value.String() != "off" {
		t.Skip("the route coverage check needs the tests in order (no -shuffle)")
	}
	exercised.Lock()
	defer exercised.Unlock()
	var missing []string
	for _, rt := range routeTable() {
		ok := false
		for st := range exercised.m[rt.opID] {
			ok = ok || st >= 200 && st < 300
		}
		if !ok {
			missing = append(missing, rt.opID+" ("+rt.method+" "+rt.path+")")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("no test makes these routes succeed:\n  %s", strings.Join(missing, "\n  "))
	}
	n := 0
	for _, sts := range exercised.m {
		n += len(sts)
	}
	t.Logf("%d routes, %d (route, status) pairs exercised", len(routeTable()), n)
}
