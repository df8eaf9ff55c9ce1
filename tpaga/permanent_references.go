package tpaga

import (
	"context"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// PermanentReferencesService manages permanent deposit references: one per
// user, typically made when the user signs up, and used for every deposit.
// Whether your Tpaga contract allows them is agreed with Tpaga.
type PermanentReferencesService service

// PermanentReferenceParams are the fields of a permanent reference.
type PermanentReferenceParams struct {
	// Reference is the code you choose: exactly 10 letters and digits, such
	// as "reysantana". Tpaga puts your merchant's 2-character prefix in
	// front ("TSREYSANTANA"); use that prefixed form everywhere afterwards.
	// Tpaga's reference marks it optional, without saying what it does when
	// it is empty.
	Reference string `json:"reference,omitempty"`
	Requester
	// Description says what the reference is for; required.
	Description string `json:"description"`
	// Agreement is the convenio code to use when your merchant has several;
	// empty for Tpaga's default.
	Agreement string `json:"agreement,omitempty"`
}

// permanentReferenceLen is the length Tpaga requires of the Reference you
// choose.
const permanentReferenceLen = 10

func (p *PermanentReferenceParams) check() error {
	if p == nil {
		return check.Invalid("tpaga", "PermanentReferenceParams", "is nil")
	}
	if p.Reference != "" && (len(p.Reference) != permanentReferenceLen || !alphanumeric(p.Reference)) {
		return check.Invalid("tpaga", "PermanentReferenceParams.Reference",
			"%q must be exactly %d letters and digits, such as \"reysantana\"; Tpaga adds your 2-character prefix", p.Reference, permanentReferenceLen)
	}
	if err := p.Requester.check("PermanentReferenceParams", false); err != nil {
		return err
	}
	return checkDescription("PermanentReferenceParams.Description", p.Description)
}

// PermanentReference is a user's lifelong deposit reference.
type PermanentReference struct {
	// Reference carries your merchant's prefix, such as "TSREYSANTANA": the
	// depositor gives it at the kiosk, and Enable, Disable and
	// ReferenceDetails.Get take it.
	Reference string `json:"reference"`
	// Agreement is the convenio code the kiosk asks for, such as "110784".
	Agreement string `json:"agreement"`
	// Enabled says whether deposits with the reference are accepted.
	Enabled bool `json:"enabled"`
}

// Create makes a permanent reference (POST /permanent_references). If the
// reference exists already, Tpaga enables it again instead of making a
// second one.
//
// That makes a create with a Reference safe to repeat, so pagos retries it
// like a read; if retries run out the error matches ErrOutcomeUnknown, and
// calling Create again with the same params is safe. Without a Reference a
// create is not repeatable, and Tpaga offers no way to find the reference it
// may have made: choose the Reference yourself (from your user id, say).
func (s *PermanentReferencesService) Create(ctx context.Context, p *PermanentReferenceParams, opts ...RequestOption) (*PermanentReference, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	r := &httpcore.Request{Method: http.MethodPost, Path: "/permanent_references", Body: p}
	if p.Reference != "" {
		r.Repeatable, r.Sent = true, "reference="+p.Reference
	}
	out := new(PermanentReference)
	if err := s.client.do(ctx, r, out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

// Enable accepts deposits with a permanent reference again
// (PATCH /permanent_references/{reference}). reference is the prefixed form
// Create returned, such as "TSREYSANTANA".
func (s *PermanentReferencesService) Enable(ctx context.Context, reference string, opts ...RequestOption) (*PermanentReference, error) {
	return s.setEnabled(ctx, reference, true, opts)
}

// Disable refuses further deposits with a permanent reference
// (PATCH /permanent_references/{reference}). reference is the prefixed form
// Create returned, such as "TSREYSANTANA".
func (s *PermanentReferencesService) Disable(ctx context.Context, reference string, opts ...RequestOption) (*PermanentReference, error) {
	return s.setEnabled(ctx, reference, false, opts)
}

// setEnabled sets an absolute state, which is safe to repeat, so the PATCH is
// retried like a read.
func (s *PermanentReferencesService) setEnabled(ctx context.Context, reference string, enabled bool, opts []RequestOption) (*PermanentReference, error) {
	if err := checkReference("reference", reference); err != nil {
		return nil, err
	}
	body := struct {
		Enabled bool `json:"enabled"`
	}{enabled}
	out := new(PermanentReference)
	err := s.client.do(ctx, &httpcore.Request{
		Method: http.MethodPatch, Path: "/permanent_references/" + url.PathEscape(reference), Body: &body,
		Repeatable: true, Sent: "reference=" + reference,
	}, out, opts)
	if err != nil {
		return nil, err
	}
	return out, nil
}
