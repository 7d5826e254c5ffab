function getByEmail(email, callback) {
  const request = require('request');
  request.get({
    url: configuration.BASE_URL + '/users',
    qs: { email: email },
    auth: { bearer: configuration.API_KEY },
    json: true
  }, function (err, response, body) {
    if (err) return callback(err);
    if (response.statusCode === 404) return callback(null);
    if (response.statusCode !== 200) return callback(new Error('legacy store answered ' + response.statusCode));
    callback(null, {
      user_id: body.id,
      email: body.email,
      email_verified: body.email_verified,
      name: body.name,
      user_metadata: body.user_metadata,
      metadata: body.metadata
    });
  });
}
