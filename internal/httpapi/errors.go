package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// statusOf maps every domain error kind to its HTTP status. It is the one
// place where the two vocabularies meet; an error of a kind not listed here is
// a bug and answers 500.
var statusOf = map[domain.Kind]int{
	domain.KindInvalid:      http.StatusBadRequest,
	domain.KindNotFound:     http.StatusNotFound,
	domain.KindConflict:     http.StatusConflict,
	domain.KindForbidden:    http.StatusForbidden,
	domain.KindLocked:       http.StatusLocked,
	domain.KindTooLarge:     http.StatusRequestEntityTooLarge,
	domain.KindUnavailable:  http.StatusServiceUnavailable,
	domain.KindUnauthorized: http.StatusUnauthorized,
	domain.KindRateLimited:  http.StatusTooManyRequests,
}

// Codes of errors the HTTP layer itself raises, besides the domain kinds.
const (
	codeBadJSON          = "bad_json"
	codeUnknownField     = "unknown_field"
	codeMethodNotAllowed = "method_not_allowed"
	codeNotFound         = "not_found" // an unknown route; the same word as domain.KindNotFound
	codeUnsupportedMedia = "unsupported_media_type"
	codeInternal         = "internal"
	codeCSRF             = "csrf"    // a cookie-authenticated change without the CSRF token, or from another origin
	codePending          = "pending" // the session must pass a login step first
)

// errorCodes lists every code a client may see, for the OpenAPI document.
func errorCodes() []string {
	codes := []string{}
	for _, k := range []domain.Kind{domain.KindInvalid, domain.KindNotFound, domain.KindConflict, domain.KindForbidden,
		domain.KindLocked, domain.KindTooLarge, domain.KindUnavailable, domain.KindUnauthorized, domain.KindRateLimited} {
		codes = append(codes, string(k))
	}
	return append(codes, codeBadJSON, codeUnknownField, codeMethodNotAllowed, codeUnsupportedMedia, codeInternal,
		codeCSRF, codePending)
}

// httpError is an error about the request's form (its JSON, its media type, its
// route) rather than its meaning, which the domain's errors describe.
type httpError struct {
	status  int
	code    string
	field   string
	message string
}

func (e *httpError) Error() string {
	if e.field != "" {
		return e.field + ": " + e.message
	}
	return e.message
}

func badJSON(format string, args ...any) *httpError {
	return &httpError{status: http.StatusBadRequest, code: codeBadJSON, message: fmt.Sprintf(format, args...)}
}

// errorBody is the one error shape: {"error": {"code", "message", "field"}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// RetryAt says when trying again can succeed: a locked account, a rate
	// limit. The Retry-After header says the same in seconds.
	RetryAt *time.Time `json:"retry_at,omitempty"`
}

// writeError answers err in the error shape. Domain errors carry a message
// written for the user; anything untyped is a bug or an outage, so the client
// gets a generic message and the log gets the real error.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := s.classify(r, err)
	log := s.log.With("request_id", requestID(r.Context()), "method", r.Method, "path", r.URL.Path,
		"status", status, "code", body.Error.Code)
	switch {
	case status == http.StatusInternalServerError:
		log.Error("request failed", "err", err)
	case status >= 500:
		log.Warn("request failed", "err", err)
	default:
		log.Debug("request refused", "err", err)
	}
	if t := body.Error.RetryAt; t != nil {
		secs := int64(math.Ceil(t.Sub(s.now()).Seconds()))
		w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="zeren"`)
	}
	writeJSON(w, status, body)
}

func (s *Server) classify(r *http.Request, err error) (int, errorBody) {
	var he *httpError
	if errors.As(err, &he) {
		return he.status, errorBody{errorDetail{Code: he.code, Message: he.message, Field: he.field}}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		// The body outgrew http.MaxBytesReader somewhere below a handler (a
		// multipart part, say) that did not turn it into a domain error itself.
		return http.StatusRequestEntityTooLarge, errorBody{errorDetail{Code: string(domain.KindTooLarge),
			Message: fmt.Sprintf("the request body must be at most %s", byteSize(mbe.Limit))}}
	}
	var de *domain.Error
	if errors.As(err, &de) {
		if status, ok := statusOf[de.Kind]; ok {
			d := errorDetail{Code: string(de.Kind), Message: de.Message, Field: de.Field}
			if !de.RetryAt.IsZero() {
				t := de.RetryAt.UTC().Truncate(time.Second)
				if t.Before(de.RetryAt) {
					t = t.Add(time.Second) // never earlier than the lock ends
				}
				d.RetryAt = &t
			}
			return status, errorBody{d}
		}
	}
	if errors.Is(err, context.DeadlineExceeded) && r.Context().Err() != nil {
		return http.StatusServiceUnavailable, errorBody{errorDetail{Code: string(domain.KindUnavailable),
			Message: "the request took too long; try again shortly"}}
	}
	// An untyped error from below is usually a driver error the store did not
	// recognise. If the database does not answer right now, that is the likely
	// cause, and the client should hear "try again" (503), not "bug" (500).
	if s.databaseAway(r.Context()) {
		return http.StatusServiceUnavailable, errorBody{errorDetail{Code: string(domain.KindUnavailable),
			Message: "the database is not available, try again shortly"}}
	}
	return http.StatusInternalServerError, errorBody{errorDetail{Code: codeInternal,
		Message: "internal error; the server logged it with the request id " + requestID(r.Context())}}
}

// databaseAway probes the database briefly, on a context detached from the
// request's (which may be the very thing that expired).
func (s *Server) databaseAway(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	return s.app.Ready(ctx) != nil
}

// writeJSON writes v with status. Encoding errors cannot be reported to the
// client once the status is out; the values written here always encode.
// HTML escaping is off: the records query strings keep their "&", and a
// JSON response served with nosniff is never read as HTML.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":{"code":"internal","message":"internal error: the response could not be encoded"}}` + "\n")
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// byteSize formats a limit for messages: "1 MiB", "20 MB" style.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// slogDiscard is a logger that drops everything, for a nil *slog.Logger.
func slogDiscard() *slog.Logger { return slog.New(slog.DiscardHandler) }
