package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/fygaro/fygarotest"
	"github.com/pagos-go/pagos/webhook"
)

const verifyUsage = `Usage: pagos verify PROVIDER [flags] [FILE]

Reads a captured HTTP/1.1 request (request line, headers, blank line, body;
from FILE or stdin) and says whether it verifies with the secret or keys
given, and if not exactly why: a missing or malformed header, a wrong secret
or key (and which key id), the timestamp's skew in seconds, an altered body,
a JWT claim that differs from the body. Secrets never appear in the output.
Exit 0 when it verifies, 1 when it does not, 2 on bad usage.

The body is the bytes after the blank line (Content-Length of them when the
header is present), exactly as captured: a capture tool that re-indents JSON
breaks every signature.

Credentials, from flags or the environment:
  toku     -secret   or TOKU_WEBHOOK_SECRET
  conekta  -key-file or CONEKTA_WEBHOOK_PUBLIC_KEY (PEM public or private key, text or path;
           -key-file may be repeated during a rotation)
  fygaro   -key-id   or FYGARO_KEY_ID (default ` + fygarotest.DefaultHookKeyID + `), -secret or FYGARO_SECRET
  tpaga    -auth     or TPAGA_NOTIFY_AUTHORIZATION

Examples:
  pagos verify toku -secret whesec_test < captured.http
  pagos verify conekta -key-file pub.pem -key-file old.pem captured.http
  pagos verify fygaro -secret s3cret -at 1767225600 captured.http   # as of the capture's time
  pagos verify tpaga -auth "Basic 1234567890" -json captured.http
`

// keyFiles collects repeated -key-file flags.
type keyFiles []string

func (k *keyFiles) String() string     { return strings.Join(*k, ",") }
func (k *keyFiles) Set(v string) error { *k = append(*k, v); return nil }

// verdict is what verify prints.
type verdict struct {
	Provider    string   `json:"provider"`
	Verified    bool     `json:"verified"`
	Reason      string   `json:"reason,omitempty"` // short, stable: missing_header, wrong_secret, …
	Detail      string   `json:"detail,omitempty"`
	SkewSeconds *int64   `json:"skew_seconds,omitempty"` // now minus the signed timestamp
	KeyID       string   `json:"key_id,omitempty"`
	EventID     string   `json:"event_id,omitempty"`
	EventType   string   `json:"event_type,omitempty"`
	Notes       []string `json:"notes,omitempty"`
}

