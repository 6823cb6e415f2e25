package deliver

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// An in-process SMTP server (go-smtp) that offers STARTTLS with a certificate
// made for the test, requires PLAIN auth when a password is set, and keeps
// what it was sent. rcptErr, when set, is the reply to RCPT TO.

type inbox struct {
	mu       sync.Mutex
	from     string
	rcpts    []string
	data     []byte
	authUser string
	tls      bool
}

type testBackend struct {
	box      *inbox
	password string
	rcptErr  error
}

func (b *testBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &testSession{b: b, c: c}, nil
}

type testSession struct {
	b    *testBackend
	c    *smtp.Conn
	user string
}

func (s *testSession) AuthMechanisms() []string {
	if s.b.password == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *testSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if pass != s.b.password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		s.user = user
		return nil
	}), nil
}

func (s *testSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.b.password != "" && s.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}
	}
	s.b.box.mu.Lock()
	defer s.b.box.mu.Unlock()
	s.b.box.from = from
	return nil
}

func (s *testSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.b.rcptErr != nil {
		return s.b.rcptErr
	}
	s.b.box.mu.Lock()
	defer s.b.box.mu.Unlock()
	s.b.box.rcpts = append(s.b.box.rcpts, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.c.TLSConnectionState()
	s.b.box.mu.Lock()
	defer s.b.box.mu.Unlock()
	s.b.box.data, s.b.box.authUser, s.b.box.tls = raw, s.user, isTLS
	return nil
}

func (s *testSession) Reset()        {}
func (s *testSession) Logout() error { return nil }

// testCert is a self-signed certificate for 127.0.0.1 and the pool that
// trusts it.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "zeren test smtp"},
		NotBefore:    time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// startSMTP runs a server on a loopback port; withTLS decides whether it
// offers STARTTLS.
func startSMTP(t *testing.T, be *testBackend, withTLS bool) (port int, pool *x509.CertPool) {
	t.Helper()
	s := smtp.NewServer(be)
	s.Domain = "127.0.0.1"
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	if withTLS {
		var cert tls.Certificate
		cert, pool = testCert(t)
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	} else {
		s.AllowInsecureAuth = true
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close() })
	return l.Addr().(*net.TCPAddr).Port, pool
}

func smtpChannelFor(t *testing.T, cfg SMTPConfig, to []string, pool *x509.CertPool) Channel {
	t.Helper()
	ch, err := NewSMTP(cfg, to)
	if err != nil {
		t.Fatal(err)
	}
	if pool != nil {
		ch.(*smtpChannel).tlsConfig = &tls.Config{ServerName: "127.0.0.1", RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return ch
}

func TestSMTPDeliversChineseOverSTARTTLS(t *testing.T) {
	box := &inbox{}
	port, pool := startSMTP(t, &testBackend{box: box, password: "s3cret"}, true)
	ch := smtpChannelFor(t, SMTPConfig{
		Host: "127.0.0.1", Port: port, Username: "notice@jyj.example.cn", Password: "s3cret",
		From: "县教育局 <notice@jyj.example.cn>", StartTLS: true, Timeout: 10 * time.Second,
	}, []string{"zhang@school.example.cn", "李老师 <li@school.example.cn>"}, pool)

	if err := ch.Send(context.Background(), testMsg); err != nil {
		t.Fatalf("send: %v", err)
	}
	box.mu.Lock()
	defer box.mu.Unlock()
	if !box.tls || box.authUser != "notice@jyj.example.cn" {
		t.Errorf("tls %v, auth user %q: want STARTTLS and the configured user", box.tls, box.authUser)
	}
	if box.from != "notice@jyj.example.cn" || strings.Join(box.rcpts, ",") != "zhang@school.example.cn,li@school.example.cn" {
		t.Errorf("envelope from %q to %q", box.from, box.rcpts)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(box.data))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, box.data)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != testMsg.Subject {
		t.Errorf("Subject = %q (%v), want %q", subject, err, testMsg.Subject)
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "县教育局" {
		t.Errorf("From = %v (%v)", from, err)
	}
	if msg.Header.Get("Message-Id") == "" || msg.Header.Get("Date") == "" {
		t.Errorf("no Message-ID or Date: %v", msg.Header)
	}
	if ct := msg.Header.Get("Content-Type"); !strings.Contains(ct, "text/plain") || !strings.Contains(strings.ToLower(ct), "utf-8") {
		t.Errorf("Content-Type = %q", ct)
	}
	body := decodeBody(t, msg)
	for _, want := range []string{"等待您审批", "第二行说明", testMsg.Link} {
		if !strings.Contains(body, want) {
			t.Errorf("body %q lacks %q", body, want)
		}
	}
}

func decodeBody(t *testing.T, msg *mail.Message) string {
	t.Helper()
	raw, _ := io.ReadAll(msg.Body)
	switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
	case "base64":
		var buf bytes.Buffer
		for _, line := range strings.Split(string(raw), "\n") {
			buf.WriteString(strings.TrimSpace(line))
		}
		out, err := base64Decode(buf.String())
		if err != nil {
			t.Fatalf("body base64: %v", err)
		}
		return out
	}
	return string(raw)
}

func TestSMTPRefusalsClassified(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		permanent bool
	}{
		{"mailbox unknown", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}, true},
		{"greylisted", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "try again later"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			box := &inbox{}
			port, pool := startSMTP(t, &testBackend{box: box, rcptErr: tc.err}, true)
			ch := smtpChannelFor(t, SMTPConfig{Host: "127.0.0.1", Port: port, From: "a@b.cn", StartTLS: true, Timeout: 10 * time.Second},
				[]string{"x@y.cn"}, pool)
			assertErr(t, ch.Send(context.Background(), testMsg), "smtp", tc.permanent)
			if box.data != nil {
				t.Error("the server got a message")
			}
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		port, pool := startSMTP(t, &testBackend{box: &inbox{}, password: "right"}, true)
		ch := smtpChannelFor(t, SMTPConfig{Host: "127.0.0.1", Port: port, From: "a@b.cn", Username: "u", Password: "wrong",
			StartTLS: true, Timeout: 10 * time.Second}, []string{"x@y.cn"}, pool)
		assertErr(t, ch.Send(context.Background(), testMsg), "smtp", true)
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		port, _ := startSMTP(t, &testBackend{box: &inbox{}}, true)
		ch := smtpChannelFor(t, SMTPConfig{Host: "127.0.0.1", Port: port, From: "a@b.cn", StartTLS: true, Timeout: 10 * time.Second},
			[]string{"x@y.cn"}, nil)
		assertErr(t, ch.Send(context.Background(), testMsg), "smtp", true)
	})
}

