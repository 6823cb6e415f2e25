package monitor

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The #14 benchmark: 10⁴ generated Chinese rules over generated Chinese
// posts, the whole pipeline (normalise + de-duplicate + match + route) beside
// the raw matcher on the same posts, one goroutine (report per core with
// -cpu 1), and the heap the rules and the gazetteer take once built.
//
//	go test -run '^$' -bench BenchmarkMonitor -benchmem -cpu 1 ./internal/monitor/

// commonChars are frequent characters of Chinese news text; words and posts
// are drawn from them so keywords share prefixes and occur in posts, as real
// rule sets and posts do.
const commonChars = "的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切"

type corpus struct {
	rules []Rule
	units []Unit
	posts []Item
}

func genCorpus(nRules, nPosts int) corpus {
	rng := rand.New(rand.NewPCG(14, 2026))
	chars := []rune(commonChars)
	trad := make([]rune, 0, 4000)
	for r := range t2sConverter().chars {
		trad = append(trad, r)
	}
	word := func(min, max int) string {
		n := min + rng.IntN(max-min+1)
		var b strings.Builder
		for range n {
			b.WriteRune(chars[rng.IntN(len(chars))])
		}
		return b.String()
	}
	vocab := make([]string, 20000)
	for i := range vocab {
		vocab[i] = word(2, 4)
	}
	pick := func() string { return vocab[rng.IntN(len(vocab))] }
	var c corpus
	for i := range nRules {
		var expr string
		switch i % 5 {
		case 0:
			expr = pick() + " AND " + pick()
		case 1:
			expr = pick() + " OR " + pick()
		case 2:
			expr = "(" + pick() + " OR " + pick() + ") AND NOT " + pick()
		case 3:
			expr = fmt.Sprintf(`"%s" NEAR/10 "%s"`, pick(), pick())
		default:
			expr = pick() + " " + pick() + " " + pick()
		}
		c.rules = append(c.rules, Rule{ID: int64(i + 1), Topic: "topic" + fmt.Sprint(i%20), Severity: 1 + i%3, Expr: expr})
	}
	// A county: 1 bureau, 20 districts, 50 schools each (1 021 units).
	c.units = append(c.units, Unit{ID: 1, Name: "城关县教育局", Aliases: []string{"城关县教育系统"}})
	for d := range 20 {
		did := int64(100 + d)
		c.units = append(c.units, Unit{ID: did, Name: word(2, 2) + "学区", Parent: 1})
		for s := range 50 {
			name := word(2, 3) + []string{"小学", "中学", "幼儿园", "实验学校"}[s%4]
			c.units = append(c.units, Unit{ID: did*1000 + int64(s), Name: name, Parent: did})
		}
	}
	base := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	for i := range nPosts {
		var b strings.Builder
		for b.Len() < 900 { // ~300 characters
			switch x := rng.IntN(100); {
			case x < 2:
				b.WriteString(pick())
			case x < 3:
				b.WriteString(c.units[rng.IntN(len(c.units))].Name)
			case x < 8:
				b.WriteRune(trad[rng.IntN(len(trad))])
			case x < 12:
				b.WriteString("，")
			default:
				b.WriteRune(chars[rng.IntN(len(chars))])
			}
		}
		c.posts = append(c.posts, Item{
			URL:   fmt.Sprintf("https://news.example.cn/a/%d?utm_source=feed", i),
			Title: word(8, 16),
			Text:  b.String(),
			Seen:  base.Add(time.Duration(i) * time.Second),
		})
	}
	return c
}

// cpuTime is the process's user+system CPU time. The benchmark reports
// posts per CPU-second beside posts per wall-second: on a shared machine the
// wall clock counts time the process spent waiting for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

func BenchmarkMonitor(b *testing.B) {
	c := genCorpus(10000, 20000)
	before := heapInUse()
	p, err := NewPipeline(c.rules, c.units, DefaultNearBits)
	if err != nil {
		b.Fatal(err)
	}
	built := heapInUse()
	m, err := Compile(c.rules) // the raw matcher alone, for comparison
	if err != nil {
		b.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.Logf("%d rules, %d distinct keywords, %d units: heap %.1f MB for the pipeline's rules and gazetteer, process Sys %.1f MB",
		len(c.rules), m.Keywords(), len(c.units), float64(built-before)/(1<<20), float64(ms.Sys)/(1<<20))
	norm := make([]string, len(c.posts))
	for i, p := range c.posts {
		norm[i] = Normalize(p.Title) + "\n" + Normalize(p.Text)
	}

	var bytes int64
	for _, p := range c.posts {
		bytes += int64(len(p.Title) + len(p.Text))
	}
	b.Run("pipeline", func(b *testing.B) {
		b.SetBytes(bytes / int64(len(c.posts)))
		hits, routed := 0, 0
		b.ResetTimer()
		cpu0 := cpuTime()
		for i := range b.N {
			r := p.Process(c.posts[i%len(c.posts)])
			hits += len(r.Hits)
			routed += len(r.Units)
		}
		b.ReportMetric(float64(b.N)/(cpuTime()-cpu0).Seconds(), "posts/cpu-s")
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
		b.ReportMetric(float64(built-before)/(1<<20), "rules-MB")
		b.ReportMetric(float64(hits)/float64(b.N), "hits/post")
		b.ReportMetric(float64(routed)/float64(b.N), "units/post")
	})
	b.Run("matcher", func(b *testing.B) {
		b.SetBytes(bytes / int64(len(c.posts)))
		hits := 0
		b.ResetTimer()
		cpu0 := cpuTime()
		for i := range b.N {
			hits += len(m.Match(norm[i%len(norm)]))
		}
		b.ReportMetric(float64(b.N)/(cpuTime()-cpu0).Seconds(), "posts/cpu-s")
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
		b.ReportMetric(float64(hits)/float64(b.N), "hits/post")
	})
	b.Run("normalize", func(b *testing.B) {
		cpu0 := cpuTime()
		for i := range b.N {
			p := c.posts[i%len(c.posts)]
			_ = Normalize(p.Title)
			_ = Normalize(p.Text)
		}
		b.ReportMetric(float64(b.N)/(cpuTime()-cpu0).Seconds(), "posts/cpu-s")
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
	})
}
