package tpaga_test

import (
	"testing"

	"github.com/pagos-go/pagos/tpaga"
)

func TestReferenceCode(t *testing.T) {
	if code, ok := (&tpaga.Reference{Reference: "575657589293"}).Code(); !ok || code != "575657589293" {
		t.Errorf("Reference.Code() = %q, %v", code, ok)
	}
	if code, ok := (&tpaga.PermanentReference{Reference: "TSREYSANTANA"}).Code(); !ok || code != "TSREYSANTANA" {
		t.Errorf("PermanentReference.Code() = %q, %v", code, ok)
	}
	var nilRef *tpaga.Reference
	var nilPerm *tpaga.PermanentReference
	for name, code := range map[string]func() (string, bool){
		"nil": nilRef.Code, "empty": (&tpaga.Reference{}).Code, "nil permanent": nilPerm.Code, "empty permanent": (&tpaga.PermanentReference{}).Code,
	} {
		if c, ok := code(); ok || c != "" {
			t.Errorf("%s: Code() = %q, %v", name, c, ok)
		}
	}
}
