package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/conekta/conektatest"
	"github.com/pagos-go/pagos/fygaro/fygarotest"
	"github.com/pagos-go/pagos/toku/tokutest"
	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/tpaga/tpagatest"
)

const fakeUsage = `Usage: pagos fake [flags]
       pagos fake CONTROL [args] [-fake URL]

Runs the SDK's stateful fakes of Toku, Conekta, Fygaro and Tpaga (or those
-providers names) as HTTP servers on loopback, the same fakes Go tests use,
and prints what a client needs as KEY=value lines a shell can source (or
-json): base URLs, test API keys, webhook secrets, the Conekta public key, and
PAGOS_FAKE_URL, the control server. It serves until Ctrl-C or SIGTERM, then
shuts down gracefully (exit 0).

Register webhook endpoints through the providers' own API, as in production
(Toku's POST /webhook_endpoints answers the endpoint's secret; Conekta's POST
/webhooks). What is not an API at the provider is a flag or a control:
Conekta's approval URL, Fygaro's hook URL, Tpaga's notification URL.

Controls, over HTTP at PAGOS_FAKE_URL or as subcommands (-fake URL, default
$PAGOS_FAKE_URL); each prints JSON and exits 1 when the payment or a delivery
failed:
  pagos fake env                                  print the running fake's KEY=value lines
  pagos fake deliveries PROVIDER                  every delivery the fake made  GET /{provider}/deliveries
  pagos fake resend PROVIDER ID                   send a delivery again (a duplicate)  POST /{provider}/resend {"id"}
                                                  ID: the event id; Fygaro: the reference; Tpaga: the efecty_order_id
  pagos fake toku-pay INVOICE_ID                  a customer pays a Toku invoice   POST /toku/invoices/{id}/pay
  pagos fake toku-advance DURATION                move Toku's clock (subscriptions) POST /toku/advance {"duration":"744h"}
  pagos fake conekta-till REFERENCE CENTAVOS      pay a cash/OXXO reference at the till (lookup and attempt
                                                  to the approval URL first)       POST /conekta/till {"reference","amount"}
  pagos fake conekta-checkout-pay ID [card|declined|cash]
                                                  pay a payment link (checkout): the approved or declined
                                                  test card, or a cash reference to pay with conekta-till
                                                  POST /conekta/checkouts/{id}/pay {"method"}
  pagos fake conekta-advance DURATION             move Conekta's clock (subscriptions, settlement)
                                                  POST /conekta/advance {"duration":"744h"}
  pagos fake conekta-transfer [CURRENCY]          send the available balance to the bank (a payout run)
                                                  POST /conekta/transfer {"currency":"MXN"}
  pagos fake conekta-collect-payout ID            the payout order's cash is collected at a store
                                                  POST /conekta/payout-orders/{id}/collect
  pagos fake conekta-approval-url URL             set the recurring-cash approval URL PUT /conekta/approval-url {"url"}
  pagos fake tpaga-pay REFERENCE PESOS            pay a Tpaga reference at Efecty  POST /tpaga/pay {"reference","amount"}
  pagos fake tpaga-notify-url URL AUTHORIZATION   where deposit notifications go, with what Authorization
                                                  PUT /tpaga/notify-url {"url","authorization"}
  pagos fake fygaro-pay LINK                      pay a Fygaro payment link        POST /fygaro/pay {"link"}
  pagos fake fygaro-resume-hook                   re-enable the hook Fygaro suspended after failures
                                                  POST /fygaro/resume-hook
  pagos fake fygaro-hook-url URL                  set the button's hook URL        PUT /fygaro/hook-url {"url"}

The fakes themselves listen on 127.0.0.1 only; -addr sets the control
server's address, and one that is not loopback needs -allow-remote (it lets
anyone who reaches it pay and move the clock).

-state FILE keeps every fake's objects across restarts: customers, invoices,
orders, references, links, webhook endpoints with their secrets, events and
deliveries, the signing keys and the clocks. The file is read at the start
(created if missing), written atomically every few seconds while something
changed and at shutdown, and a file that does not parse is refused with a
message, never emptied. A restarted fake listens on the port it had, because
the objects name it. The keys in the file are the fakes' test keys; treat it
like any local secret.

Examples:
  pagos fake -env-file .pagos.env &     # then: set -a; . ./.pagos.env; set +a
  pagos fake -state .pagos-state.json   # the same objects, keys and URLs after a restart
  pagos fake -providers toku,tpaga -tpaga-notify http://127.0.0.1:8080/webhooks/tpaga
  pagos fake toku-pay in_000002
  pagos fake conekta-till 93000262276908 15000
`

// fakeOpts are pagos fake's flags.
type fakeOpts struct {
	providers, addr, envFile    string
	tpagaNotify, tpagaAuth      string
	fygaroHook, conektaApproval string
	allowRemote, asJSON         bool
	state                       string
}

