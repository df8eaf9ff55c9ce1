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
		"== Tpaga ==", "webhook handler received the deposit: 20000 COP", "paid 30000 COP to TSPAGOSDEMO1; the handler received it",
		"permanent, enabled, 2 deposit intents", "a third payment was refused: tpaga: 400: Reference is disabled.",
		"all flows passed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "whesec_") || strings.Contains(out.String(), "Basic ") {
		t.Errorf("a webhook secret was printed:\n%s", out.String())
	}
}
