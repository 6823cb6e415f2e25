package monitor

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/bits"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode"
)

// NormalizeURL gives one spelling of a post's address, so the same post
// reached by different links is recognised: scheme and host in lower case,
// the default port, fragment and tracking parameters (utm_*, spm, from, …)
// dropped, the remaining query parameters sorted.
func NormalizeURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", err
	}
	if u.Scheme == "" || u.Host == "" {
		return "", errors.New("not an absolute URL")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	q := u.Query()
	for k := range q {
		if isTrackingParam(k) {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode() // Encode sorts by key
	return u.String(), nil
}

func isTrackingParam(k string) bool {
	k = strings.ToLower(k)
	if strings.HasPrefix(k, "utm_") {
		return true
	}
	switch k {
	case "spm", "from", "share_token", "share_source", "timestamp", "scene", "vd_source", "fbclid", "gclid":
		return true
	}
	return false
}

// TitleHash hashes a normalised title with spaces and punctuation removed,
// so "【通报】某校…" and "通报：某校…" are the same title.
func TitleHash(normTitle string) uint64 {
	h := fnv.New64a()
	var buf [4]byte
	n := 0
	for _, r := range normTitle {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			n++
			l := encodeRune(buf[:], r)
			_, _ = h.Write(buf[:l])
		}
	}
	if n == 0 {
		return 0
	}
	return h.Sum64()
}

func encodeRune(p []byte, r rune) int {
	return copy(p, string(r))
}

// Simhash is the 64-bit simhash of a normalised text's character bigrams
// (letters and digits only): texts that differ by a few words have hashes a
// few bits apart, so reposts with a changed headline or a footer added are
// found by Hamming distance.
func Simhash(normText string) uint64 {
	// Bit i of the result is set when more than half of the bigram hashes
	// have bit i set. The ones are counted eight bit positions at a time:
	// acc[j] holds, in its byte k, the count of bit 8k+j; bytes overflow
	// after 255 additions, so they are flushed into cnt before that.
	var acc [8]uint64
	var cnt [64]int32
	const lanes = 0x0101010101010101
	n, pending := int32(0), 0
	flush := func() {
		for j := range 8 {
			for k := range 8 {
				cnt[8*k+j] += int32(acc[j] >> (8 * k) & 0xff)
			}
			acc[j] = 0
		}
		pending = 0
	}
	var prev rune = -1
	for _, r := range normText {
		if !(unicode.IsLetter(r) || unicode.IsNumber(r)) {
			continue
		}
		if prev >= 0 {
			h := mix(uint64(prev)<<32 | uint64(r))
			for j := range 8 {
				acc[j] += h >> j & lanes
			}
			n++
			if pending++; pending == 255 {
				flush()
			}
		}
		prev = r
	}
	flush()
	var out uint64
	for i := range 64 {
		if 2*cnt[i] > n {
			out |= 1 << i
		}
	}
	return out
}

// mix is splitmix64's finaliser: a cheap, well-spread hash of a bigram.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Hamming is the number of bits in which a and b differ.
func Hamming(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// Item is one post as the pipeline sees it.
type Item struct {
	URL   string
	Title string
	Text  string
	Seen  time.Time
}

// Story is a set of items judged the same: one URL, one title or nearly the
// same text.
type Story struct {
	ID        int
	Count     int
	FirstSeen time.Time
	LastSeen  time.Time
	Simhash   uint64 // of the first item's text; with the URLs and title hash, what a caller persists to Restore the story
}

// DefaultNearBits is the Hamming distance up to which two texts' simhashes
// make them one story. Web-page de-duplication uses 3 of 64 bits, but posts
// are short: with a few hundred bigrams, changing 2% of them flips each bit
// with probability about angle/π ≈ 0.06, about 4 bits in all, so 3 would
// miss a repost with a changed word and "（转）" added. Two unrelated texts
// differ in about 32 bits; ≤ 6 by chance has odds near 10⁻¹¹.
const DefaultNearBits = 6

// Deduper assigns items to stories. It keeps, per story, the URL keys, the
// title hash and the simhash; near-duplicate lookup splits the 64 bits into
// bands (threshold+1 of them), so two hashes within the threshold share at
// least one band exactly (pigeonhole) and only stories in the same band
// bucket are compared. Not safe for concurrent use: the pipeline feeds it
// from one goroutine.
type Deduper struct {
	nearBits int
	bands    int
	stories  map[int]*Story
	nextID   int
	byURL    map[string]int
	byTitle  map[uint64]int
	byBand   []map[uint64][]int
}

// NewDeduper returns a Deduper that merges texts whose simhashes differ in at
// most nearBits bits (0 to 7).
func NewDeduper(nearBits int) (*Deduper, error) {
	if nearBits < 0 || nearBits > 7 {
		return nil, fmt.Errorf("near-duplicate threshold %d: must be 0 to 7 bits", nearBits)
	}
	d := &Deduper{nearBits: nearBits, bands: nearBits + 1, stories: map[int]*Story{}, byURL: map[string]int{}, byTitle: map[uint64]int{}}
	d.byBand = make([]map[uint64][]int, d.bands)
	for i := range d.byBand {
		d.byBand[i] = map[uint64][]int{}
	}
	return d, nil
}

// minSimhashRunes: below this many letters a text has too few bigrams for
// its simhash to say anything, and short posts ("转发", "顶") would all merge.
const minSimhashRunes = 20

// Add files an item (its title and text already normalised) under a story
// and reports whether the story is new. The item's own story is found by, in
// order: its normalised URL, its title hash, its simhash.
func (d *Deduper) Add(it Item, normTitle, normText string) (story *Story, isNew bool) {
	urlKey, _ := NormalizeURL(it.URL) // a bad URL simply does not de-duplicate
	th := TitleHash(normTitle)
	letters := 0
	for _, r := range normText {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			letters++
		}
	}
	sh := Simhash(normText)
	id := -1
	if urlKey != "" {
		if s, ok := d.byURL[urlKey]; ok {
			id = s
		}
	}
	if id < 0 && th != 0 {
		if s, ok := d.byTitle[th]; ok {
			id = s
		}
	}
	if id < 0 && letters >= minSimhashRunes {
		id = d.nearest(sh)
	}
	if id < 0 {
		id = d.nextID
		d.nextID++
		d.stories[id] = &Story{ID: id, FirstSeen: it.Seen, LastSeen: it.Seen, Simhash: sh}
		isNew = true
		if letters >= minSimhashRunes {
			d.indexSimhash(id, sh)
		}
	}
	s := d.stories[id]
	s.Count++
	if it.Seen.Before(s.FirstSeen) {
		s.FirstSeen = it.Seen
	}
	if it.Seen.After(s.LastSeen) {
		s.LastSeen = it.Seen
	}
	if urlKey != "" {
		d.byURL[urlKey] = id
	}
	if th != 0 {
		if _, ok := d.byTitle[th]; !ok {
			d.byTitle[th] = id
		}
	}
	return s, isNew
}

// band extracts band b of a simhash (the bands split 64 bits as evenly as
// possible), tagged with nothing: each band has its own map.
func (d *Deduper) band(h uint64, b int) uint64 {
	lo := 64 * b / d.bands
	hi := 64 * (b + 1) / d.bands
	return (h >> lo) & (1<<(hi-lo) - 1)
}

// nearest returns the closest story within the threshold (the oldest on a
// tie), or -1.
func (d *Deduper) nearest(h uint64) int {
	best, bestDist := -1, d.nearBits+1
	for b := range d.bands {
		for _, id := range d.byBand[b][d.band(h, b)] {
			dist := Hamming(h, d.stories[id].Simhash)
			if dist < bestDist || (dist == bestDist && id < best) {
				best, bestDist = id, dist
			}
		}
	}
	return best
}

// Stories lists the stories, oldest first.
func (d *Deduper) Stories() []Story {
	out := make([]Story, 0, len(d.stories))
	for _, s := range d.stories {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Forget drops the stories last seen before the given instant, so a
// long-running stream keeps a window (say the last 30 days) in memory rather
// than everything it ever saw; an item of a forgotten story starts a new one.
// It returns how many stories were dropped.
func (d *Deduper) Forget(before time.Time) int {
	n := 0
	for id, s := range d.stories {
		if s.LastSeen.Before(before) {
			delete(d.stories, id)
			n++
		}
	}
	if n == 0 {
		return 0
	}
	for k, id := range d.byURL {
		if d.stories[id] == nil {
			delete(d.byURL, k)
		}
	}
	for k, id := range d.byTitle {
		if d.stories[id] == nil {
			delete(d.byTitle, k)
		}
	}
	for _, band := range d.byBand {
		for k, ids := range band {
			kept := ids[:0]
			for _, id := range ids {
				if d.stories[id] != nil {
					kept = append(kept, id)
				}
			}
			if len(kept) == 0 {
				delete(band, k)
			} else {
				band[k] = kept
			}
		}
	}
	return n
}

func (d *Deduper) indexSimhash(id int, sh uint64) {
	for b := range d.bands {
		key := d.band(sh, b)
		d.byBand[b][key] = append(d.byBand[b][key], id)
	}
}

// Restore puts back a story known from before (a restart reads the window
// of recent stories from the database): its ID, count, first and last seen
// and simhash as Add made them, the normalised URLs of its items and its
// title hash (0 for none). A zero Simhash is not indexed for near
// duplicates. New stories get IDs above every restored one.
func (d *Deduper) Restore(s Story, urlKeys []string, titleHash uint64) error {
	if s.ID < 0 {
		return fmt.Errorf("story %d: negative id", s.ID)
	}
	if _, dup := d.stories[s.ID]; dup {
		return fmt.Errorf("story %d: restored twice", s.ID)
	}
	st := s
	d.stories[s.ID] = &st
	if s.ID >= d.nextID {
		d.nextID = s.ID + 1
	}
	for _, u := range urlKeys {
		d.byURL[u] = s.ID
	}
	if titleHash != 0 {
		if _, ok := d.byTitle[titleHash]; !ok {
			d.byTitle[titleHash] = s.ID
		}
	}
	if s.Simhash != 0 {
		d.indexSimhash(s.ID, s.Simhash)
	}
	return nil
}
