package conekta

import (
	"net/http"
	"testing"
)

const (
	// The spec's examples of order sub-resources.
	discountLineResponse = `{"amount": 500, "code": "123", "type": "loyalty", "id": "dis_lin_2tQQ58HPgPw7StE8z", "object": "discount_line", "parent_id": "ord_2tPAmKCEJqh8RE6nY"}`
	shippingLineResponse = `{"amount": 100, "carrier": "FEDEX", "tracking_number": "TRACK123", "method": "Same day", "metadata": {"key": "value"},
		"id": "ship_lin_2tQ974hSHcsdeSZHG", "object": "shipping_line", "parent_id": "ord_2tPAmKCEJqh8RE6nY"}`
	taxLineResponse  = `{"amount": 100, "description": "testing", "metadata": {"key": "value"}, "id": "tax_lin_2tQ8dC5mg1UADmVPo", "object": "tax_line", "parent_id": "ord_2tPAmKCEJqh8RE6nY"}`
	lineItemResponse = `{"antifraud_info": {"key": "value"}, "brand": "Cohiba", "description": "Imported From Mex.", "metadata": {"key": "value"},
		"name": "Box of Cohiba S1s", "quantity": 1, "sku": "XYZ12345", "tags": ["food", "mexican food"], "unit_price": 20000,
		"id": "line_item_2tQ8HkkfbauaKP9Ho", "object": "line_item", "parent_id": "ord_2tPAmKCEJqh8RE6nY"}`
	lineOrder = "/orders/ord_2tPAmKCEJqh8RE6nY"
)

