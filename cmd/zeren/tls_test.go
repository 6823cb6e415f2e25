package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/auth"
	"github.com/zeren-edu/zeren/internal/store"
)

// selfSigned writes a certificate and key for 127.0.0.1 into dir and returns
// their paths and a client that trusts the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, client *http.Client) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	// The certificate must be valid on the real clock, which TLS checks.
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "zeren test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}

// TestServeTLS serves HTTPS with --tls-cert and --tls-key: every answer carries
// HSTS, the session cookie is Secure, TLS 1.1 is refused; over plain HTTP
// there is no HSTS and the cookie is not Secure.
func TestServeTLS(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "zeren.db")
	if code, out, stderr := runCmd(t, "init", "--db", db, "--bureau-name", "示范县教育局", "--bureau-code", "b"); code != exitOK {
		t.Fatalf("init: %d %s %s", code, out, stderr)
	}
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(st, nil, app.Config{PasswordHashing: auth.TestParams}, nil)
	op, err := a.OperatorActor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	acct, err := a.CreateAccount(ctx, op, app.AccountInput{Username: "school", Name: "学校管理员", OrgID: op.Scope.Roots[0], Roles: []string{"school_admin"}})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, hc := selfSigned(t, dir)

	// Only one of the pair is a usage error naming the other.
	code, _, stderr := runCmd(t, "serve", "--db", db, "--tls-cert", certFile)
	if code != exitUsage {
		t.Fatalf("cert without key: exit %d", code)
	}
	oneLine(t, stderr, "--tls-cert", "--tls-key")
	code, _, stderr = runCmd(t, "serve", "--db", db, "--tls-cert", keyFile, "--tls-key", keyFile)
	if code != exitUsage {
		t.Fatalf("a key for a certificate: exit %d", code)
	}
	oneLine(t, stderr, "--tls-cert", "certificate")

	base, cancel, done, _, errb := startServe(t, 20*time.Second, "serve", "--db", db, "--addr", "127.0.0.1:0", "--log-level", "warn",
		"--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("serving %s", base)
	}
	res, err := hc.Get(base + "healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if h := res.Header.Get("Strict-Transport-Security"); !strings.Contains(h, "max-age=") || res.TLS == nil {
		t.Fatalf("HTTPS answer without HSTS: %q", h)
	}
	c := loginWith(t, hc, base, "school", acct.InitialPassword)
	if c.cookie == nil || !c.cookie.Secure || !c.cookie.HttpOnly {
		t.Fatalf("session cookie over HTTPS: %+v", c.cookie)
	}
	if h := c.last.Get("Strict-Transport-Security"); h == "" {
		t.Fatal("an API answer over HTTPS without HSTS")
	}
	// An outdated protocol is refused.
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS11}}} //nolint:gosec // the point is to offer TLS 1.1
	if res, err := old.Get(base + "healthz"); err == nil {
		res.Body.Close()
		t.Fatal("TLS 1.1 was accepted")
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}

	// Plain HTTP: no HSTS (a browser would ignore it), no Secure cookie.
	base, cancel, done, _, _ = startServe(t, 20*time.Second, "serve", "--db", db, "--addr", "127.0.0.1:0", "--log-level", "warn")
	res, err = http.Get(base + "healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if h := res.Header.Get("Strict-Transport-Security"); h != "" {
		t.Fatalf("HSTS over plain HTTP: %q", h)
	}
	cancel()
	<-done
}