func (c *cli) verify(args []string) error {
	var (
		secret, keyID, auth string
		keys                keyFiles
		at                  int64
		tolerance           time.Duration
		asJSON              bool
	)
	fs := c.flags("verify", verifyUsage)
	fs.StringVar(&secret, "secret", "", "Toku endpoint secret or Fygaro hook secret (default $TOKU_WEBHOOK_SECRET / $FYGARO_SECRET)")
	fs.Var(&keys, "key-file", "Conekta: PEM key (public, or private whose public half is used); repeat for several (default $CONEKTA_WEBHOOK_PUBLIC_KEY)")
	fs.StringVar(&keyID, "key-id", "", "Fygaro: the hook credential id the secret belongs to (default $FYGARO_KEY_ID or "+fygarotest.DefaultHookKeyID+")")
	fs.StringVar(&auth, "auth", "", "Tpaga: the agreed Authorization value (default $TPAGA_NOTIFY_AUTHORIZATION)")
	fs.Int64Var(&at, "at", 0, "verify as of this Unix time instead of now (for an old capture)")
	fs.DurationVar(&tolerance, "tolerance", webhook.DefaultTolerance, "how far a signed timestamp may be from now")
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		return usagef("verify takes PROVIDER [FILE] (see pagos verify -h)")
	}
	provider := pos[0]
	if eventsOf(provider) == nil {
		return usagef("unknown provider %q: use toku, conekta, fygaro or tpaga", provider)
	}
	in := c.stdin
	if len(pos) == 2 && pos[1] != "-" {
		f, err := os.Open(pos[1])
		if err != nil {
			return usagef("%v", err)
		}
		defer f.Close()
		in = f
	}
	raw, err := io.ReadAll(io.LimitReader(in, 8<<20))
	if err != nil {
		return err
	}
	header, body, err := readCapture(raw)
	if err != nil {
		return usagef("the capture is not an HTTP/1.1 request: %v", err)
	}
	now := time.Now()
	if at != 0 {
		now = time.Unix(at, 0)
	}
	clock := webhook.WithClock(func() time.Time { return now })
	tol := webhook.WithTolerance(tolerance)
	v := verdict{Provider: provider}
	switch provider {
	case "toku":
		secret = c.setting(secret, "TOKU_WEBHOOK_SECRET")
		if secret == "" {
			return usagef("toku needs -secret or TOKU_WEBHOOK_SECRET")
		}
		sig := header.Get(webhook.TokuSignatureHeader)
		v.SkewSeconds = skew(sig, now)
		ev, err := webhook.VerifyToku(body, sig, secret, clock, tol)
		if err == nil {
			v.Verified, v.EventID, v.EventType = true, ev.ID, string(ev.Type)
			v.Notes = append(v.Notes, "signed over "+ev.Signed.String())
			break
		}
		v.Reason, v.Detail = classify(err, webhook.TokuSignatureHeader)
		if v.Reason == "timestamp_skew" {
			if _, err2 := webhook.VerifyToku(body, sig, secret, webhook.WithClock(func() time.Time { return now.Add(-time.Duration(*v.SkewSeconds) * time.Second) })); err2 != nil {
				v.Notes = append(v.Notes, "the signature does not match either: wrong secret, or the body or event id altered")
			} else {
				v.Notes = append(v.Notes, "the signature itself matches: only the time is wrong (replayed or delayed; or verify as of the capture with -at)")
			}
		}
		if v.Reason == "signature_mismatch" {
			v.Reason, v.Detail = "wrong_secret_or_altered", "no s= matches over t.<event id> or t.<body>: the secret is wrong, or the event id or body was altered (an HMAC cannot tell which)"
		}
	case "conekta":
		if len(keys) == 0 {
			if e := c.getenv("CONEKTA_WEBHOOK_PUBLIC_KEY"); e != "" {
				keys = append(keys, e)
			}
		}
		if len(keys) == 0 {
			return usagef("conekta needs -key-file or CONEKTA_WEBHOOK_PUBLIC_KEY")
		}
		pubs := make([]*rsa.PublicKey, len(keys))
		for i, k := range keys {
			p, err := parsePublicKey(k)
			if err != nil {
				return err
			}
			pubs[i] = p
		}
		digest := header.Get(webhook.ConektaDigestHeader)
		if digest == "" {
			v.Reason, v.Detail = "missing_header", "no "+webhook.ConektaDigestHeader+" header"
			break
		}
		for i, p := range pubs {
			ev, err := webhook.VerifyConekta(body, digest, []*rsa.PublicKey{p})
			if err == nil {
				v.Verified, v.EventID, v.EventType, v.KeyID = true, ev.ID, string(ev.Type), keyLabel(keys[i], i)
				break
			}
			if !errors.Is(err, webhook.ErrSignatureMismatch) {
				v.Reason, v.Detail = classify(err, webhook.ConektaDigestHeader)
				break
			}
		}
		if !v.Verified && v.Reason == "" {
			v.Reason = "wrong_key_or_altered"
			v.Detail = fmt.Sprintf("the Digest verifies with none of the %d key(s) given: it was made with another webhook key, or the body was altered (RSA cannot tell which)", len(pubs))
		}
		if !v.Verified {
			if ev, err := conekta.ParseEvent(body); err == nil {
				v.EventID, v.EventType = ev.ID, string(ev.Type)
			}
		}
		v.Notes = append(v.Notes, "Conekta signs no timestamp: only a dedupe store stops a replay")
	case "fygaro":
		keyID = c.setting(keyID, "FYGARO_KEY_ID")
		if keyID == "" {
			keyID = fygarotest.DefaultHookKeyID
		}
		secret = c.setting(secret, "FYGARO_SECRET")
		if secret == "" {
			return usagef("fygaro needs -secret or FYGARO_SECRET")
		}
		v.SkewSeconds = skew(header.Get(webhook.FygaroSignatureHeader), now)
		sent := header.Get(webhook.FygaroKeyIDHeader)
		v.KeyID = sent
		hook, err := webhook.VerifyFygaro(body, header, webhook.FygaroKeys{keyID: secret}, clock, tol)
		if err == nil {
			v.Verified, v.EventID = true, hook.Reference
			break
		}
		v.Reason, v.Detail = classify(err, webhook.FygaroSignatureHeader)
		switch {
		case sent != "" && sent != keyID:
			v.Reason, v.Detail = "unknown_key_id", fmt.Sprintf("%s names %q, but the secret given is for %q", webhook.FygaroKeyIDHeader, sent, keyID)
		case v.Reason == "signature_mismatch" && strings.Contains(err.Error(), "differs from the body"):
			v.Reason = "jwt_claim_mismatch"
		case v.Reason == "signature_mismatch":
			if jwtSignedWith(body, secret) {
				v.Reason, v.Detail = "body_altered", "the body's jwt verifies with the secret but the Fygaro-Signature does not: the body was altered after signing"
			} else {
				v.Reason, v.Detail = "wrong_secret", fmt.Sprintf("neither the Fygaro-Signature nor the body's jwt verifies with the secret given for %q", keyID)
			}
		}
	case "tpaga":
		auth = c.setting(auth, "TPAGA_NOTIFY_AUTHORIZATION")
		if auth == "" {
			return usagef("tpaga needs -auth or TPAGA_NOTIFY_AUTHORIZATION")
		}
		got := header.Get("Authorization")
		n, err := webhook.VerifyTpaga(body, got, auth)
		switch {
		case err == nil:
			v.Verified, v.EventID = true, n.EfectyOrderID+"/"+n.Reference
		case got == "":
			v.Reason, v.Detail = "missing_header", "no Authorization header"
		default:
			v.Reason, v.Detail = classify(err, "Authorization")
			if v.Reason == "unauthorized" {
				scheme, _, _ := strings.Cut(got, " ")
				v.Reason, v.Detail = "wrong_secret", fmt.Sprintf("the Authorization value (scheme %q) differs from the agreed one", scheme)
			}
		}
		v.Notes = append(v.Notes, "Tpaga signs nothing: authenticity rests on the agreed value, TLS and a dedupe store")
	}
	return c.printVerdict(&v, asJSON)
}

