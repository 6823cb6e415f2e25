// Package feed fetches and reads RSS and Atom feeds for public-concern
// monitoring (舆情监测). It is the only code that talks to a feed server, and
// it is bounded in every direction a hostile or broken server can push:
// the body's size (a 50 MB item or a feed that never ends is cut off), the
// time a fetch may take, the number of redirects (a loop ends), the
// character set (GBK declared as UTF-8 and the reverse are sniffed and
// decoded; bytes that are neither are refused). Every failure is an *Error
// with a Kind the source-health page translates. Conditional GET
// (ETag/If-Modified-Since) makes an unchanged feed cost one 304.
//
// It keeps no author: a feed's author fields are never read (PIPL; see the
// README's public-concern section).
package feed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

// Kind names what went wrong, for the source-health page.
type Kind string

const (
	KindNetwork   Kind = "network"   // connection refused, DNS, TLS
	KindTimeout   Kind = "timeout"   // no complete answer in time
	KindStatus    Kind = "status"    // an HTTP status other than 200 and 304
	KindTooLarge  Kind = "too_large" // the body passed the size bound (cut off)
	KindRedirects Kind = "redirects" // more redirects than allowed (a loop)
	KindCharset   Kind = "charset"   // bytes that decode in no known character set
	KindParse     Kind = "parse"     // not RSS or Atom (malformed XML)
)

// Error is one fetch's failure.
type Error struct {
	Kind Kind
	Msg  string
}

func (e *Error) Error() string { return string(e.Kind) + ": " + e.Msg }

func fail(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

// Limits bound one fetch.
type Limits struct {
	MaxBytes     int64         // the whole body
	Timeout      time.Duration // the whole fetch, body included
	MaxRedirects int
	MaxItems     int // items kept from one feed, newest first as the feed lists them
	MaxTextRunes int // an item's text is cut to this many characters
}

// DefaultLimits suit a news or forum feed.
var DefaultLimits = Limits{MaxBytes: 10 << 20, Timeout: 30 * time.Second, MaxRedirects: 5, MaxItems: 500, MaxTextRunes: 20000}

// Item is one entry of a feed as zeren keeps it: no author.
type Item struct {
	ExternalID string // the guid or id; the link when there is none
	URL        string
	Title      string
	Text       string // plain text, tags removed, cut to MaxTextRunes
	Published  time.Time
}

// Result is one fetch's answer.
type Result struct {
	NotModified  bool // 304: nothing new, Items empty
	ETag         string
	LastModified string
	Items        []Item
}

// Fetcher fetches feeds with one HTTP client. Safe for concurrent use.
type Fetcher struct {
	lim    Limits
	client *http.Client
}

// New returns a Fetcher with the limits (zero fields take the defaults).
// transport may be nil (http.DefaultTransport's settings).
func New(lim Limits, transport http.RoundTripper) *Fetcher {
	d := DefaultLimits
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = d.MaxBytes
	}
	if lim.Timeout <= 0 {
		lim.Timeout = d.Timeout
	}
	if lim.MaxRedirects <= 0 {
		lim.MaxRedirects = d.MaxRedirects
	}
	if lim.MaxItems <= 0 {
		lim.MaxItems = d.MaxItems
	}
	if lim.MaxTextRunes <= 0 {
		lim.MaxTextRunes = d.MaxTextRunes
	}
	f := &Fetcher{lim: lim}
	f.client = &http.Client{
		Transport: transport,
		Timeout:   lim.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > lim.MaxRedirects {
				return fail(KindRedirects, "more than %d redirects (last to %s)", lim.MaxRedirects, req.URL.Redacted())
			}
			return nil
		},
	}
	return f
}

// Fetch gets the feed at url, conditionally when etag or lastModified is
// known from the previous fetch.
func (f *Fetcher) Fetch(ctx context.Context, url, etag, lastModified string) (Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Result{}, fail(KindNetwork, "bad address: %v", err)
	}
	req.Header.Set("User-Agent", "zeren-monitor/1")
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return Result{}, classify(err)
	}
	defer resp.Body.Close()
	res := Result{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		res.NotModified = true
		if res.ETag == "" {
			res.ETag = etag
		}
		if res.LastModified == "" {
			res.LastModified = lastModified
		}
		return res, nil
	case resp.StatusCode != http.StatusOK:
		return Result{}, fail(KindStatus, "the server answered %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.lim.MaxBytes+1))
	if err != nil {
		return Result{}, classify(err)
	}
	if int64(len(body)) > f.lim.MaxBytes {
		return Result{}, fail(KindTooLarge, "the feed is larger than %d MB: cut off and refused", f.lim.MaxBytes>>20)
	}
	res.Items, err = Parse(body, resp.Header.Get("Content-Type"), f.lim)
	return res, err
}

func classify(err error) error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fail(KindTimeout, "no complete answer in time")
	}
	return fail(KindNetwork, "%v", err)
}

