package monitor

// Pipeline is the matching engine for one stream of posts: normalise once,
// de-duplicate, match the rules, route to units. The Matcher and Gazetteer
// are shared and read-only; the Deduper is the Pipeline's own state, so a
// Pipeline is fed from one goroutine.
type Pipeline struct {
	Dedup  *Deduper
	Rules  *Matcher
	Places *Gazetteer
}

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
	r.Story, r.NewStory = p.Dedup.Add(it, title, text)
	all := title + "\n" + text
	if p.Rules != nil {
		r.Hits = p.Rules.Match(all)
	}
	if p.Places != nil {
		r.Units = p.Places.Route(all)
	}
	return r
}
