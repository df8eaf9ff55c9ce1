package tpagatest_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/tpaga/tpagatest"
)

var stateStart = time.Date(2026, time.November, 24, 15, 4, 5, 0, time.UTC)

// stateOpts are the options of both the fake that saves and the one that
// loads; the notification settings come from the state file.
func stateOpts() []tpagatest.Option {
	return []tpagatest.Option{tpagatest.WithClock(func() time.Time { return stateStart }),
		tpagatest.WithSleep(func(context.Context, time.Duration) error { return nil }), tpagatest.WithMaxAttempts(2)}
}

// tpagaView is everything a test can read back from the fake: each
// reference's details and what the kiosk says of it, what a repeated
// create with a known idempotency token returns, and the deliveries.
type tpagaView struct {
	Details    map[string]*tpaga.ReferenceDetails
	Lookups    map[string]string
	Repeated   *tpaga.Reference
	Deliveries []tpagatest.Delivery
}

func readTpaga(t *testing.T, srv *tpagatest.Server, codes []string, token string) *tpagaView {
	t.Helper()
	ctx := t.Context()
	c, sim := srv.Client(), srv.EfectySimulator()
	v := &tpagaView{Details: map[string]*tpaga.ReferenceDetails{}, Lookups: map[string]string{}, Deliveries: srv.Deliveries()}
	for _, code := range codes {
		det, err := c.ReferenceDetails.Get(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		v.Details[code] = det
		l, err := sim.Lookup(ctx, code)
		v.Lookups[code] = fmt.Sprintf("%+v %v", l, err)
	}
	var err error
	if v.Repeated, err = c.References.Create(ctx, &tpaga.ReferenceParams{Requester: noa, Description: "again", IdempotencyToken: token}); err != nil {
		t.Fatal(err)
	}
	return v
}

var errText = cmp.Comparer(func(a, b error) bool { return fmt.Sprint(a) == fmt.Sprint(b) })

// tpagaWorld is a fake holding a used and an unused single-use reference, a
// permanent reference paid twice (one notification failed), a disabled
// permanent one, and the saved file.
type tpagaWorld struct {
	srv    *tpagatest.Server
	rc     *receiver
	codes  []string
	unpaid *tpaga.Reference
	perm   string
	saved  bytes.Buffer
}

func newTpagaWorld(t *testing.T) *tpagaWorld {
	t.Helper()
	ctx := t.Context()
	w := &tpagaWorld{rc: newReceiver(t)}
	w.srv = tpagatest.NewServer(t, append(stateOpts(), tpagatest.WithNotify(w.rc.srv.URL, agreed))...)
	c, sim := w.srv.Client(), w.srv.EfectySimulator()
	used, err := c.References.Create(ctx, &tpaga.ReferenceParams{Requester: noa, Description: "Recarga", Amount: 20000, IdempotencyToken: "tok-used"})
	if err != nil {
		t.Fatal(err)
	}
	if w.unpaid, err = c.References.Create(ctx, &tpaga.ReferenceParams{Requester: noa, Description: "Otra", Amount: 5000, IdempotencyToken: "tok-unpaid"}); err != nil {
		t.Fatal(err)
	}
	perm, err := c.PermanentReferences.Create(ctx, &tpaga.PermanentReferenceParams{Reference: "reysantana", Requester: noa, Description: "Cuenta"})
	if err != nil {
		t.Fatal(err)
	}
	off, err := c.PermanentReferences.Create(ctx, &tpaga.PermanentReferenceParams{Requester: noa, Description: "Apagada"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PermanentReferences.Disable(ctx, off.Reference); err != nil {
		t.Fatal(err)
	}
	w.perm = perm.Reference
	w.codes = []string{used.Reference, w.unpaid.Reference, perm.Reference, off.Reference}
	pay := func(ref string, amount int64, order string) {
		if _, err := sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: ref, Amount: amount, EfectyOrderID: order}); err != nil {
			t.Fatal(err)
		}
	}
	pay(used.Reference, 20000, "o1")
	pay(perm.Reference, 1000, "o2")
	w.rc.fail.Store(2) // both attempts of o3's notification fail
	pay(perm.Reference, 3000, "o3")
	if d := w.srv.Deliveries(); len(d) != 3 || d[2].Err == nil {
		t.Fatalf("deliveries %+v, want the third failed", d)
	}
	if err := w.srv.SaveState(&w.saved); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestStateSurvivesARestart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newTpagaWorld(t)
	before := readTpaga(t, w.srv, w.codes, "tok-unpaid")
	if before.Repeated.Reference != w.unpaid.Reference || len(before.Details[w.perm].DepositIntents) != 2 {
		t.Fatalf("the first fake: repeated create %+v, permanent details %+v", before.Repeated, before.Details[w.perm])
	}
	next, err := w.srv.Client().References.Create(ctx, &tpaga.ReferenceParams{Requester: noa, Description: "next", IdempotencyToken: "tok-next"})
	if err != nil {
		t.Fatal(err)
	}
	w.srv.Close()

	srv := tpagatest.NewServer(t, stateOpts()...) // no WithNotify: the state file has it
	if err := srv.LoadState(bytes.NewReader(w.saved.Bytes())); err != nil {
		t.Fatal(err)
	}
	after := readTpaga(t, srv, w.codes, "tok-unpaid")
	if diff := cmp.Diff(before, after, errText); diff != "" {
		t.Fatalf("read back after the restart (-before +after):\n%s", diff)
	}
	again, err := srv.Client().References.Create(ctx, &tpaga.ReferenceParams{Requester: noa, Description: "next", IdempotencyToken: "tok-next"})
	if err != nil || again.Reference != next.Reference {
		t.Fatalf("the restored fake's next reference is %+v (%v), want %s", again, err, next.Reference)
	}

	// The notification URL and its Authorization survive: a resend and
	// new deposits reach the receiver, which checks the Authorization.
	if d, err := srv.Resend(ctx, "o3"); err != nil || d.StatusCode != http.StatusOK || d.URL != w.rc.srv.URL {
		t.Fatalf("Resend of o3 after the restart = %+v, %v", d, err)
	}
	sim := srv.EfectySimulator()
	for _, p := range []*tpaga.EfectyPaymentParams{
		{Reference: w.perm, Amount: 7000, EfectyOrderID: "o4"},
		{Reference: w.unpaid.Reference, Amount: 5000, EfectyOrderID: "o5"},
	} {
		if _, err := sim.Pay(ctx, p); err != nil {
			t.Fatalf("paying %s after the restart: %v", p.Reference, err)
		}
	}
	var orders []string
	for _, n := range w.rc.notifications() {
		orders = append(orders, n.EfectyOrderID)
	}
	if diff := cmp.Diff([]string{"o1", "o2", "o3", "o4", "o5"}, orders); diff != "" {
		t.Fatalf("the receiver processed (-want +got):\n%s", diff)
	}
	det, err := srv.Client().ReferenceDetails.Get(ctx, w.perm)
	if err != nil || len(det.DepositIntents) != 3 {
		t.Fatalf("the permanent reference after a third deposit: %+v, %v", det, err)
	}
	// A deposit's efecty order id is still known: repeating o1 makes
	// nothing new.
	if _, err := sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: w.codes[0], Amount: 20000, EfectyOrderID: "o1"}); err != nil || len(w.rc.notifications()) != 5 {
		t.Fatalf("repeating o1 after the restart: %v, %d notifications", err, len(w.rc.notifications()))
	}
}

