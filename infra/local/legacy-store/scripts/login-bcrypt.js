function login(email, password, callback) {
  const request = require('request');
  const bcrypt = require('bcrypt');
  request.get({
    url: configuration.BASE_URL + '/users',
    qs: { email: email, include: 'password_hash' },
    headers: { Authorization: 'Bearer ' + configuration.API_KEY },
    json: true
  }, function (err, response, user) {
    if (err) return callback(err);
    if (response.statusCode === 404) return callback(new WrongUsernameOrPasswordError(email));
    if (response.statusCode !== 200) return callback(new Error('legacy store answered ' + response.statusCode));
    bcrypt.compare(password, user.password_hash, function (err, isValid) {
      if (err || !isValid) return callback(err || new WrongUsernameOrPasswordError(email));
      callback(null, {
        user_id: user.id,
        email: user.email,
        email_verified: user.email_verified,
        name: user.name,
        user_metadata: user.user_metadata,
        metadata: user.metadata
      });
    });
  });
}
