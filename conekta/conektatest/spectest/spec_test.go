package spectest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	yaml "github.com/pb33f/go-yaml"
	"github.com/pb33f/jsonschema/v6"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	verrors "github.com/pb33f/libopenapi-validator/errors"
)

// specPath is where Conekta's official OpenAPI file sits: shared/specs
// beside the repository, found by walking up from this package.
// mediaType is the one media type the file gives answers in.
const mediaType = "application/vnd.conekta-v2.3.0+json"

const specPath = "shared/specs/conekta/api.yaml"

// loadedSpec is the validator built once for the test binary: parsing the
// 760 KB file takes a while, and the validator is safe for concurrent use.
var loadedSpec = sync.OnceValues(func() (validator.Validator, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	var path string
	for d := dir; ; d = filepath.Dir(d) {
		if p := filepath.Join(d, specPath); fileExists(p) {
			path = p
			break
		}
		if d == filepath.Dir(d) {
			return nil, fmt.Errorf("%s not found in %s or any directory above it", specPath, dir)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	raw, err = nullableAs31(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	doc, err := libopenapi.NewDocument(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	v, errs := validator.NewValidator(doc, config.WithoutSecurityValidation(), config.WithRegexEngine(regexEngine))
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: %v", path, errs)
	}
	return v, nil
})

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// specValidator returns the validator, or ends the test: under CI the file
// is always there, so its absence fails; elsewhere the test skips, saying so.
func specValidator(tb testing.TB) validator.Validator {
	tb.Helper()
	v, err := loadedSpec()
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("Conekta's OpenAPI file is needed to check the fake: %v", err)
		} else {
			tb.Skipf("skipping the OpenAPI check of the fake: %v", err)
		}
	}
	return v
}

// specTransport checks every request sent to the fake and every answer it
// gives against Conekta's OpenAPI file, and fails the test on a
// disagreement the allow-list does not name. It only records: the failure is
// reported with t.Errorf, which is safe from any goroutine.
type specTransport struct {
	tb   testing.TB
	v    validator.Validator
	base http.RoundTripper

	mu      sync.Mutex
	checked int
}

func newSpecTransport(tb testing.TB) *specTransport {
	tb.Helper()
	return &specTransport{tb: tb, v: specValidator(tb), base: http.DefaultTransport}
}

// RoundTrip sends req and checks both halves of the exchange.
func (st *specTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := st.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	st.check(req, body, resp, respBody)
	return resp, nil
}

// check validates one exchange on copies, as if it went to Conekta's host.
func (st *specTransport) check(req *http.Request, body []byte, resp *http.Response, respBody []byte) {
	op := req.Method + " " + req.URL.Path
	if reason, ok := unspecified(req); ok {
		st.tb.Logf("spec check: %s not checked: %s", op, reason)
		return
	}
	creq := req.Clone(req.Context())
	creq.URL.Scheme, creq.URL.Host, creq.Host = "https", "api.conekta.io", "api.conekta.io"
	creq.Body = io.NopCloser(bytes.NewReader(body))
	cresp := *resp
	cresp.Request = creq
	// Every answer in the file is keyed by the versioned media type the
	// request's Accept names (application/vnd.conekta-v2.3.0+json), while
	// Conekta, and so the fake, label JSON answers application/json.
	cresp.Header = resp.Header.Clone()
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		cresp.Header.Set("Content-Type", mediaType)
	}
	cresp.Body = io.NopCloser(bytes.NewReader(respBody))

	var problems []string
	// A request the fake refused may be wrong on purpose; one it accepted
	// must be one Conekta accepts.
	if resp.StatusCode < 300 {
		if _, errs := st.v.ValidateHttpRequestSync(creq); len(errs) > 0 {
			problems = append(problems, describe(req, "request", errs, body)...)
		}
	}
	creq.Body = io.NopCloser(bytes.NewReader(body))
	if _, errs := st.v.ValidateHttpResponse(creq, &cresp); len(errs) > 0 {
		problems = append(problems, describe(req, fmt.Sprintf("answer %d", resp.StatusCode), errs, respBody)...)
	}
	st.mu.Lock()
	st.checked++
	st.mu.Unlock()
	if len(problems) > 0 {
		st.tb.Errorf("%s disagrees with Conekta's OpenAPI file:\n%s", op, strings.Join(problems, "\n"))
	}
}

