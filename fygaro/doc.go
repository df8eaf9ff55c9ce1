// Package fygaro makes payment links for Fygaro payment buttons and types
// the hook Fygaro sends after a payment.
//
// Fygaro has no payments API to call: a customer pays on Fygaro's checkout
// page, opened from a button's link, and Fygaro then POSTs a hook to the URL
// set in the button's advanced options. This package builds the links;
// package webhook verifies and serves the hook.
//
// # Usage
//
//	btn, err := fygaro.NewButton("https://www.fygaro.com/es/pb/<uuid>/", apiKey, apiSecret)
//	link, err := btn.Link(&fygaro.LinkParams{
//		Amount:          fygaro.AmountFromCents(2500), // 25.00
//		Currency:        "USD",
//		CustomReference: "order-1001",
//		ExpiresAt:       time.Now().Add(24 * time.Hour),
//		Client:          fygaro.ClientData{Name: "Ana Pérez", Email: "ana@example.com"},
//	})
//	// redirect the customer to link
//
// Link makes a dynamic link (?jwt=…), which needs Fygaro's Pro plan or
// higher: its claims are signed, so the customer cannot change the amount.
// On any plan, ButtonURL.PrefilledLink makes a plain link
// (?amount=…&client_note=…&client_reference=…) whose fields the customer
// can edit. Input is checked before a link is built; a refusal is a
// *ParamError naming the field to fix, matching ErrInvalidRequest.
//
// # Authentication
//
// Dynamic links are HS256 JWTs with the API key as the header's kid, signed
// with the API secret (Fygaro: Settings → API Credentials; the secret is
// shown once). A Button never prints its secret, and Secret prints as
// [redacted]. Links carry no secret, but anyone holding one can pay it until
// it expires: set ExpiresAt.
//
// # Money
//
// Amounts are Amount, an exact decimal in the currency's major unit, never a
// float. Fygaro takes at most two decimal places; links send them as
// strings with exactly two ("25.00"). Build amounts with AmountFromCents
// (hundredths: AmountFromCents(2500) is 25.00), AmountFromWhole (whole
// units) or ParseAmount. Amount is pagos.Amount: Add, Sub and Cmp are exact.
//
// # Hooks
//
// Fygaro POSTs a JSON body with customReference, the transaction reference
// (transactionReference in the oldest hooks, reference since), createdAt
// and a jwt whose claims hold the payment: amount, currency and clientData.
// Newer hooks add a Fygaro-Signature header (an HMAC of the timestamp and
// raw body) and Fygaro-Key-ID. Hook decodes every generation; Hook.Claims
// decodes the claims once webhook verification has checked them.
//
// Serve hooks with webhook.NewFygaroHandler: it verifies the signature and
// the JWT, answers exactly 200 once your code succeeded (Fygaro counts
// nothing else as delivered, retries up to 4 times, then may suspend the
// button's hook), and processes each transaction reference once. Match the
// hook to your order by Claims.CustomReference and check Claims.Amount and
// Claims.Currency against it.
//
// # Testing
//
// Package fygarotest is a fake checkout: it opens links as Fygaro would,
// refusing bad signatures, a wrong kid and expired links, records payments,
// and posts correctly signed hooks, with Fygaro's retries.
package fygaro
