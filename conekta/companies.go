package conekta

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// CompaniesService reads the account's company and, for a holding company,
// creates and onboards its child companies (send X-Child-Company-Id with
// WithHeader to act for a child).
type CompaniesService service

// Company is a Conekta company (an account). Conekta sends much more for
// the current company (fees, fiscal and commercial information) than pagos
// models; Raw has all of it.
type Company struct {
	ID     string `json:"id"`
	Object string `json:"object,omitempty"` // "company"
	Name   string `json:"name"`
	Active bool   `json:"active"`
	MCC    string `json:"mcc,omitempty"` // merchant category code, such as "5311"
	// AccountStatus is such as "signed_up" or "activated".
	AccountStatus string `json:"account_status,omitempty"`
	// OnboardingStatus is such as "pending"; OnboardingURL is where a
	// child company completes its onboarding.
	OnboardingStatus string            `json:"onboarding_status,omitempty"`
	OnboardingURL    string            `json:"onboarding_url,omitempty"`
	ParentCompanyID  string            `json:"parent_company_id,omitempty"`
	ThreeDSEnabled   bool              `json:"three_ds_enabled,omitempty"`
	ThreeDSMode      string            `json:"three_ds_mode,omitempty"` // "smart" or "strict"
	CreatedAt        Time              `json:"created_at"`
	Documents        []CompanyDocument `json:"documents,omitempty"`
	// Raw is the object as Conekta sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the company and keeps it in Raw.
func (c *Company) UnmarshalJSON(b []byte) error {
	type plain Company
	return keepRaw(b, (*plain)(c), &c.Raw)
}

// DocumentKind classifies a company document. Unknown values are kept.
type DocumentKind string

// Document kinds, as Conekta's file spells them.
const (
	DocumentIDLegalRepresentative     DocumentKind = "id_legal_representative"
	DocumentIDLegalRepresentativeBack DocumentKind = "id_legal_representative_back"
	DocumentCFDI                      DocumentKind = "cfdi"
	DocumentConstitutiveActBasic      DocumentKind = "constitutive_act_basic"
	DocumentProofOfAddress            DocumentKind = "proof_of_address"
	// DocumentPowerOfAttorney is spelled "power_of_attonery" by Conekta.
	DocumentPowerOfAttorney     DocumentKind = "power_of_attonery"
	DocumentDepositAccountCover DocumentKind = "deposit_account_cover"
	DocumentPermitCasino        DocumentKind = "permit_casino"
	DocumentLicenseSanitation   DocumentKind = "license_sanitation"
	DocumentRegistrationTourism DocumentKind = "registration_tourism"
)

// CompanyDocument is a document of a company's onboarding.
type CompanyDocument struct {
	FileClassification DocumentKind `json:"file_classification"`
	FileName           string       `json:"file_name"`
	Status             string       `json:"status"` // such as "pending" or "uploaded"
}

// CompanyParams create a child company.
type CompanyParams struct {
	Name        string `json:"name"`                   // required
	TypeCompany string `json:"type_company,omitempty"` // such as "owner"
	// Users are the emails of the people given access.
	Users          []string               `json:"users,omitempty"`
	CommercialInfo *CompanyCommercialInfo `json:"comercial_info,omitempty"`
	FiscalInfo     *CompanyFiscalInfo     `json:"fiscal_info,omitempty"`
	BankAccount    *CompanyBankAccount    `json:"bank_account_info,omitempty"`
}

// CompanyCommercialInfo is what a new company sells and how its customers
// reach it.
type CompanyCommercialInfo struct {
	MCC                  string `json:"mcc,omitempty"`
	MerchantSupportEmail string `json:"merchant_support_email,omitempty"`
	MerchantSupportPhone string `json:"merchant_support_phone,omitempty"`
	Website              string `json:"website,omitempty"`
}

// CompanyFiscalInfo is a new company's tax identity.
type CompanyFiscalInfo struct {
	BusinessPhone string `json:"business_phone,omitempty"`
	FiscalType    string `json:"fiscal_type,omitempty"` // such as "moral"
}

// CompanyBankAccount is where a new company's payouts go.
type CompanyBankAccount struct {
	CLABE string `json:"clabe,omitempty"` // the 18-digit account number
}

func (p *CompanyParams) check() error {
	switch {
	case p == nil:
		return check.Invalid(provider, "CompanyParams", "is nil")
	case p.Name == "":
		return check.Invalid(provider, "CompanyParams.Name", "is required: the company's name")
	case p.CommercialInfo != nil && p.CommercialInfo.Website != "":
		if err := checkURL("CompanyParams.CommercialInfo.Website", p.CommercialInfo.Website); err != nil {
			return err
		}
	}
	if p.CommercialInfo != nil {
		if err := checkEmail("CompanyParams.CommercialInfo.MerchantSupportEmail", p.CommercialInfo.MerchantSupportEmail); err != nil {
			return err
		}
	}
	if p.BankAccount != nil && p.BankAccount.CLABE != "" && !allDigits(p.BankAccount.CLABE, 18) {
		return check.Invalid(provider, "CompanyParams.BankAccount.CLABE", "must have 18 digits")
	}
	return nil
}

func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// CompanyDocumentParams upload or replace a company document. The file
// travels base64-encoded in JSON, as Conekta's file describes it: Data is
// the file's bytes, which encoding/json encodes.
type CompanyDocumentParams struct {
	FileClassification DocumentKind `json:"file_classification"` // required
	FileName           string       `json:"file_name"`           // required, such as "acta.pdf"
	ContentType        string       `json:"content_type"`        // required, such as "application/pdf"
	Data               []byte       `json:"file_data"`           // required: the file itself
	International      *bool        `json:"international,omitempty"`
}

// maxDocument bounds an upload, well above a scanned PDF, so a mistake (a
// whole directory read) fails before sending.
const maxDocument = 20 << 20

func (p *CompanyDocumentParams) check() error {
	switch {
	case p == nil:
		return check.Invalid(provider, "CompanyDocumentParams", "is nil")
	case p.FileClassification == "":
		return check.Invalid(provider, "CompanyDocumentParams.FileClassification", "is required, such as conekta.DocumentProofOfAddress")
	case p.FileName == "":
		return check.Invalid(provider, "CompanyDocumentParams.FileName", "is required, such as \"comprobante.pdf\"")
	case p.ContentType == "":
		return check.Invalid(provider, "CompanyDocumentParams.ContentType", "is required, such as \"application/pdf\"")
	case len(p.Data) == 0:
		return check.Invalid(provider, "CompanyDocumentParams.Data", "is empty: give the file's bytes")
	case len(p.Data) > maxDocument:
		return check.Invalid(provider, "CompanyDocumentParams.Data", "has %d bytes; pagos sends at most %d", len(p.Data), maxDocument)
	}
	return nil
}

func companyPath(id string) string { return "/companies/" + url.PathEscape(id) }

// Create makes a child company of the holding company the key belongs to
// (POST /companies).
//
// A create that fails after it may have reached Conekta is not repeated
// (ErrOutcomeUnknown): search for the name with List before creating it
// again.
//
// Conekta API: createCompany.
func (s *CompaniesService) Create(ctx context.Context, p *CompanyParams, opts ...RequestOption) (*Company, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	return call[Company](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/companies", Body: p}, opts)
}

// Get fetches a company (GET /companies/{id}).
//
// Conekta API: getCompany.
func (s *CompaniesService) Get(ctx context.Context, id string, opts ...RequestOption) (*Company, error) {
	if err := check.ID(provider, "company", id); err != nil {
		return nil, err
	}
	return call[Company](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: companyPath(id)}, opts)
}

// Current fetches the company the private key belongs to (GET
// /companies/current).
//
// Conekta API: getCurrentCompany.
func (s *CompaniesService) Current(ctx context.Context, opts ...RequestOption) (*Company, error) {
	return call[Company](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/companies/current"}, opts)
}

// List fetches one page of companies (GET /companies).
//
// Conekta API: getCompanies.
func (s *CompaniesService) List(ctx context.Context, p *ListParams, opts ...RequestOption) (*List[*Company], error) {
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/companies", Query: q}, opts, func(c *Company) string { return c.ID })
}

// All iterates over every company matching p.
func (s *CompaniesService) All(ctx context.Context, p *ListParams, opts ...RequestOption) iter.Seq2[*Company, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*Company], error) {
		return s.List(ctx, p.after(cursor), opts...)
	})
}

