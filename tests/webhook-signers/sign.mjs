// Signs webhooks the way the providers' own libraries do, for Relay's integration tests.
// Reads a JSON array from stdin: [{ "scheme", "secret", "body", "timestamp"?, "id"? }, ...]
// and writes a JSON array of header objects, one per request, in the same order.
//   stripe             stripe's webhooks.generateTestHeaderString          -> Stripe-Signature
//   github             @octokit/webhooks-methods sign                      -> X-Hub-Signature-256
//   shopify            @shopify/shopify-api test-helpers getHmac           -> X-Shopify-Hmac-Sha256
//   standard-webhooks  standardwebhooks Webhook.sign                       -> webhook-id, webhook-timestamp, webhook-signature
import Stripe from 'stripe';
import { sign as signGitHub } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { getHmac } from '@shopify/shopify-api/test-helpers';

let input = '';
for await (const chunk of process.stdin) input += chunk;

const stripe = new Stripe('sk_test_not_used_for_signing');
const headers = [];
for (const request of JSON.parse(input)) {
  switch (request.scheme) {
    case 'stripe':
      headers.push({ 'Stripe-Signature': stripe.webhooks.generateTestHeaderString({ payload: request.body, secret: request.secret, timestamp: request.timestamp }) });
      break;
    case 'github':
      headers.push({ 'X-Hub-Signature-256': await signGitHub(request.secret, request.body) });
      break;
    case 'shopify':
      headers.push({ 'X-Shopify-Hmac-Sha256': getHmac(request.body, request.secret) });
      break;
    case 'standard-webhooks':
      headers.push({
        'webhook-id': request.id,
        'webhook-timestamp': String(request.timestamp),
        'webhook-signature': new Webhook(request.secret).sign(request.id, new Date(request.timestamp * 1000), request.body),
      });
      break;
    default:
      throw new Error(`unknown scheme ${request.scheme}`);
  }
}
process.stdout.write(JSON.stringify(headers));