// fakes are the running fakes; nil for a provider not served.
type fakes struct {
	toku    *tokutest.Server
	conekta *conektatest.Server
	fygaro  *fygarotest.Server
	tpaga   *tpagatest.Server
	envMu   sync.Mutex
	env     [][2]string // KEY, value in print order
}

// setEnv changes a printed setting that a control changed.
func (f *fakes) setEnv(key, value string) {
	f.envMu.Lock()
	defer f.envMu.Unlock()
	for i := range f.env {
		if f.env[i][0] == key {
			f.env[i][1] = value
		}
	}
}

func (c *cli) fake(ctx context.Context, args []string) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return c.control(ctx, args[0], args[1:])
	}
	var o fakeOpts
	fs := c.flags("fake", fakeUsage)
	fs.StringVar(&o.providers, "providers", "toku,conekta,fygaro,tpaga", "comma-separated providers to serve")
	fs.StringVar(&o.addr, "addr", "127.0.0.1:0", "address of the control server")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow a non-loopback -addr (anyone reaching it can pay and advance the clock)")
	fs.StringVar(&o.envFile, "env-file", "", "also write the KEY=value lines to this file (atomically)")
	fs.StringVar(&o.tpagaNotify, "tpaga-notify", "", "URL Tpaga's deposit notifications go to")
	fs.StringVar(&o.tpagaAuth, "tpaga-auth", "", "Authorization value sent with them (default $TPAGA_NOTIFY_AUTHORIZATION or \"Basic pagos-fake\")")
	fs.StringVar(&o.fygaroHook, "fygaro-hook", "", "the Fygaro button's hook URL")
	fs.StringVar(&o.conektaApproval, "conekta-approval", "", "Conekta's approval URL for recurring cash (inbound_payment.*)")
	fs.StringVar(&o.state, "state", "", "keep the fakes' objects in this file across restarts (created if missing; written atomically)")
	fs.BoolVar(&o.asJSON, "json", false, "print the settings as one JSON object")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	want := strings.Split(o.providers, ",")
	for _, p := range want {
		if eventsOf(p) == nil {
			return usagef("-providers: unknown provider %q", p)
		}
	}
	if err := checkAddr(o.addr, o.allowRemote); err != nil {
		return err
	}
	if !isLoopbackAddr(o.addr) {
		fmt.Fprintf(c.stderr, "pagos: WARNING: the control server listens on %s, beyond this machine: anyone who reaches it can pay, move the clock and read every key and secret at /env\n", o.addr)
	}
	sf := &stateFile{Kind: stateKind, Version: stateVersion, Providers: map[string]providerState{}}
	if o.state != "" {
		unlock, err := lockState(o.state)
		if err != nil {
			return err
		}
		defer unlock()
		if sf, err = readStateFile(o.state); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	f, err := c.startFakes(want, &o, sf)
	if err != nil {
		ln.Close()
		return err
	}
	closed := false
	defer func() {
		if !closed {
			f.close()
		}
	}()
	var sv *saver
	saving := make(chan struct{})
	sctx, stopSaving := context.WithCancel(ctx)
	defer stopSaving()
	if o.state != "" {
		sv = &saver{path: o.state, sf: sf, f: f}
		if err := sv.save(); err != nil { // fail now, not at the first change, when the file cannot be written
			ln.Close()
			return err
		}
		go func() {
			defer close(saving)
			sv.run(sctx, func(err error) { fmt.Fprintf(c.stderr, "pagos: WARNING: %v\n", err) })
		}()
	} else {
		close(saving)
	}
	f.env = append(f.env, [2]string{"PAGOS_FAKE_URL", "http://" + ln.Addr().String()})
	srv := &http.Server{Handler: f.controls(o.allowRemote), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	if o.envFile != "" {
		if err := writeAtomic(o.envFile, []byte(envLines(f.env))); err != nil {
			srv.Close()
			return err
		}
	}
	if o.asJSON {
		m := map[string]string{}
		for _, kv := range f.env {
			m[kv[0]] = kv[1]
		}
		_ = json.NewEncoder(c.stdout).Encode(m)
	} else {
		fmt.Fprint(c.stdout, envLines(f.env))
	}
	fmt.Fprintln(c.stderr, "pagos: fakes running; Ctrl-C or SIGTERM stops them")
	select {
	case <-ctx.Done():
	case err := <-served:
		return err
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		// A control still waiting on deliveries: cut it off, and still save.
		fmt.Fprintf(c.stderr, "pagos: controls still running after 10 s; closing them: %v\n", err)
		srv.Close()
	}
	stopSaving()
	<-saving
	f.close() // settles the deliveries in flight, so the last save holds them
	closed = true
	if sv != nil {
		if err := sv.save(); err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "pagos: state saved to %s\n", o.state)
	}
	fmt.Fprintln(c.stderr, "pagos: fakes stopped")
	return nil
}

