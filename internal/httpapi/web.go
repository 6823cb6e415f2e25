package httpapi

import (
	"embed"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// placeholderFS is served until the web app (web/dist) is embedded.
//
//go:embed placeholder
var placeholderFS embed.FS

// Content security policies of the web files. The placeholder loads one
// stylesheet and nothing else. The web app loads its own scripts, styles,
// images and fonts and talks to its own origin; nothing from elsewhere (a
// government intranet has no CDN anyway).
const (
	placeholderCSP = "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	webAppCSP      = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
		"font-src 'self' data:; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

// webHandler serves the web app from fsys: its files by path, and index.html
// for any other path, so the app's client-side routes survive a reload
// (m.html for the phone pages' paths /m and /m/…). A nil
// fsys, or one without index.html (the app not built yet), serves the
// placeholder page. A missing file under assets/ is a 404, not index.html: a
// stale hashed name must not be cached for a year as the app's page.
func webHandler(fsys fs.FS, s *Server) http.Handler {
	csp := webAppCSP
	if fsys == nil || !isFile(fsys, "index.html") {
		sub, err := fs.Sub(placeholderFS, "placeholder")
		if err != nil {
			panic(err) // the directory is embedded above
		}
		fsys, csp = sub, placeholderCSP
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			s.writeError(w, r, &httpError{status: http.StatusMethodNotAllowed, code: codeMethodNotAllowed,
				message: "the web app's pages are read with GET"})
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" || !fs.ValidPath(name) || !isFile(fsys, name) {
			if strings.HasPrefix(name, "assets/") {
				s.writeError(w, r, &httpError{status: http.StatusNotFound, code: codeNotFound, message: "no such file"})
				return
			}
			name = pageFor(fsys, name)
		}
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		if strings.HasPrefix(name, "assets/") {
			// Built assets carry a content hash in their names.
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		if err := serveFile(w, r, fsys, name); err != nil {
			// Only a web build without index.html gets here.
			s.writeError(w, r, &httpError{status: http.StatusNotFound, code: codeNotFound, message: "no such page"})
		}
	})
}

// pageFor is the page that answers a client-side route: the phone pages
// (m.html, their routes under /m/) for /m and /m/…, when the build has them,
// and the desktop app (index.html) for everything else.
func pageFor(fsys fs.FS, name string) string {
	if (name == "m" || strings.HasPrefix(name, "m/")) && isFile(fsys, "m.html") {
		return "m.html"
	}
	return "index.html"
}

// serveFile serves one file of fsys. http.ServeFileFS would judge the request
// path instead of name (refusing "..", redirecting "/index.html").
func serveFile(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string) error {
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if rs, ok := f.(io.ReadSeeker); ok {
		http.ServeContent(w, r, name, st.ModTime(), rs)
		return nil
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set("Content-Length", strconv.FormatInt(st.Size(), 10))
	if r.Method != http.MethodHead {
		_, _ = io.Copy(w, f) // a failure here is the client going away
	}
	return nil
}

func isFile(fsys fs.FS, name string) bool {
	st, err := fs.Stat(fsys, name)
	return err == nil && st.Mode().IsRegular()
}