func TestSMTPRequiresSTARTTLS(t *testing.T) {
	box := &inbox{}
	port, _ := startSMTP(t, &testBackend{box: box, password: "pw"}, false)
	ch := smtpChannelFor(t, SMTPConfig{Host: "127.0.0.1", Port: port, From: "a@b.cn", Username: "u", Password: "pw",
		StartTLS: true, Timeout: 10 * time.Second}, []string{"x@y.cn"}, nil)
	err := ch.Send(context.Background(), testMsg)
	assertErr(t, err, "smtp", true)
	if !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("error %v does not say STARTTLS", err)
	}
	box.mu.Lock()
	sent := box.data != nil || box.from != ""
	box.mu.Unlock()
	if sent {
		t.Error("something was sent without TLS")
	}
}

func TestSMTPInsecureDelivers(t *testing.T) {
	box := &inbox{}
	port, _ := startSMTP(t, &testBackend{box: box}, false)
	ch := smtpChannelFor(t, SMTPConfig{Host: "127.0.0.1", Port: port, From: "a@b.cn", Insecure: true, Timeout: 10 * time.Second},
		[]string{"x@y.cn"}, nil)
	if err := ch.Send(context.Background(), testMsg); err != nil {
		t.Fatal(err)
	}
	box.mu.Lock()
	defer box.mu.Unlock()
	if box.data == nil || box.tls {
		t.Errorf("data %d bytes, tls %v", len(box.data), box.tls)
	}
}

func TestSMTPSilentServerTimesOut(t *testing.T) {
	// Accepts the connection and never sends a greeting.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	defer func() {
		_ = l.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
	}()
	ch := smtpChannelFor(t, SMTPConfig{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, From: "a@b.cn",
		StartTLS: true, Timeout: 200 * time.Millisecond}, []string{"x@y.cn"}, nil)
	assertErr(t, ch.Send(context.Background(), testMsg), "smtp", false)

	// Nobody listening at all: also temporary.
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	ch = smtpChannelFor(t, SMTPConfig{Host: "127.0.0.1", Port: port, From: "a@b.cn", StartTLS: true, Timeout: time.Second},
		[]string{"x@y.cn"}, nil)
	assertErr(t, ch.Send(context.Background(), testMsg), "smtp", false)
}

func TestNewSMTPValidates(t *testing.T) {
	ok := SMTPConfig{Host: "smtp.example.cn", Port: 587, From: "a@b.cn", StartTLS: true}
	for name, tc := range map[string]struct {
		cfg SMTPConfig
		to  []string
	}{
		"no host":        {SMTPConfig{Port: 587, From: "a@b.cn", StartTLS: true}, []string{"x@y.cn"}},
		"bad port":       {SMTPConfig{Host: "h", Port: 70000, From: "a@b.cn", StartTLS: true}, []string{"x@y.cn"}},
		"no starttls":    {SMTPConfig{Host: "h", Port: 25, From: "a@b.cn"}, []string{"x@y.cn"}},
		"bad from":       {SMTPConfig{Host: "h", Port: 587, From: "not an address", StartTLS: true}, []string{"x@y.cn"}},
		"no recipients":  {ok, nil},
		"bad recipient":  {ok, []string{"x@y.cn", "bogus"}},
		"negative limit": {SMTPConfig{Host: "h", Port: 587, From: "a@b.cn", StartTLS: true, Timeout: -time.Second}, []string{"x@y.cn"}},
	} {
		_, err := NewSMTP(tc.cfg, tc.to)
		var de *Error
		if !errors.As(err, &de) || !de.Permanent {
			t.Errorf("%s: NewSMTP = %v, want a permanent *Error", name, err)
		}
	}
	if _, err := NewSMTP(ok, []string{"x@y.cn"}); err != nil {
		t.Errorf("valid config: %v", err)
	}
	ch, _ := NewSMTP(ok, []string{"x@y.cn"})
	bad := testMsg
	bad.Subject = "line one\r\nBcc: evil@example.com"
	assertErr(t, ch.Send(context.Background(), bad), "smtp", true)
}

func base64Decode(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	return string(b), err
}
