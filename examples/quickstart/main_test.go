package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestQuickstart runs the README's main command against the fakes.
func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, func(string) string { return "" }); err != nil {
		t.Fatalf("quickstart failed: %v\n%s", err, out.String())
	}
	for _, want := range []string{"== Toku ==", "webhook handler verified transaction.success", "nothing missing",
		"== Conekta card ==", "webhook handler verified order.paid", "== Conekta OXXO cash ==", "approval handler approved the payment attempt",
		"webhook handler verified charge.paid", "all flows passed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "whesec_") || strings.Contains(out.String(), "quickstart-approval") || strings.Contains(out.String(), "key_") {
		t.Errorf("a webhook secret or API key was printed:\n%s", out.String())
	}
}
