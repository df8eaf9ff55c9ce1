package conekta

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
)

func TestTokensNeverShowTheCard(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/tokens", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"card":{"number":"4242424242424242","name":"Ana","exp_month":"12","exp_year":"30","cvc":"123"}}`)
		respond(w, 200, `{"id":"tok_2q6cyio5sDqCyvYh7","livemode":false,"object":"token","used":false}`)
	})
	card := &TokenCard{Number: "4242424242424242", Name: "Ana", ExpMonth: "12", ExpYear: "30", CVC: "123"}
	tok, err := c.Tokens.Create(t.Context(), card)
	if err != nil || tok.ID != "tok_2q6cyio5sDqCyvYh7" || tok.Used {
		t.Fatalf("Create = %+v, %v", tok, err)
	}
	// Printed, logged through slog's JSON and text handlers (alone or
	// nested), or JSON-encoded: never the number or CVC.
	var logs testutil.LogBuffer
	logs.Logger().Info("tokenizing", "card", card, "request", struct{ Card *TokenCard }{card})
	slog.New(slog.NewTextHandler(&logs, nil)).Info("tokenizing", "card", card)
	js, _ := json.Marshal(map[string]any{"card": card})
	for _, s := range []string{fmt.Sprint(card), fmt.Sprintf("%v %+v %#v %s", *card, *card, *card, card), logs.String(), string(js)} {
		if strings.Contains(s, "4242424242424242") || strings.Contains(s, `"123"`) || strings.Contains(s, "cvc") {
			t.Fatalf("card data printed: %s", s)
		}
	}
	if !strings.Contains(logs.String(), "card ending 4242") {
		t.Fatalf("the masked card is not in the log, so the check proves nothing: %s", logs.String())
	}
	bad := *card
	bad.ExpYear = "2030"
	if _, err := c.Tokens.Create(t.Context(), &bad); !errors.Is(err, ErrInvalidRequest) || strings.Contains(err.Error(), "4242") {
		t.Fatalf("bad card: %v", err)
	}
}