var xmlDecl = regexp.MustCompile(`^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// Decode returns the feed's bytes as UTF-8 whatever they were sent as, with
// the XML declaration saying so. Valid UTF-8 is taken as UTF-8 whatever the
// declaration says (GBK text is almost never valid UTF-8; a UTF-8 feed
// mislabelled GBK is common); otherwise the declared charset (from the
// Content-Type header or the XML declaration) is used, and a feed that
// claims UTF-8 but is not is tried as GB18030 (a superset of GBK).
func Decode(body []byte, contentType string) ([]byte, error) {
	declared := ""
	if m := xmlDecl.FindSubmatch(body); m != nil {
		declared = strings.ToLower(string(m[1]))
	}
	if _, params, ok := strings.Cut(contentType, "charset="); ok {
		declared = strings.ToLower(strings.Trim(strings.TrimSpace(strings.Split(params, ";")[0]), `"'`))
	}
	out := body
	if !utf8.Valid(body) {
		label := declared
		if label == "" || label == "utf-8" || label == "utf8" {
			label = "gb18030"
		}
		enc, _ := charset.Lookup(label)
		if enc == nil {
			return nil, fail(KindCharset, "unknown character set %q", declared)
		}
		dec, err := enc.NewDecoder().Bytes(body)
		if err != nil || bytes.ContainsRune(dec, utf8.RuneError) {
			return nil, fail(KindCharset, "the bytes are neither UTF-8 nor %s", label)
		}
		out = dec
	}
	if m := xmlDecl.FindSubmatchIndex(out); m != nil {
		out = append(append(append([]byte{}, out[:m[2]]...), "utf-8"...), out[m[3]:]...)
	}
	return out, nil
}

// Parse reads an RSS or Atom document (any character set, see Decode).
func Parse(body []byte, contentType string, lim Limits) ([]Item, error) {
	if lim.MaxItems <= 0 {
		lim.MaxItems = DefaultLimits.MaxItems
	}
	if lim.MaxTextRunes <= 0 {
		lim.MaxTextRunes = DefaultLimits.MaxTextRunes
	}
	text, err := Decode(body, contentType)
	if err != nil {
		return nil, err
	}
	fd, err := gofeed.NewParser().Parse(bytes.NewReader(text))
	if err != nil {
		msg := err.Error()
		if len(msg) > 200 {
			msg = msg[:200]
		}
		return nil, fail(KindParse, "not a readable RSS or Atom feed: %s", msg)
	}
	out := make([]Item, 0, min(len(fd.Items), lim.MaxItems))
	for _, it := range fd.Items {
		if len(out) == lim.MaxItems {
			break
		}
		x := Item{ExternalID: strings.TrimSpace(it.GUID), URL: strings.TrimSpace(it.Link), Title: PlainText(it.Title, 500)}
		body := it.Content
		if strings.TrimSpace(body) == "" {
			body = it.Description
		}
		x.Text = PlainText(body, lim.MaxTextRunes)
		if it.PublishedParsed != nil {
			x.Published = *it.PublishedParsed
		} else if it.UpdatedParsed != nil {
			x.Published = *it.UpdatedParsed
		}
		if x.ExternalID == "" {
			x.ExternalID = x.URL
		}
		if x.ExternalID == "" {
			x.ExternalID = x.Title
		}
		if x.ExternalID == "" || (x.Title == "" && x.Text == "") {
			continue // nothing to match and nothing to find it again by
		}
		if len(x.ExternalID) > 500 {
			x.ExternalID = x.ExternalID[:500]
		}
		out = append(out, x)
	}
	return out, nil
}

// PlainText returns the text of an HTML fragment (or plain text) with runs
// of white space made one space, cut to max characters.
func PlainText(s string, max int) string {
	var b strings.Builder
	if strings.ContainsAny(s, "<&") {
		z := html.NewTokenizer(strings.NewReader(s))
		skip := 0
	loop:
		for {
			switch z.Next() {
			case html.ErrorToken:
				break loop
			case html.StartTagToken:
				if n, _ := z.TagName(); string(n) == "script" || string(n) == "style" {
					skip++
				}
				b.WriteByte(' ')
			case html.EndTagToken:
				if n, _ := z.TagName(); (string(n) == "script" || string(n) == "style") && skip > 0 {
					skip--
				}
				b.WriteByte(' ')
			case html.TextToken:
				if skip == 0 {
					b.Write(z.Text())
				}
			}
		}
	} else {
		b.WriteString(s)
	}
	fields := strings.Fields(b.String())
	out := strings.Join(fields, " ")
	if utf8.RuneCountInString(out) > max {
		r := []rune(out)
		out = string(r[:max])
	}
	return strings.ToValidUTF8(out, "")
}
