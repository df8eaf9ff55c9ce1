package check

import (
	"errors"
	"strings"
	"testing"

	"github.com/pagos-go/pagos"
)

func TestIDRefusesEmptyAndDotSegments(t *testing.T) {
	t.Parallel()
	for _, id := range []string{".", "..", "", " "} {
		err := ID("test", "customer", id)
		var pe *pagos.ParamError
		if !errors.As(err, &pe) || pe.Field != "customer id" || !errors.Is(err, pagos.ErrInvalidRequest) {
			t.Errorf("ID(%q) = %v, want a ParamError naming the customer id", id, err)
		}
	}
	for _, id := range []string{"cus_1", "...", ".a", "a.b", "%2e"} {
		if err := ID("test", "customer", id); err != nil {
			t.Errorf("ID(%q) = %v", id, err)
		}
	}
}

func TestCredential(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", " SEKRIT", "SEKRIT ", "SEK\tRIT", "SEKRIT\x00", "SEKRIT\n", "SEKRIT\x7f", "SEKRITé"} {
		err := Credential("API key", bad)
		if err == nil {
			t.Errorf("%q accepted", bad)
			continue
		}
		if strings.Contains(err.Error(), "SEK") {
			t.Errorf("%q: the error echoes the key: %v", bad, err)
		}
	}
	if err := Credential("API key", "key_abc-123.XYZ"); err != nil {
		t.Fatal(err)
	}
}

func TestLooksLikeEmail(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"ana@example.com", "a.b+c@mail.example.co"} {
		if !LooksLikeEmail(ok) {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "ana", "@example.com", "ana@", "ana@example", "ana@example.", "a b@example.com", "a@b@example.com", "ana@example.com\n", "a<b@example.com"} {
		if LooksLikeEmail(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}
