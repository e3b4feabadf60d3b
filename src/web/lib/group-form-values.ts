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
}
