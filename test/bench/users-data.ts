/** The users the operations and logins sections create: typical metadata, as Auth0 tenants carry it. */
export const USER_METADATA = {
  theme: 'dark',
  locale: 'en-GB',
  timezone: 'Europe/London',
  newsletter: true,
  favourite_colours: ['teal', 'orange'],
  bio: 'Benchmark user; this text only pads the profile to a typical size.',
};

export const APP_METADATA = {
  plan: 'enterprise',
  roles: ['admin', 'billing'],
  tenant_id: 'tnt_0123456789abcdef',
  features: { sso: true, mfa: true, audit_log: false },
  limits: { seats: 250, projects: 40 },
};

/** Bytes of metadata JSON a created user carries. */
export const METADATA_BYTES = Buffer.byteLength(JSON.stringify(USER_METADATA)) + Buffer.byteLength(JSON.stringify(APP_METADATA));

export type CreateBody = (email: string, extra?: Record<string, unknown>) => Record<string, unknown>;

/** The body of POST /api/v2/users in `connection`; `extra` goes into user_metadata. */
export const createBodyFor =
  (connection: string): CreateBody =>
  (email, extra = {}) => ({
    connection,
    email,
    password: 'Bench-Password-0123456789!',
    given_name: 'Bench',
    family_name: 'User',
    user_metadata: { ...USER_METADATA, ...extra },
    app_metadata: APP_METADATA,
  });

export const userPath = (id: string) => `/api/v2/users/${encodeURIComponent(id)}`;
