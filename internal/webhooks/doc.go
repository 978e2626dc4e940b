// Package webhooks implements the Standard Webhooks scheme
// (https://www.standardwebhooks.com/) in both directions: Verifier checks
// signed requests that arrive at the ingest webhook, and Worker delivers
// outbound events from the outbox to configured subscribers, signing each
// request and retrying failures with capped exponential backoff.
//
// A signed request carries three headers: webhook-id (a stable identifier
// that receivers use to drop duplicates), webhook-timestamp (unix seconds
// of this attempt) and webhook-signature, a space-separated list of
// "v1,<base64 HMAC-SHA256>" entries computed over "id.timestamp.body".
//
// The package does no SQL: Worker reaches the outbox only through the Queue
// interface declared here, which internal/store implements.
package webhooks
