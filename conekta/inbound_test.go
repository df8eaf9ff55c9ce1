package conekta

import (
	"encoding/json"
	"testing"
)

func TestInboundAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a    InboundAnswer
		typ  EventType
		json string
		ok   bool
	}{
		{ApproveLookup(5000, 1000000), EventInboundPaymentLookup, `{"payable":true,"min_amount":5000,"max_amount":1000000}`, true},
		{ApprovePayment(), EventInboundPaymentAttempt, `{"payable":true}`, true},
		{Decline(FailureUserBlocked), EventInboundPaymentLookup, `{"payable":false,"failure_code":"15"}`, true},
		{ApproveLookup(0, 100), EventInboundPaymentLookup, "", false},
		{ApproveLookup(200, 100), EventInboundPaymentLookup, "", false},
		{ApprovePayment(), EventInboundPaymentLookup, "", false},
		{ApproveLookup(1, 2), EventInboundPaymentAttempt, "", false},
		{Decline(""), EventInboundPaymentAttempt, "", false},
		{Decline("5"), EventInboundPaymentAttempt, "", false},
		{InboundAnswer{Payable: true, FailureCode: "15"}, EventInboundPaymentAttempt, "", false},
	}
	for _, tc := range cases {
		err := tc.a.Check(tc.typ)
		if (err == nil) != tc.ok {
			t.Errorf("Check(%+v, %s) = %v", tc.a, tc.typ, err)
		}
		if tc.ok {
			b, _ := json.Marshal(tc.a)
			if string(b) != tc.json {
				t.Errorf("%+v encodes as %s, want %s", tc.a, b, tc.json)
			}
			var back InboundAnswer
			if err := json.Unmarshal(b, &back); err != nil || back != tc.a {
				t.Errorf("round trip of %s: %+v, %v", b, back, err)
			}
		}
	}
	if err := json.Unmarshal([]byte(`{}`), new(InboundAnswer)); err == nil {
		t.Error("an answer without payable decoded")
	}
}

func TestFailureCodes(t *testing.T) {
	t.Parallel()
	codes := []FailureCode{FailureReferenceNotFound, FailureInvalidAmount, FailureReferenceExpired, FailureNoDebt, FailureReferenceInactive,
		FailureReferenceCanceled, FailureUserBlocked, FailureAmountNotAllowed, FailureOutsideHours, FailureNotAuthorized,
		FailureAmountOutOfRange, FailureReferenceAlreadyPaid}
	seen := map[string]bool{}
	for _, c := range codes {
		if !c.Known() || !isTwoDigits(string(c)) || seen[c.Meaning()] {
			t.Errorf("code %q: meaning %q", c, c.Meaning())
		}
		seen[c.Meaning()] = true
	}
	if FailureUserBlocked.String() != "15 (user blocked)" || FailureCode("99").Known() || FailureCode("99").String() != "99" {
		t.Errorf("String/Known: %s %s", FailureUserBlocked, FailureCode("99"))
	}
}
