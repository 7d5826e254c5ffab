function verify(email, callback) {
  const request = require('request');
  request.post({
    url: configuration.BASE_URL + '/users/' + encodeURIComponent(email) + '/verify',
    auth: { bearer: configuration.API_KEY }
  }, function (err, response) {
    if (err) return callback(err);
    callback(null, response.statusCode === 200);
  });
}
