package tpaga

import (
	"context"
	"net/http"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// ReferencesService creates single-use deposit references: one per deposit
// your user wants to make.
type ReferencesService service

// ReferenceParams are the fields of a single-use reference.
type ReferenceParams struct {
	Requester
	// Description says what the deposit is for; required.
	Description string `json:"description"`
	// Amount, in whole Colombian pesos (COP, not centavos: 20000 is twenty
	// thousand pesos), fixes what the depositor must pay: a deposit of any
	// other amount is refused. 0 accepts any amount. pagos refuses a
	// negative amount or one above MaxAmount before sending.
	Amount int64 `json:"amount,omitempty"`
	// IdempotencyToken makes a repeated create return the reference the
	// first one made, never a second one. Leave it empty and pagos generates
	// one (NewIdempotencyToken) and returns it in Reference.IdempotencyToken;
	// better, generate it yourself and store it with your order before
	// calling, so that even a crash between the call and its answer can be
	// repeated safely.
	IdempotencyToken string `json:"idempotency_token"`
}

func (p *ReferenceParams) check() error {
	if p == nil {
		return check.Invalid("tpaga", "ReferenceParams", "is nil")
	}
	if err := p.Requester.check("ReferenceParams", true); err != nil {
		return err
	}
	if err := checkDescription("ReferenceParams.Description", p.Description); err != nil {
		return err
	}
	if p.Amount < 0 || p.Amount > MaxAmount {
		return check.Invalid("tpaga", "ReferenceParams.Amount", "is %d; give whole pesos from 1 to %d (MaxAmount), or 0 to accept any amount", p.Amount, MaxAmount)
	}
	return checkToken("ReferenceParams.IdempotencyToken", p.IdempotencyToken)
}

// Reference is a single-use deposit reference. The depositor gives Reference
// and Agreement at an Efecty kiosk.
type Reference struct {
	// Reference is the code the depositor gives at the kiosk, such as
	// "575657589293".
	Reference string `json:"reference"`
	// Agreement is the convenio code the kiosk asks for, such as "110784".
	Agreement   string `json:"agreement"`
	Description string `json:"description"`
	// Amount is the fixed deposit in whole Colombian pesos (COP, not
	// centavos), or 0 when any amount is accepted (Tpaga sends null).
	Amount int64 `json:"amount"`
	// IdempotencyToken is the token the reference was created with.
	IdempotencyToken string `json:"idempotency_token"`
	Requester
}

// Create makes a single-use reference (POST /references). Every call with a
// new IdempotencyToken makes a new reference.
//
// The token makes the create safe to repeat, so pagos retries it like a read
// (network errors, 408, 429, 5xx), always with the same token. If retries
// run out after the request may have reached Tpaga, the error matches
// ErrOutcomeUnknown and its *OutcomeUnknownError.Sent names the token: call
// Create again with that IdempotencyToken to get the reference Tpaga made,
// or a new one if it made none. Never repeat it with a fresh token.
func (s *ReferencesService) Create(ctx context.Context, p *ReferenceParams, opts ...RequestOption) (*Reference, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	body := *p
	if body.IdempotencyToken == "" {
		body.IdempotencyToken = NewIdempotencyToken()
	}
	out := new(Reference)
	err := s.client.do(ctx, &httpcore.Request{
		Method: http.MethodPost, Path: "/references", Body: &body,
		Repeatable: true, Sent: "idempotency_token=" + body.IdempotencyToken,
	}, out, opts)
	if err != nil {
		return nil, err
	}
	if out.IdempotencyToken == "" {
		out.IdempotencyToken = body.IdempotencyToken
	}
	return out, nil
}
