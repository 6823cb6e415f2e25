package httpapi

import (
	"bytes"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

var update = flag.Bool("update", false, "rewrite web/openapi.json with the served OpenAPI document")

// TestOpenAPIMatchesWeb keeps web/openapi.json, from which the web app's API
// types (web/src/api/schema.d.ts, `npm run gen:api`) are generated, equal to
// the document the server serves. After changing the API:
//
//	go test ./internal/httpapi -run TestOpenAPIMatchesWeb -update
//	npm --prefix web run gen:api
func TestOpenAPIMatchesWeb(t *testing.T) {
	served := New(nil, nil, Options{}).openapi
	file := filepath.Join("..", "..", "web", "openapi.json")
	if *update {
		if err := os.WriteFile(file, served, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(served)) {
		t.Fatal("web/openapi.json differs from the served OpenAPI document: run " +
			"`go test ./internal/httpapi -run TestOpenAPIMatchesWeb -update && npm --prefix web run gen:api`")
	}
}

func webTestServer(files fstest.MapFS) http.Handler {
	return New(nil, nil, Options{Web: files}).Handler()
}

func getWeb(t *testing.T, h http.Handler, method, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, path, nil))
	return w
}

func TestWebAppCachingAndFallback(t *testing.T) {
	h := webTestServer(fstest.MapFS{
		"index.html":                {Data: []byte("<!doctype html><title>app</title>")},
		"favicon.svg":               {Data: []byte("<svg/>")},
		"assets/index-Ab12Cd34.js":  {Data: []byte("console.log(1)")},
		"assets/index-Ab12Cd34.css": {Data: []byte("body{}")},
	})
	for _, tc := range []struct {
		path, cache, body, ctype string
	}{
		{"/", "no-cache", "<title>app</title>", "text/html"},
		{"/login", "no-cache", "<title>app</title>", "text/html"},
		{"/ledger/2024/3", "no-cache", "<title>app</title>", "text/html"},
		{"/index.html", "no-cache", "<title>app</title>", "text/html"},
		{"/favicon.svg", "no-cache", "<svg/>", "image/svg+xml"},
		{"/assets/index-Ab12Cd34.js", "public, max-age=31536000, immutable", "console.log(1)", "text/javascript"},
		{"/assets/index-Ab12Cd34.css", "public, max-age=31536000, immutable", "body{}", "text/css"},
	} {
		r := getWeb(t, h, "GET", tc.path)
		if r.Code != 200 || r.Header().Get("Cache-Control") != tc.cache ||
			!strings.Contains(r.Body.String(), tc.body) || !strings.HasPrefix(r.Header().Get("Content-Type"), tc.ctype) {
			t.Errorf("GET %s: %d, Cache-Control %q, Content-Type %q, body %q", tc.path, r.Code,
				r.Header().Get("Cache-Control"), r.Header().Get("Content-Type"), r.Body.String())
		}
		if csp := r.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: CSP %q", tc.path, csp)
		}
	}
	// A stale hashed asset is a 404, never index.html cached for a year.
	if r := getWeb(t, h, "GET", "/assets/index-Old.js"); r.Code != 404 || strings.Contains(r.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("missing asset: %d %q", r.Code, r.Header().Get("Cache-Control"))
	}
	// The API keeps its own 404s; the fallback is for the app's pages only.
	if r := getWeb(t, h, "GET", "/api/v1/no-such-thing"); r.Code != 404 || !strings.Contains(r.Body.String(), `"error"`) {
		t.Errorf("unknown API path: %d %s", r.Code, r.Body.String())
	}
}

// An embedded dist folder without index.html (the app not built) shows the
// placeholder page, which says how to build the app.
func TestWebUnbuiltShowsPlaceholder(t *testing.T) {
	h := webTestServer(fstest.MapFS{".keep": {Data: nil}})
	r := getWeb(t, h, "GET", "/dashboard")
	if r.Code != 200 || !strings.Contains(r.Body.String(), "make build") || r.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("unbuilt app: %d %q %s", r.Code, r.Header().Get("Cache-Control"), r.Body.String())
	}
}