// classify names a verifier's error by its sentinel; the verifiers' texts
// never carry a secret.
func classify(err error, headerName string) (reason, detail string) {
	detail = err.Error()
	switch {
	case errors.Is(err, webhook.ErrNoSignature):
		return "missing_header", detail + " (" + headerName + ")"
	case errors.Is(err, webhook.ErrInvalidHeader):
		return "malformed_header", detail
	case errors.Is(err, webhook.ErrTooOld), errors.Is(err, webhook.ErrTooNew):
		return "timestamp_skew", detail
	case errors.Is(err, webhook.ErrSignatureMismatch):
		return "signature_mismatch", detail
	case errors.Is(err, webhook.ErrUnauthorized):
		return "unauthorized", detail
	case errors.Is(err, webhook.ErrMalformedPayload):
		return "malformed_payload", detail
	}
	return "error", detail
}

func (c *cli) printVerdict(v *verdict, asJSON bool) error {
	if asJSON {
		if err := json.NewEncoder(c.stdout).Encode(v); err != nil {
			return err
		}
	} else {
		if v.Verified {
			fmt.Fprintf(c.stdout, "%s: verifies", v.Provider)
		} else {
			fmt.Fprintf(c.stdout, "%s: does NOT verify: %s", v.Provider, v.Reason)
		}
		if v.EventID != "" {
			fmt.Fprintf(c.stdout, " (event %s", v.EventID)
			if v.EventType != "" {
				fmt.Fprintf(c.stdout, ", %s", v.EventType)
			}
			fmt.Fprint(c.stdout, ")")
		}
		fmt.Fprintln(c.stdout)
		if v.Detail != "" {
			fmt.Fprintf(c.stdout, "  why: %s\n", v.Detail)
		}
		if v.KeyID != "" {
			fmt.Fprintf(c.stdout, "  key: %s\n", v.KeyID)
		}
		if v.SkewSeconds != nil {
			fmt.Fprintf(c.stdout, "  timestamp skew: %d s (now minus the signed time)\n", *v.SkewSeconds)
		}
		for _, n := range v.Notes {
			fmt.Fprintf(c.stdout, "  note: %s\n", n)
		}
	}
	if !v.Verified {
		return errFailed
	}
	return nil
}

