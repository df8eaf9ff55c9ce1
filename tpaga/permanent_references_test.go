package tpaga

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// mireya is the requester of the guide's permanent reference.
var mireya = Requester{FirstNames: "Mireya", LastNames: "Rey Santana", Email: "mrsantana@example.com",
	DocumentType: DocumentCC, DocumentNumber: "333222111", PhoneNumber: "+573000000000"}

func TestPermanentReferencesCreate(t *testing.T) {
	t.Parallel()
	c, _, mux := setup(t)
	mux.HandleFunc(api+"/permanent_references", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{
			"reference": "reysantana",
			"requester_first_names": "Mireya",
			"requester_last_names": "Rey Santana",
			"requester_email": "mrsantana@example.com",
			"requester_document_type": "CC",
			"requester_document_number": "333222111",
			"requester_phone_number": "+573000000000",
			"description": "Referencia permanente para documentar el API de tpaga"
		}`)
		respond(w, 201, `{"reference":"TSREYSANTANA","agreement":"110784","enabled":true}`)
	})
	got, err := c.PermanentReferences.Create(t.Context(), &PermanentReferenceParams{
		Reference: "reysantana", Requester: mireya, Description: "Referencia permanente para documentar el API de tpaga",
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&PermanentReference{Reference: "TSREYSANTANA", Agreement: "110784", Enabled: true}, got); diff != "" {
		t.Errorf("permanent reference (-want +got):\n%s", diff)
	}
}

// Tpaga's swagger requires only the document and the description of a
// permanent reference: a requester without names goes out without them.
func TestPermanentReferencesCreateWithoutNames(t *testing.T) {
	t.Parallel()
	c, _, mux := setup(t)
	mux.HandleFunc(api+"/permanent_references", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{
			"requester_document_type": "CC",
			"requester_document_number": "333222111",
			"description": "Referencia sin nombres"
		}`)
		respond(w, 201, `{"reference":"TSREYSANTANA","agreement":"110784","enabled":true}`)
	})
	got, err := c.PermanentReferences.Create(t.Context(), &PermanentReferenceParams{
		Requester:   Requester{DocumentType: DocumentCC, DocumentNumber: "333222111"},
		Description: "Referencia sin nombres",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Reference != "TSREYSANTANA" {
		t.Errorf("reference = %q, want TSREYSANTANA", got.Reference)
	}
}

func TestPermanentReferencesCreateValidates(t *testing.T) {
	t.Parallel()
	c, _, _ := setup(t)
	ok := PermanentReferenceParams{Reference: "reysantana", Requester: mireya, Description: "d"}
	mod := func(f func(*PermanentReferenceParams)) *PermanentReferenceParams { p := ok; f(&p); return &p }
	cases := []struct {
		field string
		p     *PermanentReferenceParams
	}{
		{"PermanentReferenceParams", nil},
		{"PermanentReferenceParams.Reference", mod(func(p *PermanentReferenceParams) { p.Reference = "reysantan" })},
		{"PermanentReferenceParams.Reference", mod(func(p *PermanentReferenceParams) { p.Reference = "reysantana1" })},
		{"PermanentReferenceParams.Reference", mod(func(p *PermanentReferenceParams) { p.Reference = "rey-santan" })},
		{"PermanentReferenceParams.Reference", mod(func(p *PermanentReferenceParams) { p.Reference = "reysantañ" })},
		{"PermanentReferenceParams.Requester.DocumentType", mod(func(p *PermanentReferenceParams) { p.DocumentType = "cc" })},
		{"PermanentReferenceParams.Description", mod(func(p *PermanentReferenceParams) { p.Description = " " })},
	}
	for _, tc := range cases {
		_, err := c.PermanentReferences.Create(t.Context(), tc.p)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Field != tc.field {
			t.Errorf("Create(%+v) err = %v, want ParamError on %s", tc.p, err, tc.field)
		}
	}
	if err := mod(func(p *PermanentReferenceParams) { p.Reference = "" }).check(); err != nil {
		t.Errorf("no reference (Tpaga marks it optional) refused: %v", err)
	}
}

// With a Reference, Tpaga re-enables an existing reference rather than
// making a second, so a create that failed on the way back is repeated; a
// create without one is not.
func TestPermanentReferencesCreateRetriedOnlyWithAReference(t *testing.T) {
	t.Parallel()
	c, _, mux := setup(t)
	var n atomic.Int32
	mux.HandleFunc(api+"/permanent_references", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 1 {
			respond(w, 503, `{"detail":"unavailable"}`)
			return
		}
		respond(w, 200, `{"reference":"TSREYSANTANA","agreement":"110784","enabled":true}`)
	})
	if _, err := c.PermanentReferences.Create(t.Context(), &PermanentReferenceParams{Reference: "reysantana", Requester: mireya, Description: "d"}); err != nil || n.Load() != 2 {
		t.Fatalf("with a reference: %v after %d requests, want success after 2", err, n.Load())
	}
	_, err := c.PermanentReferences.Create(t.Context(), &PermanentReferenceParams{Requester: mireya, Description: "d"})
	if !errors.Is(err, ErrOutcomeUnknown) || n.Load() != 3 {
		t.Fatalf("without a reference: %v after %d requests, want ErrOutcomeUnknown after 1 more", err, n.Load())
	}
}

func TestPermanentReferencesEnableDisable(t *testing.T) {
	t.Parallel()
	c, _, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc(api+"/permanent_references/TSREYSANTANA", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			wire(t, r, "PATCH", "", `{"enabled": false}`)
			respond(w, 200, `{"reference":"TSREYSANTANA","agreement":"110784","enabled":false}`)
			return
		}
		wire(t, r, "PATCH", "", `{"enabled": true}`)
		respond(w, 200, `{"reference":"TSREYSANTANA","agreement":"110784","enabled":true}`)
	})
	ctx := t.Context()
	if got, err := c.PermanentReferences.Disable(ctx, "TSREYSANTANA"); err != nil || got.Enabled {
		t.Fatalf("Disable = %+v, %v", got, err)
	}
	if got, err := c.PermanentReferences.Enable(ctx, "TSREYSANTANA"); err != nil || !got.Enabled || got.Reference != "TSREYSANTANA" {
		t.Fatalf("Enable = %+v, %v", got, err)
	}
	for _, bad := range []string{"", "TS/REY", "TS REY"} {
		if _, err := c.PermanentReferences.Disable(ctx, bad); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Disable(%q) err = %v", bad, err)
		}
	}
}
