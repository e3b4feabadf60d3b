/** The inputs of the meeting form, as typed (shown again after a failed save). */
export interface EventFormValues {
  title: string;
  description: string;
  /** `YYYY-MM-DDTHH:mm`, wall-clock time in the meeting's zone. */
  startsAt: string;
  endsAt: string;
  venueId: string;
  onlineUrl: string;
  capacity: string;
  guestLimit: string;
  rsvpOpensAt: string;
  rsvpClosesAt: string;
  sponsorIds: string[];
  publish: boolean;
}

/** The inputs of the series form: "every [interval] [frequency] on the [week] [weekday] at …". */
export interface SeriesFormValues {
  title: string;
  description: string;
  frequency: string;
  interval: string;
  weekOfMonth: string;
  weekday: string;
  startTime: string;
  durationMinutes: string;
  startDate: string;
  until: string;
  venueId: string;
  onlineUrl: string;
  capacity: string;
  guestLimit: string;
  /** Open a topic vote for the next meeting whenever one ends (unchecked when absent). */
  votingRounds?: boolean;
  /** That vote closes this many hours before the next meeting (the API's 24 when absent). */
  votingClosesHours?: string;
}

/** The inputs of the venue form. */
export interface VenueFormValues {
  name: string;
  address: string;
  room: string;
  capacity: string;
  accessibility: string;
  host: string;
  latitude: string;
  longitude: string;
}

/** The inputs of the sponsor form. */
export interface SponsorFormValues {
  name: string;
  url: string;
  contributions: string[];
}
