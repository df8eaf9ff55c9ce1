package pagos_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pagos-go/pagos"
	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/tpaga"
)

// What a user prints with %T, or reads in an error, names a public package,
// never an internal/ one: the provider packages' types are the pagos types.
func TestProviderTypesArePublic(t *testing.T) {
	t.Parallel()
	_, tokuParamErr := toku.ParseAmount("x")
	cases := map[string]any{
		"toku.Amount":                 toku.AmountFromWhole(1),
		"fygaro.Amount":               fygaro.AmountFromCents(1),
		"toku.Text":                   toku.Text("1"),
		"conekta.Text":                conekta.Text("1"),
		"fygaro.Text":                 fygaro.Text("1"),
		"toku.Secret":                 toku.Secret("s"),
		"fygaro.Secret":               fygaro.Secret("s"),
		"toku.ParamError":             &toku.ParamError{},
		"conekta.ParamError":          &conekta.ParamError{},
		"tpaga.ParamError":            &tpaga.ParamError{},
		"fygaro.ParamError":           &fygaro.ParamError{},
		"toku.OutcomeUnknownError":    &toku.OutcomeUnknownError{},
		"conekta.OutcomeUnknownError": &conekta.OutcomeUnknownError{},
		"tpaga.OutcomeUnknownError":   &tpaga.OutcomeUnknownError{},
		"toku.RequestOption":          toku.WithHeader("X-A", "1"),
		"conekta.RequestOption":       conekta.WithHeader("X-A", "1"),
		"tpaga.RequestOption":         tpaga.WithHeader("X-A", "1"),
	}
	for name, v := range cases {
		got := fmt.Sprintf("%T", v)
		if !strings.Contains(got, "pagos.") || strings.Contains(got, "internal") || strings.Contains(got, "httpcore") ||
			strings.Contains(got, "money") || strings.Contains(got, "jsonx") || strings.Contains(got, "redact") {
			t.Errorf("%s prints as %s, want a pagos type", name, got)
		}
	}
	if msg := tokuParamErr.Error(); strings.Contains(msg, "money") || !errors.Is(tokuParamErr, toku.ErrInvalidAmount) || !errors.Is(tokuParamErr, fygaro.ErrInvalidAmount) {
		t.Errorf("ParseAmount error %q names an internal package or misses ErrInvalidAmount", msg)
	}
}

// The sentinels are one value across providers, as the docs promise.
func TestSentinelsSharedAcrossProviders(t *testing.T) {
	t.Parallel()
	notFound := &toku.Error{StatusCode: 404}
	for _, target := range []error{pagos.ErrNotFound, toku.ErrNotFound, conekta.ErrNotFound, tpaga.ErrNotFound} {
		if !errors.Is(notFound, target) {
			t.Errorf("a Toku 404 does not match %v", target)
		}
	}
	pairs := [][]error{
		{pagos.ErrUnauthorized, toku.ErrUnauthorized, conekta.ErrUnauthorized, tpaga.ErrUnauthorized},
		{pagos.ErrForbidden, toku.ErrForbidden, conekta.ErrForbidden, tpaga.ErrForbidden},
		{pagos.ErrInvalidRequest, toku.ErrInvalidRequest, conekta.ErrInvalidRequest, tpaga.ErrInvalidRequest, fygaro.ErrInvalidRequest},
		{pagos.ErrRateLimited, toku.ErrRateLimited, conekta.ErrRateLimited, tpaga.ErrRateLimited},
		{pagos.ErrServer, toku.ErrServer, conekta.ErrServer, tpaga.ErrServer},
		{pagos.ErrOutcomeUnknown, toku.ErrOutcomeUnknown, conekta.ErrOutcomeUnknown, tpaga.ErrOutcomeUnknown},
	}
	for _, p := range pairs {
		for _, e := range p[1:] {
			if e != p[0] {
				t.Errorf("%v is a different value from %v", e, p[0])
			}
		}
	}
}
