/** The inputs of the group form, as typed (shown again after a failed save). */
export interface GroupFormValues {
  slug: string;
  name: string;
  kind: string;
  description: string;
  tags: string;
  city: string;
  country: string;
  latitude: string;
  longitude: string;
  onlineOnly: boolean;
  timeZone: string;
  websiteUrl: string;
  chatUrl: string;
  codeOfConductUrl: string;
  visibility: string;
  joinPolicy: string;
  joinQuestions: string;
  /** Topic voting (edit page only): dots per member, at most per topic, topics picked. */
  votesPerMember: string;
  votesPerTopic: string;
  agendaTopics: string;
  /** `live` or `hidden` while a round is open. */
  tallyVisibility: string;
  /** Chat (edit page only; write-only): a new webhook URL, blank keeps the one set. */
  chatWebhookUrl: string;
  /** Remove the webhook that is set. */
  chatWebhookClear: boolean;
  /** A new signing secret, blank keeps the one set; never shown again. */
  chatSigningSecret: string;
  /** Remove the signing secret that is set. */
  chatSigningSecretClear: boolean;
}
