import { hash, verify, type Options } from '@node-rs/argon2';

/**
 * Password hashing: argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane), stored as
 * a PHC string so parameters can be raised later and old hashes still verify.
 */
const ARGON2ID = 2; // Algorithm.Argon2id; the package exports it as a const enum.
const OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string) => hash(password, OPTIONS);

/** False for a wrong password and for a malformed stored hash (never throws). */
export const verifyPassword = (phc: string, password: string): Promise<boolean> => verify(phc, password).catch(() => false);
