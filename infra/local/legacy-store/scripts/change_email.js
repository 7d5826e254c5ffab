function changeEmail(email, newEmail, verified, callback) {
  const request = require('request');
  request.put({
    url: configuration.BASE_URL + '/users/' + encodeURIComponent(email) + '/email',
    auth: { bearer: configuration.API_KEY },
    json: { email: newEmail, verified: verified }
  }, function (err, response) {
    if (err) return callback(err);
    callback(null, response.statusCode === 200);
  });
}