// Checked reports how many exchanges were checked.
func (st *specTransport) Checked() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.checked
}

// describe lists the validator's findings that no allow-list entry covers.
func describe(req *http.Request, what string, errs []*verrors.ValidationError, body []byte) []string {
	var out []string
	for _, e := range errs {
		if len(e.SchemaValidationErrors) == 0 {
			if allowed(req, e.Message+" "+e.Reason) {
				continue
			}
			out = append(out, fmt.Sprintf("  %s: %s: %s", what, e.Message, e.Reason))
			continue
		}
		for _, f := range e.SchemaValidationErrors {
			line := fmt.Sprintf("%s at %s", f.Reason, f.FieldPath)
			if allowed(req, line) {
				continue
			}
			out = append(out, fmt.Sprintf("  %s: %s: %s", what, e.Message, line))
		}
	}
	if len(out) > 0 {
		out = append(out, "  body: "+string(body))
	}
	return out
}

// unspecified names the operations the OpenAPI file does not describe,
// which the fake serves from Conekta's guides.
func unspecified(req *http.Request) (string, bool) {
	if req.URL.Path == "/payment_test" {
		// Conekta's sandbox endpoint for the inbound_payment webhooks is in
		// its recurring-cash guide (seed 002) only (research §5.7).
		return "POST /payment_test is absent from the OpenAPI file", true
	}
	return "", false
}

// allowed reports whether a finding is a known gap of the file itself,
// which allowList names. Nothing else is ignored.
func allowed(req *http.Request, finding string) bool {
	for _, a := range allowList {
		if (a.method == "" || req.Method == a.method) && strings.HasPrefix(req.URL.Path, a.pathPrefix) && strings.Contains(finding, a.finding) {
			return true
		}
	}
	return false
}

// allowList names each finding that is the file's error, or a deliberate
// difference of the fake, and why. An empty method is any method.
var allowList = []struct{ method, pathPrefix, finding, why string }{
	{
		http.MethodGet, "/", "response code '422'",
		"the file lists no 422 for list operations, yet it bounds their query (limit 1 to 250): " +
			"the fake refuses a query the file forbids with Conekta's parameter_validation_error",
	},
	{
		"", "/", "response code '400'",
		"deliberate: the fake refuses a request without a versioned Accept " +
			"(application/vnd.conekta-vX.Y.Z+json) with a 400, so a client that forgets it is caught; " +
			"the file defines no 400, and what Conekta does then is undocumented",
	},
	{
		http.MethodPut, "/orders/", "response code '428'",
		"updateOrder lists no 428, yet the file's own example of a 428 is " +
			"conekta.errors.precondition_required.combo.order.cannot_be_updated_because_has_charge (research §2.5): " +
			"Conekta answers 428 to an update of an order with a charge, and so does the fake",
	},
	{
		"", "/orders/", "response code '428'",
		"the creates and changes of an order's products, discounts and taxes list no 428, yet deleting a shipping line " +
			"lists it, with the same precondition: Conekta refuses every change to an order with a charge so, and so does the fake",
	},
}

// nullableAs31 rewrites the OpenAPI 3.0 keyword `nullable: true`, which the
// 3.1 file still uses in about 160 schemas (research §5.13) and a 3.1
// validator refuses, into its 3.1 form: "null" added to the type (and to
// an enum), or anyOf with {type: null} where the schema has no type (a
// $ref). It also drops the 3.0-style boolean `exclusiveMinimum: true` of
// one schema, which 3.1 wants as a number; its `minimum: 0` stays. Both
// are errors of the file's form, not of what it says.
func nullableAs31(raw []byte) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		return nil, err
	}
	fixNullable(&root)
	overlapping := map[string]bool{}
	for _, name := range overlappingUnions {
		overlapping[name] = true
	}
	if schemas := lookup(&root, "components", "schemas"); schemas != nil {
		for i := 0; i+1 < len(schemas.Content); i += 2 {
			if overlapping[schemas.Content[i].Value] {
				if k := lookupKey(schemas.Content[i+1], "oneOf"); k != nil {
					k.Value = "anyOf"
				}
			}
		}
	}
	return yaml.Marshal(&root)
}