// checkAddr refuses a non-loopback address unless allowed.
func checkAddr(addr string, allowRemote bool) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return usagef("-addr %q: %v", addr, err)
	}
	if !isLoopbackAddr(addr) && !allowRemote {
		return usagef("-addr %s is not a loopback address: add -allow-remote to serve beyond this machine", addr)
	}
	return nil
}

func isLoopbackAddr(addr string) bool {
	host, _, _ := net.SplitHostPort(addr)
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// startFakes starts the fakes named, on the addresses and with the objects
// of sf, applies the flags, and collects their settings.
func (c *cli) startFakes(want []string, o *fakeOpts, sf *stateFile) (_ *fakes, err error) {
	f := &fakes{}
	defer func() {
		if err != nil {
			f.close() // the ones started before the failure
		}
	}()
	add := func(k, v string) { f.env = append(f.env, [2]string{k, v}) }
	restore := func(name string, load func(*bytes.Reader) error) error {
		ps, ok := sf.Providers[name]
		if !ok {
			return nil
		}
		if err := load(bytes.NewReader(ps.State)); err != nil {
			return fmt.Errorf("-state %s: %w; the file is left as it is: fix it, or move it away to start with empty fakes", o.state, err)
		}
		return nil
	}
	if slices.Contains(want, "toku") {
		ln, err := sf.listen("toku")
		if err != nil {
			return nil, err
		}
		f.toku = tokutest.NewServer(nil, tokutest.WithListener(ln))
		if err := restore("toku", func(r *bytes.Reader) error { return f.toku.LoadState(r) }); err != nil {
			return nil, err
		}
		add("TOKU_BASE_URL", f.toku.URL)
		add("TOKU_API_KEY", f.toku.APIKey)
	}
	if slices.Contains(want, "conekta") {
		ln, err := sf.listen("conekta")
		if err != nil {
			return nil, err
		}
		f.conekta = conektatest.NewServer(nil, conektatest.WithListener(ln))
		if err := restore("conekta", func(r *bytes.Reader) error { return f.conekta.LoadState(r) }); err != nil {
			return nil, err
		}
		add("CONEKTA_BASE_URL", f.conekta.URL)
		add("CONEKTA_API_KEY", f.conekta.APIKey)
		der, err := x509.MarshalPKIXPublicKey(f.conekta.PublicKeys()[0])
		if err != nil {
			return nil, err
		}
		add("CONEKTA_WEBHOOK_PUBLIC_KEY", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
		if o.conektaApproval != "" {
			if err := f.conekta.SetApprovalURL(o.conektaApproval); err != nil {
				return nil, usagef("-conekta-approval: %v", err)
			}
		}
	}
	if slices.Contains(want, "fygaro") {
		ln, err := sf.listen("fygaro")
		if err != nil {
			return nil, err
		}
		f.fygaro = fygarotest.NewServer(nil, fygarotest.WithListener(ln))
		if err := restore("fygaro", func(r *bytes.Reader) error { return f.fygaro.LoadState(r) }); err != nil {
			return nil, err
		}
		if o.fygaroHook != "" {
			f.fygaro.SetHookURL(o.fygaroHook)
		}
		add("FYGARO_BUTTON_URL", f.fygaro.ButtonURL)
		add("FYGARO_API_KEY", f.fygaro.APIKey)
		add("FYGARO_API_SECRET", string(f.fygaro.APISecret))
		add("FYGARO_KEY_ID", f.fygaro.HookKeyID)
		add("FYGARO_SECRET", string(f.fygaro.HookSecret))
	}
	if slices.Contains(want, "tpaga") {
		auth := c.setting(o.tpagaAuth, "TPAGA_NOTIFY_AUTHORIZATION")
		if auth == "" {
			auth = "Basic pagos-fake"
		}
		ln, err := sf.listen("tpaga")
		if err != nil {
			return nil, err
		}
		f.tpaga = tpagatest.NewServer(nil, tpagatest.WithListener(ln))
		if err := restore("tpaga", func(r *bytes.Reader) error { return f.tpaga.LoadState(r) }); err != nil {
			return nil, err
		}
		notifyURL, restored := f.tpaga.Notify()
		switch {
		case o.tpagaNotify != "":
			f.tpaga.SetNotify(o.tpagaNotify, auth)
		case o.tpagaAuth != "" || restored == "":
			f.tpaga.SetNotify(notifyURL, auth)
		default:
			auth = restored // kept from -state: what the fake really sends
		}
		add("TPAGA_BASE_URL", f.tpaga.URL)
		add("TPAGA_TOKEN", f.tpaga.Token)
		add("TPAGA_EFECTY_API_KEY", f.tpaga.EfectyAPIKey)
		add("TPAGA_NOTIFY_AUTHORIZATION", auth)
	}
	return f, nil
}

func (f *fakes) close() {
	if f.toku != nil {
		f.toku.Close()
	}
	if f.conekta != nil {
		f.conekta.Close()
	}
	if f.fygaro != nil {
		f.fygaro.Close()
	}
	if f.tpaga != nil {
		f.tpaga.Close()
	}
}

// envLines renders settings as KEY=value lines, quoted for a POSIX shell.
func envLines(env [][2]string) string {
	var b strings.Builder
	for _, kv := range env {
		fmt.Fprintf(&b, "%s=%s\n", kv[0], shellQuote(kv[1]))
	}
	return b.String()
}

// shellQuote single-quotes v unless it is made of safe characters only.
func shellQuote(v string) string {
	safe := v != ""
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+,=", r)) {
			safe = false
			break
		}
	}
	if safe {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// writeAtomic writes b to a temporary file beside path and renames it over
// path, so a reader never sees half a file.
func writeAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// --- the control server --------------------------------------------------

// controls is the HTTP surface of the controls: JSON in, JSON out; 200
// when the control ran (its result says whether the payment went
// through), 400 for a bad request, 404 for a provider not served, 409
// when the fake refused (an unknown invoice, reference or link).
func (f *fakes) controls(allowRemote bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /env", func(w http.ResponseWriter, _ *http.Request) {
		f.envMu.Lock()
		m := map[string]string{}
		for _, kv := range f.env {
			m[kv[0]] = kv[1]
		}
		f.envMu.Unlock()
		writeJSON(w, http.StatusOK, m)
	})
	mux.HandleFunc("POST /toku/invoices/{id}/pay", func(w http.ResponseWriter, r *http.Request) {
		if f.toku == nil {
			notServed(w, "toku")
			return
		}
		p, err := f.toku.PayInvoice(r.Context(), r.PathValue("id"))
		if err != nil {
			writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error()})
			return
		}
		ds := make([]map[string]any, len(p.Deliveries))
		ok := true
		for i, d := range p.Deliveries {
			ds[i] = delivered(d.EventID, string(d.EventType), d.URL, d.Attempts, d.StatusCode, d.Err)
			ok = ok && d.Err == nil
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": ok, "invoice_id": p.InvoiceID, "transaction_id": p.TransactionID,
			"payment_intent_id": p.PaymentIntentID, "deliveries": ds})
	})
	mux.HandleFunc("POST /toku/advance", func(w http.ResponseWriter, r *http.Request) {
		if f.toku == nil {
			notServed(w, "toku")
			return
		}
		d, ok := readDuration(w, r)
		if !ok {
			return
		}
		b, err := f.toku.Advance(r.Context(), d)
		if err != nil {
			writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error()})
			return
		}
		invoices := make([]string, len(b.Invoices))
		for i, inv := range b.Invoices {
			invoices[i] = inv.ID
		}
		ok = true
		ds := make([]map[string]any, len(b.Deliveries))
		for i, d := range b.Deliveries {
			ds[i] = delivered(d.EventID, string(d.EventType), d.URL, d.Attempts, d.StatusCode, d.Err)
			ok = ok && d.Err == nil
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": ok, "now": f.toku.Now().UTC().Format(time.RFC3339), "invoices": invoices,
			"charged": len(b.Paid), "deliveries": ds})
	})
	mux.HandleFunc("POST /conekta/till", func(w http.ResponseWriter, r *http.Request) {
		if f.conekta == nil {
			notServed(w, "conekta")
			return
		}
		var in struct {
			Reference string `json:"reference"`
			Amount    int64  `json:"amount"` // centavos
		}
		if !readJSON(w, r, &in) {
			return
		}
		tp, err := f.conekta.PayAtTill(r.Context(), in.Reference, in.Amount)
		if err != nil {
			writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error()})
			return
		}
		out := map[string]any{"ok": tp.Paid, "paid": tp.Paid, "reference": tp.Reference, "amount": tp.Amount,
			"order_id": tp.OrderID, "charge_id": tp.ChargeID, "failure_code": string(tp.FailureCode)}
		for name, call := range map[string]*conektatest.SyncCall{"lookup": tp.Lookup, "attempt": tp.Attempt} {
			if call != nil {
				sc := map[string]any{"event_id": call.EventID, "status": call.StatusCode, "approved": call.Approved(),
					"elapsed_ms": call.Elapsed.Milliseconds()}
				if call.Err != nil {
					sc["error"] = call.Err.Error()
				}
				out[name] = sc
			}
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /conekta/checkouts/{id}/pay", func(w http.ResponseWriter, r *http.Request) {
		if f.conekta == nil {
			notServed(w, "conekta")
			return
		}
		var in struct {
			Method string `json:"method"` // card (default), declined or cash
		}
		if !readJSON(w, r, &in) {
			return
		}
		charge, ok := checkoutCharges[cmp.Or(in.Method, "card")]
		if !ok {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": fmt.Sprintf("method %q: use card, declined or cash", in.Method)})
			return
		}
		before := len(f.conekta.Deliveries())
		o, err := f.conekta.PayCheckout(r.PathValue("id"), charge())
		if err != nil {
			writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error()})
			return
		}
		ds, ok := f.conektaSince(r.Context(), before)
		out := map[string]any{"ok": ok, "order_id": o.ID, "payment_status": o.PaymentStatus, "amount": o.Amount, "deliveries": ds}
		if ref, isCash := o.CashReference(); isCash {
			out["reference"] = ref // pay it with conekta-till
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /conekta/advance", func(w http.ResponseWriter, r *http.Request) {
		if f.conekta == nil {
			notServed(w, "conekta")
			return
		}
		d, ok := readDuration(w, r)
		if !ok {
			return
		}
		before := len(f.conekta.Deliveries())
		f.conekta.Advance(d)
		ds, ok := f.conektaSince(r.Context(), before)
		writeJSON(w, http.StatusOK, map[string]any{"ok": ok, "now": f.conekta.Now().UTC().Format(time.RFC3339), "deliveries": ds})
	})
	mux.HandleFunc("POST /conekta/transfer", func(w http.ResponseWriter, r *http.Request) {
		if f.conekta == nil {
			notServed(w, "conekta")
			return
		}
		var in struct {
			Currency string `json:"currency"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		tr := f.conekta.Transfer(cmp.Or(in.Currency, "MXN"))
		if tr == nil {
			writeJSON(w, http.StatusConflict, map[string]any{"error": "no available balance in " + cmp.Or(in.Currency, "MXN") + " (paid charges become available after conekta-advance moves past the settlement delay)"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "transfer": tr})
	})
	mux.HandleFunc("POST /conekta/payout-orders/{id}/collect", func(w http.ResponseWriter, r *http.Request) {
		if f.conekta == nil {
			notServed(w, "conekta")
			return
		}
		before := len(f.conekta.Deliveries())
		if err := f.conekta.CollectPayout(r.PathValue("id")); err != nil {
			writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error()})
			return
		}
		ds, ok := f.conektaSince(r.Context(), before)
		writeJSON(w, http.StatusOK, map[string]any{"ok": ok, "payout_order_id": r.PathValue("id"), "deliveries": ds})
	})
	mux.HandleFunc("PUT /conekta/approval-url", func(w http.ResponseWriter, r *http.Request) {
		if f.conekta == nil {
			notServed(w, "conekta")
			return
		}
		var in struct {
			URL string `json:"url"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		if err := f.conekta.SetApprovalURL(in.URL); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	})
	mux.HandleFunc("POST /tpaga/pay", func(w http.ResponseWriter, r *http.Request) {
		if f.tpaga == nil {
			notServed(w, "tpaga")
			return
		}
		var in struct {
			Reference     string `json:"reference"`
			Amount        int64  `json:"amount"` // whole pesos
			EfectyOrderID string `json:"efecty_order_id"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		sim := f.tpaga.EfectySimulator()
		before := len(f.tpaga.Deliveries())
		p, err := sim.Pay(r.Context(), &tpaga.EfectyPaymentParams{Reference: in.Reference, Amount: in.Amount, EfectyOrderID: in.EfectyOrderID})
		if err != nil {
			writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error()})
			return
		}
		ok := true
		var ds []map[string]any
		for _, d := range f.tpaga.Deliveries()[before:] {
			ds = append(ds, delivered(d.EfectyOrderID+"/"+d.Reference, "deposit", d.URL, d.Attempts, d.StatusCode, d.Err))
			ok = ok && d.Err == nil
		}
		out := map[string]any{"ok": ok, "reference": p.Reference, "amount": p.Amount, "efecty_order_id": p.EfectyOrderID, "deliveries": ds}
		if len(ds) == 0 { // paid, but nobody was told: not what a test of a receiver wants to pass
			out["ok"] = false
			out["error"] = "no notification URL: start with -tpaga-notify URL or run pagos fake tpaga-notify-url URL AUTHORIZATION"
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /fygaro/pay", func(w http.ResponseWriter, r *http.Request) {
		if f.fygaro == nil {
			notServed(w, "fygaro")
			return
		}
		var in struct {
			Link string `json:"link"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		p, err := f.fygaro.Pay(r.Context(), in.Link, nil)
		if err != nil {
			writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error()})
			return
		}
		out := map[string]any{"ok": true, "reference": p.Reference, "custom_reference": p.CustomReference,
			"amount": p.Amount, "currency": p.Currency}
		if d := p.Delivery; d != nil {
			out["delivery"] = delivered(d.Reference, "hook", d.URL, d.Attempts, d.StatusCode, d.Err)
			out["ok"] = d.Err == nil
		} else {
			out["ok"] = false
			out["error"] = "no hook was sent: start with -fygaro-hook URL or run pagos fake fygaro-hook-url URL (and fygaro-resume-hook if it was suspended)"
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /fygaro/resume-hook", func(w http.ResponseWriter, _ *http.Request) {
		if f.fygaro == nil {
			notServed(w, "fygaro")
			return
		}
		was := f.fygaro.HookSuspended()
		f.fygaro.ResumeHook()
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "was_suspended": was})
	})
	mux.HandleFunc("PUT /tpaga/notify-url", func(w http.ResponseWriter, r *http.Request) {
		if f.tpaga == nil {
			notServed(w, "tpaga")
			return
		}
		var in struct {
			URL           string `json:"url"`
			Authorization string `json:"authorization"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		if in.Authorization == "" {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "give the Authorization value the notifications carry, such as \"Basic …\""})
			return
		}
		f.tpaga.SetNotify(in.URL, in.Authorization)
		f.setEnv("TPAGA_NOTIFY_AUTHORIZATION", in.Authorization) // pagos fake env tells what is sent now
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	})
	mux.HandleFunc("PUT /fygaro/hook-url", func(w http.ResponseWriter, r *http.Request) {
		if f.fygaro == nil {
			notServed(w, "fygaro")
			return
		}
		var in struct {
			URL string `json:"url"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		f.fygaro.SetHookURL(in.URL)
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	})
	mux.HandleFunc("POST /{provider}/resend", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			ID string `json:"id"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		ds, err := f.resend(r.Context(), r.PathValue("provider"), in.ID)
		switch {
		case errors.Is(err, errNotServed):
			notServed(w, r.PathValue("provider"))
			return
		case err != nil:
			writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error()})
			return
		}
		ok := true
		for _, d := range ds {
			ok = ok && d["error"] == nil
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": ok, "deliveries": ds})
	})
	mux.HandleFunc("GET /{provider}/deliveries", func(w http.ResponseWriter, r *http.Request) {
		ds, err := f.deliveries(r.Context(), r.PathValue("provider"))
		if err != nil {
			notServed(w, r.PathValue("provider"))
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "deliveries": ds})
	})
	return localOnly(mux, allowRemote)
}

// localOnly refuses what a web page could send the control server from a
// browser on this machine: a Host header that is not a loopback name
// (DNS rebinding, which would read every secret at /env) unless remote use
// was allowed, and a write without a JSON Content-Type (a cross-site form
// post needs no preflight, a JSON one does).
func localOnly(h http.Handler, allowRemote bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if hn, _, err := net.SplitHostPort(r.Host); err == nil {
			host = hn
		}
		ip := net.ParseIP(strings.Trim(host, "[]"))
		if !allowRemote && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			writeJSON(w, http.StatusForbidden, map[string]any{"error": "the control server answers loopback hosts only (pagos fake -allow-remote)"})
			return
		}
		if r.Method != http.MethodGet && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			writeJSON(w, http.StatusUnsupportedMediaType, map[string]any{"error": "send Content-Type: application/json"})
			return
		}
		h.ServeHTTP(w, r)
	})
}

// checkoutCharges are the ways conekta-checkout-pay pays a payment link:
// the fake's approved or declined test card, or a cash reference.
var checkoutCharges = map[string]func() *conekta.ChargeParams{
	"card":     func() *conekta.ChargeParams { return conekta.ChargeToken(conektatest.TokenVisa) },
	"declined": func() *conekta.ChargeParams { return conekta.ChargeToken(conektatest.TokenDeclined) },
	"cash":     func() *conekta.ChargeParams { return conekta.ChargeCash(conekta.Time{}) },
}

// conektaSince waits for the Conekta fake's deliveries in progress and
// returns those made after the first before, and whether all succeeded.
func (f *fakes) conektaSince(ctx context.Context, before int) ([]map[string]any, bool) {
	_ = f.conekta.Settle(ctx) // unless the request ends first
	ok := true
	ds := []map[string]any{}
	for _, d := range f.conekta.Deliveries()[before:] {
		ds = append(ds, delivered(d.EventID, string(d.EventType), d.URL, d.Attempts, d.StatusCode, d.Err))
		ok = ok && d.Err == nil
	}
	return ds, ok
}

// maxAdvance bounds one clock move, so that repeated moves stay far from
// overflowing the fakes' int64 nanosecond offsets (292 years).
const maxAdvance = 10 * 365 * 24 * time.Hour

// readDuration reads an advance control's {"duration":"744h"}.
func readDuration(w http.ResponseWriter, r *http.Request) (time.Duration, bool) {
	var in struct {
		Duration string `json:"duration"`
	}
	if !readJSON(w, r, &in) {
		return 0, false
	}
	d, err := time.ParseDuration(in.Duration)
	if err != nil || d < 0 || d > maxAdvance {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": fmt.Sprintf("duration %q: give a Go duration from 0 to 87600h (ten years), such as 744h", in.Duration)})
		return 0, false
	}
	return d, true
}

// errNotServed: the provider named is not among those served.
var errNotServed = errors.New("not served")

// resend sends a delivery again through the fake's Resend: the duplicate a
// receiver must acknowledge without processing twice. id is the event id
// (Toku, Conekta), the transaction reference (Fygaro) or the
// efecty_order_id (Tpaga).
func (f *fakes) resend(ctx context.Context, provider, id string) ([]map[string]any, error) {
	var out []map[string]any
	switch {
	case provider == "toku" && f.toku != nil:
		ds, err := f.toku.Resend(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			out = append(out, delivered(d.EventID, string(d.EventType), d.URL, d.Attempts, d.StatusCode, d.Err))
		}
	case provider == "conekta" && f.conekta != nil:
		ds, err := f.conekta.Resend(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			out = append(out, delivered(d.EventID, string(d.EventType), d.URL, d.Attempts, d.StatusCode, d.Err))
		}
	case provider == "fygaro" && f.fygaro != nil:
		d, err := f.fygaro.Resend(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, delivered(d.Reference, "hook", d.URL, d.Attempts, d.StatusCode, d.Err))
	case provider == "tpaga" && f.tpaga != nil:
		d, err := f.tpaga.Resend(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, delivered(d.EfectyOrderID+"/"+d.Reference, "deposit", d.URL, d.Attempts, d.StatusCode, d.Err))
	default:
		return nil, errNotServed
	}
	return out, nil
}

// deliveries lists every delivery a fake made, oldest first.
func (f *fakes) deliveries(ctx context.Context, provider string) ([]map[string]any, error) {
	out := []map[string]any{}
	switch {
	case provider == "toku" && f.toku != nil:
		f.toku.Settle()
		for _, d := range f.toku.Deliveries() {
			out = append(out, delivered(d.EventID, string(d.EventType), d.URL, d.Attempts, d.StatusCode, d.Err))
		}
	case provider == "conekta" && f.conekta != nil:
		_ = f.conekta.Settle(ctx) // those in progress too, unless the request ends first
		for _, d := range f.conekta.Deliveries() {
			out = append(out, delivered(d.EventID, string(d.EventType), d.URL, d.Attempts, d.StatusCode, d.Err))
		}
	case provider == "fygaro" && f.fygaro != nil:
		for _, d := range f.fygaro.Deliveries() {
			out = append(out, delivered(d.Reference, "hook", d.URL, d.Attempts, d.StatusCode, d.Err))
		}
	case provider == "tpaga" && f.tpaga != nil:
		for _, d := range f.tpaga.Deliveries() {
			out = append(out, delivered(d.EfectyOrderID+"/"+d.Reference, "deposit", d.URL, d.Attempts, d.StatusCode, d.Err))
		}
	default:
		return nil, errNotServed
	}
	return out, nil
}

func delivered(id, typ, url string, attempts, status int, err error) map[string]any {
	m := map[string]any{"id": id, "type": typ, "url": url, "attempts": attempts, "status": status}
	if err != nil {
		m["error"] = err.Error()
	}
	return m
}

func notServed(w http.ResponseWriter, p string) {
	writeJSON(w, http.StatusNotFound, map[string]any{"error": p + " is not served (pagos fake -providers)"})
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "the body is not the control's JSON: " + err.Error()})
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// --- control subcommands ---------------------------------------------------

// control runs a control subcommand against a running fake.
func (c *cli) control(ctx context.Context, name string, args []string) error {
	var base string
	fs := c.flags("fake "+name, fakeUsage)
	fs.StringVar(&base, "fake", "", "the running fake's control URL (default $PAGOS_FAKE_URL)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	base = strings.TrimRight(c.setting(base, "PAGOS_FAKE_URL"), "/")
	if base == "" {
		return usagef("no running fake: give -fake URL or set PAGOS_FAKE_URL (pagos fake prints it)")
	}
	need := func(n int, what string) error {
		if len(pos) != n {
			return usagef("pagos fake %s takes %s", name, what)
		}
		return nil
	}
	amount := func(s string) (int64, error) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return 0, usagef("amount %q: give a positive whole number", s)
		}
		return n, nil
	}
	var method, path string
	var body any
	switch name {
	case "env":
		if err := need(0, "no arguments"); err != nil {
			return err
		}
		return c.printEnv(ctx, base)
	case "toku-pay":
		if err := need(1, "INVOICE_ID"); err != nil {
			return err
		}
		method, path = http.MethodPost, "/toku/invoices/"+url.PathEscape(pos[0])+"/pay"
	case "toku-advance":
		if err := need(1, "DURATION (such as 744h)"); err != nil {
			return err
		}
		if d, err := time.ParseDuration(pos[0]); err != nil || d < 0 || d > maxAdvance {
			return usagef("duration %q: give a Go duration from 0 to 87600h (ten years), such as 744h", pos[0])
		}
		method, path, body = http.MethodPost, "/toku/advance", map[string]string{"duration": pos[0]}
	case "conekta-till":
		if err := need(2, "REFERENCE CENTAVOS"); err != nil {
			return err
		}
		n, err := amount(pos[1])
		if err != nil {
			return err
		}
		method, path, body = http.MethodPost, "/conekta/till", map[string]any{"reference": pos[0], "amount": n}
	case "conekta-checkout-pay":
		if len(pos) != 1 && len(pos) != 2 {
			return usagef("pagos fake %s takes CHECKOUT_ID [card|declined|cash]", name)
		}
		pay := "card"
		if len(pos) == 2 {
			pay = pos[1]
		}
		if checkoutCharges[pay] == nil {
			return usagef("payment method %q: use card, declined or cash", pay)
		}
		method, path, body = http.MethodPost, "/conekta/checkouts/"+url.PathEscape(pos[0])+"/pay", map[string]string{"method": pay}
	case "conekta-advance":
		if err := need(1, "DURATION (such as 744h)"); err != nil {
			return err
		}
		if d, err := time.ParseDuration(pos[0]); err != nil || d < 0 || d > maxAdvance {
			return usagef("duration %q: give a Go duration from 0 to 87600h (ten years), such as 744h", pos[0])
		}
		method, path, body = http.MethodPost, "/conekta/advance", map[string]string{"duration": pos[0]}
	case "conekta-transfer":
		if len(pos) > 1 {
			return usagef("pagos fake %s takes [CURRENCY] (default MXN)", name)
		}
		cur := "MXN"
		if len(pos) == 1 {
			cur = pos[0]
		}
		method, path, body = http.MethodPost, "/conekta/transfer", map[string]string{"currency": cur}
	case "conekta-collect-payout":
		if err := need(1, "PAYOUT_ORDER_ID"); err != nil {
			return err
		}
		method, path = http.MethodPost, "/conekta/payout-orders/"+url.PathEscape(pos[0])+"/collect"
	case "fygaro-resume-hook":
		if err := need(0, "no arguments"); err != nil {
			return err
		}
		method, path = http.MethodPost, "/fygaro/resume-hook"
	case "tpaga-notify-url":
		if err := need(2, "URL AUTHORIZATION (the agreed value, such as \"Basic …\")"); err != nil {
			return err
		}
		method, path, body = http.MethodPut, "/tpaga/notify-url", map[string]string{"url": pos[0], "authorization": pos[1]}
	case "conekta-approval-url":
		if err := need(1, "URL"); err != nil {
			return err
		}
		method, path, body = http.MethodPut, "/conekta/approval-url", map[string]string{"url": pos[0]}
	case "tpaga-pay":
		if err := need(2, "REFERENCE PESOS"); err != nil {
			return err
		}
		n, err := amount(pos[1])
		if err != nil {
			return err
		}
		method, path, body = http.MethodPost, "/tpaga/pay", map[string]any{"reference": pos[0], "amount": n}
	case "fygaro-pay":
		if err := need(1, "LINK"); err != nil {
			return err
		}
		method, path, body = http.MethodPost, "/fygaro/pay", map[string]string{"link": pos[0]}
	case "resend":
		if err := need(2, "PROVIDER ID (event id; Fygaro: reference; Tpaga: efecty_order_id)"); err != nil {
			return err
		}
		if eventsOf(pos[0]) == nil {
			return usagef("unknown provider %q: toku, conekta, fygaro or tpaga", pos[0])
		}
		method, path, body = http.MethodPost, "/"+url.PathEscape(pos[0])+"/resend", map[string]string{"id": pos[1]}
	case "deliveries":
		if err := need(1, "PROVIDER"); err != nil {
			return err
		}
		if eventsOf(pos[0]) == nil {
			return usagef("unknown provider %q: toku, conekta, fygaro or tpaga", pos[0])
		}
		method, path = http.MethodGet, "/"+url.PathEscape(pos[0])+"/deliveries"
	case "fygaro-hook-url":
		if err := need(1, "URL"); err != nil {
			return err
		}
		method, path, body = http.MethodPut, "/fygaro/hook-url", map[string]string{"url": pos[0]}
	default:
		return usagef("unknown control %q (pagos fake -h)", name)
	}
	status, out, err := call(ctx, method, base+path, body)
	if err != nil {
		return err
	}
	c.stdout.Write(out)
	var res struct {
		OK bool `json:"ok"`
	}
	if status != http.StatusOK || json.Unmarshal(out, &res) != nil || !res.OK {
		return errFailed
	}
	return nil
}

func (c *cli) printEnv(ctx context.Context, base string) error {
	status, out, err := call(ctx, http.MethodGet, base+"/env", nil)
	if err != nil {
		return err
	}
	m := map[string]string{}
	if status != http.StatusOK || json.Unmarshal(out, &m) != nil {
		return fmt.Errorf("%s/env answered %d", base, status)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	env := make([][2]string, len(keys))
	for i, k := range keys {
		env[i] = [2]string{k, m[k]}
	}
	fmt.Fprint(c.stdout, envLines(env))
	return nil
}

// call sends a control request and returns the answer.
func call(ctx context.Context, method, target string, body any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, r)
	if err != nil {
		return 0, nil, usagef("%v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 2 * time.Minute}).Do(req) // a control may wait for deliveries and their retries
	if err != nil {
		return 0, nil, fmt.Errorf("reaching the fake: %w", err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, out, nil
}