// UploadDocument adds a document to a company's onboarding (POST
// /companies/{company_id}/document).
//
// An upload that fails after it may have reached Conekta is not repeated
// (ErrOutcomeUnknown): check Documents before sending it again, or replace
// it with UpdateDocument.
//
// Conekta API: uploadCompanyDocument.
func (s *CompaniesService) UploadDocument(ctx context.Context, companyID string, p *CompanyDocumentParams, opts ...RequestOption) (*CompanyDocument, error) {
	return s.document(ctx, http.MethodPost, companyID, p, opts)
}

// UpdateDocument replaces a company document of the same classification
// (PATCH /companies/{company_id}/document).
//
// Conekta API: updateCompanyDocument.
func (s *CompaniesService) UpdateDocument(ctx context.Context, companyID string, p *CompanyDocumentParams, opts ...RequestOption) (*CompanyDocument, error) {
	return s.document(ctx, http.MethodPatch, companyID, p, opts)
}

func (s *CompaniesService) document(ctx context.Context, method, companyID string, p *CompanyDocumentParams, opts []RequestOption) (*CompanyDocument, error) {
	if err := check.ID(provider, "company", companyID); err != nil {
		return nil, err
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	return call[CompanyDocument](ctx, s.client, &httpcore.Request{Method: method, Path: companyPath(companyID) + "/document", Body: p}, opts)
}

// Documents fetches a company's documents (GET
// /companies/{company_id}/documents). Conekta answers a bare array, not a
// paged list.
//
// Conekta API: getCompanyDocuments.
func (s *CompaniesService) Documents(ctx context.Context, companyID string, opts ...RequestOption) ([]CompanyDocument, error) {
	if err := check.ID(provider, "company", companyID); err != nil {
		return nil, err
	}
	docs, err := call[[]CompanyDocument](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: companyPath(companyID) + "/documents"}, opts)
	if err != nil {
		return nil, err
	}
	return *docs, nil
}