func TestLineItems(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	ctx := t.Context()
	mux.HandleFunc("POST "+lineOrder+"/line_items", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"name":"Box of Cohiba S1s","unit_price":20000,"quantity":1,"sku":"XYZ12345","brand":"Cohiba","tags":["food","mexican food"]}`)
		respond(w, 200, lineItemResponse)
	})
	mux.HandleFunc("PUT "+lineOrder+"/line_items/line_item_2tQ8HkkfbauaKP9Ho", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "PUT", "", `{"unit_price":0,"quantity":2}`)
		respond(w, 200, lineItemResponse)
	})
	mux.HandleFunc("DELETE "+lineOrder+"/line_items/line_item_2tQ8HkkfbauaKP9Ho", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "DELETE", "", "")
		respond(w, 200, lineItemResponse)
	})
	li, err := c.LineItems.Create(ctx, "ord_2tPAmKCEJqh8RE6nY", &LineItem{Name: "Box of Cohiba S1s", UnitPrice: 20000, Quantity: 1, SKU: "XYZ12345",
		Brand: "Cohiba", Tags: []string{"food", "mexican food"}})
	if err != nil || li.ID != "line_item_2tQ8HkkfbauaKP9Ho" || li.ParentID != "ord_2tPAmKCEJqh8RE6nY" || li.Object != "line_item" || li.UnitPrice != 20000 {
		t.Fatalf("%+v, %v", li, err)
	}
	if _, err := c.LineItems.Update(ctx, "ord_2tPAmKCEJqh8RE6nY", "line_item_2tQ8HkkfbauaKP9Ho", &LineItemUpdateParams{UnitPrice: Int64(0), Quantity: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.LineItems.Delete(ctx, "ord_2tPAmKCEJqh8RE6nY", "line_item_2tQ8HkkfbauaKP9Ho"); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() (*LineItem, error){
		"create no name": func() (*LineItem, error) {
			return c.LineItems.Create(ctx, "ord_1", &LineItem{UnitPrice: 1, Quantity: 1})
		},
		"create nil":      func() (*LineItem, error) { return c.LineItems.Create(ctx, "ord_1", nil) },
		"create no order": func() (*LineItem, error) { return c.LineItems.Create(ctx, "", &LineItem{Name: "abc", Quantity: 1}) },
		"update nothing":  func() (*LineItem, error) { return c.LineItems.Update(ctx, "ord_1", "li_1", &LineItemUpdateParams{}) },
		"update negative": func() (*LineItem, error) {
			return c.LineItems.Update(ctx, "ord_1", "li_1", &LineItemUpdateParams{UnitPrice: Int64(-1)})
		},
		"update quantity": func() (*LineItem, error) {
			return c.LineItems.Update(ctx, "ord_1", "li_1", &LineItemUpdateParams{Quantity: -1})
		},
		"delete dot id": func() (*LineItem, error) { return c.LineItems.Delete(ctx, "ord_1", ".") },
		"update no line": func() (*LineItem, error) {
			return c.LineItems.Update(ctx, "ord_1", "", &LineItemUpdateParams{Quantity: 1})
		},
	} {
		if li, err := call(); li != nil || !paramRefused(err) {
			t.Errorf("%s: accepted: %v", name, err)
		}
	}
}

func TestDiscountLines(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	ctx := t.Context()
	const one = lineOrder + "/discount_lines/dis_lin_2tQQ58HPgPw7StE8z"
	mux.HandleFunc("GET "+lineOrder+"/discount_lines", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("next") == "" {
			wire(t, r, "GET", "limit=1", "")
			respond(w, 200, `{"object":"list","has_more":true,"next_page_url":null,"previous_page_url":null,"data":[`+discountLineResponse+`]}`)
			return
		}
		wire(t, r, "GET", "limit=1&next=dis_lin_2tQQ58HPgPw7StE8z", "")
		respond(w, 200, `{"object":"list","has_more":false,"data":[]}`)
	})
	mux.HandleFunc("POST "+lineOrder+"/discount_lines", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"amount":500,"code":"123","type":"loyalty"}`)
		respond(w, 200, discountLineResponse)
	})
	mux.HandleFunc(one, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "PUT":
			wire(t, r, "PUT", "", `{"amount":0,"code":"456"}`)
		default:
			wire(t, r, r.Method, "", "")
		}
		respond(w, 200, discountLineResponse)
	})
	d, err := c.DiscountLines.Create(ctx, "ord_2tPAmKCEJqh8RE6nY", &DiscountLineParams{Amount: 500, Code: "123", Type: DiscountLoyalty})
	if err != nil || d.ID != "dis_lin_2tQQ58HPgPw7StE8z" || d.Amount != 500 || d.Type != DiscountLoyalty || d.ParentID != "ord_2tPAmKCEJqh8RE6nY" || len(d.Raw) == 0 {
		t.Fatalf("%+v, %v", d, err)
	}
	n := 0
	for d, err := range c.DiscountLines.All(ctx, "ord_2tPAmKCEJqh8RE6nY", &ListParams{Limit: 1}) {
		if err != nil || d.Code != "123" {
			t.Fatalf("%+v, %v", d, err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("All gave %d discounts", n)
	}
	if _, err := c.DiscountLines.Get(ctx, "ord_2tPAmKCEJqh8RE6nY", "dis_lin_2tQQ58HPgPw7StE8z"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DiscountLines.Update(ctx, "ord_2tPAmKCEJqh8RE6nY", "dis_lin_2tQQ58HPgPw7StE8z", &DiscountLineUpdateParams{Amount: Int64(0), Code: "456"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DiscountLines.Delete(ctx, "ord_2tPAmKCEJqh8RE6nY", "dis_lin_2tQQ58HPgPw7StE8z"); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]*DiscountLineParams{"nil": nil, "no code": {Amount: 1, Type: DiscountCoupon},
		"no type": {Amount: 1, Code: "X"}, "negative": {Amount: -1, Code: "X", Type: DiscountCoupon}, "too large": {Amount: MaxAmount + 1, Code: "X", Type: DiscountCoupon}} {
		if d, err := c.DiscountLines.Create(ctx, "ord_1", p); d != nil || !paramRefused(err) {
			t.Errorf("%s: accepted: %v", name, err)
		}
	}
	for name, p := range map[string]*DiscountLineUpdateParams{"nil": nil, "nothing": {}, "negative": {Amount: Int64(-5)}} {
		if d, err := c.DiscountLines.Update(ctx, "ord_1", "dis_1", p); d != nil || !paramRefused(err) {
			t.Errorf("update %s: accepted: %v", name, err)
		}
	}
	if _, err := c.DiscountLines.List(ctx, "..", nil); !paramRefused(err) {
		t.Errorf("dot order id accepted: %v", err)
	}
}

func TestShippingLines(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	ctx := t.Context()
	const body = `{"amount":100,"carrier":"FEDEX","tracking_number":"TRACK123","method":"Same day","metadata":{"key":"value"}}`
	mux.HandleFunc("POST "+lineOrder+"/shipping_lines", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", body)
		respond(w, 200, shippingLineResponse)
	})
	mux.HandleFunc(lineOrder+"/shipping_lines/ship_lin_2tQ974hSHcsdeSZHG", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "PUT" {
			wire(t, r, "PUT", "", body)
		} else {
			wire(t, r, "DELETE", "", "")
		}
		respond(w, 200, shippingLineResponse)
	})
	p := &ShippingLineParams{Amount: 100, Carrier: "FEDEX", TrackingNumber: "TRACK123", Method: "Same day", Metadata: Metadata{"key": "value"}}
	l, err := c.ShippingLines.Create(ctx, "ord_2tPAmKCEJqh8RE6nY", p)
	if err != nil || l.ID != "ship_lin_2tQ974hSHcsdeSZHG" || l.Amount != 100 || l.Carrier != "FEDEX" || l.Metadata["key"] != "value" || len(l.Raw) == 0 {
		t.Fatalf("%+v, %v", l, err)
	}
	if _, err := c.ShippingLines.Update(ctx, "ord_2tPAmKCEJqh8RE6nY", "ship_lin_2tQ974hSHcsdeSZHG", p); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ShippingLines.Delete(ctx, "ord_2tPAmKCEJqh8RE6nY", "ship_lin_2tQ974hSHcsdeSZHG"); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]*ShippingLineParams{"nil": nil, "negative": {Amount: -1}, "short carrier": {Amount: 1, Carrier: "DH"},
		"bad metadata": {Amount: 1, Metadata: Metadata{"k": []string{"x"}}}} {
		if l, err := c.ShippingLines.Create(ctx, "ord_1", p); l != nil || !paramRefused(err) {
			t.Errorf("%s: accepted: %v", name, err)
		}
	}
	if _, err := c.ShippingLines.Update(ctx, "ord_1", "", p); !paramRefused(err) {
		t.Errorf("empty line id accepted: %v", err)
	}
}

