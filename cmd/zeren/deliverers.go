package main

import (
	"errors"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/deliver"
)

// The outside channels of notifications: one SMTP server for e-mail, and the
// public address that links in messages start with. Group robots need no
// setting here: each unit stores its own webhooks (sealed) in the database.
var (
	setSMTP = setting{"smtp", "ZEREN_SMTP",
		"outgoing mail server as host:port (STARTTLS required); empty: no e-mail, notices reach the inboxes only"}
	setSMTPUser = setting{"smtp-user", "ZEREN_SMTP_USER", "the mail server's login, when it asks for one"}
	setSMTPPass = setting{"smtp-password-file", "ZEREN_SMTP_PASSWORD_FILE",
		"file holding the mail server's password (a file, so the password is in no process list or environment)"}
	setSMTPFrom  = setting{"smtp-from", "ZEREN_SMTP_FROM", "the From address of notification e-mail, e.g. zeren@jyj.example.gov.cn"}
	setPublicURL = setting{"public-url", "ZEREN_PUBLIC_URL",
		"the address users open zeren at, e.g. https://zeren.jyj.example.gov.cn: links in e-mail and robot messages start with it"}
)

// deliverySettings are the parsed channel settings.
type deliverySettings struct {
	smtp      deliver.SMTPConfig // Host empty: no e-mail
	publicURL string
}

// parseDelivery checks the channel settings, naming the flag at fault.
func parseDelivery(lookup func(s setting) (string, string, bool)) (deliverySettings, error) {
	var d deliverySettings
	if v, src, ok := lookup(setPublicURL); ok {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return d, usagef("%s: must be an http(s) address such as https://zeren.example.gov.cn", src)
		}
		d.publicURL = strings.TrimRight(v, "/")
	}
	v, src, ok := lookup(setSMTP)
	if !ok {
		return d, nil
	}
	host, port, err := net.SplitHostPort(v)
	n, perr := strconv.Atoi(port)
	if err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
		return d, usagef("%s: must be host:port, e.g. smtp.example.gov.cn:587", src)
	}
	from, fromSrc, ok := lookup(setSMTPFrom)
	if !ok {
		return d, usagef("%s: needs --smtp-from (or ZEREN_SMTP_FROM) too", src)
	}
	if _, err := mail.ParseAddress(from); err != nil {
		return d, usagef("%s: %q is not an e-mail address", fromSrc, from)
	}
	d.smtp = deliver.SMTPConfig{Host: host, Port: n, From: from, StartTLS: true, Timeout: 30 * time.Second}
	if user, _, ok := lookup(setSMTPUser); ok {
		d.smtp.Username = user
	}
	if file, fileSrc, ok := lookup(setSMTPPass); ok {
		b, err := os.ReadFile(file)
		if err != nil {
			return d, usagef("%s: %v", fileSrc, err)
		}
		d.smtp.Password = strings.TrimRight(string(b), "\r\n")
	}
	return d, nil
}

// deliverers builds the channels for the app (app.Deliverers).
type deliverers struct {
	smtp   deliver.SMTPConfig
	client *http.Client
	now    func() time.Time
}

func (d deliverers) Email(to []string) (deliver.Channel, error) {
	if d.smtp.Host == "" {
		return nil, &deliver.Error{Channel: "smtp", Permanent: true, Err: errors.New("no mail server is configured on this server (--smtp)")}
	}
	return deliver.NewSMTP(d.smtp, to)
}

func (d deliverers) Robot(r deliver.Robot) (deliver.Channel, error) {
	return deliver.NewRobot(r, d.client, d.now)
}

// newDeliverers is the channels of a server: robots over an HTTP client
// bounded per request (a webhook that hangs fails the attempt, which is
// retried), e-mail when a server is set.
func newDeliverers(d deliverySettings, now func() time.Time) deliverers {
	return deliverers{smtp: d.smtp, client: &http.Client{Timeout: 20 * time.Second}, now: now}
}
