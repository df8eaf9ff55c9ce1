package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/fygaro/fygarotest"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/webhook"
)

const triggerUsage = `Usage: pagos trigger PROVIDER EVENT -to URL [flags]
       pagos trigger -list [-json]

Sends one realistic, correctly signed delivery of EVENT to your receiver at URL
and prints the status, the latency and the answer. Exit 0 when the receiver
accepted it (2xx; exactly 200 for Fygaro), 1 when it refused it or did not answer.

Credentials, from flags or the environment (the names examples/webhook-server reads):
  toku     -secret     or TOKU_WEBHOOK_SECRET       the endpoint's whesec_… secret
  conekta  -key-file   or CONEKTA_WEBHOOK_PRIVATE_KEY  PEM RSA private key (text or path) whose
                                                    public half your receiver trusts
           -basic user:password                     Basic credentials of the approval URL (sync route)
  fygaro   -key-id     or FYGARO_KEY_ID (default ` + fygarotest.DefaultHookKeyID + `)
           -secret     or FYGARO_SECRET             the hook credential's secret
  tpaga    -auth       or TPAGA_NOTIFY_AUTHORIZATION  the agreed Authorization value, "Basic …"

Conekta's synchronous route: EVENT inbound_payment sends inbound_payment.lookup,
then inbound_payment.payment_attempt (amount -amount, or the lookup's min_amount),
and judges each answer: status 200, a payable answer of the right shape, and
time against Conekta's 2 s limit. Exit 1 when an answer fails or declines.

Tampering, to see your receiver refuse a delivery (expect exit 1):
  -tamper secret     sign with a wrong secret (a fresh RSA key for Conekta;
                     a wrong Authorization value for Tpaga)
  -tamper timestamp  sign with a timestamp -skew in the past (Toku, Fygaro)
  -tamper body       change the body after signing (Conekta, Fygaro; Toku with
                     -toku-signed body)

Examples:
  pagos trigger -list
  pagos trigger toku invoice.updated -to http://127.0.0.1:8080/webhooks/toku -secret whesec_test
  TOKU_WEBHOOK_SECRET=whesec_test pagos trigger toku transaction.success -to $URL -dup
  pagos trigger conekta order.paid -to http://127.0.0.1:8080/webhooks/conekta -key-file key.pem -n 5
  pagos trigger conekta inbound_payment -to http://127.0.0.1:8080/webhooks/conekta/sync -key-file key.pem -reference 93000262276908
  pagos trigger fygaro payment -to http://127.0.0.1:8080/webhooks/fygaro -secret s3cret -tamper timestamp
  pagos trigger tpaga deposit -to http://127.0.0.1:8080/webhooks/tpaga -auth "Basic 1234567890" -json
`

// triggerOpts are trigger's flags.
type triggerOpts struct {
	to, secret, keyFile, keyID, auth, basic string
	tokuSigned, tamper, reference           string
	amount                                  int64
	skew, timeout                           time.Duration
	dup, list, asJSON                       bool
	n                                       int
}

// result is one request and its answer.
type result struct {
	Provider  string `json:"provider"`
	Event     string `json:"event"`
	EventID   string `json:"event_id,omitempty"`
	Attempt   string `json:"attempt"` // "first", "duplicate", "concurrent 3/5", "lookup", …
	Status    int    `json:"status"`
	LatencyUS int64  `json:"latency_us"` // microseconds
	Answer    string `json:"answer,omitempty"`
	Accepted  bool   `json:"accepted"`
	Verdict   string `json:"verdict,omitempty"`
	Error     string `json:"error,omitempty"`
}

// delivery is one signed request, ready to send (possibly several times).
type delivery struct {
	eventID string
	header  http.Header
	body    []byte
}

