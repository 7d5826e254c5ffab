function remove(id, callback) {
  const request = require('request');
  request.del({
    url: configuration.BASE_URL + '/users/' + encodeURIComponent(id),
    auth: { bearer: configuration.API_KEY }
  }, function (err, response) {
    if (err) return callback(err);
    if (response.statusCode !== 204 && response.statusCode !== 404) return callback(new Error('legacy store answered ' + response.statusCode));
    callback(null);
  });
}
