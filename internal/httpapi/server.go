// Package httpapi is zeren's HTTP face: the JSON API under /api/v1, its
// OpenAPI document, the health probes and the web app's files.
//
// Every endpoint is one row of the route table (routes.go). The ServeMux and
// the OpenAPI document are both built from that table, and a route's
// parameters are parsed from the same declarations that document them, so the
// document cannot drift from the code. Errors take one shape everywhere, and
// domain error kinds map to statuses in one map (errors.go).
//
// Every route but the health probes, the OpenAPI document, the web app's
// files and the login authenticates its request first (auth.go): a session
// cookie, with its CSRF token on changes, or an API token. The resulting
// actor goes to the app layer, which checks permissions and scope; nothing in
// request handling acts as the console operator.
//
// The package talks to the use cases in internal/app only; it never imports
// the store.
package httpapi

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// Options tune a Server. The zero value is usable.
type Options struct {
	// Web holds the web app's files (index.html at its root). nil serves a
	// placeholder page until the web app is built into the binary.
	Web fs.FS
	// RequestTimeout bounds one API request; 0 means DefaultRequestTimeout.
	// Uploads and downloads of evidence get TransferTimeout instead.
	RequestTimeout time.Duration
	// TransferTimeout bounds an evidence upload or download; 0 means
	// DefaultTransferTimeout.
	TransferTimeout time.Duration
	// Version is reported in the OpenAPI document.
	Version string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For,
	// X-Forwarded-Proto and X-Forwarded-Host are believed. Empty: none; the
	// client's address is the connection's peer.
	TrustedProxies []netip.Prefix
	// Now is the clock (tests); nil means the app's clock, which it should be.
	Now func() time.Time
}

// Default timeouts. A request against the rollups answers in milliseconds; the
// bound exists so that a stuck database frees the handler with a 503.
const (
	DefaultRequestTimeout  = 30 * time.Second
	DefaultTransferTimeout = 10 * time.Minute
	// writeGrace leaves time to write the error of a request that timed out.
	writeGrace = 5 * time.Second
)

// Server serves the API over one App.
type Server struct {
	app     *app.App
	log     *slog.Logger
	opt     Options
	routes  []*route
	openapi []byte // the OpenAPI document, built once
	handler http.Handler

	// observe, when set (by tests), is told which route answered with which
	// status, so a test can prove that every route is exercised.
	observe func(opID string, status int)
}

// New builds a Server. log may be nil (no logging).
func New(a *app.App, log *slog.Logger, opt Options) *Server {
	if log == nil {
		log = slogDiscard()
	}
	if opt.RequestTimeout <= 0 {
		opt.RequestTimeout = DefaultRequestTimeout
	}
	if opt.TransferTimeout <= 0 {
		opt.TransferTimeout = DefaultTransferTimeout
	}
	if opt.Version == "" {
		opt.Version = "dev"
	}
	s := &Server{app: a, log: log, opt: opt, routes: routeTable()}
	compileParams(s.routes)
	doc, err := buildOpenAPI(s.routes, opt.Version)
	if err != nil {
		// The document is built from constants; failing here is a bug that
		// every test run would show at once.
		panic(fmt.Sprintf("httpapi: building the OpenAPI document: %v", err))
	}
	s.openapi = doc

	api := http.NewServeMux()
	for _, rt := range s.routes {
		api.Handle(rt.method+" "+rt.path, s.endpoint(rt))
	}
	web := webHandler(opt.Web, s)
	root := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPIPath(r.URL.Path) {
			s.serveAPI(api, w, r)
			return
		}
		web.ServeHTTP(w, r)
	})
	s.handler = withRequestID(s.withAccessLog(s.withRecover(s.withSecurityHeaders(root))))
	return s
}

// Handler returns the root handler, middleware included.
func (s *Server) Handler() http.Handler { return s.handler }

// isAPIPath tells the API's paths (answered in JSON, errors included) from the
// web app's.
func isAPIPath(p string) bool {
	return p == "/api" || strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz"
}

