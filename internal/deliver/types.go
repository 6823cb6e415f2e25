// Package deliver sends one message through one channel: e-mail (SMTP with
// STARTTLS) or a group robot of DingTalk, WeCom or Feishu (signed webhooks,
// each platform's documented message format). It knows nothing of accounts,
// notices or retries: the notification jobs decide who gets what and when,
// and retry what fails here.
package deliver

import (
	"context"
	"fmt"
	"time"
)

// Message is what a channel sends: a one-line subject, a plain-text body and
// an optional absolute link that opens the thing in zeren.
type Message struct {
	Subject string
	Body    string
	Link    string
}

// Channel sends messages to one fixed destination (some addresses, a group).
type Channel interface {
	Send(ctx context.Context, m Message) error
}

// Error is a failed send. Permanent marks failures a retry cannot fix (a bad
// address, a rejected signature, a malformed webhook); the job gives up on
// them at once instead of backing off.
type Error struct {
	Channel   string // "smtp", "dingtalk", "wecom", "feishu"
	Permanent bool
	Err       error
}

func (e *Error) Error() string { return fmt.Sprintf("deliver via %s: %v", e.Channel, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// SMTPConfig is one outgoing mail server. StartTLS is required unless
// Insecure is set (a test server on loopback).
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	StartTLS bool
	Insecure bool
	Timeout  time.Duration
}

// Robot is one group robot's webhook and its signing secret.
type Robot struct {
	Kind    string // "dingtalk", "wecom" or "feishu"
	Webhook string
	Secret  string
}
