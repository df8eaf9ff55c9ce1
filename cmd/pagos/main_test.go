package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/webhook"
	"github.com/pagos-go/pagos/webhook/conektasync"
)

// The credentials the test receiver is configured with.
const (
	tokuSecret   = "whesec_pagos_cmd_test"
	fygaroKeyID  = "fyg_cmd_test_key"
	fygaroSecret = "fyg_cmd_test_secret"
	tpagaAuth    = "Basic cmd-test-1234567890"
)

// binary is the pagos command built once for the package's tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pagos-cmd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "pagos")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// pagos runs the binary with args, env and stdin, returning its output and
// exit status.
func pagos(t *testing.T, env []string, stdin []byte, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	cmd.Stdin = bytes.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("running pagos: %v", err)
	}
	return o.String(), e.String(), code
}

// keyPair writes an RSA key's private and public halves as PEM files.
func keyPair(t *testing.T) (key *rsa.PrivateKey, privFile, pubFile string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	privFile, pubFile = filepath.Join(dir, "key.pem"), filepath.Join(dir, "pub.pem")
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err := os.WriteFile(privFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pubFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return key, privFile, pubFile
}

// approver answers every lookup with 100.00–500.00 MXN and approves every
// attempt, counting what it was asked.
type approver struct {
	mu       sync.Mutex
	lookups  int
	attempts []int64
}

func (a *approver) Lookup(context.Context, *conekta.Event, *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.lookups++
	return conekta.ApproveLookup(10000, 50000), nil
}

func (a *approver) PaymentAttempt(_ context.Context, _ *conekta.Event, p *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.attempts = append(a.attempts, p.Amount)
	return conekta.ApprovePayment(), nil
}

func (a *approver) Reverse(context.Context, *conekta.Event, *conekta.InboundPayment) error {
	return nil
}

// receiver is a user's webhook server built from the SDK's handlers: it
// counts the events each provider's user code processed, and keeps the raw
// requests for verify's tests.
type receiver struct {
	srv      *httptest.Server
	sync     *approver
	mu       sync.Mutex
	seen     map[string]int // provider/event id → times user code ran
	captured map[string][]byte
}

func newReceiver(t *testing.T, conektaKey *rsa.PrivateKey) *receiver {
	t.Helper()
	rc := &receiver{sync: &approver{}, seen: map[string]int{}, captured: map[string][]byte{}}
	count := func(provider, id string) {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.seen[provider+"/"+id]++
	}
	quiet := webhook.WithLogger(slog.New(slog.DiscardHandler)) // refusals are what these tests send
	th, err := webhook.NewTokuHandler(tokuSecret, func(_ context.Context, e *toku.Event) error { count("toku", e.ID); return nil }, quiet)
	if err != nil {
		t.Fatal(err)
	}
	keys := []*rsa.PublicKey{&conektaKey.PublicKey}
	ch, err := webhook.NewConektaHandler(keys, func(_ context.Context, e *conekta.Event) error { count("conekta", e.ID); return nil }, quiet)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := conektasync.NewHandler(conektasync.Auth{Keys: keys}, rc.sync, conektasync.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	fh, err := webhook.NewFygaroHandler(webhook.FygaroKeys{fygaroKeyID: fygaroSecret}, func(_ context.Context, h *fygaro.Hook) error {
		count("fygaro", h.Reference)
		return nil
	}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	ph, err := webhook.NewTpagaHandler(tpagaAuth, func(_ context.Context, n *tpaga.Notification) error {
		count("tpaga", n.EfectyOrderID+"/"+n.Reference)
		return nil
	}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /toku", th)
	mux.Handle("POST /conekta", ch)
	mux.Handle("POST /conekta/sync", sh)
	mux.Handle("POST /fygaro", fh)
	mux.Handle("POST /tpaga", ph)
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dump, err := httputil.DumpRequest(r, true) // restores r.Body
		if err == nil {
			rc.mu.Lock()
			rc.captured[r.URL.Path] = dump
			rc.mu.Unlock()
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) count(key string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.seen[key]
}

func (rc *receiver) capture(path string) []byte {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.captured[path]
}

// triggerJSON is what trigger -json prints.
type triggerJSON struct {
	OK      bool     `json:"ok"`
	Results []result `json:"results"`
}

func decodeTrigger(t *testing.T, out string) triggerJSON {
	t.Helper()
	var tj triggerJSON
	if err := json.Unmarshal([]byte(out), &tj); err != nil {
		t.Fatalf("trigger -json printed %q: %v", out, err)
	}
	return tj
}

func TestTriggerEveryEvent(t *testing.T) {
	key, privFile, _ := keyPair(t)
	rc := newReceiver(t, key)
	env := []string{"TOKU_WEBHOOK_SECRET=" + tokuSecret, "CONEKTA_WEBHOOK_PRIVATE_KEY=" + privFile,
		"FYGARO_KEY_ID=" + fygaroKeyID, "FYGARO_SECRET=" + fygaroSecret, "TPAGA_NOTIFY_AUTHORIZATION=" + tpagaAuth}
	paths := map[string]string{"toku": "/toku", "conekta": "/conekta", "fygaro": "/fygaro", "tpaga": "/tpaga"}
	for _, p := range providers() {
		for _, e := range eventsOf(p) {
			path := paths[p]
			if strings.HasPrefix(e, conektaSync) {
				path = "/conekta/sync"
			}
			t.Run(p+"/"+e, func(t *testing.T) {
				t.Parallel()
				out, errOut, code := pagos(t, env, nil, "trigger", p, e, "-to", rc.srv.URL+path, "-json")
				if code != 0 {
					t.Fatalf("exit %d; stdout %s stderr %s", code, out, errOut)
				}
				tj := decodeTrigger(t, out)
				if !tj.OK || len(tj.Results) == 0 {
					t.Fatalf("results %+v", tj)
				}
				for _, r := range tj.Results {
					if r.Status != http.StatusOK {
						t.Errorf("%s: status %d, answer %s", r.Event, r.Status, r.Answer)
					}
				}
				if strings.HasPrefix(e, conektaSync) {
					return
				}
				if n := rc.count(p + "/" + tj.Results[0].EventID); n != 1 {
					t.Errorf("user code ran %d times for %s", n, tj.Results[0].EventID)
				}
			})
		}
	}
}

func TestTriggerTamperedRefused(t *testing.T) {
	key, privFile, _ := keyPair(t)
	rc := newReceiver(t, key)
	env := []string{"TOKU_WEBHOOK_SECRET=" + tokuSecret, "CONEKTA_WEBHOOK_PRIVATE_KEY=" + privFile,
		"FYGARO_KEY_ID=" + fygaroKeyID, "FYGARO_SECRET=" + fygaroSecret, "TPAGA_NOTIFY_AUTHORIZATION=" + tpagaAuth}
	cases := []struct {
		provider, event, path string
		flags                 []string
		status                int
	}{
		{"toku", "invoice.updated", "/toku", []string{"-tamper", "secret"}, http.StatusUnauthorized},
		{"toku", "invoice.updated", "/toku", []string{"-tamper", "timestamp"}, http.StatusUnauthorized},
		{"toku", "invoice.updated", "/toku", []string{"-tamper", "body", "-toku-signed", "body"}, http.StatusUnauthorized},
		{"conekta", "order.paid", "/conekta", []string{"-tamper", "secret"}, http.StatusUnauthorized},
		{"conekta", "order.paid", "/conekta", []string{"-tamper", "body"}, http.StatusUnauthorized},
		{"conekta", "inbound_payment", "/conekta/sync", []string{"-tamper", "body"}, http.StatusUnauthorized},
		{"fygaro", "payment", "/fygaro", []string{"-tamper", "secret"}, http.StatusUnauthorized},
		{"fygaro", "payment", "/fygaro", []string{"-tamper", "timestamp"}, http.StatusUnauthorized},
		{"fygaro", "payment", "/fygaro", []string{"-tamper", "body"}, http.StatusUnauthorized},
		{"tpaga", "deposit", "/tpaga", []string{"-tamper", "secret"}, http.StatusUnauthorized},
	}
	for _, c := range cases {
		t.Run(c.provider+"/"+strings.Join(c.flags, " "), func(t *testing.T) {
			t.Parallel()
			args := append([]string{"trigger", c.provider, c.event, "-to", rc.srv.URL + c.path, "-json"}, c.flags...)
			out, errOut, code := pagos(t, env, nil, args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stdout %s stderr %s", code, out, errOut)
			}
			tj := decodeTrigger(t, out)
			if tj.OK || len(tj.Results) != 1 || tj.Results[0].Status != c.status || tj.Results[0].Accepted {
				t.Fatalf("results %+v", tj.Results)
			}
			if n := rc.count(c.provider + "/" + tj.Results[0].EventID); n != 0 {
				t.Errorf("user code ran %d times for a tampered delivery", n)
			}
		})
	}
	rc.sync.mu.Lock()
	defer rc.sync.mu.Unlock()
	if n := rc.sync.lookups; n != 0 {
		t.Errorf("the responder answered %d tampered lookups", n)
	}
}

func TestTriggerDuplicateAndConcurrent(t *testing.T) {
	key, _, _ := keyPair(t)
	rc := newReceiver(t, key)
	out, errOut, code := pagos(t, []string{"TOKU_WEBHOOK_SECRET=" + tokuSecret}, nil,
		"trigger", "toku", "transaction.success", "-to", rc.srv.URL+"/toku", "-n", "4", "-dup", "-json")
	if code != 0 {
		t.Fatalf("exit %d; stdout %s stderr %s", code, out, errOut)
	}
	tj := decodeTrigger(t, out)
	if len(tj.Results) != 5 {
		t.Fatalf("%d results, want 4 concurrent and 1 duplicate: %+v", len(tj.Results), tj.Results)
	}
	for _, r := range tj.Results {
		if r.EventID != tj.Results[0].EventID || r.Status != http.StatusOK {
			t.Errorf("result %+v", r)
		}
	}
	if tj.Results[4].Attempt != "duplicate" {
		t.Errorf("last attempt %q", tj.Results[4].Attempt)
	}
	if n := rc.count("toku/" + tj.Results[0].EventID); n != 1 {
		t.Errorf("user code ran %d times for 5 copies of one event", n)
	}
}

func TestTriggerConektaSyncJudges(t *testing.T) {
	key, privFile, _ := keyPair(t)
	rc := newReceiver(t, key)
	out, errOut, code := pagos(t, nil, nil, "trigger", "conekta", "inbound_payment", "-to", rc.srv.URL+"/conekta/sync",
		"-key-file", privFile, "-reference", "93000262276908")
	if code != 0 {
		t.Fatalf("exit %d; stdout %s stderr %s", code, out, errOut)
	}
	for _, want := range []string{"(lookup): accepted, status 200", "payable, min_amount 10000, max_amount 50000 centavos",
		"(payment_attempt): accepted, status 200", "within Conekta's 2 s limit"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	rc.sync.mu.Lock()
	defer rc.sync.mu.Unlock()
	if rc.sync.lookups != 1 || len(rc.sync.attempts) != 1 || rc.sync.attempts[0] != 10000 {
		t.Errorf("responder saw %d lookups, attempts %v; want 1 and [10000] (the lookup's min_amount)", rc.sync.lookups, rc.sync.attempts)
	}

	// A receiver that declines: exit 1 and the failure code shown.
	decline := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"payable":false,"failure_code":"15"}`))
	}))
	defer decline.Close()
	out, _, code = pagos(t, nil, nil, "trigger", "conekta", "inbound_payment", "-to", decline.URL, "-key-file", privFile)
	if code != 1 || !strings.Contains(out, `declined, failure_code "15`) || strings.Contains(out, "payment_attempt") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
}

func TestTriggerUsage(t *testing.T) {
	for _, args := range [][]string{
		{"trigger"},
		{"trigger", "toku"},
		{"trigger", "nope", "x", "-to", "http://127.0.0.1:1"},
		{"trigger", "toku", "no.such", "-to", "http://127.0.0.1:1"},
		{"trigger", "toku", "invoice.updated"},
		{"trigger", "toku", "invoice.updated", "-to", "http://127.0.0.1:1"}, // no secret
		{"trigger", "tpaga", "deposit", "-to", "http://127.0.0.1:1", "-auth", "x", "-tamper", "timestamp"},
		{"trigger", "toku", "invoice.updated", "-to", "http://127.0.0.1:1", "-bogus"},
		{"nope"},
	} {
		if _, _, code := pagos(t, nil, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	out, _, code := pagos(t, nil, nil, "trigger", "-list")
	if code != 0 || !strings.Contains(out, "toku\tinvoice.updated\n") || !strings.Contains(out, "conekta\tinbound_payment\n") ||
		!strings.Contains(out, "fygaro\tpayment\n") || !strings.Contains(out, "tpaga\tdeposit.permanent\n") {
		t.Errorf("trigger -list: exit %d\n%s", code, out)
	}
	for _, cmd := range []string{"trigger", "verify", "fake"} {
		out, _, code := pagos(t, nil, nil, cmd, "-h")
		if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "Flags:") {
			t.Errorf("%s -h: exit %d\n%s", cmd, code, out)
		}
	}
	if out, _, code := pagos(t, nil, nil, "help"); code != 0 || !strings.Contains(out, "pagos trigger PROVIDER EVENT") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
}

func TestVerifyCaptures(t *testing.T) {
	key, privFile, pubFile := keyPair(t)
	rc := newReceiver(t, key)
	env := []string{"TOKU_WEBHOOK_SECRET=" + tokuSecret, "CONEKTA_WEBHOOK_PRIVATE_KEY=" + privFile,
		"FYGARO_KEY_ID=" + fygaroKeyID, "FYGARO_SECRET=" + fygaroSecret, "TPAGA_NOTIFY_AUTHORIZATION=" + tpagaAuth}
	captures := map[string][]byte{}
	for _, p := range providers() {
		out, errOut, code := pagos(t, env, nil, "trigger", p, eventsOf(p)[0], "-to", rc.srv.URL+"/"+p)
		if code != 0 {
			t.Fatalf("trigger %s: exit %d\n%s%s", p, code, out, errOut)
		}
		captures[p] = rc.capture("/" + p)
	}
	_, _, otherPub := keyPair(t)
	altered := func(b []byte) []byte { return bytes.Replace(b, []byte(`"id"`), []byte(`"iD"`), 1) }
	cases := []struct {
		name, provider string
		capture        []byte
		flags          []string
		code           int
		reason         string
	}{
		{"toku good", "toku", captures["toku"], []string{"-secret", tokuSecret}, 0, ""},
		{"toku wrong secret", "toku", captures["toku"], []string{"-secret", "whesec_other"}, 1, "wrong_secret_or_altered"},
		{"toku skew", "toku", captures["toku"], []string{"-secret", tokuSecret, "-tolerance", "1ns", "-at", "1"}, 1, "timestamp_skew"},
		{"toku missing header", "toku", bytes.Replace(captures["toku"], []byte("Toku-Signature"), []byte("X-Other"), 1), []string{"-secret", tokuSecret}, 1, "missing_header"},
		{"conekta good", "conekta", captures["conekta"], []string{"-key-file", pubFile}, 0, ""},
		{"conekta altered", "conekta", altered(captures["conekta"]), []string{"-key-file", pubFile}, 1, "wrong_key_or_altered"},
		{"fygaro good", "fygaro", captures["fygaro"], []string{"-secret", fygaroSecret, "-key-id", fygaroKeyID}, 0, ""},
		{"fygaro wrong secret", "fygaro", captures["fygaro"], []string{"-secret", "other", "-key-id", fygaroKeyID}, 1, "wrong_secret"},
		{"fygaro other key id", "fygaro", captures["fygaro"], []string{"-secret", fygaroSecret, "-key-id", "another"}, 1, "unknown_key_id"},
		{"fygaro body altered", "fygaro", bytes.Replace(captures["fygaro"], []byte(`"customReference":"order-`), []byte(`"customReference":"ORDER-`), 1), []string{"-secret", fygaroSecret, "-key-id", fygaroKeyID}, 1, "body_altered"},
		{"fygaro claim mismatch", "fygaro", resignedFygaro(t, captures["fygaro"]), []string{"-secret", fygaroSecret, "-key-id", fygaroKeyID}, 1, "jwt_claim_mismatch"},
		{"conekta second key", "conekta", captures["conekta"], []string{"-key-file", otherPub, "-key-file", pubFile}, 0, ""},
		{"conekta wrong key", "conekta", captures["conekta"], []string{"-key-file", otherPub}, 1, "wrong_key_or_altered"},
		{"tpaga good", "tpaga", captures["tpaga"], []string{"-auth", tpagaAuth}, 0, ""},
		{"tpaga wrong value", "tpaga", captures["tpaga"], []string{"-auth", "Basic other"}, 1, "wrong_secret"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"verify", c.provider, "-json"}, c.flags...)
			out, errOut, code := pagos(t, nil, c.capture, args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, c.code, out, errOut)
			}
			var v verdict
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("%q: %v", out, err)
			}
			if v.Verified != (c.code == 0) || v.Reason != c.reason {
				t.Errorf("verdict %+v, want reason %q", v, c.reason)
			}
			if c.name == "conekta second key" && v.KeyID != pubFile {
				t.Errorf("key %q verified, want %q", v.KeyID, pubFile)
			}
			for _, s := range []string{tokuSecret, fygaroSecret, tpagaAuth, "whesec_other", "cmd-test-1234567890"} {
				if strings.Contains(out+errOut, s) {
					t.Errorf("output carries a secret: %s", out+errOut)
				}
			}
		})
	}
	// The text output names the skew in seconds.
	out, _, _ := pagos(t, nil, captures["toku"], "verify", "toku", "-secret", tokuSecret, "-at", "1000", "-tolerance", "1s")
	if !strings.Contains(out, "timestamp skew: -") || !strings.Contains(out, "the signature itself matches") {
		t.Errorf("text output:\n%s", out)
	}
}

// resignedFygaro changes a captured hook's customReference and signs the
// new body's header correctly: only the jwt's claim now differs.
func resignedFygaro(t *testing.T, capture []byte) []byte {
	t.Helper()
	head, body, ok := bytes.Cut(capture, []byte("\r\n\r\n"))
	if !ok {
		t.Fatalf("capture %q", capture)
	}
	body = bytes.Replace(body, []byte(`"customReference":"order-`), []byte(`"customReference":"ORDER-`), 1)
	sig, err := webhook.SignFygaro(body, fygaroSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for line := range strings.SplitSeq(string(head), "\r\n") {
		if strings.HasPrefix(line, webhook.FygaroSignatureHeader+":") {
			line = webhook.FygaroSignatureHeader + ": " + sig
		}
		out = append(out, line+"\r\n"...)
	}
	return append(append(out, "\r\n"...), body...)
}
