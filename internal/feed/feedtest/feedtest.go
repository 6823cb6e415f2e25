// Package feedtest is a local feed server for tests: a good feed answering
// conditional GETs, and one path for each fault of issue 14 — malformed
// XML, a 50 MB item, GBK declared as UTF-8, a redirect loop, an answer that
// never completes, a 500 and a feed that never ends. Packages that may not
// import net/http themselves (internal/app) test the poller against it.
package feedtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Feed is the good feed's body: two items naming 学区1学校1 and 学区2学校1.
const Feed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>城关论坛</title>
<item><guid>f-1</guid><link>https://bbs.example.cn/f/1</link><title>学区1学校1食堂卫生差</title>
<description>学区1学校1食堂卫生情况堪忧，家长呼吁学校整改，并公开食材来源。</description>
<author>someone@example.cn (张三)</author></item>
<item><guid>f-2</guid><link>https://bbs.example.cn/f/2</link><title>学区2学校1放学拥堵</title>
<description>学区2学校1门口放学时段交通拥堵，建议错峰放学。</description></item>
</channel></rss>`

// ETag is the good feed's validator.
const ETag = `"v1"`

// Server serves the feeds.
type Server struct {
	*httptest.Server
	// NotModified counts the good feed's conditional GETs answered 304.
	NotModified atomic.Int64
}

// Paths of the faults, each answered as its name says.
var Faults = []string{"/malformed", "/huge", "/gbk-as-utf8", "/loop", "/slow", "/500", "/endless"}

// New starts a server; Close it when done.
func New() *Server {
	s := &Server{}
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == ETag {
			s.NotModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", ETag)
		w.Header().Set("Last-Modified", "Mon, 02 Nov 2026 00:00:00 GMT")
		fmt.Fprint(w, Feed)
	})
	mux.HandleFunc("/gbk-as-utf8", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		b, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(strings.ReplaceAll(strings.ReplaceAll(Feed, "f-", "g-"), "/f/", "/g/")))
		_, _ = w.Write(b)
	})
	mux.HandleFunc("/malformed", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `<rss><channel><item><title>半截</ite`) })
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop2", http.StatusFound) })
	mux.HandleFunc("/loop2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<?xml version="1.0"?><rss><channel>`)
		w.(http.Flusher).Flush()
		<-r.Context().Done() // never completes
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<?xml version="1.0"?><rss><channel><item><guid>big</guid><title>大</title><description>`)
		chunk := []byte(strings.Repeat("长", 1<<16))
		for i := 0; i < (50<<20)/len(chunk); i++ { // a 50 MB item
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		fmt.Fprint(w, `</description></item></channel></rss>`)
	})
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<?xml version="1.0"?><rss><channel>`)
		for i := 0; ; i++ {
			if _, err := fmt.Fprintf(w, `<item><guid>%d</guid><title>无尽的帖子</title></item>`, i); err != nil {
				return
			}
		}
	})
	s.Server = httptest.NewServer(mux)
	return s
}