func (c *cli) trigger(ctx context.Context, args []string) error {
	var o triggerOpts
	fs := c.flags("trigger", triggerUsage)
	fs.StringVar(&o.to, "to", "", "URL of your receiver (required)")
	fs.StringVar(&o.secret, "secret", "", "Toku endpoint secret or Fygaro hook secret (default $TOKU_WEBHOOK_SECRET / $FYGARO_SECRET)")
	fs.StringVar(&o.keyFile, "key-file", "", "Conekta: PEM RSA private key file (default $CONEKTA_WEBHOOK_PRIVATE_KEY, PEM text or path)")
	fs.StringVar(&o.keyID, "key-id", "", "Fygaro: hook credential id sent in Fygaro-Key-ID (default $FYGARO_KEY_ID or "+fygarotest.DefaultHookKeyID+")")
	fs.StringVar(&o.auth, "auth", "", "Tpaga: the agreed Authorization value (default $TPAGA_NOTIFY_AUTHORIZATION)")
	fs.StringVar(&o.basic, "basic", "", "Conekta sync route: user:password of the approval URL (default $CONEKTA_SYNC_BASIC)")
	fs.StringVar(&o.tokuSigned, "toku-signed", "id", `Toku: what the signature covers, "id" (as Toku documents) or "body"`)
	fs.StringVar(&o.tamper, "tamper", "", "send a delivery the receiver must refuse: secret, timestamp or body")
	fs.DurationVar(&o.skew, "skew", 10*time.Minute, "how far in the past -tamper timestamp signs")
	fs.StringVar(&o.reference, "reference", "", "Conekta sync: the cash reference; Tpaga: the reference (default: a new one)")
	fs.Int64Var(&o.amount, "amount", 0, "Conekta sync: centavos handed over in the attempt (default the lookup's min_amount); Tpaga: whole pesos (default 20000)")
	fs.BoolVar(&o.dup, "dup", false, "send the same delivery again after the first answer (a duplicate)")
	fs.IntVar(&o.n, "n", 1, "send the delivery N times at once (concurrent duplicates)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "how long to wait for each answer")
	fs.BoolVar(&o.list, "list", false, "list every event type of every provider")
	fs.BoolVar(&o.asJSON, "json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if o.list {
		return c.list(o.asJSON)
	}
	if len(pos) != 2 {
		return usagef("trigger takes PROVIDER EVENT (see pagos trigger -h)")
	}
	provider, event := pos[0], pos[1]
	events := eventsOf(provider)
	switch {
	case events == nil:
		return usagef("unknown provider %q: use toku, conekta, fygaro or tpaga", provider)
	case !slices.Contains(events, event):
		return usagef("%s has no event %q (pagos trigger -list)", provider, event)
	case o.to == "":
		return usagef("-to URL is required")
	case !strings.HasPrefix(o.to, "http://") && !strings.HasPrefix(o.to, "https://"):
		return usagef("-to %q: give an http:// or https:// URL", o.to)
	case o.n < 1:
		return usagef("-n must be at least 1")
	case o.tamper != "" && o.tamper != "secret" && o.tamper != "timestamp" && o.tamper != "body":
		return usagef("-tamper %q: use secret, timestamp or body", o.tamper)
	case o.tokuSigned != "id" && o.tokuSigned != "body":
		return usagef(`-toku-signed %q: use "id" or "body"`, o.tokuSigned)
	}
	hc := &http.Client{Timeout: o.timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if provider == "conekta" && strings.HasPrefix(event, conektaSync) {
		return c.conektaSync(ctx, hc, &o, event)
	}
	d, err := c.build(provider, event, &o)
	if err != nil {
		return err
	}
	var results []result
	results = append(results, send(ctx, hc, o.to, d, provider, event, o.n, "first")...)
	if o.dup {
		results = append(results, send(ctx, hc, o.to, d, provider, event, 1, "duplicate")...)
	}
	return c.report(results, o.asJSON)
}

func (c *cli) list(asJSON bool) error {
	if asJSON {
		out := map[string][]string{}
		for _, p := range providers() {
			out[p] = eventsOf(p)
		}
		return json.NewEncoder(c.stdout).Encode(out)
	}
	for _, p := range providers() {
		for _, e := range eventsOf(p) {
			fmt.Fprintf(c.stdout, "%s\t%s\n", p, e)
		}
	}
	return nil
}

// setting returns the flag's value, else the environment variable's.
func (c *cli) setting(flagValue, envName string) string {
	if flagValue != "" {
		return flagValue
	}
	return c.getenv(envName)
}

// build makes the signed delivery of an asynchronous event.
func (c *cli) build(provider, event string, o *triggerOpts) (*delivery, error) {
	now := time.Now()
	signAt := now
	if o.tamper == "timestamp" {
		if provider != "toku" && provider != "fygaro" {
			return nil, usagef("-tamper timestamp: %s signs no timestamp (use -tamper secret)", provider)
		}
		signAt = now.Add(-o.skew)
	}
	if o.tamper == "body" && (provider == "tpaga" || provider == "toku" && o.tokuSigned == "id") {
		return nil, usagef("-tamper body: %s's credential does not cover the body (Toku: add -toku-signed body)", provider)
	}
	d := &delivery{header: http.Header{"Content-Type": {"application/json"}}}
	switch provider {
	case "toku":
		secret := c.setting(o.secret, "TOKU_WEBHOOK_SECRET")
		if secret == "" {
			return nil, usagef("toku needs -secret or TOKU_WEBHOOK_SECRET")
		}
		if o.tamper == "secret" {
			secret = wrongSecret(secret)
		}
		d.eventID = newID("wheve_")
		d.body = tokuBody(event, d.eventID, now)
		what := toku.SignedEventID
		if o.tokuSigned == "body" {
			what = toku.SignedBody
		}
		sig, err := webhook.SignToku(d.body, secret, signAt, what)
		if err != nil {
			return nil, err
		}
		d.header.Set(webhook.TokuSignatureHeader, sig)
	case "conekta":
		key, err := c.conektaKey(o)
		if err != nil {
			return nil, err
		}
		d.eventID = newID("evt_")
		d.body = conektaBody(event, d.eventID, now)
		digest, err := webhook.SignConekta(d.body, key)
		if err != nil {
			return nil, err
		}
		d.header.Set(webhook.ConektaDigestHeader, digest)
	case "fygaro":
		keyID := c.setting(o.keyID, "FYGARO_KEY_ID")
		if keyID == "" {
			keyID = fygarotest.DefaultHookKeyID
		}
		secret := c.setting(o.secret, "FYGARO_SECRET")
		if secret == "" {
			return nil, usagef("fygaro needs -secret or FYGARO_SECRET")
		}
		if o.tamper == "secret" {
			secret = wrongSecret(secret)
		}
		d.eventID = "FYG-" + digits(12)
		body, err := fygaroBody(d.eventID, "order-"+digits(6), keyID, secret, signAt.Truncate(time.Second))
		if err != nil {
			return nil, err
		}
		d.body = body
		sig, err := webhook.SignFygaro(d.body, secret, signAt)
		if err != nil {
			return nil, err
		}
		d.header.Set(webhook.FygaroSignatureHeader, sig)
		d.header.Set(webhook.FygaroKeyIDHeader, keyID)
	case "tpaga":
		auth := c.setting(o.auth, "TPAGA_NOTIFY_AUTHORIZATION")
		if auth == "" {
			return nil, usagef("tpaga needs -auth or TPAGA_NOTIFY_AUTHORIZATION")
		}
		if o.tamper == "secret" {
			auth = wrongSecret(auth)
		}
		permanent := event == "deposit.permanent"
		ref := o.reference
		if ref == "" {
			ref = "5756" + digits(8)
			if permanent {
				ref = "TSPR" + digits(8)
			}
		}
		amount := o.amount
		if amount == 0 {
			amount = 20000
		}
		efecty := digits(9)
		d.body = tpagaBody(permanent, ref, efecty, amount)
		d.eventID = efecty + "/" + ref // a deposit is its efecty_order_id with its reference
		d.header.Set("Authorization", auth)
	}
	if o.tamper == "body" {
		d.body = tamperBody(d.body)
	}
	return d, nil
}

// tamperBody adds a member to a signed JSON object, as an attacker
// changing the amount would change the bytes.
func tamperBody(b []byte) []byte {
	out := append([]byte(nil), b[:len(b)-1]...)
	return append(out, `,"tampered":true}`...)
}

// wrongSecret returns a value that differs from s.
func wrongSecret(s string) string { return s + "-wrong" }

// conektaKey loads the signing key, or makes a fresh one for -tamper secret.
func (c *cli) conektaKey(o *triggerOpts) (*rsa.PrivateKey, error) {
	if o.tamper == "secret" {
		return rsa.GenerateKey(rand.Reader, 2048)
	}
	v := o.keyFile
	if v == "" {
		v = c.getenv("CONEKTA_WEBHOOK_PRIVATE_KEY")
	}
	if v == "" {
		return nil, usagef("conekta needs -key-file or CONEKTA_WEBHOOK_PRIVATE_KEY (PEM RSA private key)")
	}
	return parsePrivateKey(v)
}

// parsePrivateKey reads a PEM RSA private key given as text or as a path.
func parsePrivateKey(v string) (*rsa.PrivateKey, error) {
	text := []byte(v)
	if !strings.Contains(v, "-----BEGIN") {
		b, err := os.ReadFile(v)
		if err != nil {
			return nil, usagef("reading the Conekta key: %v", err)
		}
		text = b
	}
	block, _ := pem.Decode(text)
	if block == nil {
		return nil, usagef("the Conekta key is not PEM")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, usagef("the Conekta key is not an RSA private key (PKCS #1 or PKCS #8)")
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, usagef("the Conekta key is not an RSA key")
	}
	return rk, nil
}

// send posts d n times at once and returns the results in order.
func send(ctx context.Context, hc *http.Client, to string, d *delivery, provider, event string, n int, attempt string) []result {
	out := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := result{Provider: provider, Event: event, EventID: d.eventID, Attempt: attempt}
			if n > 1 {
				r.Attempt = fmt.Sprintf("%s %d/%d", attempt, i+1, n)
			}
			status, answer, elapsed, err := post(ctx, hc, to, d.header, d.body)
			r.Status, r.Answer, r.LatencyUS = status, answer, elapsed.Microseconds()
			if err != nil {
				r.Error = err.Error()
			}
			r.Accepted = err == nil && status/100 == 2
			if provider == "fygaro" {
				r.Accepted = err == nil && status == http.StatusOK // Fygaro counts only 200
			}
			out[i] = r
		}()
	}
	wg.Wait()
	return out
}

