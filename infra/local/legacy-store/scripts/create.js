function create(user, callback) {
  const request = require('request');
  request.post({
    url: configuration.BASE_URL + '/users',
    auth: { bearer: configuration.API_KEY },
    json: {
      email: user.email,
      password: user.password,
      username: user.username,
      user_metadata: user.user_metadata,
      metadata: user.metadata
    }
  }, function (err, response) {
    if (err) return callback(err);
    if (response.statusCode === 409) return callback(new ValidationError('user_exists', 'The user already exists.'));
    if (response.statusCode !== 201) return callback(new Error('legacy store answered ' + response.statusCode));
    callback(null);
  });
}
