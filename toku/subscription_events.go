package toku

// Typed accessors for the subscription and bank-account events. The event
// type constants live with the others (EventSubscriptionCreated,
// EventSubscriptionUpdated, EventSubscriptionDeleted and
// EventBankAccountVerificationResult); an event of a type pagos does not
// know is still delivered, with Type as sent and Raw.

// SubscriptionEventTypes lists the subscription events Toku sends, for
// WebhookEndpointParams.EnabledEvents.
func SubscriptionEventTypes() []EventType {
	return []EventType{EventSubscriptionCreated, EventSubscriptionUpdated, EventSubscriptionDeleted}
}

// IsSubscriptionEvent reports whether t is one of the subscription.* events,
// including ones Toku may add later.
func (t EventType) IsSubscriptionEvent() bool { return t.Object() == "subscription" }

// BankAccountVerification returns the bank_account_verification object of
// bank_account_verification.result (Mexico). Toku does not publish this
// payload: the object's key is assumed from the rule every documented event
// follows (the key is the type's prefix), and its fields are listed as
// unconfirmed on BankAccountVerification; Raw keeps them all.
func (e *Event) BankAccountVerification() (*BankAccountVerification, error) {
	return object[BankAccountVerification](e, "bank_account_verification")
}
