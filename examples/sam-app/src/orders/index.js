const { formatId } = require("format-id");

/** Lists orders; its dependency comes from its own node_modules (installed by haneul build). */
exports.handler = async () => ({
  statusCode: 200,
  body: JSON.stringify({ stage: process.env.STAGE, orders: [formatId(1), formatId(2)] }),
});
