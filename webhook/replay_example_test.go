package webhook_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/tpaga/tpagatest"
	"github.com/pagos-go/pagos/webhook"
)

// A deposit whose notification never arrived (the fake has no URL to post
// it to) is found through the reference details and credited once; a
// second run finds it done.
func ExampleReplayTpaga() {
	srv := tpagatest.NewServer(nil)
	defer srv.Close()
	ctx := context.Background()
	client, _ := tpaga.NewClient(srv.Token, tpaga.WithBaseURL(srv.URL))
	sim, _ := tpaga.NewEfectySimulator(srv.EfectyAPIKey, tpaga.WithBaseURL(srv.URL))
	ref, err := client.References.Create(ctx, &tpaga.ReferenceParams{Requester: tpaga.Requester{FirstNames: "Noa", LastNames: "Tamayo",
		DocumentType: tpaga.DocumentCC, DocumentNumber: "111222333", PhoneNumber: "+573000000000"}, Description: "Recarga", Amount: 20000})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: ref.Reference, Amount: 20000, EfectyOrderID: "999777555"}); err != nil {
		fmt.Println(err)
		return
	}

	h, _ := webhook.NewTpagaHandler("Basic 1234567890", func(ctx context.Context, n *tpaga.Notification) error {
		amount, _ := n.Amount()
		fmt.Println("credited", n.Reference, n.EfectyOrderID, amount)
		return nil
	}, webhook.WithLogger(slog.New(slog.DiscardHandler)))
	for range 2 {
		s, err := webhook.ReplayTpaga(ctx, h, client, []string{ref.Reference}) // in production: the references awaiting a deposit
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("listed %d, already done %d, replayed %d, failed %d\n", s.Listed, s.AlreadyDone, s.Replayed, len(s.Failed))
	}
	// Output:
	// credited 575600000001 999777555 20000
	// listed 1, already done 0, replayed 1, failed 0
	// listed 1, already done 1, replayed 0, failed 0
}
