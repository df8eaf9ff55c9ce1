package conekta

// Subscription, plan and payout order events. The OpenAPI file names no
// event types, and Conekta's webhook documentation lists these objects'
// events without a complete table (research §2.6): subscription.created,
// .paid, .paused and .canceled appear in Conekta's own examples, the rest
// follow Conekta's object.verb naming. An event of a type not listed here
// is still delivered with its Type as sent, so switch on Type.Object() to
// catch one. subscription.paid and subscription.payment_failed are the ones
// a billing integration needs: settle a period on the first, ask the
// customer for another card on the second.
const (
	EventSubscriptionCreated       EventType = "subscription.created"
	EventSubscriptionPaid          EventType = "subscription.paid"           // a period was charged; data.object is the subscription
	EventSubscriptionPaymentFailed EventType = "subscription.payment_failed" // a period's charge failed; the subscription is past_due
	EventSubscriptionUpdated       EventType = "subscription.updated"
	EventSubscriptionPaused        EventType = "subscription.paused"
	EventSubscriptionResumed       EventType = "subscription.resumed"
	EventSubscriptionCanceled      EventType = "subscription.canceled"
	EventSubscriptionExpired       EventType = "subscription.expired" // the plan's ExpiryCount was reached

	EventPlanCreated EventType = "plan.created"
	EventPlanUpdated EventType = "plan.updated"
	EventPlanDeleted EventType = "plan.deleted"

	EventPayoutOrderCreated   EventType = "payout_order.created"
	EventPayoutOrderCancelled EventType = "payout_order.cancelled"
	EventPayoutOrderClosed    EventType = "payout_order.closed" // the customer collected the money
)

// Subscription returns the subscription of a subscription.* event.
func (e *Event) Subscription() (*Subscription, error) {
	return decodeAs[Subscription](e, "subscription")
}

// Plan returns the plan of a plan.* event.
func (e *Event) Plan() (*Plan, error) { return decodeAs[Plan](e, "plan") }

// PayoutOrder returns the payout order of a payout_order.* event.
func (e *Event) PayoutOrder() (*PayoutOrder, error) {
	return decodeAs[PayoutOrder](e, "payout_order")
}
