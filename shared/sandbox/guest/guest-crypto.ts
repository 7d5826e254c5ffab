import { DIGESTS } from '#shared/sandbox/guest/modules/host-modules';

/**
 * Guest code: the `crypto` and `bcrypt` modules of custom database scripts (in the closure of
 * guest-modules.ts, whose helpers it uses). Both are thin: the work is the host's
 * (modules/host-modules.ts), reached through `host.call` (synchronous forms) and `host.task`
 * (callbacks and promises).
 */
export const GUEST_CRYPTO = String.raw`
// ---- crypto ----
const DIGESTS = ${JSON.stringify(DIGESTS)};
function hasher(alg, key) {
  const name = String(alg);
  hostCall('digest', { alg: name, key, parts: [] }); // an unknown algorithm throws here, as in Node
  const parts = [];
  let finished = false;
  const h = {
    update(data, encoding) {
      if (finished) throw new ErrorCtor('Digest already called');
      parts.push(part(data, encoding, 'data'));
      return h;
    },
    digest(encoding) {
      if (finished) throw new ErrorCtor('Digest already called');
      finished = true;
      return hostCall('digest', { alg: name, key, parts, encoding });
    },
  };
  return h;
}
function pbkdf2Args(password, salt, iterations, keylen, digest) {
  return { password: part(password, undefined, 'password'), salt: part(salt, undefined, 'salt'), iterations, keylen, digest };
}
const cryptoModule = freeze({
  createHash: (alg) => hasher(alg, undefined),
  createHmac: (alg, key) => hasher(alg, part(key, undefined, 'key')),
  randomBytes(size, cb) {
    if (typeof cb === 'function') return promiseOrCallback(hostTask('randomBytes', { size }), cb);
    return hostCall('randomBytes', { size });
  },
  randomUUID: () => hostCall('randomUUID', {}),
  timingSafeEqual: (a, b) => hostCall('timingSafeEqual', { a: part(a, undefined, 'buf1'), b: part(b, undefined, 'buf2') }),
  pbkdf2(password, salt, iterations, keylen, digest, cb) {
    if (typeof cb !== 'function') throw new TypeErrorCtor('The "callback" argument must be of type function');
    settle(hostTask('pbkdf2', pbkdf2Args(password, salt, iterations, keylen, digest)), cb);
  },
  pbkdf2Sync: (password, salt, iterations, keylen, digest) => hostCall('pbkdf2', pbkdf2Args(password, salt, iterations, keylen, digest)),
  getHashes: () => DIGESTS.slice(),
});

// ---- bcrypt (node.bcrypt.js and bcryptjs alike: callbacks, or promises without one) ----
const bcryptModule = freeze({
  genSaltSync: (rounds) => hostCall('bcrypt.genSalt', { rounds }),
  genSalt(...args) {
    const rounds = typeof args[0] === 'number' ? args[0] : undefined;
    return promiseOrCallback(hostTask('bcrypt.genSalt', { rounds }), lastFunction(args));
  },
  hashSync: (data, salt) => hostCall('bcrypt.hash', { data, salt }),
  hash: (data, salt, cb) => promiseOrCallback(hostTask('bcrypt.hash', { data, salt }), cb),
  compareSync: (data, hash) => hostCall('bcrypt.compare', { data, hash }),
  compare: (data, hash, cb) => promiseOrCallback(hostTask('bcrypt.compare', { data, hash }), cb),
  getRounds: (hash) => Number(hostCall('bcrypt.getRounds', { hash })),
});
`;