// serveAPI dispatches to the API mux, answering its 404 and 405 in the error
// shape instead of ServeMux's plain text.
func (s *Server) serveAPI(mux *http.ServeMux, w http.ResponseWriter, r *http.Request) {
	h, pattern := mux.Handler(r)
	if pattern != "" {
		mux.ServeHTTP(w, r)
		return
	}
	// No pattern: ServeMux would answer 404 or 405. Ask it which, privately.
	probe := &statusProbe{header: http.Header{}}
	h.ServeHTTP(probe, r)
	if probe.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", probe.header.Get("Allow"))
		s.writeError(w, r, &httpError{status: http.StatusMethodNotAllowed, code: codeMethodNotAllowed,
			message: fmt.Sprintf("%s is not allowed here; allowed: %s", clip(r.Method), probe.header.Get("Allow"))})
		return
	}
	s.writeError(w, r, &httpError{status: http.StatusNotFound, code: codeNotFound,
		message: "no such endpoint; the API is described at /api/openapi.json"})
}

// statusProbe records what a handler would answer, discarding the body.
type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header { return p.header }
func (p *statusProbe) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}
func (p *statusProbe) Write(b []byte) (int, error) {
	p.WriteHeader(http.StatusOK)
	return len(b), nil
}

// call is one request to one route, as a handler sees it.
type call struct {
	s  *Server
	rt *route
	w  http.ResponseWriter
	r  *http.Request
	p  paramValues

	addr      string          // the client's address (see clientAddr)
	ac        domain.Actor    // who makes the request; zero on a public route
	method    authMethod      // how it authenticated
	sessionID string          // the login session, when authenticated by one
	info      app.SessionInfo // the session's state, likewise
}

// endpoint wraps a route's handler: timeout, parameters, errors.
func (s *Server) endpoint(rt *route) http.Handler {
	timeout := s.opt.RequestTimeout
	if rt.transfer {
		timeout = s.opt.TransferTimeout
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		r = r.WithContext(ctx)
		// Bound the connection too: a client trickling a body cannot hold a
		// handler past the timeout. (Unsupported in tests' recorders: ignored.)
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Now().Add(timeout))
		_ = rc.SetWriteDeadline(time.Now().Add(timeout + writeGrace))
		sw := &statusWriter{ResponseWriter: w}
		if s.observe != nil {
			defer func() { s.observe(rt.opID, sw.status) }()
		}
		c := &call{s: s, rt: rt, w: sw, r: r, addr: s.clientAddr(r)}
		var err error
		if !rt.public {
			// Credentials first: without them, a client learns nothing,
			// not even whether its parameters would be valid.
			err = s.authenticate(c)
		}
		if err == nil {
			c.p, err = parseParams(rt, r)
		}
		if err == nil {
			err = rt.handle(s, c)
		}
		if err != nil {
			if sw.status != 0 {
				// Part of a response is out (a file being streamed): the
				// status cannot change any more, only the log can tell.
				s.log.Warn("response interrupted", "request_id", requestID(ctx), "path", r.URL.Path, "err", err)
				return
			}
			s.writeError(sw, r, err)
		}
	})
}

func (c *call) ctx() context.Context { return c.r.Context() }

// actor is who makes the request, as authenticate found it. A public route
// has no actor: calling this there is a bug.
func (c *call) actor() (domain.Actor, error) {
	if c.method == authNone {
		panic("httpapi: " + c.rt.opID + " asks for the actor of a public route")
	}
	return c.ac, nil
}

// now is the server's clock: the app's, unless a test gave another.
func (s *Server) now() time.Time {
	if s.opt.Now == nil {
		return s.app.Clock().Now()
	}
	return s.opt.Now()
}

// reply writes v with the route's success status.
func (c *call) reply(v any) error {
	writeJSON(c.w, c.rt.status, v)
	return nil
}

// created writes v with the route's success status and a Location header.
func (c *call) created(location string, v any) error {
	c.w.Header().Set("Location", location)
	return c.reply(v)
}

// noContent answers 204.
func (c *call) noContent() error {
	c.w.Header().Set("Cache-Control", "no-store")
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// decode reads the JSON body into dst.
func (c *call) decode(dst any) error {
	return decodeJSON(c.w, c.r, dst, c.rt.body != nil && c.rt.body.optional)
}

// page is one page of a list.
type page[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// list is a whole, unpaginated list. An object rather than a bare array, so
// that fields can be added later without breaking clients.
type list[T any] struct {
	Items []T `json:"items"`
}

func listOf[T any](items []T) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items}
}
