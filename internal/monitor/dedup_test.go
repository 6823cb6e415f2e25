package monitor

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"pgregory.net/rapid"
)

func TestNormalizeURL(t *testing.T) {
	for in, want := range map[string]string{
		"HTTPS://News.Example.CN:443/a?utm_source=wx&id=3&b=1#top": "https://news.example.cn/a?b=1&id=3",
		"http://example.cn":                "http://example.cn/",
		"http://example.cn:8080/x?spm=1.2": "http://example.cn:8080/x",
	} {
		got, err := NormalizeURL(in)
		if err != nil || got != want {
			t.Errorf("NormalizeURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "/relative", "::"} {
		if _, err := NormalizeURL(bad); err == nil {
			t.Errorf("NormalizeURL(%q) accepted", bad)
		}
	}
}

func TestDeduperStories(t *testing.T) {
	d, err := NewDeduper(DefaultNearBits)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	body := "城关县第一中学食堂昨日被学生家长反映饭菜质量差，多名学生出现腹痛症状，县教育局已派工作组进驻调查，要求学校立即整改并公开说明情况。" +
		"据家长介绍，近一个月来食堂多次出现饭菜不熟、蔬菜未洗净的问题，学生向班主任反映后未见改善。涉事学校负责人表示，已暂停食堂承包商的供餐，" +
		"改由临时配餐单位供应午餐，并邀请市场监管部门对食堂进行全面检查。县教育局表示将根据调查结果依法依规严肃处理，并在全县学校开展食品安全专项检查。"
	add := func(url, title, text string, h int) (*Story, bool) {
		return d.Add(Item{URL: url, Title: title, Text: text, Seen: day.Add(time.Duration(h) * time.Hour)}, Normalize(title), Normalize(text))
	}
	s1, isNew := add("https://a.cn/p/1?utm_source=x", "食堂饭菜质量差", body, 2)
	if !isNew || s1.Count != 1 {
		t.Fatalf("first item: new %v count %d", isNew, s1.Count)
	}
	// Same URL spelled differently.
	if s, isNew := add("HTTPS://A.CN/p/1#c", "另一个标题", "完全不同的内容啊啊啊", 1); isNew || s.ID != s1.ID {
		t.Errorf("same URL: story %d new %v", s.ID, isNew)
	}
	// Same title with different punctuation, elsewhere.
	if s, isNew := add("https://b.cn/9", "食堂饭菜，质量差！", "转发", 3); isNew || s.ID != s1.ID {
		t.Errorf("same title: story %d new %v", s.ID, isNew)
	}
	// A repost with a line added and a word changed: near duplicate.
	repost := strings.Replace(body, "昨日", "前日", 1) + "（转）"
	if s, isNew := add("https://c.cn/x", "网传某校食堂问题", repost, 5); isNew || s.ID != s1.ID {
		t.Errorf("near duplicate (distance %d): story %d new %v", Hamming(Simhash(Normalize(body)), Simhash(Normalize(repost))), s.ID, isNew)
	}
	// Something else entirely.
	other := "城关县实验小学举办春季运动会，全校师生参加了开幕式，校长致辞并为获奖班级颁发奖状，活动在欢乐的气氛中结束。"
	s2, isNew := add("https://d.cn/y", "实验小学运动会", other, 4)
	if !isNew || s2.ID == s1.ID {
		t.Errorf("unrelated item joined story %d", s2.ID)
	}
	st := d.Stories()
	if len(st) != 2 || st[0].Count != 4 || !st[0].FirstSeen.Equal(day.Add(time.Hour)) || !st[0].LastSeen.Equal(day.Add(5*time.Hour)) {
		t.Errorf("stories %+v", st)
	}
	// Forgetting what was last seen before 04:30 drops the sports story
	// (04:00) and keeps the canteen one (05:00); a late repost of the
	// sports day then starts a new story.
	if n := d.Forget(day.Add(4*time.Hour + 30*time.Minute)); n != 1 {
		t.Errorf("Forget dropped %d stories, want 1", n)
	}
	if s, isNew := add("https://d.cn/y", "实验小学运动会", other, 30); !isNew || s.ID == s2.ID {
		t.Errorf("forgotten story came back: %d new %v", s.ID, isNew)
	}
	if s, isNew := add("https://a.cn/p/1", "", "", 31); isNew || s.ID != s1.ID {
		t.Errorf("kept story lost its URL: %d new %v", s.ID, isNew)
	}
	if _, err := NewDeduper(9); err == nil {
		t.Error("threshold 9 accepted")
	}
}

// The banded lookup must find exactly what a scan of every story finds.
func TestDeduperBandsEqualScan(t *testing.T) {
	d, _ := NewDeduper(DefaultNearBits)
	seed := uint64(12345)
	next := func() uint64 { seed = mix(seed + 0x9e3779b97f4a7c15); return seed }
	for range 2000 {
		h := next()
		if next()%2 == 0 && len(d.stories) > 0 {
			// A neighbour of an existing story: flip 0–9 bits.
			h = d.stories[int(next()%uint64(len(d.stories)))].Simhash // ids are 0..n-1 here
			for range int(next() % 10) {
				h ^= 1 << (next() % 64)
			}
		}
		want, wantDist := -1, DefaultNearBits+1
		for _, s := range d.stories {
			if dist := Hamming(h, s.Simhash); dist < wantDist {
				want, wantDist = s.ID, dist
			}
		}
		if got := d.nearest(h); got != want {
			t.Fatalf("nearest = %d, scan = %d", got, want)
		}
		if want < 0 {
			id := len(d.stories)
			d.stories[id] = &Story{ID: id, Simhash: h}
			for b := range d.bands {
				d.byBand[b][d.band(h, b)] = append(d.byBand[b][d.band(h, b)], id)
			}
		}
	}
}

// simhashReference is the textbook loop (±1 per bit per bigram) that
// Simhash's counting eight bits at a time must equal.
func simhashReference(normText string) uint64 {
	var v [64]int32
	var prev rune = -1
	for _, r := range normText {
		if !(unicode.IsLetter(r) || unicode.IsNumber(r)) {
			continue
		}
		if prev >= 0 {
			h := mix(uint64(prev)<<32 | uint64(r))
			for i := range 64 {
				if h&(1<<i) != 0 {
					v[i]++
				} else {
					v[i]--
				}
			}
		}
		prev = r
	}
	var out uint64
	for i := range 64 {
		if v[i] > 0 {
			out |= 1 << i
		}
	}
	return out
}

func TestSimhashEqualsReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		// Up to 2 000 characters: several flushes of the 8-bit lanes.
		s := rapid.StringOfN(rapid.SampledFrom([]rune("校园霸凌食堂ab1，。 学生家长")), 0, 2000, -1).Draw(t, "s")
		if got, want := Simhash(s), simhashReference(s); got != want {
			t.Fatalf("Simhash(%q) = %x, reference %x", s, got, want)
		}
	})
}

