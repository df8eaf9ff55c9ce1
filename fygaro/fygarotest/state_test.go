package fygarotest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/fygaro/fygarotest"
	"github.com/pagos-go/pagos/internal/testutil"
)

func instant(context.Context, time.Duration) error { return nil }

// fygaroView is everything a test can read back from the fake.
type fygaroView struct {
	Payments   []fygarotest.Payment
	Deliveries []fygarotest.Delivery
	Suspended  bool
}

func readFygaro(srv *fygarotest.Server) *fygaroView {
	return &fygaroView{Payments: srv.Payments(), Deliveries: srv.Deliveries(), Suspended: srv.HookSuspended()}
}

var errText = cmp.Comparer(func(a, b error) bool { return fmt.Sprint(a) == fmt.Sprint(b) })

// fygaroWorld is a fake with a delivered payment, one whose hook failed
// every attempt and suspended the hook, one made while it was suspended,
// and the saved file.
type fygaroWorld struct {
	srv   *fygarotest.Server
	rc    *receiver
	pays  []*fygarotest.Payment
	saved bytes.Buffer
}

func newFygaroWorld(t *testing.T) *fygaroWorld {
	t.Helper()
	ctx := t.Context()
	w := &fygaroWorld{srv: newFake(t, fygarotest.WithSleep(instant))}
	w.rc = newReceiver(t, w.srv)
	taxed := order42()
	taxed.CustomReference, taxed.TaxAmount = "order-43", fygaro.AmountFromCents(300)
	for i, p := range []*fygaro.LinkParams{order42(), taxed, order42()} {
		if i == 1 {
			w.rc.fail.Store(fygarotest.MaxAttempts) // every attempt fails: the hook is suspended
		}
		pay, err := w.srv.Pay(ctx, link(t, w.srv, p), nil)
		if err != nil {
			t.Fatal(err)
		}
		w.pays = append(w.pays, pay)
	}
	if d := w.pays[2].Delivery; d == nil || !errors.Is(d.Err, fygarotest.ErrHookSuspended) || !w.srv.HookSuspended() {
		t.Fatalf("the third payment's delivery %+v, want it suspended", d)
	}
	if err := w.srv.SaveState(&w.saved); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestStateSurvivesARestart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newFygaroWorld(t)
	before := readFygaro(w.srv)
	next, err := w.srv.Pay(ctx, link(t, w.srv, order42()), nil)
	if err != nil {
		t.Fatal(err)
	}
	w.srv.Close()

	srv := newFake(t, fygarotest.WithSleep(instant)) // no hook URL: the state file has it
	if err := srv.LoadState(bytes.NewReader(w.saved.Bytes())); err != nil {
		t.Fatal(err)
	}
	after := readFygaro(srv)
	if diff := cmp.Diff(before, after, errText); diff != "" {
		t.Fatalf("read back after the restart (-before +after):\n%s", diff)
	}
	if !errors.Is(after.Payments[2].Delivery.Err, fygarotest.ErrHookSuspended) || !errors.Is(after.Deliveries[2].Err, fygarotest.ErrHookSuspended) {
		t.Fatalf("a restored suspended delivery does not match ErrHookSuspended: %v", after.Deliveries[2].Err)
	}

	// Still suspended; the next reference continues the sequence.
	pay, err := srv.Pay(ctx, link(t, srv, order42()), nil)
	if err != nil || pay.Reference != next.Reference || pay.Delivery == nil || !pay.Delivery.Suspended {
		t.Fatalf("Pay after the restart = %+v, %v; want %s, suspended", pay, err, next.Reference)
	}

	// Resumed, the hook reaches the same receiver, verified with the same
	// keys: the failed payment's hook, a duplicate and a new payment.
	srv.ResumeHook()
	for _, ref := range []string{w.pays[1].Reference, w.pays[0].Reference} {
		if d, err := srv.Resend(ctx, ref); err != nil || d.StatusCode != http.StatusOK || d.URL != w.pays[0].Delivery.URL {
			t.Fatalf("Resend of %s after the restart = %+v, %v", ref, d, err)
		}
	}
	last, err := srv.Pay(ctx, link(t, srv, order42()), nil)
	if err != nil || last.Delivery == nil || last.Delivery.StatusCode != http.StatusOK {
		t.Fatalf("Pay after ResumeHook = %+v, %v", last, err)
	}
	var refs []string
	for _, h := range w.rc.got() {
		refs = append(refs, h.Reference)
	}
	if diff := cmp.Diff([]string{w.pays[0].Reference, w.pays[1].Reference, last.Reference}, refs); diff != "" {
		t.Fatalf("the receiver processed (-want +got):\n%s", diff)
	}
}

