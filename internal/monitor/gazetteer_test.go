package monitor

import (
	"slices"
	"testing"
)

func testTree(t *testing.T) *Gazetteer {
	t.Helper()
	g, err := NewGazetteer([]Unit{
		{ID: 1, Name: "城关县教育局", Aliases: []string{"城关县教育系统"}},
		{ID: 2, Name: "东城学区", Parent: 1},
		{ID: 3, Name: "西城学区", Parent: 1},
		{ID: 10, Name: "城关县第一中学", Aliases: []string{"城关一中"}, Parent: 2},
		{ID: 11, Name: "第一中学", Parent: 3}, // a shorter name inside 10's
		{ID: 12, Name: "实验小学", Parent: 2},
		{ID: 13, Name: "实验小学", Parent: 3}, // shared with 12
		{ID: 14, Name: "東城中學", Parent: 2}, // traditional in the tree
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGazetteerRoute(t *testing.T) {
	g := testTree(t)
	for text, want := range map[string][]int64{
		"城关县第一中学食堂出事":  {10}, // longest wins over 第一中学
		"城关一中学生":       {10},
		"第一中学今天开会":     {11},
		"实验小学运动会":      {1},     // shared by 12 and 13: their lowest common ancestor
		"东城中学的老师":      {14},    // normalised both sides
		"东城学区和城关一中":    {10},    // 东城学区 is 10's ancestor: implied
		"西城学区、城关县第一中学": {3, 10}, // two branches
		"城关县教育系统通报":    {1},
		"与本县无关的新闻":     nil,
		"":             nil,
	} {
		if got := g.Route(Normalize(text)); !slices.Equal(got, want) {
			t.Errorf("Route(%q) = %v, want %v", text, got, want)
		}
	}
	if got := g.Ancestors(10); !slices.Equal(got, []int64{10, 2, 1}) {
		t.Errorf("Ancestors(10) = %v", got)
	}
}

func TestGazetteerRejectsBadTrees(t *testing.T) {
	for name, units := range map[string][]Unit{
		"cycle":          {{ID: 1, Name: "甲单位", Parent: 2}, {ID: 2, Name: "乙单位", Parent: 1}},
		"unknown parent": {{ID: 1, Name: "甲单位", Parent: 9}},
		"duplicate id":   {{ID: 1, Name: "甲单位"}, {ID: 1, Name: "乙单位"}},
		"short alias":    {{ID: 1, Name: "甲单位", Aliases: []string{"甲"}}},
		"empty name":     {{ID: 1, Name: " "}},
		"zero id":        {{ID: 0, Name: "甲单位"}},
	} {
		if _, err := NewGazetteer(units); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
