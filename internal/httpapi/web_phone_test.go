package httpapi

import (
	"strings"
	"testing"
	"testing/fstest"
)

// The phone pages are their own page, m.html: /m and every /m/… route answer
// it, uncached like index.html, so a phone reloading /m/progress gets the
// phone app; everything else keeps the desktop app.
func TestWebPhonePagesFallBackToMHTML(t *testing.T) {
	h := webTestServer(fstest.MapFS{
		"index.html":            {Data: []byte("<!doctype html><title>desktop</title>")},
		"m.html":                {Data: []byte("<!doctype html><title>phone</title>")},
		"assets/m-Zz99Yy88.js":  {Data: []byte("console.log('m')")},
		"assets/m-Zz99Yy88.css": {Data: []byte("body{}")},
	})
	for _, tc := range []struct{ path, cache, body string }{
		{"/m", "no-cache", "<title>phone</title>"},
		{"/m/", "no-cache", "<title>phone</title>"},
		{"/m/log", "no-cache", "<title>phone</title>"},
		{"/m/progress?x=1", "no-cache", "<title>phone</title>"},
		{"/m/a/b/c", "no-cache", "<title>phone</title>"},
		{"/m.html", "no-cache", "<title>phone</title>"},
		{"/assets/m-Zz99Yy88.js", "public, max-age=31536000, immutable", "console.log('m')"},
		// Not the phone pages: a path that merely starts with m, and the desktop routes.
		{"/me", "no-cache", "<title>desktop</title>"},
		{"/mobile", "no-cache", "<title>desktop</title>"},
		{"/", "no-cache", "<title>desktop</title>"},
		{"/login", "no-cache", "<title>desktop</title>"},
	} {
		r := getWeb(t, h, "GET", tc.path)
		if r.Code != 200 || r.Header().Get("Cache-Control") != tc.cache || !strings.Contains(r.Body.String(), tc.body) {
			t.Errorf("GET %s: %d, Cache-Control %q, body %q", tc.path, r.Code, r.Header().Get("Cache-Control"), r.Body.String())
		}
		if csp := r.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: CSP %q", tc.path, csp)
		}
	}
	if r := getWeb(t, h, "HEAD", "/m/log"); r.Code != 200 || r.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("HEAD /m/log: %d", r.Code)
	}
	if r := getWeb(t, h, "POST", "/m/log"); r.Code != 405 {
		t.Errorf("POST /m/log: %d", r.Code)
	}
	// A stale phone asset is a 404 like any other.
	if r := getWeb(t, h, "GET", "/assets/m-Old.js"); r.Code != 404 {
		t.Errorf("missing phone asset: %d", r.Code)
	}

	// A build without the phone pages answers /m/… with the desktop app,
	// whose router sends the user home.
	h = webTestServer(fstest.MapFS{"index.html": {Data: []byte("<title>desktop</title>")}})
	if r := getWeb(t, h, "GET", "/m/log"); r.Code != 200 || !strings.Contains(r.Body.String(), "desktop") {
		t.Errorf("no m.html: %d %q", r.Code, r.Body.String())
	}
}