// overlappingUnions are the file's oneOf unions whose branches overlap:
// no branch sets additionalProperties: false or a const for its `type` or
// `object` (the discriminator, which the validator does not use to pick a
// branch), so a card source or a card payment matches several branches and
// oneOf refuses what Conekta sends (research §5.13). They are read as
// anyOf: the value must still match a branch.
var overlappingUnions = []string{
	"customer_payment_methods_request", "CreateCustomerPaymentMethods_request",
	"customer_payment_methods_data", "get_customer_payment_method_data_response",
	"create_customer_payment_methods_response", "update_customer_payment_methods_response",
	"charge_request_payment_method", "charge_response_payment_method", "charge_order_response_payment_method",
}

// lookup follows mapping keys from a document node.
func lookup(n *yaml.Node, keys ...string) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	for _, k := range keys {
		if n = lookupValue(n, k); n == nil {
			return nil
		}
	}
	return n
}

func lookupKey(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}

func lookupValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func fixNullable(n *yaml.Node) {
	for _, c := range n.Content {
		fixNullable(c)
	}
	if n.Kind != yaml.MappingNode {
		return
	}
	nullable := false
	var kept []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Value == "nullable" && v.Kind == yaml.ScalarNode:
			nullable = v.Value == "true"
			continue
		case k.Value == "exclusiveMinimum" && v.Kind == yaml.ScalarNode && (v.Value == "true" || v.Value == "false"):
			continue
		}
		kept = append(kept, k, v)
	}
	n.Content = kept
	if !nullable {
		return
	}
	null := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "null"}
	typed := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "type":
			typed = true
			if v.Kind == yaml.ScalarNode {
				n.Content[i+1] = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{v, null}}
			} else {
				v.Content = append(v.Content, null)
			}
		case "enum":
			v.Content = append(v.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"})
		}
	}
	if typed {
		return
	}
	inner := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: n.Content}
	nullSchema := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "type"}, null}}
	n.Content = []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "anyOf"},
		{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{inner, nullSchema}}}
}

// regexEngine compiles the spec's patterns with Go's regexp. One pattern
// needs a look-ahead Go lacks: webhook_request.url's
// ^(?!.*(localhost|127\.0\.0\.1)).*$, Conekta's refusal of loopback
// webhook URLs. The fake accepts loopback URLs on purpose (a handler on
// httptest must receive its deliveries; its docs say so), so that one
// pattern matches everything here.
func regexEngine(pattern string) (jsonschema.Regexp, error) {
	if pattern == loopbackPattern {
		return anyString{}, nil
	}
	return regexp.Compile(pattern)
}

const loopbackPattern = `^(?!.*(localhost|127\.0\.0\.1)).*$`

// anyString is a pattern that matches every string.
type anyString struct{}

func (anyString) MatchString(string) bool { return true }
func (anyString) String() string          { return loopbackPattern }

// recordingTB keeps what a specTransport reports instead of failing.
type recordingTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Logf(string, ...any) {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// The check is live: an answer that breaks the file is reported, one that
// keeps it is not.
func TestSpecCheckReportsADisagreement(t *testing.T) {
	t.Parallel()
	v := specValidator(t)
	body := `{"id":7,"object":"customer","livemode":false,"name":"Ana","created_at":1}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	get := func() []string {
		rec := &recordingTB{TB: t}
		hc := &http.Client{Transport: &specTransport{tb: rec, v: v, base: http.DefaultTransport}}
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/customers/cus_1", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept", mediaType)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return rec.errs
	}
	if errs := get(); len(errs) != 1 || !strings.Contains(errs[0], "GET /customers/cus_1") || !strings.Contains(errs[0], "id") {
		t.Fatalf("a customer whose id is a number: reports %q, want one naming the id", errs)
	}
	body = `{"id":"cus_1","object":"customer","livemode":false,"name":"Ana","created_at":1}`
	if errs := get(); len(errs) != 0 {
		t.Fatalf("a valid customer: reports %q", errs)
	}
}