// A restarted Deduper given back its stories files new items as before.
func TestDeduperRestore(t *testing.T) {
	body := strings.Repeat("城关县第一中学食堂饭菜质量差，多名学生出现腹痛症状，县教育局已派工作组进驻调查。", 3)
	seen := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	first, _ := NewDeduper(DefaultNearBits)
	s, _ := first.Add(Item{URL: "https://a.cn/1", Title: "食堂问题", Text: body, Seen: seen}, Normalize("食堂问题"), Normalize(body))

	again, _ := NewDeduper(DefaultNearBits)
	if err := again.Restore(*s, []string{"https://a.cn/1"}, TitleHash(Normalize("食堂问题"))); err != nil {
		t.Fatal(err)
	}
	if err := again.Restore(*s, nil, 0); err == nil {
		t.Error("a story restored twice was accepted")
	}
	for name, it := range map[string]Item{
		"url":   {URL: "https://A.cn/1#x"},
		"title": {URL: "https://b.cn/2", Title: "食堂问题！"},
		"text":  {URL: "https://c.cn/3", Title: "转", Text: body + "（转）"},
	} {
		got, isNew := again.Add(it, Normalize(it.Title), Normalize(it.Text))
		if isNew || got.ID != s.ID {
			t.Errorf("%s: story %d new %v, want restored story %d", name, got.ID, isNew, s.ID)
		}
	}
	if other, isNew := again.Add(Item{URL: "https://d.cn/4", Title: "运动会"}, "运动会", ""); !isNew || other.ID <= s.ID {
		t.Errorf("new story id %d (new %v), want above %d", other.ID, isNew, s.ID)
	}
}
