package feed

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const rssUTF8 = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>城关论坛</title>
<item><guid>p-1</guid><link>https://bbs.example.cn/t/1</link><title>城关一中食堂饭菜质量差</title>
<description><![CDATA[<p>家长反映<b>城关一中</b>食堂问题</p><script>x()</script>]]></description>
<author>someone@example.cn (张三)</author><pubDate>Mon, 02 Nov 2026 08:00:00 +0800</pubDate></item>
<item><link>https://bbs.example.cn/t/2</link><title>第二条</title><description>正文</description></item>
</channel></rss>`

func gbk(s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

func kindOf(t *testing.T, err error) Kind {
	t.Helper()
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *feed.Error", err, err)
	}
	return fe.Kind
}

func TestParseReadsItemsWithoutAuthor(t *testing.T) {
	items, err := Parse([]byte(rssUTF8), "application/rss+xml", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 {
		t.Fatalf("%d items", len(items))
	}
	it := items[0]
	if it.ExternalID != "p-1" || it.URL != "https://bbs.example.cn/t/1" || it.Title != "城关一中食堂饭菜质量差" {
		t.Fatalf("item %+v", it)
	}
	if it.Text != "家长反映 城关一中 食堂问题" || strings.Contains(it.Text, "张三") || strings.Contains(it.Text, "x()") {
		t.Fatalf("text %q", it.Text)
	}
	if it.Published.IsZero() || it.Published.UTC().Hour() != 0 {
		t.Fatalf("published %v", it.Published)
	}
	if items[1].ExternalID != "https://bbs.example.cn/t/2" {
		t.Fatalf("an item without guid is known by its link: %+v", items[1])
	}
}

func TestDecodeCharsets(t *testing.T) {
	gbkBody := gbk(strings.Replace(rssUTF8, "UTF-8", "GBK", 1))
	mislabelled := gbk(rssUTF8) // GBK bytes, declared UTF-8
	reverse := []byte(strings.Replace(rssUTF8, "UTF-8", "GBK", 1))
	for name, c := range map[string]struct {
		body []byte
		ct   string
	}{
		"gbk declared gbk":          {gbkBody, "application/xml"},
		"gbk declared utf-8":        {mislabelled, "application/xml"},
		"gbk, header says utf-8":    {mislabelled, "text/xml; charset=utf-8"},
		"utf-8 declared gbk":        {reverse, "application/xml"},
		"utf-8, header says gb2312": {[]byte(rssUTF8), "text/xml; charset=gb2312"},
	} {
		items, err := Parse(c.body, c.ct, Limits{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(items) != 2 || items[0].Title != "城关一中食堂饭菜质量差" {
			t.Fatalf("%s: %+v", name, items)
		}
	}
	// Bytes that are neither UTF-8 nor GB18030 text.
	bad := append([]byte(`<?xml version="1.0" encoding="UTF-8"?><rss><channel><item><title>`), 0xff, 0xff, 0x80, 0x81)
	bad = append(bad, []byte(`</title></item></channel></rss>`)...)
	if _, err := Parse(bad, "", Limits{}); kindOf(t, err) != KindCharset {
		t.Fatalf("undecodable: %v", err)
	}
}

func TestParseMalformed(t *testing.T) {
	for _, body := range []string{`<rss><channel><item><title>半截`, `<html><body>not a feed</body></html>`, ``} {
		if _, err := Parse([]byte(body), "", Limits{}); kindOf(t, err) != KindParse {
			t.Fatalf("%q: %v", body, err)
		}
	}
}

func TestPlainTextBounded(t *testing.T) {
	if got := PlainText(strings.Repeat("校", 100), 10); got != strings.Repeat("校", 10) {
		t.Fatalf("%q", got)
	}
	if got := PlainText("a &amp; <i>b</i>\n\n c", 100); got != "a & b c" {
		t.Fatalf("%q", got)
	}
}

// The faults of issue 14, each served by a local server: every one is a
// clear error of its kind, and a good feed still reads after them.
func TestFetchFaults(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 02 Nov 2026 00:00:00 GMT")
		fmt.Fprint(w, rssUTF8)
	})
	mux.HandleFunc("/malformed", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `<rss><channel><item><title>x</ite`) })
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<?xml version="1.0"?><rss><channel><item><title>大</title><description>`)
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
			if _, err := fmt.Fprintf(w, `<item><guid>%d</guid><title>无尽</title></item>`, i); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop2", http.StatusFound) })
	mux.HandleFunc("/loop2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss><channel>`)
		w.(http.Flusher).Flush()
		<-r.Context().Done() // never finishes
	})
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
	mux.HandleFunc("/gbk", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = w.Write(gbk(rssUTF8))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := New(Limits{MaxBytes: 10 << 20, Timeout: 2 * time.Second, MaxRedirects: 3}, nil)
	ctx := context.Background()

	for path, want := range map[string]Kind{
		"/malformed": KindParse, "/huge": KindTooLarge, "/endless": KindTooLarge,
		"/loop": KindRedirects, "/slow": KindTimeout, "/500": KindStatus,
	} {
		_, err := f.Fetch(ctx, srv.URL+path, "", "")
		if got := kindOf(t, err); got != want {
			t.Errorf("%s: %v, want kind %s", path, err, want)
		}
	}
	res, err := f.Fetch(ctx, srv.URL+"/gbk", "", "")
	if err != nil || len(res.Items) != 2 || res.Items[0].Title != "城关一中食堂饭菜质量差" {
		t.Fatalf("gbk served as utf-8: %+v %v", res, err)
	}
	res, err = f.Fetch(ctx, srv.URL+"/ok", "", "")
	if err != nil || len(res.Items) != 2 || res.ETag != `"v1"` || res.LastModified == "" {
		t.Fatalf("ok: %+v %v", res, err)
	}
	res, err = f.Fetch(ctx, srv.URL+"/ok", `"v1"`, res.LastModified)
	if err != nil || !res.NotModified || len(res.Items) != 0 || res.ETag != `"v1"` {
		t.Fatalf("conditional GET: %+v %v", res, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(rssUTF8), "")
	f.Add(gbk(rssUTF8), "text/xml; charset=gbk")
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><title>t</title></entry></feed>`), "")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		items, err := Parse(body, ct, Limits{MaxItems: 10, MaxTextRunes: 50})
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, it := range items {
			if it.ExternalID == "" || len([]rune(it.Text)) > 50 || len(items) > 10 {
				t.Fatalf("item %+v", it)
			}
		}
	})
}