func TestLoadStateRefusesWhatIsNotItsState(t *testing.T) {
	t.Parallel()
	w := newTpagaWorld(t)
	saved := w.saved.Bytes()
	before := readTpaga(t, w.srv, w.codes, "tok-unpaid")
	for _, tc := range []struct{ name, file, want string }{
		{"empty", "  \n", "empty"},
		{"truncated", string(saved[:len(saved)/2]), "not a fake's state"},
		{"another fake's", strings.Replace(string(saved), `"fake": "tpaga"`, `"fake": "toku"`, 1), `"toku" fake`},
		{"another version", strings.Replace(string(saved), `"version": 1`, `"version": 0`, 1), "version 0"},
		{"an unknown field", testutil.EditState(t, saved, func(st map[string]any) { st["refs"] = []any{} }), "unknown field"},
		{"an unknown field in a deposit", testutil.EditState(t, saved, func(st map[string]any) {
			st["references"].([]any)[0].(map[string]any)["deposit_intents"].([]any)[0].(map[string]any)["status"] = "approved"
		}), "unknown field"},
		{"a token naming nothing", testutil.EditState(t, saved, func(st map[string]any) {
			st["idempotency_tokens"].(map[string]any)["tok-x"] = "nothing"
		}), "tok-x"},
		{"a reference neither single-use nor permanent", testutil.EditState(t, saved, func(st map[string]any) {
			ref := st["references"].([]any)[0].(map[string]any)
			delete(ref, "single_use")
			ref["permanent"] = false
		}), "not either"},
	} {
		err := w.srv.LoadState(strings.NewReader(tc.file))
		if err == nil || !strings.HasPrefix(err.Error(), "tpagatest: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: LoadState = %v, want an error about %q", tc.name, err, tc.want)
		}
		if diff := cmp.Diff(before, readTpaga(t, w.srv, w.codes, "tok-unpaid"), errText); diff != "" {
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
	srv := tpagatest.NewServer(t, tpagatest.WithListener(ln))
	if want := "http://" + ln.Addr().String(); srv.URL != want {
		t.Fatalf("URL = %s, want %s", srv.URL, want)
	}
	if _, err := srv.Client().References.Create(t.Context(), &tpaga.ReferenceParams{Requester: noa, Description: "d"}); err != nil {
		t.Fatal(err)
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
	"Server.URL":             "the listener's address: WithListener keeps it",
	"Server.Token":           "an option",
	"Server.EfectyAPIKey":    "an option",
	"Server.Prefix":          "an option",
	"Server.Agreement":       "an option (single-use references keep the agreement they were made with)",
	"Server.srv":             "the running server",
	"Server.ln":              "an option",
	"Server.now":             "an option",
	"Server.ids":             "kept: its count",
	"Server.newID":           "an option",
	"Server.sleep":           "an option",
	"Server.maxAttempts":     "an option",
	"Server.hc":              "the delivery client",
	"Server.tb":              "the test",
	"Server.hooks":           "Subscribe's in-process servers",
	"Server.mu":              "the lock",
	"Server.notifyURL":       "kept",
	"Server.notifyAuth":      "kept",
	"Server.refs":            "kept",
	"Server.tokens":          "kept",
	"Server.deposits":        "kept: rebuilt from the references' deposits",
	"Server.deliveries":      "kept",
	"counter.mu":             "the lock",
	"counter.n":              "kept",
	"reference.single":       "kept",
	"reference.permanent":    "kept",
	"reference.enabled":      "kept",
	"reference.deposits":     "kept",
	"deposit.ID":             "kept",
	"deposit.Reference":      "kept",
	"deposit.Amount":         "kept",
	"deposit.EfectyOrderID":  "kept",
	"deposit.EfectyOfficeID": "kept",
	"deposit.CreatedAt":      "kept",
	"deposit.notification":   "kept",
	"Delivery.Reference":     "kept",
	"Delivery.EfectyOrderID": "kept",
	"Delivery.URL":           "kept",
	"Delivery.Attempts":      "kept",
	"Delivery.StatusCode":    "kept",
	"Delivery.Err":           "kept: its text",
}

func TestStateCoversEveryField(t *testing.T) {
	t.Parallel()
	testutil.FieldsDecided(t, reflect.TypeOf(tpagatest.Server{}), stateFields)
}

func FuzzLoadState(f *testing.F) {
	srv := tpagatest.NewServer(f, stateOpts()...)
	c, sim := srv.Client(), srv.EfectySimulator()
	ctx := context.Background()
	ref, err := c.References.Create(ctx, &tpaga.ReferenceParams{Requester: noa, Description: "d", Amount: 10, IdempotencyToken: "t"})
	if err != nil {
		f.Fatal(err)
	}
	perm, err := c.PermanentReferences.Create(ctx, &tpaga.PermanentReferenceParams{Requester: noa, Description: "d"})
	if err != nil {
		f.Fatal(err)
	}
	for i, code := range []string{ref.Reference, perm.Reference} {
		if _, err := sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: code, Amount: 10, EfectyOrderID: fmt.Sprint("o", i)}); err != nil {
			f.Fatal(err)
		}
	}
	testutil.FuzzState(f, srv, "tpaga", func() { _, _ = c.ReferenceDetails.Get(ctx, ref.Reference) })
}