// readCapture splits a captured request into its headers and body. The body
// is what follows the blank line, cut to Content-Length when that is given
// (a trailing newline a text editor added is then ignored), de-chunked when
// the request is chunked.
func readCapture(raw []byte) (http.Header, []byte, error) {
	sep, n := bytes.Index(raw, []byte("\r\n\r\n")), 4
	if lf := bytes.Index(raw, []byte("\n\n")); sep < 0 || (lf >= 0 && lf < sep) {
		sep, n = lf, 2
	}
	if sep < 0 {
		return nil, nil, errors.New("no blank line between the headers and the body")
	}
	head, body := raw[:sep], raw[sep+n:]
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(append(bytes.ReplaceAll(head, []byte("\r\n"), []byte("\n")), '\n', '\n'))))
	if err != nil {
		return nil, nil, err
	}
	if len(req.TransferEncoding) > 0 {
		full, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return nil, nil, err
		}
		b, err := io.ReadAll(full.Body)
		return full.Header, b, err
	}
	if cl := req.Header.Get("Content-Length"); cl != "" {
		n, err := strconv.Atoi(cl)
		if err != nil || n < 0 || n > len(body) {
			return nil, nil, fmt.Errorf("Content-Length %q does not fit the %d bytes after the blank line", cl, len(body))
		}
		body = body[:n]
	}
	return req.Header, body, nil
}

// skew returns now minus the t= of a "t=…,…" signature header, if any.
func skew(sig string, now time.Time) *int64 {
	for part := range strings.SplitSeq(sig, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		if k == "t" {
			t, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return nil
			}
			s := now.Unix() - t
			return &s
		}
	}
	return nil
}

// jwtSignedWith reports whether the body's jwt is an HS256 token signed
// with secret: used only to tell a wrong secret from an altered body after
// the webhook package refused the delivery.
func jwtSignedWith(body []byte, secret string) bool {
	var b struct {
		JWT string `json:"jwt"`
	}
	if json.Unmarshal(body, &b) != nil {
		return false
	}
	i := strings.LastIndexByte(b.JWT, '.')
	if i < 0 {
		return false
	}
	sig, err := base64.RawURLEncoding.DecodeString(b.JWT[i+1:])
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(b.JWT[:i]))
	return hmac.Equal(m.Sum(nil), sig)
}

// parsePublicKey reads a PEM key given as text or a path: a public key, or a
// private key whose public half is taken.
func parsePublicKey(v string) (*rsa.PublicKey, error) {
	text := v
	if !strings.Contains(v, "-----BEGIN") {
		b, err := os.ReadFile(v)
		if err != nil {
			return nil, usagef("reading the Conekta key: %v", err)
		}
		text = string(b)
	}
	if block, _ := pem.Decode([]byte(text)); block != nil && strings.Contains(block.Type, "PRIVATE") {
		k, err := parsePrivateKey(text)
		if err != nil {
			return nil, err
		}
		return &k.PublicKey, nil
	}
	k, err := conekta.ParsePublicKey(text)
	if err != nil {
		return nil, usagef("the Conekta key: %v", err)
	}
	return k, nil
}

// keyLabel names a key for the output: its file, or its position and
// fingerprint when it was given as text.
func keyLabel(v string, i int) string {
	if !strings.Contains(v, "-----BEGIN") {
		return v
	}
	if k, err := parsePublicKey(v); err == nil {
		der, _ := x509.MarshalPKIXPublicKey(k)
		sum := sha256.Sum256(der)
		return fmt.Sprintf("key %d (SHA-256 %x…)", i+1, sum[:6])
	}
	return fmt.Sprintf("key %d", i+1)
}