func TestTaxLines(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	ctx := t.Context()
	mux.HandleFunc("POST "+lineOrder+"/tax_lines", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"amount":100,"description":"testing","metadata":{"key":"value"}}`)
		respond(w, 200, taxLineResponse)
	})
	mux.HandleFunc(lineOrder+"/tax_lines/tax_lin_2tQ8dC5mg1UADmVPo", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "PUT" {
			wire(t, r, "PUT", "", `{"amount":0}`)
		} else {
			wire(t, r, "DELETE", "", "")
		}
		respond(w, 200, taxLineResponse)
	})
	tx, err := c.TaxLines.Create(ctx, "ord_2tPAmKCEJqh8RE6nY", &TaxLineParams{Amount: 100, Description: "testing", Metadata: Metadata{"key": "value"}})
	if err != nil || tx.ID != "tax_lin_2tQ8dC5mg1UADmVPo" || tx.Amount != 100 || tx.Description != "testing" || len(tx.Raw) == 0 {
		t.Fatalf("%+v, %v", tx, err)
	}
	if _, err := c.TaxLines.Update(ctx, "ord_2tPAmKCEJqh8RE6nY", "tax_lin_2tQ8dC5mg1UADmVPo", &TaxLineUpdateParams{Amount: Int64(0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TaxLines.Delete(ctx, "ord_2tPAmKCEJqh8RE6nY", "tax_lin_2tQ8dC5mg1UADmVPo"); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]*TaxLineParams{"nil": nil, "no description": {Amount: 1}, "short": {Amount: 1, Description: "IV"},
		"negative": {Amount: -1, Description: "IVA"}} {
		if tx, err := c.TaxLines.Create(ctx, "ord_1", p); tx != nil || !paramRefused(err) {
			t.Errorf("%s: accepted: %v", name, err)
		}
	}
	for name, p := range map[string]*TaxLineUpdateParams{"nil": nil, "nothing": {}, "negative": {Amount: Int64(-1)}} {
		if tx, err := c.TaxLines.Update(ctx, "ord_1", "tax_1", p); tx != nil || !paramRefused(err) {
			t.Errorf("update %s: accepted: %v", name, err)
		}
	}
}

func TestOrdersCreateSendsItsLines(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/orders", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"currency":"MXN","customer_info":{"customer_id":"cus_1"},"line_items":[{"name":"Vasija","unit_price":20000,"quantity":1}],
			"discount_lines":[{"amount":500,"code":"123","type":"loyalty"}],"shipping_lines":[{"amount":100,"carrier":"FEDEX"}],
			"tax_lines":[{"amount":100,"description":"testing"}]}`)
		respond(w, 200, `{"id":"ord_2tPAmKCEJqh8RE6nY","object":"order","amount":19700,"currency":"MXN","payment_status":"pending_payment",
			"discount_lines":{"object":"list","has_more":false,"data":[`+discountLineResponse+`]},
			"shipping_lines":{"object":"list","has_more":false,"data":[`+shippingLineResponse+`]},
			"tax_lines":{"object":"list","has_more":false,"data":[`+taxLineResponse+`]}}`)
	})
	p := &OrderParams{Currency: "MXN", CustomerInfo: &CustomerInfo{CustomerID: "cus_1"}, LineItems: []*LineItem{{Name: "Vasija", UnitPrice: 20000, Quantity: 1}},
		DiscountLines: []*DiscountLineParams{{Amount: 500, Code: "123", Type: DiscountLoyalty}},
		ShippingLines: []*ShippingLineParams{{Amount: 100, Carrier: "FEDEX"}}, TaxLines: []*TaxLineParams{{Amount: 100, Description: "testing"}}}
	o, err := c.Orders.Create(t.Context(), p)
	if err != nil || o.Amount != 19700 || o.DiscountLines.Data[0].Code != "123" || o.ShippingLines.Data[0].Carrier != "FEDEX" || o.TaxLines.Data[0].Amount != 100 {
		t.Fatalf("%+v, %v", o, err)
	}
	for name, change := range map[string]func(p *OrderParams){
		"discount": func(p *OrderParams) {
			p.DiscountLines = []*DiscountLineParams{{Amount: -1, Code: "x", Type: DiscountCoupon}}
		},
		"shipping": func(p *OrderParams) { p.ShippingLines = []*ShippingLineParams{nil} },
		"tax":      func(p *OrderParams) { p.TaxLines = []*TaxLineParams{{Amount: 1}} },
	} {
		q := *p
		change(&q)
		if o, err := c.Orders.Create(t.Context(), &q); o != nil || !paramRefused(err) {
			t.Errorf("%s: accepted: %v", name, err)
		}
	}
}
