package tpaga

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// EfectyStagingAPIKey is the x-api-key Tpaga's guide prints for its staging
// Efecty simulator. It is public and works in staging only.
const EfectyStagingAPIKey = "PN0S6yneJJ62TLjSPqb2N5kAi8VujZDf"

// EfectySimulator plays the Efecty kiosk in Tpaga's staging environment: it
// looks a reference up the way a kiosk does, and pays it, which makes Tpaga
// record a deposit and notify your webhook. Create one with
// NewEfectySimulator; it is safe for concurrent use.
//
// It is a separate client because the simulator is a separate API: it lives
// at /api/efecty/payment, outside the cash-in prefix, authenticates with
// x-api-key instead of Basic, and speaks camelCase with the amount as a
// string.
type EfectySimulator struct {
	core *httpcore.Client
}

// NewEfectySimulator returns a simulator client authenticated with apiKey
// (sent as x-api-key), such as EfectyStagingAPIKey. Its host defaults to
// StagingURL, the only environment that has it; ProductionURL is refused,
// since a simulated payment there would be a real deposit.
func NewEfectySimulator(apiKey string, opts ...Option) (*EfectySimulator, error) {
	if err := checkCredential("NewEfectySimulator", "API key", apiKey); err != nil {
		return nil, err
	}
	cfg, err := newConfig(StagingURL, opts)
	if err != nil {
		return nil, err
	}
	if prod, _ := url.Parse(ProductionURL); strings.EqualFold(cfg.BaseURL.Host, prod.Host) {
		return nil, errors.New("tpaga: NewEfectySimulator: the Efecty simulator exists only in staging; use tpaga.StagingURL")
	}
	core, err := httpcore.New(httpcore.Provider{
		Name:        "tpaga",
		Header:      http.Header{headerAPIKey: {apiKey}},
		Protected:   []string{headerAPIKey},
		Secrets:     []string{apiKey},
		DecodeError: decodeError,
	}, cfg.Settings)
	if err != nil {
		return nil, err
	}
	return &EfectySimulator{core: core}, nil
}

// EfectyLookup is the simulator's answer to a kiosk lookup. Tpaga does not
// publish its fields, so it is kept raw.
type EfectyLookup struct {
	Raw json.RawMessage
}

// Lookup asks about a reference as an Efecty kiosk does before taking cash
// (GET /api/efecty/payment/{reference}). An error means Tpaga refused the
// lookup: an unknown reference, for one.
func (s *EfectySimulator) Lookup(ctx context.Context, reference string, opts ...RequestOption) (*EfectyLookup, error) {
	if err := checkReference("reference", reference); err != nil {
		return nil, err
	}
	out := new(EfectyLookup)
	err := s.core.Do(ctx, &httpcore.Request{Method: http.MethodGet, Path: "/api/efecty/payment/" + url.PathEscape(reference)}, &out.Raw, opts...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EfectyPaymentParams describe cash handed over at a kiosk.
type EfectyPaymentParams struct {
	// Reference is the reference paid; required.
	Reference string
	// Amount is the cash deposited, in whole Colombian pesos (COP, not
	// centavos); required, from 1 to MaxAmount. It must equal a reference's
	// fixed amount.
	Amount int64
	// EfectyOrderID is Efecty's order id for the deposit; empty generates a
	// random one, returned in EfectyPayment.
	EfectyOrderID string
	// EfectyOfficeID is the kiosk's office; empty sends "001", as the guide.
	EfectyOfficeID string
}

// EfectyPayment is what Pay sent, and the simulator's answer.
type EfectyPayment struct {
	Reference      string
	Amount         int64 // whole pesos (COP)
	EfectyOrderID  string
	EfectyOfficeID string
	// Raw is the simulator's answer; Tpaga does not publish its fields.
	Raw json.RawMessage
}

// Pay hands cash over for a reference (POST /api/efecty/payment). Tpaga
// then records a deposit intent and posts a Notification to the URL you
// agreed with it.
//
// The simulator documents no idempotency, so a payment that fails after it
// may have reached Tpaga is not repeated: the error matches
// ErrOutcomeUnknown; check ReferenceDetails for a deposit intent with the
// EfectyOrderID its Sent names before paying again.
func (s *EfectySimulator) Pay(ctx context.Context, p *EfectyPaymentParams, opts ...RequestOption) (*EfectyPayment, error) {
	if p == nil {
		return nil, check.Invalid("tpaga", "EfectyPaymentParams", "is nil")
	}
	if err := checkReference("EfectyPaymentParams.Reference", p.Reference); err != nil {
		return nil, err
	}
	if p.Amount <= 0 || p.Amount > MaxAmount {
		return nil, check.Invalid("tpaga", "EfectyPaymentParams.Amount", "is %d; give the cash deposited in whole pesos, from 1 to %d (MaxAmount)", p.Amount, MaxAmount)
	}
	out := &EfectyPayment{Reference: p.Reference, Amount: p.Amount, EfectyOrderID: p.EfectyOrderID, EfectyOfficeID: p.EfectyOfficeID}
	if out.EfectyOrderID == "" {
		out.EfectyOrderID = newOrderID()
	} else if !alphanumeric(out.EfectyOrderID) {
		return nil, check.Invalid("tpaga", "EfectyPaymentParams.EfectyOrderID", "%q must be letters and digits, such as \"999777555\"", out.EfectyOrderID)
	}
	if out.EfectyOfficeID == "" {
		out.EfectyOfficeID = "001"
	}
	body := struct {
		Reference string `json:"reference"`
		Amount    string `json:"amount"`
		OrderID   string `json:"efectyOrderId"`
		OfficeID  string `json:"efectyOfficeId"`
	}{out.Reference, strconv.FormatInt(out.Amount, 10), out.EfectyOrderID, out.EfectyOfficeID}
	err := s.core.Do(ctx, &httpcore.Request{
		Method: http.MethodPost, Path: "/api/efecty/payment", Body: &body, Sent: "efectyOrderId=" + out.EfectyOrderID,
	}, &out.Raw, opts...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// newOrderID returns 12 random decimal digits without a leading zero (which
// a numeric reading would drop), the shape of Efecty's order ids.
func newOrderID() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(9e11)) // never fails (crypto/rand since Go 1.24)
	return n.Add(n, big.NewInt(1e11)).String()
}
