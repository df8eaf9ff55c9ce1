package webhook_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"

	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/webhook"
)

// Check a notification by hand: Tpaga signs nothing, so the agreed header
// value is all there is to compare.
func ExampleVerifyTpaga() {
	body := []byte(`{"reference":"575657589293","amount":20000,"idempotency_token":"c348e1578b91e2f03db5e15a401b99","efecty_order_id":"999777555"}`)
	n, err := webhook.VerifyTpaga(body, "Basic 1234567890", "Basic 1234567890")
	if err != nil {
		fmt.Println("refused:", err)
		return
	}
	amount, err := n.Amount()
	if err != nil {
		fmt.Println("unreadable amount:", err)
		return
	}
	fmt.Println(n.Reference, amount, "COP, Efecty order", n.EfectyOrderID)

	_, err = webhook.VerifyTpaga(body, "Basic guessed", "Basic 1234567890")
	fmt.Println(err)
	// Output:
	// 575657589293 20000 COP, Efecty order 999777555
	// webhook: unauthorized: the header does not carry the agreed value
}

// Mount the Tpaga handler. It answers 200 only when the function returns
// nil, and credits each deposit (efecty_order_id with reference) once.
func ExampleNewTpagaHandler() {
	h, err := webhook.NewTpagaHandler("Basic 1234567890", func(ctx context.Context, n *tpaga.Notification) error {
		amount, err := n.Amount()
		if err != nil {
			return err // 500: Tpaga retries; or keep n.Raw for a person to credit
		}
		fmt.Printf("credit %d COP for reference %s\n", amount, n.Reference)
		return nil // a real handler records the deposit durably first
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/tpaga", h)

	body := `{"reference":"575657589293","amount":20000,"idempotency_token":"c348e1578b91e2f03db5e15a401b99","efecty_order_id":"999777555"}`
	for range 2 { // Tpaga retries until it gets 200: the second is a duplicate
		r := httptest.NewRequest(http.MethodPost, "/webhooks/tpaga", strings.NewReader(body))
		r.Header.Set("Authorization", "Basic 1234567890")
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Println("status:", w.Code)
	}
	// Output:
	// credit 20000 COP for reference 575657589293
	// status: 200
	// status: 200
}

// allowOnly passes requests from the given networks to next and answers 403
// to the rest. Put it in front of a handler whose only credential is a
// shared value, such as Tpaga's. Behind a proxy or load balancer, check the
// client address your proxy reports instead of RemoteAddr.
func allowOnly(next http.Handler, nets ...netip.Prefix) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		addr, perr := netip.ParseAddr(host)
		if err == nil && perr == nil {
			for _, n := range nets {
				if n.Contains(addr.Unmap()) {
					next.ServeHTTP(w, r)
					return
				}
			}
		}
		http.Error(w, "forbidden", http.StatusForbidden)
	})
}

// Add an IP allow-list in front of the Tpaga handler. Tpaga does not
// publish the addresses it posts from: ask Tpaga for them when you agree the
// notification URL. The addresses here are documentation examples.
func ExampleNewTpagaHandler_ipAllowList() {
	h, err := webhook.NewTpagaHandler("Basic 1234567890", func(ctx context.Context, n *tpaga.Notification) error {
		return nil
	})
	if err != nil {
		panic(err)
	}
	tpagaNets := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")} // the addresses Tpaga gave you
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/tpaga", allowOnly(h, tpagaNets...))

	body := `{"reference":"575657589293","amount":20000,"efecty_order_id":"999777555"}`
	for _, from := range []string{"192.0.2.10:40000", "203.0.113.7:40000"} {
		r := httptest.NewRequest(http.MethodPost, "/webhooks/tpaga", strings.NewReader(body))
		r.RemoteAddr = from
		r.Header.Set("Authorization", "Basic 1234567890")
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Println(from, "→", w.Code)
	}
	// Output:
	// 192.0.2.10:40000 → 200
	// 203.0.113.7:40000 → 403
}
