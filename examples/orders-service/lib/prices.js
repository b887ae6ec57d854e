'use strict';
// A price lookup memoised in a module-level Map keyed by whatever the request asks for: the Map
// lives as long as the process and nothing ever deletes from it. server.js calls it per request,
// which only the project view can see from here.
const prices = new Map();

function priceOf(sku) {
  if (!prices.has(sku)) prices.set(sku, { sku, cents: 100 + (sku.length % 7) * 25 });
  return prices.get(sku);
}

module.exports = { priceOf };
