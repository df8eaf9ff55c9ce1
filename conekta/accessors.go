package conekta

// The accessors below answer the reads a cash integration needs most
// without a walk through pointers, lists and Text values; ok is false when
// the object (nil included) has no such value.

// CashSource returns the customer's first cash payment source that is not
// deleted (a recurring OXXO reference, RecurringCashSource), as the
// customer create or get returned it.
func (c *Customer) CashSource() (*CashReference, bool) {
	if c == nil || c.PaymentSources == nil {
		return nil, false
	}
	for _, s := range c.PaymentSources.Data {
		if s != nil && !s.Deleted && s.Cash != nil {
			return s.Cash, true
		}
	}
	return nil, false
}

// CashReference returns the number the cashier types for the customer's
// cash payment source (CashSource), such as "93000262276908".
func (c *Customer) CashReference() (string, bool) {
	if ref, ok := c.CashSource(); ok && ref.Reference != "" {
		return string(ref.Reference), true
	}
	return "", false
}

// CashBarcodeURL returns the URL of the barcode image of the customer's cash
// payment source (CashSource), for the payment slip.
func (c *Customer) CashBarcodeURL() (string, bool) {
	if ref, ok := c.CashSource(); ok && ref.BarcodeURL != "" {
		return ref.BarcodeURL, true
	}
	return "", false
}

// CashReference returns the number the cashier types for a cash charge
// (an OXXO order's), or the reference it was paid through.
func (ch *Charge) CashReference() (string, bool) {
	if ch == nil || ch.PaymentMethod == nil || ch.PaymentMethod.Cash == nil || ch.PaymentMethod.Cash.Reference == "" {
		return "", false
	}
	return string(ch.PaymentMethod.Cash.Reference), true
}

// CashReference returns the cash reference of the order's first charge that
// has one (Charge.CashReference): what the customer pays an OXXO order with.
func (o *Order) CashReference() (string, bool) {
	if o == nil || o.Charges == nil {
		return "", false
	}
	for _, ch := range o.Charges.Data {
		if ref, ok := ch.CashReference(); ok {
			return ref, true
		}
	}
	return "", false
}
