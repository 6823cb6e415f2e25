// Package domain holds zeren's entities, their validation and the typed errors
// every layer speaks. It imports nothing of ours and only the standard library,
// so every other package can depend on it without cycles.
package domain

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error so the HTTP layer can map it to a status in one place
// without knowing which layer produced it.
type Kind string

const (
	KindInvalid      Kind = "invalid"      // the client sent something wrong; Field names it
	KindNotFound     Kind = "not_found"    // absent, or outside the actor's scope (we do not tell which)
	KindConflict     Kind = "conflict"     // a uniqueness or state rule was broken
	KindForbidden    Kind = "forbidden"    // the actor may see the thing but not do this to it
	KindLocked       Kind = "locked"       // the record is in a closed period
	KindUnavailable  Kind = "unavailable"  // the database or another dependency is away
	KindTooLarge     Kind = "too_large"    // a body or file exceeds its limit
	KindUnauthorized Kind = "unauthorized" // no valid session or token
	KindRateLimited  Kind = "rate_limited" // too many attempts; RetryAt says when to retry
)

// Error is the one error type that crosses layer boundaries. Message is written
// for the user; Err keeps the cause for logs.
type Error struct {
	Kind    Kind
	Field   string
	Message string
	Err     error
	// RetryAt, when set, tells the client when trying again can succeed
	// (a locked account, a rate limit).
	RetryAt time.Time
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Invalid reports a client error about one field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound reports that what (e.g. "org unit 12") does not exist or is out of scope.
func NotFound(format string, args ...any) *Error {
	return &Error{Kind: KindNotFound, Message: fmt.Sprintf(format, args...) + " not found"}
}

// Conflict reports a broken uniqueness or state rule, optionally naming a field.
func Conflict(field, format string, args ...any) *Error {
	return &Error{Kind: KindConflict, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Forbidden reports an action the actor may not take.
func Forbidden(format string, args ...any) *Error {
	return &Error{Kind: KindForbidden, Message: fmt.Sprintf(format, args...)}
}

// Locked reports a write to a record that a closed period protects.
func Locked(format string, args ...any) *Error {
	return &Error{Kind: KindLocked, Message: fmt.Sprintf(format, args...)}
}

// Unavailable wraps a dependency failure (usually the database).
func Unavailable(err error) *Error {
	return &Error{Kind: KindUnavailable, Message: "the database is not available, try again shortly", Err: err}
}

// TooLarge reports a body or file over its limit.
func TooLarge(field, format string, args ...any) *Error {
	return &Error{Kind: KindTooLarge, Field: field, Message: fmt.Sprintf(format, args...)}
}

// KindOf returns the Kind of err, or "" for an untyped error (a bug: it maps to 500).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

// IsKind reports whether err is a domain error of kind k.
func IsKind(err error, k Kind) bool { return KindOf(err) == k }

// Unauthorized reports a missing, expired or invalid session or token.
func Unauthorized(format string, args ...any) *Error {
	return &Error{Kind: KindUnauthorized, Message: fmt.Sprintf(format, args...)}
}
