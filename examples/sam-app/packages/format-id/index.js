/** Formats an order id as the sample shows it. */
exports.formatId = (n) => `order-${String(n).padStart(6, "0")}`;
