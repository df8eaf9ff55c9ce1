package fygaro_test

import (
	"errors"
	"fmt"

	"github.com/pagos-go/pagos/fygaro"
)

// Build a dynamic link. The credential and claims are the worked example of
// Fygaro's dynamic-button guide, so the token is reproducible.
func ExampleButton_Link() {
	btn, err := fygaro.NewButton("https://www.fygaro.com/es/pb/3f2b8c1e-6a4d-4f0b-9c2e-8d7a1b5e4f60/", "Your-Key", "Your-Fygaro-Secret")
	if err != nil {
		fmt.Println(err)
		return
	}
	link, err := btn.Link(&fygaro.LinkParams{Amount: fygaro.AmountFromCents(10001), Currency: "USD", CustomReference: "001"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(link)
	fmt.Println(btn) // never the secret
	// Output:
	// https://www.fygaro.com/es/pb/3f2b8c1e-6a4d-4f0b-9c2e-8d7a1b5e4f60/?jwt=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IllvdXItS2V5In0.eyJhbW91bnQiOiIxMDAuMDEiLCJjdXJyZW5jeSI6IlVTRCIsImN1c3RvbV9yZWZlcmVuY2UiOiIwMDEifQ.418_-9d0fygMfTnGv0V6ECAlIMcGZodIVTJQfb51AaY
	// fygaro.Button(https://www.fygaro.com/es/pb/3f2b8c1e-6a4d-4f0b-9c2e-8d7a1b5e4f60/, key Your-Key)
}

// A plain pre-filled link works on every plan, but the customer can edit it.
func ExampleButtonURL_PrefilledLink() {
	u, err := fygaro.ParseButtonURL("https://www.fygaro.com/es/pb/3f2b8c1e-6a4d-4f0b-9c2e-8d7a1b5e4f60/")
	if err != nil {
		fmt.Println(err)
		return
	}
	link, _ := u.PrefilledLink(&fygaro.PrefillParams{Amount: fygaro.AmountFromCents(1000), ClientReference: "order-1001", Lang: fygaro.LangEnglish})
	fmt.Println(link)
	// Output:
	// https://www.fygaro.com/en/pb/3f2b8c1e-6a4d-4f0b-9c2e-8d7a1b5e4f60/?amount=10.00&client_reference=order-1001
}

// Bad input is refused before a link exists, naming the field to fix.
func ExampleParamError() {
	btn, _ := fygaro.NewButton("https://www.fygaro.com/es/pb/3f2b8c1e-6a4d-4f0b-9c2e-8d7a1b5e4f60/", "Your-Key", "Your-Fygaro-Secret")
	amount, _ := fygaro.ParseAmount("19.999")
	_, err := btn.Link(&fygaro.LinkParams{Amount: amount, Currency: "USD", CustomReference: "order-1001"})
	var pe *fygaro.ParamError
	if errors.As(err, &pe) {
		fmt.Println(pe.Field, errors.Is(err, fygaro.ErrInvalidRequest))
		fmt.Println(err)
	}
	// Output:
	// LinkParams.Amount true
	// fygaro: LinkParams.Amount: is 19.999; Fygaro takes at most two decimal places, so round it first
}