func TestLoadStateRefusesWhatIsNotItsState(t *testing.T) {
	t.Parallel()
	w := newFygaroWorld(t)
	saved := w.saved.Bytes()
	before := readFygaro(w.srv)
	for _, tc := range []struct{ name, file, want string }{
		{"empty", "", "empty"},
		{"truncated", string(saved[:len(saved)/2]), "not a fake's state"},
		{"another fake's", strings.Replace(string(saved), `"fake": "fygaro"`, `"fake": "conekta"`, 1), `"conekta" fake`},
		{"another version", strings.Replace(string(saved), `"version": 1`, `"version": 7`, 1), "version 7"},
		{"an unknown field", testutil.EditState(t, saved, func(st map[string]any) { st["buttons"] = []any{} }), "unknown field"},
		{"an unknown field in a checkout", testutil.EditState(t, saved, func(st map[string]any) {
			st["payments"].([]any)[0].(map[string]any)["checkout"].(map[string]any)["status"] = "paid"
		}), "unknown field"},
		{"a payment twice", testutil.EditState(t, saved, func(st map[string]any) {
			st["payments"] = append(st["payments"].([]any), st["payments"].([]any)[0])
		}), "appears twice"},
	} {
		err := w.srv.LoadState(strings.NewReader(tc.file))
		if err == nil || !strings.HasPrefix(err.Error(), "fygarotest: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: LoadState = %v, want an error about %q", tc.name, err, tc.want)
		}
		if diff := cmp.Diff(before, readFygaro(w.srv), errText); diff != "" {
			t.Fatalf("%s: the refused file changed the fake (-before +after):\n%s", tc.name, diff)
		}
	}
}

func TestWithListenerServesOnIt(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newFake(t, fygarotest.WithListener(ln))
	if want := "http://" + ln.Addr().String(); srv.URL != want || !strings.HasPrefix(srv.ButtonURL, want+"/") {
		t.Fatalf("URL = %s, ButtonURL = %s, want them on %s", srv.URL, srv.ButtonURL, want)
	}
	resp, err := http.Get(link(t, srv, order42()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET on a link = %d", resp.StatusCode)
	}
	srv.Close()
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Fatal("the listener is still open after Close")
	}
}

// stateFields are the fields of the fake's state structs, each either kept
// by SaveState or named with the reason it is not. A field added to the
// fake without a decision here fails TestStateCoversEveryField.
var stateFields = map[string]string{
	"Server.URL":               "the listener's address: WithListener keeps it",
	"Server.ButtonURL":         "follows URL",
	"Server.APIKey":            "an option",
	"Server.APISecret":         "an option",
	"Server.HookKeyID":         "an option",
	"Server.HookSecret":        "an option",
	"Server.srv":               "the running server",
	"Server.ln":                "an option",
	"Server.now":               "an option",
	"Server.ids":               "kept: its count",
	"Server.newID":             "an option",
	"Server.sleep":             "an option",
	"Server.kind":              "an option",
	"Server.hc":                "the delivery client",
	"Server.tb":                "the test",
	"Server.hooks":             "Subscribe's in-process servers",
	"Server.mu":                "the lock",
	"Server.hookURL":           "kept",
	"Server.suspended":         "kept",
	"Server.payments":          "kept",
	"Server.deliveries":        "kept",
	"Payment.Reference":        "kept",
	"Payment.Checkout":         "kept: as JSON, every field tagged",
	"Payment.CreatedAt":        "kept",
	"Payment.Delivery":         "kept",
	"Checkout.Dynamic":         "kept",
	"Checkout.Amount":          "kept",
	"Checkout.Currency":        "kept",
	"Checkout.CustomReference": "kept",
	"Checkout.TaxAmount":       "kept",
	"Checkout.Client":          "kept",
	"Checkout.ClientNote":      "kept",
	"Checkout.Lang":            "kept",
	"Checkout.ExpiresAt":       "kept",
	"Delivery.Reference":       "kept",
	"Delivery.URL":             "kept",
	"Delivery.Attempts":        "kept",
	"Delivery.StatusCode":      "kept",
	"Delivery.Err":             "kept: its text, or ErrHookSuspended",
	"Delivery.Suspended":       "kept",
}

func TestStateCoversEveryField(t *testing.T) {
	t.Parallel()
	testutil.FieldsDecided(t, reflect.TypeOf(fygarotest.Server{}), stateFields)
}

func FuzzLoadState(f *testing.F) {
	srv := fygarotest.NewServer(f, fygarotest.WithClock(func() time.Time { return t0 }))
	l, err := srv.Button(fygaro.WithClock(func() time.Time { return t0 })).Link(order42())
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	if _, err := srv.Pay(ctx, l, nil); err != nil {
		f.Fatal(err)
	}
	testutil.FuzzState(f, srv, "fygaro", nil)
}
