package toku

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func benchServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, customerResponse)
	}))
	b.Cleanup(srv.Close)
	return srv
}

var benchParams = &CustomerParams{GovernmentID: "18579878K", Mail: "jon@snow.got", Name: "Jon Snow", PhoneNumber: "+56987654321"}

// BenchmarkCustomersCreate sends Customers.Create through the whole client:
// validation, the retrying pipeline, error handling, decode.
func BenchmarkCustomersCreate(b *testing.B) {
	srv := benchServer(b)
	c, err := NewClient(testAPIKey, WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		cus, err := c.Customers.Create(ctx, benchParams)
		if err != nil || cus.ID == "" {
			b.Fatal(err)
		}
	}
}

// BenchmarkCustomersCreateBaseline is a raw net/http POST of the same JSON
// and a decode of the same response into the same struct.
func BenchmarkCustomersCreateBaseline(b *testing.B) {
	srv := benchServer(b)
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		body, _ := json.Marshal(benchParams)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/customers", bytes.NewReader(body))
		req.Header.Set("X-Api-Key", testAPIKey)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var cus Customer
		if err := json.Unmarshal(data, &cus); err != nil || cus.ID == "" {
			b.Fatal(err)
		}
	}
}
