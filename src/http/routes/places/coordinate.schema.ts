import { z } from 'zod';

/**
 * A latitude (`limit` 90) or longitude (`limit` 180) in degrees, rounded to 6 decimals (about
 * 10 cm). Coordinates are stored as 4-byte floats: PostgreSQL refuses a value too close to zero
 * for one (`1e-40` is out of range for type real), so rounding keeps every accepted value storable.
 *
 * @example
 * coordinate(90).parse(48.1374321987); // 48.137432
 * coordinate(90).parse(-6.4e-323); // 0
 */
export function coordinate(limit: 90 | 180) {
  return z
    .number()
    .min(-limit)
    .max(limit)
    .transform((v) => Math.round(v * 1e6) / 1e6 + 0); // + 0: no -0
}