// post sends one request and reads at most 4 KiB of the answer.
func post(ctx context.Context, hc *http.Client, to string, header http.Header, body []byte) (int, string, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, to, bytes.NewReader(body))
	if err != nil {
		return 0, "", 0, err
	}
	req.Header = header.Clone()
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		return 0, "", time.Since(start), err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	return resp.StatusCode, strings.TrimSpace(string(b)), time.Since(start), err
}

// report prints results and fails when one was not accepted.
func (c *cli) report(results []result, asJSON bool) error {
	ok := true
	for _, r := range results {
		ok = ok && r.Accepted
	}
	if asJSON {
		if err := json.NewEncoder(c.stdout).Encode(map[string]any{"ok": ok, "results": results}); err != nil {
			return err
		}
	} else {
		for _, r := range results {
			verdict := "accepted"
			if !r.Accepted {
				verdict = "REFUSED"
			}
			fmt.Fprintf(c.stdout, "%s %s %s (%s): %s, status %d, %s", r.Provider, r.Event, r.EventID, r.Attempt, verdict, r.Status, (time.Duration(r.LatencyUS) * time.Microsecond).Round(100*time.Microsecond))
			if r.Verdict != "" {
				fmt.Fprintf(c.stdout, ", %s", r.Verdict)
			}
			if r.Error != "" {
				fmt.Fprintf(c.stdout, ", error: %s", r.Error)
			}
			fmt.Fprintln(c.stdout)
			if r.Answer != "" {
				fmt.Fprintf(c.stdout, "  answer: %s\n", oneLine(r.Answer, 300))
			}
		}
	}
	if !ok {
		return errFailed
	}
	return nil
}

