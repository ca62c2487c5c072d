// The same no-op handler as bench/fixtures/noop.
exports.handler = async () => ({ ok: true });
