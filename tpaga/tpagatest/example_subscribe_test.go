package tpagatest_test

import (
	"context"
	"fmt"

	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/tpaga/tpagatest"
)

// Subscribe wires a handler to the fake in one call; a deposit at the
// Efecty kiosk reaches it before Pay returns.
func ExampleServer_Subscribe() {
	ctx := context.Background()
	srv := tpagatest.NewServer(nil) // NewServer(t) in a test: closed when it ends
	defer srv.Close()
	srv.Subscribe(func(ctx context.Context, n *tpaga.Notification) error {
		amount, err := n.Amount()
		if err != nil {
			return err
		}
		fmt.Println("deposit", n.EfectyOrderID, "of", amount, "COP to", n.Reference)
		return nil
	})

	ref, err := srv.Client().References.Create(ctx, &tpaga.ReferenceParams{Description: "Recarga", Amount: 20000,
		Requester: tpaga.Requester{FirstNames: "Noa", LastNames: "Tamayo", DocumentType: tpaga.DocumentCC, DocumentNumber: "111222333"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	code, _ := ref.Code()
	if _, err := srv.EfectySimulator().Pay(ctx, &tpaga.EfectyPaymentParams{Reference: code, Amount: 20000, EfectyOrderID: "999777555"}); err != nil {
		fmt.Println(err)
	}
	// Output: deposit 999777555 of 20000 COP to 575600000001
}
