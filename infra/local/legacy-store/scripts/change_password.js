function changePassword(email, newPassword, callback) {
  const request = require('request');
  request.put({
    url: configuration.BASE_URL + '/users/' + encodeURIComponent(email) + '/password',
    auth: { bearer: configuration.API_KEY },
    json: { password: newPassword }
  }, function (err, response) {
    if (err) return callback(err);
    callback(null, response.statusCode === 200);
  });
}
