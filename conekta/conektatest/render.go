package conektatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/pagos-go/pagos/conekta"
)

// render turns an object the fake keeps into the JSON Conekta sends for
// it. The fake keeps conekta's own types, whose omitempty tags drop fields
// Conekta sends even when empty or false (a customer's corporate, a
// webhook's description) and which have no place for others (a line item's
// parent_id, a refund's reason); render adds them, as the OpenAPI file
// shows them.
func (s *Server) render(v any) any {
	switch o := v.(type) {
	case *conekta.Order:
		return s.renderOrder(o)
	case *conekta.Charge:
		return s.renderCharge(toMap(o))
	case *conekta.Customer:
		m := toMap(o)
		setDefault(m, "phone", "") // required from 2.3.0 on, and may be ""
		setDefault(m, "corporate", false)
		setDefault(m, "custom_reference", "")
		setDefault(m, "metadata", map[string]any{})
		if l, ok := m["payment_sources"].(map[string]any); ok {
			pageURLs(l)
		}
		return m
	case *conekta.Webhook:
		m := toMap(o)
		setDefault(m, "description", "")
		return m
	}
	return v
}

func (s *Server) renderOrder(o *conekta.Order) map[string]any {
	m := toMap(o)
	if ci, ok := m["customer_info"].(map[string]any); ok {
		ci["object"] = "customer_info"
		setDefault(ci, "corporate", false)
		setDefault(ci, "phone", "")
	}
	if l, ok := m["line_items"].(map[string]any); ok {
		pageURLs(l)
		for _, it := range items(l) {
			it["object"], it["parent_id"] = "line_item", o.ID
			setDefault(it, "metadata", map[string]any{})
		}
	}
	if l, ok := m["charges"].(map[string]any); ok {
		pageURLs(l)
		for _, ch := range items(l) {
			s.renderCharge(ch)
		}
	}
	return m
}

// renderCharge adds a charge's reference_id and its refunds, each with the
// reason it was asked with.
func (s *Server) renderCharge(ch map[string]any) map[string]any {
	setDefault(ch, "reference_id", nil)
	l, ok := ch["refunds"].(map[string]any)
	if !ok {
		l = map[string]any{"object": "list", "has_more": false, "data": []any{}}
		ch["refunds"] = l
	}
	pageURLs(l)
	for _, ref := range items(l) {
		id, _ := ref["id"].(string)
		ref["reason"] = s.refundReasons[id]
	}
	return ch
}

// pageURLs adds the page links of a list nested in an object: it is never
// paged, so both are null.
func pageURLs(l map[string]any) {
	setDefault(l, "next_page_url", nil)
	setDefault(l, "previous_page_url", nil)
}

func items(l map[string]any) []map[string]any {
	data, _ := l["data"].([]any)
	var out []map[string]any
	for _, d := range data {
		if m, ok := d.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func setDefault(m map[string]any, k string, v any) {
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

// toMap is v's JSON object, numbers kept exact.
func toMap(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic("conektatest: " + err.Error())
	}
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		panic("conektatest: " + err.Error())
	}
	return m
}

// clabe is the 18-digit CLABE of a SPEI charge: bank 646 (STP), then the
// number, then the check digit Banxico specifies (weights 3, 7, 1).
func clabe(n int) string {
	digits := fmt.Sprintf("646180%011d", n)
	weights := []int{3, 7, 1}
	sum := 0
	for i, d := range digits {
		sum += (int(d-'0') * weights[i%3]) % 10
	}
	return digits + strconv.Itoa((10-sum%10)%10)
}
