package deliver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// defaultSMTPTimeout bounds a send when the configuration names no timeout:
// a server that accepts the connection and then says nothing must not hold a
// job worker for minutes.
const defaultSMTPTimeout = 30 * time.Second

type smtpChannel struct {
	cfg SMTPConfig
	to  []string
	// tlsConfig is nil in production (go-mail verifies the server's
	// certificate against the system roots for cfg.Host); the tests set it to
	// trust their in-process server's certificate.
	tlsConfig *tls.Config
}

// NewSMTP returns a channel that mails every message to the addresses in to
// through the server in cfg. The connection must be upgraded with STARTTLS
// before anything (the password included) is sent, unless cfg.Insecure is set,
// which speaks plain SMTP; it is meant for a relay on the loopback interface.
// The configuration is checked here, so a bad address fails when the channel is
// set up, not at the first notice.
func NewSMTP(cfg SMTPConfig, to []string) (Channel, error) {
	if strings.TrimSpace(cfg.Host) == "" {
		return nil, permanent("smtp", errors.New("host: empty"))
	}
	if cfg.Port <= 0 || cfg.Port > 65535 {
		return nil, permanent("smtp", fmt.Errorf("port: %d is not a TCP port", cfg.Port))
	}
	if !cfg.StartTLS && !cfg.Insecure {
		return nil, permanent("smtp", errors.New("starttls: required unless the server is marked insecure"))
	}
	if cfg.Timeout < 0 {
		return nil, permanent("smtp", fmt.Errorf("timeout: %s is negative", cfg.Timeout))
	}
	if _, err := mail.ParseAddress(cfg.From); err != nil {
		return nil, permanent("smtp", fmt.Errorf("from: %q: %v", cfg.From, err))
	}
	if len(to) == 0 {
		return nil, permanent("smtp", errors.New("to: no recipient"))
	}
	for i, addr := range to {
		if _, err := mail.ParseAddress(addr); err != nil {
			return nil, permanent("smtp", fmt.Errorf("to[%d]: %q: %v", i, addr, err))
		}
	}
	return &smtpChannel{cfg: cfg, to: append([]string(nil), to...)}, nil
}

// Send opens one connection, sends the message and closes it. Notices are few
// and far between (a digest a day, a reminder now and then), so a pool of open
// connections would buy nothing but stale-connection errors.
func (c *smtpChannel) Send(ctx context.Context, m Message) error {
	msg, err := c.compose(m)
	if err != nil {
		return permanent("smtp", err)
	}
	timeout := c.cfg.Timeout
	if timeout == 0 {
		timeout = defaultSMTPTimeout
	}
	opts := []gomail.Option{
		gomail.WithPort(c.cfg.Port),
		gomail.WithTimeout(timeout),
	}
	if c.cfg.Insecure {
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		tc := c.tlsConfig
		if tc == nil {
			tc = &tls.Config{ServerName: c.cfg.Host, MinVersion: tls.VersionTLS12}
		}
		opts = append(opts, gomail.WithTLSConfig(tc))
	}
	if c.cfg.Username != "" {
		// AUTODISCOVER picks the strongest mechanism the server offers
		// (SCRAM, then CRAM-MD5, then PLAIN/LOGIN over TLS).
		opts = append(opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(c.cfg.Username),
			gomail.WithPassword(c.cfg.Password))
	}
	client, err := gomail.NewClient(c.cfg.Host, opts...)
	if err != nil {
		return permanent("smtp", err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return classifySMTP(err)
	}
	return nil
}

func (c *smtpChannel) compose(m Message) (*gomail.Msg, error) {
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, errors.New("subject: more than one line")
	}
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingB64))
	if err := msg.From(c.cfg.From); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := msg.To(c.to...); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	body := m.Body
	if m.Link != "" {
		body = strings.TrimRight(body, "\n") + "\n\n" + m.Link + "\n"
	}
	msg.SetBodyString(gomail.TypeTextPlain, body)
	return msg, nil
}

// classifySMTP tells a failure a retry may cure (4xx replies, a dropped or
// timed-out connection) from one it cannot (5xx replies, a server that will
// not do STARTTLS, a certificate that does not verify).
func classifySMTP(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) && se.ErrorCode() != 0 {
		return &Error{Channel: "smtp", Permanent: se.ErrorCode() >= 500, Err: err}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "does not support STARTTLS"):
		return permanent("smtp", err)
	case isCertError(err):
		return permanent("smtp", err)
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		// A reply outside a SendError: the greeting, EHLO, STARTTLS or AUTH.
		return &Error{Channel: "smtp", Permanent: te.Code >= 500, Err: err}
	}
	// Anything else (a refused, reset or timed-out connection, a cancelled
	// context) is retried; the job reports it once its retries run out.
	return temporary("smtp", err)
}

func isCertError(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn)
}

func permanent(channel string, err error) *Error {
	return &Error{Channel: channel, Permanent: true, Err: err}
}

func temporary(channel string, err error) *Error {
	return &Error{Channel: channel, Permanent: false, Err: err}
}
