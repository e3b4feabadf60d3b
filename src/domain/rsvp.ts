/** A person's answer to a meeting. */
export const RSVP_STATUSES = ['going', 'waitlisted', 'not_going'] as const;
export type RsvpStatus = (typeof RSVP_STATUSES)[number];

/** Seats of one meeting: `capacity` null means no limit; seats taken count guests too. */
export interface Seats {
  capacity: number | null;
  taken: number;
  /** People waiting for a seat. */
  waiting: number;
}

/** Whether `seats` more fit. */
export function fits(state: Pick<Seats, 'capacity' | 'taken'>, seats: number): boolean {
  return state.capacity === null || state.taken + seats <= state.capacity;
}

/**
 * Where someone who says "going" (with `guests`) lands: a seat when it fits and nobody is waiting
 * already — first come, first served, so nobody overtakes the waitlist — otherwise the waitlist.
 *
 * @example
 * arrive({ capacity: 10, taken: 9, waiting: 0 }, 1); // 'waitlisted' (1 + 1 guest = 2 seats)
 */
export function arrive(state: Seats, guests: number): 'going' | 'waitlisted' {
  return state.waiting === 0 && fits(state, 1 + guests) ? 'going' : 'waitlisted';
}

/**
 * Who moves up from the waitlist when seats free: from the front, in order, while the next one
 * (with guests) fits. It stops at the first who does not fit, so nobody is ever skipped.
 *
 * @example
 * promote({ capacity: 10, taken: 7 }, [{ id: 'a', seats: 2 }, { id: 'b', seats: 2 }, { id: 'c', seats: 1 }]);
 * // ['a'] — b needs 2 of the 1 seat left, and c waits behind b
 */
export function promote<T extends { seats: number }>(
  state: Pick<Seats, 'capacity' | 'taken'>,
  waitlist: readonly T[]
): T[] {
  const promoted: T[] = [];
  let taken = state.taken;
  for (const next of waitlist) {
    if (!fits({ capacity: state.capacity, taken }, next.seats)) break;
    promoted.push(next);
    taken += next.seats;
  }
  return promoted;
}

/** Why a change to seats is refused. */
export type SeatRefusal = 'full' | 'capacityBelowTaken' | 'tooManyGuests';

/**
 * Whether someone already going may change their guests from `from` to `to`: fewer always; more
 * only while the extra seats fit and nobody is waiting for them.
 */
export function changeGuests(
  state: Seats,
  from: number,
  to: number,
  guestLimit: number
): SeatRefusal | null {
  if (to > guestLimit) return 'tooManyGuests';
  if (to <= from) return null;
  return state.waiting === 0 && fits(state, to - from) ? null : 'full';
}

/** A capacity below the seats already taken would turn people away who were promised a seat. */
export function changeCapacity(taken: number, capacity: number | null): SeatRefusal | null {
  return capacity !== null && capacity < taken ? 'capacityBelowTaken' : null;
}
