function login(email, password, callback) {
  // The legacy store checks the password itself (POST /login); see login-bcrypt.js for a store
  // that hands out its bcrypt hashes instead.
  const request = require('request');
  request.post({
    url: configuration.BASE_URL + '/login',
    auth: { bearer: configuration.API_KEY },
    json: { email: email, password: password }
  }, function (err, response, body) {
    if (err) return callback(err);
    if (response.statusCode === 401) return callback(new WrongUsernameOrPasswordError(email));
    if (response.statusCode !== 200) return callback(new Error('legacy store answered ' + response.statusCode));
    callback(null, {
      user_id: body.id,
      email: body.email,
      email_verified: body.email_verified,
      name: body.name,
      given_name: body.given_name,
      family_name: body.family_name,
      user_metadata: body.user_metadata,
      metadata: body.metadata
    });
  });
}
