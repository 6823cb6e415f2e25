package monitor

import "time"

// Pipeline is the matching engine for one stream of posts: normalise once,
// de-duplicate, then find the rules' keywords and the units' names in ONE
// pass of one automaton, evaluate the rules and route. The rules and the
// gazetteer are read-only; the Deduper is the Pipeline's own state, so a
// Pipeline is fed from one goroutine.
type Pipeline struct {
	dedup  *Deduper
	rules  *Matcher
	places *Gazetteer
	idx    *index // rule keywords, then unit names
}

// NewPipeline compiles the rules, checks the org tree and builds the one
// automaton. Errors are those of Compile (a *RuleError) and NewGazetteer.
func NewPipeline(rules []Rule, units []Unit, nearBits int) (*Pipeline, error) {
	d, err := NewDeduper(nearBits)
	if err != nil {
		return nil, err
	}
	m, err := compileRules(rules)
	if err != nil {
		return nil, err
	}
	g, err := buildGazetteer(units)
	if err != nil {
		return nil, err
	}
	p := &Pipeline{dedup: d, rules: m, places: g}
	if p.idx, err = newIndex(append(append([]string(nil), m.keywords...), g.names...)); err != nil {
		return nil, err
	}
	return p, nil
}

// Stories lists the stories seen so far.
func (p *Pipeline) Stories() []Story { return p.dedup.Stories() }

// Forget drops the stories last seen before the instant (see Deduper.Forget).
func (p *Pipeline) Forget(before time.Time) int { return p.dedup.Forget(before) }

// Result is what the pipeline found for one item.
type Result struct {
	Story    *Story
	NewStory bool
	Hits     []Hit   // rules matched by the title and text
	Units    []int64 // units named (see Gazetteer.Route)
}

// Process runs one item through the pipeline. The title and the text are
// normalised once and matched as one text (a rule may find one word in the
// headline and the other in the body); a newline between them keeps a
// phrase from spanning the two.
func (p *Pipeline) Process(it Item) Result {
	title := Normalize(it.Title)
	text := Normalize(it.Text)
	var r Result
	r.Story, r.NewStory = p.dedup.Add(it, title, text)
	all := title + "\n" + text
	found := p.idx.find(all)
	r.Hits = p.rules.matchFound(all, found, 0)
	r.Units = p.places.routeFound(found, len(p.rules.keywords))
	return r
}

// Restore puts back a story known from before (see Deduper.Restore).
func (p *Pipeline) Restore(s Story, urlKeys []string, titleHash uint64) error {
	return p.dedup.Restore(s, urlKeys, titleHash)
}