// oneLine shortens s to one line of at most n bytes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// syncLimit is how long Conekta waits for an inbound_payment answer.
const syncLimit = 2 * time.Second

// conektaSync sends inbound_payment requests and judges the answers.
func (c *cli) conektaSync(ctx context.Context, hc *http.Client, o *triggerOpts, event string) error {
	if o.tamper == "timestamp" {
		return usagef("-tamper timestamp: Conekta signs no timestamp (use -tamper secret or body)")
	}
	basic := c.setting(o.basic, "CONEKTA_SYNC_BASIC")
	var key *rsa.PrivateKey
	if o.keyFile != "" || c.getenv("CONEKTA_WEBHOOK_PRIVATE_KEY") != "" || o.tamper == "secret" {
		k, err := c.conektaKey(o)
		if err != nil {
			return err
		}
		key = k
	}
	switch {
	case key == nil && basic == "":
		return usagef("the sync route needs -key-file (CONEKTA_WEBHOOK_PRIVATE_KEY), -basic (CONEKTA_SYNC_BASIC) or both")
	case key == nil && o.tamper == "body":
		return usagef("-tamper body: Basic credentials do not cover the body; give -key-file")
	}
	user, pass, _ := strings.Cut(basic, ":")
	if o.tamper == "secret" && basic != "" {
		pass = wrongSecret(pass)
	}
	ref := o.reference
	if ref == "" {
		ref = "93" + digits(12)
	}
	steps := []conekta.EventType{conekta.EventType(event)}
	if event == conektaSync {
		steps = []conekta.EventType{conekta.EventInboundPaymentLookup, conekta.EventInboundPaymentAttempt}
	}
	var results []result
	amount := o.amount
	for _, typ := range steps {
		id := newID("evt_")
		a := amount
		if typ == conekta.EventInboundPaymentLookup {
			a = 0
		} else if a == 0 {
			a = 10000
		}
		body := conektaInbound(typ, id, ref, a, time.Now())
		h := http.Header{"Content-Type": {"application/json"}}
		if key != nil {
			digest, err := webhook.SignConekta(body, key)
			if err != nil {
				return err
			}
			h.Set(webhook.ConektaDigestHeader, digest)
		}
		if o.tamper == "body" {
			body = tamperBody(body)
		}
		if basic != "" {
			req := &http.Request{Header: http.Header{}}
			req.SetBasicAuth(user, pass)
			h.Set("Authorization", req.Header.Get("Authorization"))
		}
		status, answer, elapsed, err := post(ctx, hc, o.to, h, body)
		r := result{Provider: "conekta", Event: string(typ), EventID: id, Attempt: strings.TrimPrefix(string(typ), "inbound_payment."),
			Status: status, Answer: answer, LatencyUS: elapsed.Microseconds()}
		var ans conekta.InboundAnswer
		switch {
		case err != nil:
			r.Error = err.Error()
			r.Verdict = "no answer: Conekta declines the payment"
		case status != http.StatusOK:
			r.Verdict = fmt.Sprintf("status %d: Conekta declines the payment", status)
		case typ == conekta.EventInboundPaymentReverse:
			r.Accepted = elapsed < syncLimit
			r.Verdict = "reverse acknowledged"
		default:
			if jerr := json.Unmarshal([]byte(answer), &ans); jerr != nil {
				r.Verdict = "the answer is not a payable answer: " + jerr.Error()
			} else if cerr := ans.Check(typ); cerr != nil {
				r.Verdict = "wrong shape: " + cerr.Error()
			} else if !ans.Payable {
				r.Verdict = fmt.Sprintf("declined, failure_code %q", ans.FailureCode)
			} else {
				r.Accepted = true
				r.Verdict = "payable"
				if typ == conekta.EventInboundPaymentLookup {
					r.Verdict = fmt.Sprintf("payable, min_amount %d, max_amount %d centavos", ans.MinAmount, ans.MaxAmount)
				}
			}
		}
		if err == nil && elapsed >= syncLimit {
			r.Accepted = false
			r.Verdict += fmt.Sprintf("; answered in %s, past Conekta's 2 s limit: declined at the till", elapsed.Round(time.Millisecond))
		} else if err == nil {
			r.Verdict += fmt.Sprintf("; within Conekta's 2 s limit (%.0f%%)", 100*elapsed.Seconds()/syncLimit.Seconds())
		}
		results = append(results, r)
		if !r.Accepted {
			break
		}
		if typ == conekta.EventInboundPaymentLookup && amount == 0 {
			amount = ans.MinAmount
		}
	}
	return c.report(results, o.asJSON)
}
