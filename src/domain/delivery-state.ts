/**
 * Every state a delivery can be in, written once: routes, the OpenAPI document and the page import it.
 * `canceled`: its destination was deleted or removed from FORWARD_URL; visible, counted, redeliverable.
 */
export const DELIVERY_STATES = ["pending", "delivered", "failed", "exhausted", "canceled"] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** The states a bulk redeliver may replay. */
export const REDELIVERABLE_STATES = ["exhausted", "failed", "canceled"] as const satisfies readonly DeliveryState[];
