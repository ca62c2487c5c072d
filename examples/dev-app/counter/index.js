// A module-level counter: it keeps counting while the instance stays warm.
let calls = 0;

exports.handler = async () => {
  calls += 1;
  console.log(`counter call ${calls}`);
  return { statusCode: 200, body: JSON.stringify({ calls }) };
};
